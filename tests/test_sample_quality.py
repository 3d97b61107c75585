"""helpers.sample_quality against scikit-learn's nearest neighbours (notebook 08)."""

import numpy as np
import pytest
import torch
from sklearn.neighbors import NearestNeighbors

from helpers.sample_quality import nearest_distances, precision_recall


def cloud(rows: int, shift: float = 0.0, seed: int = 0, width: int = 5) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(rows, width, generator=generator, dtype=torch.float64) + shift


def sklearn_precision_recall(real: np.ndarray, fake: np.ndarray, k: int) -> tuple[float, float]:
    def radii(rows):
        distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(rows).kneighbors(rows)
        return distances[:, k]

    def inside(rows, centres, centre_radii):
        gaps = np.linalg.norm(rows[:, None, :] - centres[None, :, :], axis=2)
        return (gaps <= centre_radii[None, :]).any(axis=1).mean()

    return inside(fake, real, radii(real)), inside(real, fake, radii(fake))


def test_nearest_distances_are_sklearns():
    queries, references = cloud(40, seed=1), cloud(60, seed=2)
    distances, _ = NearestNeighbors(n_neighbors=1).fit(references.numpy()).kneighbors(
        queries.numpy())
    np.testing.assert_allclose(nearest_distances(queries, references).numpy(), distances[:, 0],
                               rtol=1e-10)


def test_nearest_distances_flatten_images_and_find_copies_at_zero():
    images = torch.rand(10, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    assert torch.equal(nearest_distances(images[:3], images), torch.zeros(3, dtype=torch.float64))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_precision_recall_is_the_sklearn_computation(k):
    real, fake = cloud(80, seed=3), cloud(70, shift=0.7, seed=4)
    mine = precision_recall(real, fake, k=k)
    assert mine == pytest.approx(sklearn_precision_recall(real.numpy(), fake.numpy(), k))


def test_precision_recall_tell_quality_from_variety():
    real = cloud(200, seed=5)
    assert precision_recall(real, cloud(200, seed=6)) > (0.8, 0.8)
    collapsed = real[:1].expand(200, -1)
    assert precision_recall(real, collapsed) == (1.0, pytest.approx(0.0, abs=0.01))
    far_away = cloud(200, shift=20.0, seed=7)
    assert precision_recall(real, far_away) == (0.0, 0.0)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: nearest_distances(torch.zeros(3, 4), torch.zeros(3, 5)), "as many features"),
    (lambda: precision_recall(torch.zeros(3, 2), torch.zeros(3, 2), k=3), "smaller than"),
    (lambda: nearest_distances(torch.zeros(3), torch.zeros(3, 1)), "rows"),
])
def test_bad_input_is_refused_with_what_was_expected(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()
