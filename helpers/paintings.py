"""The 1-D "paintings" a GAN learns to draw, and how to measure them (notebook 07).

A painting is 15 values of a parabola ``y = a·x² + (a − 1)`` at ``PAINT_POINTS``,
with ``a ~ U(1, 2)``: every real painting lies between the bounds ``x²`` (a = 1)
and ``2x² + 1`` (a = 2). ``gan_quality`` scores a batch of paintings; one
number is not enough, because a generator that draws one good curve over and
over stays between the bounds while having learnt nothing of the spread of ``a``.
``to_unit_range`` maps each point's real range onto [-1, 1], the space the
notebook's recipe trains in.
"""

import math

import torch

from helpers import arguments

N_POINTS = 15
PAINT_POINTS = torch.linspace(-1.0, 1.0, N_POINTS)
BETWEEN_TOLERANCE = 1e-3

# Targets a trained generator should meet, measured on 10,000 samples (where the KS
# distance of a perfect sampler is about 0.009): name -> (lowest, highest) allowed value.
QUALITY_TARGETS: dict[str, tuple[float, float]] = {
    "a_ks": (0.0, 0.03),
    "fit_rmse": (0.0, 0.015),
    "frac_between": (0.95, 1.0),
}


def _check_paintings(paintings: object, name: str) -> torch.Tensor:
    """Rows of ``N_POINTS`` values: ``(batch, 15)``."""
    return arguments.tensor(paintings, name, dim=2, columns=N_POINTS, floating=True)


def lower_bound(x: torch.Tensor) -> torch.Tensor:
    """The lowest real painting, ``x²`` (a = 1); introduced in notebook 07."""
    arguments.tensor(x, "x", floating=True)
    return x**2


def upper_bound(x: torch.Tensor) -> torch.Tensor:
    """The highest real painting, ``2x² + 1`` (a = 2); introduced in notebook 07."""
    arguments.tensor(x, "x", floating=True)
    return 2 * x**2 + 1


def to_unit_range(paintings: torch.Tensor) -> torch.Tensor:
    """Each point mapped from its real range [x², 2x² + 1] onto [-1, 1] (notebook 07).

    For a real painting every point becomes ``2a − 3``: the scaled painting is a
    flat line at a height uniform on [-1, 1].
    """
    _check_paintings(paintings, "paintings")
    low, high = lower_bound(PAINT_POINTS), upper_bound(PAINT_POINTS)
    return 2 * (paintings - low) / (high - low) - 1


def from_unit_range(scaled: torch.Tensor) -> torch.Tensor:
    """The inverse of ``to_unit_range``: scaled values back to paintings (notebook 07)."""
    _check_paintings(scaled, "scaled")
    low, high = lower_bound(PAINT_POINTS), upper_bound(PAINT_POINTS)
    return low + (scaled + 1) / 2 * (high - low)


def artist_work(batch_size: int = 64, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """A batch of real paintings, shape ``(batch_size, 15)``, float32 (notebook 07).

    Row i is ``a_i·x² + (a_i − 1)`` at ``PAINT_POINTS`` with ``a_i ~ U(1, 2)``.
    Pass a seeded CPU ``torch.Generator`` for a reproducible batch; without one
    the global torch RNG is used.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise ValueError(f"batch_size must be a positive int, got {type(batch_size).__name__} "
                         f"{batch_size!r}")
    if batch_size <= 0:
        raise ValueError(f"batch_size must be a positive int, got {batch_size}")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got "
                        f"{type(generator).__name__}")
    a = 1 + torch.rand(batch_size, 1, generator=generator)
    return a * PAINT_POINTS**2 + (a - 1)


def _ks_to_uniform_1_2(a: torch.Tensor) -> float:
    """Kolmogorov–Smirnov distance between the sample ``a`` and U(1, 2)."""
    n = a.numel()
    cdf = (a.sort().values - 1).clamp(0, 1)
    rank = torch.arange(1, n + 1, dtype=a.dtype)
    return max((rank / n - cdf).max().item(), (cdf - (rank - 1) / n).max().item())


def gan_quality(paintings: torch.Tensor) -> dict[str, float]:
    """Score a batch of paintings against the real distribution (notebook 07).

    Returns floats:
    ``frac_between``: share of the points with ``x² ≤ y ≤ 2x² + 1`` (tolerance 1e-3);
    ``a_mean``, ``a_std``: mean and standard deviation of ``a`` fitted per curve
    by least squares on ``y + 1 = a·(x² + 1)`` (real: 1.5 and 1/√12 ≈ 0.289);
    ``a_ks``: Kolmogorov–Smirnov distance of the fitted ``a`` to U(1, 2)
    (0 is a perfect match, 1 is disjoint);
    ``fit_rmse``: root mean square residual of that fit (0 for a true parabola).
    """
    if not isinstance(paintings, torch.Tensor):
        raise TypeError(f"paintings must be a torch.Tensor, got {type(paintings).__name__}")
    if paintings.dim() != 2 or paintings.shape[1] != N_POINTS or paintings.shape[0] < 1:
        raise ValueError(f"paintings must have shape (n, {N_POINTS}) with n >= 1, "
                         f"got {tuple(paintings.shape)}")
    y = paintings.detach().cpu().double()
    if not torch.isfinite(y).all():
        raise ValueError("paintings contain NaN or infinity: did training diverge?")
    x = PAINT_POINTS.double()
    between = (y >= lower_bound(x) - BETWEEN_TOLERANCE) & (y <= upper_bound(x) + BETWEEN_TOLERANCE)
    basis = x**2 + 1
    a = (y + 1) @ basis / (basis @ basis)
    residual = (y + 1) - a[:, None] * basis
    return {
        "frac_between": between.double().mean().item(),
        "a_mean": a.mean().item(),
        "a_std": a.std(correction=0).item(),
        "a_ks": _ks_to_uniform_1_2(a),
        "fit_rmse": math.sqrt(residual.pow(2).mean().item()),
    }


def meets_targets(evaluation: dict[str, float]) -> bool:
    """True when every entry of ``QUALITY_TARGETS`` is within its range (notebook 07).

    ``evaluation`` is what ``GanTrainer.evaluate`` returns (``gan_quality``'s
    numbers plus ``d_real`` and ``d_fake``), or ``gan_quality``'s alone.
    """
    if not isinstance(evaluation, dict):
        raise TypeError(f"evaluation must be a dict, got {type(evaluation).__name__}")
    missing = [name for name in QUALITY_TARGETS if name not in evaluation]
    if missing:
        raise ValueError(f"evaluation lacks {missing}; expected the keys {list(QUALITY_TARGETS)}")
    return all(low <= evaluation[name] <= high for name, (low, high) in QUALITY_TARGETS.items())
