"""How much an accuracy measured on a few hundred images is worth (notebook 06).

``wilson_interval`` is the textbook interval for a share of successes;
``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`` computes the
same in practice. ``bootstrap_interval`` resamples the test images instead
(``scipy.stats.bootstrap`` in practice). ``cross_validate`` scores a recipe
with stratified k-fold cross-validation, using scikit-learn's
``StratifiedKFold`` for the folds.
"""

import math
import statistics

import torch
from sklearn.model_selection import StratifiedKFold

from helpers import arguments
from helpers.classifier import RECIPE, Recipe, train_recipe
from helpers.digit_models import KINDS
from helpers.digits import DigitSplit
from helpers.environment import resolve_seed, seeded_generator
from helpers.evaluation import evaluate

BOOTSTRAP_STREAM = 604  # seeded_generator's stream for the bootstrap's resamples
FOLDS_STREAM = 605      # and for the folds' shuffle


def _confidence(confidence: object) -> float:
    return arguments.number(confidence, "confidence", minimum=0, maximum=1, strict=True)


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's ``confidence`` interval for a share of ``successes`` in ``trials`` (notebook 06).

    With $\\hat p = k/n$ and $z$ the normal quantile (1.96 for 95 %), the interval is
    $\\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}$.
    Unlike $\\hat p \\pm z\\sqrt{\\hat p(1-\\hat p)/n}$ it stays inside [0, 1] and does
    not shrink to a point at 0 or n successes.
    """
    trials = arguments.positive_int(trials, "trials")
    successes = arguments.integer(successes, "successes", minimum=0)
    if successes > trials:
        raise ValueError(f"successes must be at most trials ({trials}), got {successes}")
    z = statistics.NormalDist().inv_cdf(0.5 + _confidence(confidence) / 2)
    share = successes / trials
    centre = share + z * z / (2 * trials)
    spread = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    scale = 1 + z * z / trials
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def bootstrap_interval(
    hits: torch.Tensor, confidence: float = 0.95, resamples: int = 10_000,
    seed: int | None = None,
) -> tuple[float, float]:
    """The percentile bootstrap interval of the mean of ``hits`` (notebook 06).

    ``hits`` holds one 0/1 (or bool) per test image. Each of ``resamples``
    resamples draws as many images with replacement; the interval holds the
    middle ``confidence`` of their accuracies. Seeded from the session's seed
    (or ``seed``), stream ``BOOTSTRAP_STREAM``: the same on every machine.
    """
    arguments.tensor(hits, "hits", dim=1)
    if not bool(((hits == 0) | (hits == 1)).all()):
        raise ValueError("hits must hold only 0 and 1 (or False and True), one per image")
    confidence = _confidence(confidence)
    resamples = arguments.positive_int(resamples, "resamples")
    generator = seeded_generator(BOOTSTRAP_STREAM, seed)
    picks = torch.randint(len(hits), (resamples, len(hits)), generator=generator)
    means = hits.double()[picks].mean(dim=1)
    tail = (1 - confidence) / 2
    low, high = torch.quantile(means, torch.tensor([tail, 1 - tail], dtype=torch.float64))
    return low.item(), high.item()


def cross_validate(
    kind: str, split: DigitSplit, folds: int = 5, recipe: Recipe = RECIPE, *,
    seed: int | None = None, device: str | torch.device | None = None,
) -> list[tuple[int, int]]:
    """Stratified ``folds``-fold cross-validation of ``recipe`` on ``split``'s training and
    validation digits together (notebook 06); the test digits stay untouched.

    Each fold in turn is held out while a new ``kind`` classifier trains on the others.
    Returns ``(correct, images)`` of each held-out fold: every digit is scored once.
    """
    arguments.one_of(kind, "kind", KINDS)
    arguments.instance(split, "split", DigitSplit, "a DigitSplit (from split_digits)")
    folds = arguments.integer(folds, "folds", minimum=2)
    seed = resolve_seed(seed)
    images = torch.cat([split.train_images, split.val_images])
    labels = torch.cat([split.train_labels, split.val_labels])
    index = torch.cat([split.train_index, split.val_index])
    shuffle_seed = seeded_generator(FOLDS_STREAM, seed).initial_seed() % 2**32
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=shuffle_seed)
    scores = []
    for train, held in splitter.split(images.flatten(1).numpy(), labels.numpy()):
        train, held = torch.from_numpy(train), torch.from_numpy(held)
        fold = DigitSplit(images[train], labels[train], images[held], labels[held],
                          split.test_images, split.test_labels,
                          index[train], index[held], split.test_index, seed)
        model, _ = train_recipe(kind, fold, recipe, seed=seed, device=device)
        correct = round(evaluate(model, *fold.val)[1] * len(held))
        scores.append((correct, len(held)))
    return scores
