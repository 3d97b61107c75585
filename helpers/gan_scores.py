"""Judging a digit generator without eyeballing it (notebook 08).

Notebook 06's classifier is the judge. Three scores on a batch of images, each
blind to something the others see:

- ``confident_share``: the share of images the judge labels with probability
  ≥ 0.9 (one perfect digit repeated scores high; a softmax judge is
  over-confident off its data, uniform noise passes about half the time, so
  this score is weak evidence alone);
- ``class_entropy``: the entropy, in nats, of the histogram of the judge's
  labels: ln 10 ≈ 2.303 when every digit is drawn equally often, near 0 when G
  collapses onto one digit (blind to *how* the digits look);
- ``frechet_distance``: the Fréchet distance between Gaussians fitted to the
  judge's 64 penultimate-layer features of the images and of held-out real
  digits (the idea behind FID, which uses an ImageNet network instead; small
  when both the look and the variety match). In practice torchmetrics'
  ``FrechetInceptionDistance(feature=...)`` computes it, with
  ``scipy.linalg.sqrtm`` for the matrix square root written out here.

Together they cannot all be fooled by one trick.
"""

import math

import torch
from torch import nn

from helpers import arguments

CONFIDENT = 0.9
MAX_ENTROPY = math.log(10)  # every one of the ten digits drawn equally often


def check_images(images: object) -> torch.Tensor:
    """``images`` as a float tensor ``(N, 1, 8, 8)`` with pixels in [0, 1] (notebook 08).

    ``(N, 64)`` rows are reshaped. Raises ``TypeError``/``ValueError`` saying
    what was expected for anything else, NaN and infinities included.
    """
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.dim() == 2 and images.shape[1] == 64:
        images = images.reshape(-1, 1, 8, 8)
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 8, 8) or images.shape[0] < 1:
        raise ValueError(f"images must have shape (N, 1, 8, 8) or (N, 64) with N >= 1, "
                         f"got {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"images must be floats in [0, 1], got dtype {images.dtype}")
    if not torch.isfinite(images).all():
        raise ValueError("images contain NaN or infinity: did training diverge?")
    if images.min() < -1e-6 or images.max() > 1 + 1e-6:
        raise ValueError(f"pixels must lie in [0, 1] (the judge's scale), got "
                         f"{images.min().item():.3f} to {images.max().item():.3f}: "
                         "map G's [-1, 1] output with (x + 1) / 2")
    return images


def _check_judge(judge: object) -> nn.Module:
    arguments.instance(judge, "judge", nn.Module, "a classifier with features() (load_judge())")
    if not callable(getattr(judge, "features", None)):
        raise TypeError(f"judge must have a features() method, as load_judge()'s CNN has; "
                        f"got {type(judge).__name__}")
    return judge


def _check_probabilities(probabilities: object) -> torch.Tensor:
    """One row of class probabilities per image: ``(N, classes)``, N >= 1."""
    return arguments.tensor(probabilities, "probabilities", dim=2, floating=True)


def judge_outputs(judge: nn.Module, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The judge's class probabilities and 64 features for ``images``, on the CPU, in float64."""
    judge = _check_judge(judge)
    images = check_images(images)
    device = next(judge.parameters()).device
    judge.eval()
    with torch.no_grad():
        batch = images.to(device)
        probabilities = torch.softmax(judge(batch), dim=1)
        features = judge.features(batch)
    return probabilities.double().cpu(), features.double().cpu()


def confident_share(probabilities: torch.Tensor) -> float:
    """The share of images whose most likely class has probability ≥ 0.9 (notebook 08)."""
    _check_probabilities(probabilities)
    return (probabilities.max(dim=1).values >= CONFIDENT).double().mean().item()


def class_entropy(probabilities: torch.Tensor) -> float:
    """Entropy (nats) of the histogram of predicted classes (notebook 08).

    ln 10 when every class is predicted equally often, 0 when one class takes all.
    ``torch.distributions.Categorical(probs=shares).entropy()`` computes the same."""
    _check_probabilities(probabilities)
    counts = torch.bincount(probabilities.argmax(dim=1), minlength=probabilities.shape[1])
    shares = counts[counts > 0].double() / counts.sum()
    return -(shares * shares.log()).sum().item() + 0.0  # + 0.0 turns -0.0 into 0.0


def frechet_distance(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature rows (notebook 08).

    ``|μa − μb|² + Tr(Σa + Σb − 2 (Σa^½ Σb Σa^½)^½)``, computed in float64 with
    symmetric eigendecompositions; ``scipy.linalg.sqrtm`` (or torchmetrics'
    FID) does the matrix square root in practice.
    """
    for name, features in (("features_a", features_a), ("features_b", features_b)):
        if not isinstance(features, torch.Tensor) or features.dim() != 2 or len(features) < 2:
            raise ValueError(f"{name} must be a 2-d tensor with at least 2 rows")
    if features_a.shape[1] != features_b.shape[1]:
        raise ValueError(f"feature sizes differ: {features_a.shape[1]} and {features_b.shape[1]}")
    a, b = features_a.double(), features_b.double()
    mean_gap = (a.mean(dim=0) - b.mean(dim=0)).pow(2).sum()
    size = a.shape[1]
    # torch.cov of a single feature is 0-d; as a 1x1 matrix the one formula covers it too.
    cov_a, cov_b = torch.cov(a.T).reshape(size, size), torch.cov(b.T).reshape(size, size)
    values, vectors = torch.linalg.eigh(cov_a)
    root_a = vectors @ torch.diag(values.clamp(min=0).sqrt()) @ vectors.T
    middle = torch.linalg.eigvalsh(root_a @ cov_b @ root_a).clamp(min=0).sqrt().sum()
    return (mean_gap + cov_a.trace() + cov_b.trace() - 2 * middle).item()


def judge_scores(
    judge: nn.Module, images: torch.Tensor, reference_features: torch.Tensor
) -> dict[str, float]:
    """The three scores of ``images`` (notebook 08).

    ``reference_features``: the judge's features of held-out real digits
    (``judge_outputs(judge, validation_images)[1]``).
    """
    arguments.tensor(reference_features, "reference_features", dim=2, floating=True)
    probabilities, features = judge_outputs(judge, images)
    return {
        "confident_share": confident_share(probabilities),
        "class_entropy": class_entropy(probabilities),
        "frechet_distance": frechet_distance(features, reference_features),
    }


def requested_class_accuracy(
    judge: nn.Module, images: torch.Tensor, requested: torch.Tensor
) -> float:
    """The share of images the judge labels with the class they were asked for (notebook 08)."""
    probabilities, _ = judge_outputs(judge, images)
    if not isinstance(requested, torch.Tensor) or requested.shape != (len(probabilities),):
        raise ValueError(f"requested must be one class per image, shape ({len(probabilities)},)")
    return (probabilities.argmax(dim=1) == requested.cpu()).double().mean().item()

