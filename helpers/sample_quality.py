"""Quality, variety and copying of generated samples, read apart (notebook 08).

The Fréchet distance of ``gan_scores`` mixes how good the samples look with how
varied they are, and a generator that returns its training digits scores as
well as the real digits do. Two nearest-neighbour views take it apart:

- ``precision_recall`` (Kynkäänniemi et al., 2019): each set of feature rows
  spans a *manifold*, the union of balls around its rows reaching to each row's
  k-th nearest neighbour in the same set. *Precision* (精确率) is the share of
  generated rows inside the real manifold (do they look real?); *recall* (召回率)
  the share of real rows inside the generated manifold (is every kind of real
  digit drawn?). The ``prdc`` package computes them, with density and coverage,
  in practice.
- ``nearest_distances``: each row's distance to its nearest row of a reference
  set, as ``sklearn.neighbors.NearestNeighbors(n_neighbors=1)`` finds it. A
  generator that copies its training digits is closer to them than held-out
  real digits are.
"""

import torch

from helpers import arguments


def _rows(value: object, name: str) -> torch.Tensor:
    """``value`` as float64 rows: images ``(N, 1, 8, 8)`` are flattened to ``(N, 64)``."""
    arguments.tensor(value, name, floating=True)
    if value.dim() not in (2, 4):
        raise ValueError(f"{name} must be rows (N, features) or images (N, 1, 8, 8), "
                         f"got shape {tuple(value.shape)}")
    return value.flatten(1).double()


def _same_width(a: torch.Tensor, b: torch.Tensor, names: str) -> None:
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{names} must have as many features per row, got {a.shape[1]} and "
                         f"{b.shape[1]}")


def nearest_distances(queries: torch.Tensor, references: torch.Tensor) -> torch.Tensor:
    """The Euclidean distance from each row of ``queries`` to its nearest row of
    ``references`` (notebook 08). Images are compared pixel by pixel; feature rows as they are.
    """
    queries, references = _rows(queries, "queries"), _rows(references, "references")
    _same_width(queries, references, "queries and references")
    return torch.cdist(queries, references).min(dim=1).values


def _kth_neighbour_radii(rows: torch.Tensor, k: int) -> torch.Tensor:
    """Each row's distance to its k-th nearest other row of the same set."""
    if len(rows) <= k:
        raise ValueError(f"k must be smaller than the number of rows ({len(rows)}), got {k}")
    distances = torch.cdist(rows, rows)
    return distances.kthvalue(k + 1, dim=1).values  # the first is the row itself, at 0


def _inside(rows: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """Whether each row lies in at least one ball (centre, radius)."""
    return (torch.cdist(rows, centres) <= radii).any(dim=1)


def precision_recall(real: torch.Tensor, generated: torch.Tensor, k: int = 3
                     ) -> tuple[float, float]:
    """Precision and recall of ``generated`` rows against ``real`` rows with ``k``-nearest-
    neighbour manifolds (notebook 08). Compare them only at equal sample sizes: a larger set
    spans a larger manifold.
    """
    real, generated = _rows(real, "real"), _rows(generated, "generated")
    _same_width(real, generated, "real and generated")
    k = arguments.positive_int(k, "k")
    precision = _inside(generated, real, _kth_neighbour_radii(real, k)).double().mean()
    recall = _inside(real, generated, _kth_neighbour_radii(generated, k)).double().mean()
    return precision.item(), recall.item()
