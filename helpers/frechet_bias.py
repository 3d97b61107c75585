"""How the Fréchet distance depends on the number of samples, and the distance extrapolated
to infinitely many (notebook 08).

Means and covariances estimated from ``n`` samples scatter around the true ones, and the
scatter alone adds distance: a Fréchet distance computed from ``n`` samples is biased upwards by
about ``c / n``. ``frechet_by_sample_size`` measures the distance of random subsets of each size;
``extrapolated_frechet`` fits ``FD(n) = FD∞ + c / n`` by least squares, the bias-corrected
estimate of Chong and Forsyth ("Effectively Unbiased FID", 2020), whose ``FID∞`` does the same
for Inception features in practice.
"""

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from helpers import arguments
from helpers.gan_scores import frechet_distance


def frechet_by_sample_size(
    features: torch.Tensor, reference: torch.Tensor, sizes: Sequence[int], draws: int = 5,
    generator: torch.Generator | None = None,
) -> dict[int, list[float]]:
    """For each size ``n`` in ``sizes``: the Fréchet distances to ``reference`` of ``draws``
    random subsets of ``n`` rows of ``features`` (notebook 08). ``generator`` draws the subsets
    (default: a new one seeded 0)."""
    arguments.tensor(features, "features", dim=2, floating=True, min_rows=2)
    arguments.tensor(reference, "reference", dim=2, floating=True, min_rows=2)
    arguments.positive_int(draws, "draws")
    if not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"sizes must be a non-empty sequence of ints, got {sizes!r}")
    for size in sizes:
        arguments.integer(size, "each size", minimum=2)
        if size > len(features):
            raise ValueError(f"each size must be at most the {len(features)} rows of features, "
                             f"got {size}")
    if generator is None:
        generator = torch.Generator().manual_seed(0)
    arguments.instance(generator, "generator", torch.Generator, "a torch.Generator")
    return {size: [frechet_distance(features[torch.randperm(len(features),
                                                             generator=generator)[:size]],
                                    reference) for _ in range(draws)]
            for size in sizes}


def extrapolated_frechet(curve: dict[int, list[float]]) -> tuple[float, float]:
    """``(FD∞, c)`` of the least-squares line ``FD(n) = FD∞ + c / n`` through every distance of
    ``curve`` (notebook 08): ``FD∞`` is the distance with the sample-size bias removed."""
    arguments.instance(curve, "curve", dict, "a dict from sample sizes to distances")
    if len(curve) < 2:
        raise ValueError(f"curve must hold at least two sample sizes to fit a line, "
                         f"got {len(curve)}")
    inverse = torch.tensor([1 / size for size, values in curve.items() for _ in values],
                           dtype=torch.float64)
    distances = torch.tensor([value for values in curve.values() for value in values],
                             dtype=torch.float64)
    design = torch.stack([torch.ones_like(inverse), inverse], dim=1)
    intercept, slope = torch.linalg.lstsq(design, distances[:, None]).solution.flatten()
    return intercept.item(), slope.item()


def plot_frechet_bias(curve: dict[int, list[float]], title: str = "") -> Figure:
    """The distances of ``curve`` against ``1 / n``, with the fitted line and its value at
    ``1 / n = 0`` (notebook 08)."""
    intercept, slope = extrapolated_frechet(curve)
    arguments.text(title, "title")
    figure, ax = plt.subplots(figsize=(5.2, 3.2))
    for size, values in curve.items():
        ax.plot([1 / size] * len(values), values, "o", color="#1f77b4", markersize=3, alpha=0.6)
    largest = 1 / min(curve)
    ax.plot([0, largest], [intercept, intercept + slope * largest], color="#d62728",
            label=f"FD(n) = {intercept:.1f} + {slope:.0f} / n")
    ax.plot([0], [intercept], "s", color="#d62728")
    ticks = sorted(curve)
    ax.set_xticks([1 / size for size in ticks[::-1]], [str(size) for size in ticks[::-1]],
                  fontsize=7)
    ax.set(xlabel="n, samples (axis in 1/n; n → ∞ at the left edge)",
           ylabel="Fréchet distance", xlim=(-0.02 * largest, 1.05 * largest), title=title)
    ax.legend(fontsize=8)
    figure.tight_layout()
    return figure
