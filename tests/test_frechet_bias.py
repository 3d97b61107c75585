"""helpers.frechet_bias: the Fréchet distance against the sample size, and its extrapolation
(notebook 08, section 2)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from helpers.frechet_bias import extrapolated_frechet, frechet_by_sample_size, plot_frechet_bias
from helpers.gan_scores import frechet_distance


def gaussian(rows: int, seed: int, width: int = 4) -> torch.Tensor:
    return torch.randn(rows, width, generator=torch.Generator().manual_seed(seed),
                       dtype=torch.float64)


def test_each_distance_is_that_of_a_random_subset_of_the_stated_size():
    features, reference = gaussian(200, 0), gaussian(150, 1)
    curve = frechet_by_sample_size(features, reference, [20, 200], draws=3,
                                   generator=torch.Generator().manual_seed(5))
    assert list(curve) == [20, 200] and all(len(values) == 3 for values in curve.values())
    # The whole set, in any order, gives one distance: the three draws of 200 agree.
    assert curve[200] == pytest.approx([frechet_distance(features, reference)] * 3)
    assert len(set(curve[20])) == 3


def test_fewer_samples_of_the_same_distribution_lie_farther_away():
    """The bias: two samples of one Gaussian drift apart as the samples shrink."""
    curve = frechet_by_sample_size(gaussian(2000, 2), gaussian(2000, 3), [20, 100, 2000],
                                   draws=10)
    means = [np.mean(curve[n]) for n in (20, 100, 2000)]
    assert means[0] > means[1] > means[2]


def test_extrapolation_recovers_a_line_in_one_over_n():
    curve = {n: [3.0 + 500 / n, 3.0 + 500 / n] for n in (50, 100, 400)}
    assert extrapolated_frechet(curve) == pytest.approx((3.0, 500.0))


def test_extrapolation_is_numpys_least_squares():
    curve = {50: [14.0, 11.0], 100: [9.0], 300: [5.5, 4.9]}
    inverse = [1 / n for n, values in curve.items() for _ in values]
    distances = [value for values in curve.values() for value in values]
    slope, intercept = np.polyfit(inverse, distances, 1)
    assert extrapolated_frechet(curve) == pytest.approx((intercept, slope))


def test_plot_shows_the_points_and_the_fitted_line():
    curve = {n: [2.0 + 100 / n] for n in (50, 100, 200)}
    figure = plot_frechet_bias(curve, title="t")
    assert figure.axes[0].get_title() == "t"
    assert "FD(n) = 2.0 + 100 / n" in figure.axes[0].get_legend().get_texts()[0].get_text()
    plt.close(figure)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: frechet_by_sample_size(gaussian(10, 0), gaussian(10, 1), [20]), "at most the 10"),
    (lambda: frechet_by_sample_size(gaussian(10, 0), gaussian(10, 1), []), "non-empty"),
    (lambda: extrapolated_frechet({10: [1.0]}), "at least two"),
])
def test_bad_input_is_refused_with_what_was_expected(call, fragment):
    with pytest.raises((ValueError, TypeError), match=fragment):
        call()
