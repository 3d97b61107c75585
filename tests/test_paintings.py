"""Tests for helpers.paintings: the real paintings and the quality measure."""

import math

import pytest
import torch

from helpers.paintings import (
    PAINT_POINTS,
    QUALITY_TARGETS,
    artist_work,
    from_unit_range,
    gan_quality,
    lower_bound,
    meets_targets,
    to_unit_range,
    upper_bound,
)


def paintings_from(a: torch.Tensor) -> torch.Tensor:
    return a[:, None] * (PAINT_POINTS**2 + 1) - 1


def test_paint_points_and_bounds():
    assert PAINT_POINTS.shape == (15,)
    assert PAINT_POINTS[0].item() == -1.0 and PAINT_POINTS[-1].item() == 1.0
    x = torch.tensor([0.0, 0.5, 1.0])
    assert torch.allclose(lower_bound(x), torch.tensor([0.0, 0.25, 1.0]))
    assert torch.allclose(upper_bound(x), torch.tensor([1.0, 1.5, 3.0]))


def test_artist_work_shape_dtype_and_bounds():
    paintings = artist_work(500, generator=torch.Generator().manual_seed(0))
    assert paintings.shape == (500, 15)
    assert paintings.dtype == torch.float32
    assert (paintings >= lower_bound(PAINT_POINTS) - 1e-6).all()
    assert (paintings <= upper_bound(PAINT_POINTS) + 1e-6).all()
    assert artist_work().shape == (64, 15)


def test_artist_work_reproducible_with_a_seeded_generator():
    first = artist_work(8, generator=torch.Generator().manual_seed(3))
    again = artist_work(8, generator=torch.Generator().manual_seed(3))
    other = artist_work(8, generator=torch.Generator().manual_seed(4))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "64", None])
def test_artist_work_rejects_bad_batch_sizes(bad):
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        artist_work(bad)


def test_artist_work_rejects_a_non_generator():
    with pytest.raises(TypeError, match="torch.Generator"):
        artist_work(4, generator=0)


def test_gan_quality_on_real_data():
    quality = gan_quality(artist_work(2000, generator=torch.Generator().manual_seed(1)))
    assert quality["frac_between"] == 1.0
    assert quality["a_ks"] < 0.04
    assert abs(quality["a_mean"] - 1.5) < 0.02
    assert abs(quality["a_std"] - 1 / math.sqrt(12)) < 0.01
    assert quality["fit_rmse"] < 1e-5


def test_gan_quality_fits_a_exactly():
    a = torch.tensor([1.0, 1.25, 2.0])
    quality = gan_quality(paintings_from(a))
    assert quality["a_mean"] == pytest.approx(a.double().mean().item(), abs=1e-6)
    assert quality["a_std"] == pytest.approx(a.double().std(correction=0).item(), abs=1e-6)


def test_ks_of_an_evenly_spread_sample_is_half_a_step():
    n = 100
    a = 1 + (torch.arange(n, dtype=torch.float64) + 0.5) / n
    assert gan_quality(paintings_from(a))["a_ks"] == pytest.approx(0.5 / n, abs=1e-6)


def test_collapsed_generator_is_between_the_bounds_but_exposed():
    collapsed = paintings_from(torch.full((500,), 1.5))
    quality = gan_quality(collapsed)
    assert quality["frac_between"] == 1.0
    assert quality["a_std"] < 1e-6
    assert quality["a_ks"] == pytest.approx(0.5, abs=1e-6)
    assert not meets_targets({**quality, "d_real": 0.5, "d_fake": 0.5})


def test_gan_quality_on_garbage():
    quality = gan_quality(torch.randn(1000, 15, generator=torch.Generator().manual_seed(2)))
    assert quality["frac_between"] < 0.5
    assert quality["a_ks"] > 0.5
    assert quality["fit_rmse"] > 0.5


def test_gan_quality_rejects_bad_input():
    with pytest.raises(TypeError, match="torch.Tensor"):
        gan_quality([[0.0] * 15])
    with pytest.raises(ValueError, match=r"shape \(n, 15\).*\(4, 14\)"):
        gan_quality(torch.zeros(4, 14))
    with pytest.raises(ValueError, match="NaN"):
        gan_quality(torch.full((2, 15), float("nan")))


GOOD = {"frac_between": 0.97, "a_mean": 1.49, "a_std": 0.29, "a_ks": 0.02, "fit_rmse": 0.005}


def test_meets_targets_accepts_a_good_run():
    assert meets_targets(GOOD)
    assert meets_targets({**GOOD, "d_real": 0.9}), "D's outputs are not judged"


@pytest.mark.parametrize(
    "name, value",
    [("frac_between", 0.94), ("a_ks", 0.031), ("fit_rmse", 0.016)],
)
def test_meets_targets_rejects_each_miss(name, value):
    assert name in QUALITY_TARGETS
    assert not meets_targets({**GOOD, name: value})


def test_the_targets_tell_a_perfect_sampler_on_10000_samples_from_a_collapsed_one():
    perfect = gan_quality(artist_work(10_000, generator=torch.Generator().manual_seed(4)))
    assert meets_targets(perfect)
    one_curve = (1.5 * PAINT_POINTS**2 + 0.5).repeat(10_000, 1)
    assert not meets_targets(gan_quality(one_curve))


def test_meets_targets_rejects_bad_input():
    with pytest.raises(ValueError, match="fit_rmse"):
        meets_targets({key: value for key, value in GOOD.items() if key != "fit_rmse"})
    with pytest.raises(TypeError, match="dict"):
        meets_targets([0.9])


def test_unit_range_maps_each_real_painting_to_a_flat_line_and_back():
    paintings = artist_work(50, generator=torch.Generator().manual_seed(2))
    scaled = to_unit_range(paintings)
    assert scaled.min() >= -1 and scaled.max() <= 1
    flat = scaled - scaled[:, :1]
    assert flat.abs().max() < 1e-5, "every point of a scaled real painting is 2a - 3"
    torch.testing.assert_close(from_unit_range(scaled), paintings)
    bounds = torch.stack([lower_bound(PAINT_POINTS), upper_bound(PAINT_POINTS)])
    torch.testing.assert_close(to_unit_range(bounds), torch.tensor([[-1.0], [1.0]]).expand(2, 15))
