"""helpers.uncertainty against scipy and scikit-learn, and the recorded seeds against the
test sample's noise (notebook 06, section 13)."""

import math
import statistics

import numpy as np
import pytest
import torch
from scipy.stats import binomtest, bootstrap

from helpers.classifier import Recipe
from helpers.digits import split_digits
from helpers.measured import measured_across_seeds
from helpers.uncertainty import bootstrap_interval, cross_validate, wilson_interval


@pytest.mark.parametrize(("correct", "images"), [(0, 10), (3, 10), (10, 10), (355, 359),
                                                 (190, 200), (1, 1)])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_wilson_interval_is_scipys(correct, images, confidence):
    want = binomtest(correct, images).proportion_ci(confidence_level=confidence, method="wilson")
    low, high = wilson_interval(correct, images, confidence)
    assert low == pytest.approx(want.low, abs=1e-12)
    assert high == pytest.approx(want.high, abs=1e-12)


def test_wilson_interval_widens_with_confidence_and_narrows_with_images():
    assert wilson_interval(90, 100, 0.99)[0] < wilson_interval(90, 100, 0.9)[0]
    narrow, wide = wilson_interval(900, 1000), wilson_interval(90, 100)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]


@pytest.mark.parametrize(("correct", "images", "fragment"), [
    (5, 4, "at most trials"), (-1, 4, "successes"), (1, 0, "trials")])
def test_wilson_interval_refuses_impossible_counts(correct, images, fragment):
    with pytest.raises(ValueError, match=fragment):
        wilson_interval(correct, images)


def test_bootstrap_interval_is_close_to_scipys_percentile_bootstrap():
    hits = (torch.arange(300) % 10 != 0).int()  # 270 of 300 right
    low, high = bootstrap_interval(hits, resamples=20_000, seed=0)
    theirs = bootstrap((hits.numpy(),), np.mean, n_resamples=20_000, method="percentile",
                       random_state=np.random.default_rng(0)).confidence_interval
    assert low == pytest.approx(theirs.low, abs=0.005)
    assert high == pytest.approx(theirs.high, abs=0.005)
    assert low < 0.9 < high


def test_bootstrap_interval_is_the_same_for_a_seed_and_another_for_another_seed():
    hits = torch.tensor([True] * 40 + [False] * 10)
    first = bootstrap_interval(hits, resamples=100, seed=1)
    assert bootstrap_interval(hits, resamples=100, seed=1) == first
    assert bootstrap_interval(hits, resamples=100, seed=2) != first


def test_bootstrap_interval_refuses_scores_that_are_not_hits():
    with pytest.raises(ValueError, match="only 0 and 1"):
        bootstrap_interval(torch.tensor([0.5, 1.0]))


def test_cross_validate_scores_every_training_and_validation_digit_once_per_class_share():
    split = split_digits(0)
    folds = cross_validate("mlp", split, folds=4, recipe=Recipe(epochs=2, batch_size=256),
                           seed=0, device="cpu")
    sizes = [size for _, size in folds]
    assert sum(sizes) == len(split.train_labels) + len(split.val_labels)
    assert max(sizes) - min(sizes) <= 1
    assert all(0 < right <= size for right, size in folds)


def test_cross_validate_is_stratified_and_leaves_the_test_digits_out(monkeypatch):
    import helpers.uncertainty as uncertainty

    seen = []

    def record(kind, fold, recipe, *, seed, device):
        seen.append(fold)
        return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10)), None

    monkeypatch.setattr(uncertainty, "train_recipe", record)
    split = split_digits(0)
    cross_validate("mlp", split, folds=5, seed=0, device="cpu")
    held_out = torch.cat([fold.val_index for fold in seen])
    assert sorted(held_out.tolist()) == sorted(
        torch.cat([split.train_index, split.val_index]).tolist())
    assert not set(held_out.tolist()) & set(split.test_index.tolist())
    whole = torch.bincount(torch.cat([split.train_labels, split.val_labels]), minlength=10)
    for fold in seen:
        share = torch.bincount(fold.val_labels, minlength=10) / len(fold.val_labels)
        assert torch.allclose(share, whole / whole.sum(), atol=0.01)
        assert not set(fold.train_index.tolist()) & set(fold.val_index.tolist())


def test_the_seeds_spread_no_more_than_the_test_samples_noise():
    """Notebook 06, section 13: the recorded CNN test accuracies vary over seeds by no more
    than a 359-digit test set's binomial standard error, on every numeric path."""
    recorded = measured_across_seeds("classifier.cnn.test_accuracy")
    noise = math.sqrt(recorded.median * (1 - recorded.median) / len(split_digits(0).test_labels))
    for path, values in recorded.by_path.items():
        assert statistics.stdev(values) <= noise, path
