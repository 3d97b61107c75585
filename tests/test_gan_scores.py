"""The judge's scores of a digit generator (helpers/gan_scores.py)."""

import math

import pytest
import torch

from helpers.digits import split_digits
from helpers.gan_scores import (
    MAX_ENTROPY,
    check_images,
    class_entropy,
    confident_share,
    frechet_distance,
    judge_outputs,
    judge_scores,
    requested_class_accuracy,
)
from helpers.judge import load_judge


@pytest.fixture(scope="module")
def judge():
    return load_judge("cpu")


@pytest.fixture(scope="module")
def split():
    return split_digits(0)


@pytest.fixture(scope="module")
def reference(judge, split):
    return judge_outputs(judge, split.test_images)[1]


def test_real_digits_score_well_on_all_three(judge, split, reference):
    scores = judge_scores(judge, split.train_images, reference)
    assert scores["confident_share"] > 0.95
    assert scores["class_entropy"] == pytest.approx(MAX_ENTROPY, abs=0.01)
    assert scores["frechet_distance"] < 10


def test_a_collapsed_generator_fools_confidence_but_not_entropy_or_distance(judge, split,
                                                                           reference):
    one_digit = split.train_images[:1].repeat(500, 1, 1, 1)
    scores = judge_scores(judge, one_digit, reference)
    assert scores["confident_share"] == 1.0
    assert scores["class_entropy"] == 0.0
    assert scores["frechet_distance"] > 100


def test_noise_and_an_untrained_generator_are_far_from_real_digits(judge, split, reference):
    generator = torch.Generator().manual_seed(0)
    noise = torch.rand(500, 1, 8, 8, generator=generator)
    untrained = (torch.tanh(torch.randn(500, 32, generator=generator)
                            @ torch.randn(32, 64, generator=generator) * 0.1) + 1) / 2
    floor = judge_scores(judge, split.train_images, reference)["frechet_distance"]
    for images in (noise, untrained):
        scores = judge_scores(judge, images, reference)
        assert scores["frechet_distance"] > 20 * floor
        assert scores["confident_share"] < 0.9


def test_frechet_distance_of_gaussians_with_known_moments():
    # Rows with exactly these sample means and covariances: the distance has a closed form.
    base = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    a = base * torch.tensor([1.0, 2.0], dtype=torch.float64)
    b = base * torch.tensor([3.0, 2.0], dtype=torch.float64) + torch.tensor([1.0, 0.0])
    scale = 4 / 3  # torch.cov divides by n - 1
    expected = 1.0 + scale * ((1 - 3) ** 2 + (2 - 2) ** 2)
    assert frechet_distance(a, b) == pytest.approx(expected)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a))


def test_entropy_and_confidence_from_probabilities():
    uniform = torch.eye(10).repeat(3, 1)
    assert class_entropy(uniform) == pytest.approx(math.log(10))
    assert class_entropy(torch.eye(10)[[4, 4, 4]]) == 0.0
    assert class_entropy(torch.eye(10)[[0, 1]]) == pytest.approx(math.log(2))
    probabilities = torch.tensor([[0.95, 0.05], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    assert confident_share(probabilities) == 0.5


def test_requested_class_accuracy(judge, split):
    images, labels = split.test_images[:200], split.test_labels[:200]
    assert requested_class_accuracy(judge, images, labels) > 0.95
    assert requested_class_accuracy(judge, images, (labels + 1) % 10) < 0.05
    with pytest.raises(ValueError, match="one class per image"):
        requested_class_accuracy(judge, images, labels[:10])


@pytest.mark.parametrize("images, error, message", [
    ([[0.0] * 64], TypeError, "torch.Tensor"),
    (torch.zeros(4, 8, 8), ValueError, r"\(N, 1, 8, 8\) or \(N, 64\)"),
    (torch.zeros(0, 64), ValueError, "N >= 1"),
    (torch.zeros(4, 64, dtype=torch.int64), TypeError, "floats"),
    (torch.full((4, 64), float("nan")), ValueError, "NaN"),
    (torch.full((4, 64), -1.0), ValueError, r"\(x \+ 1\) / 2"),
])
def test_bad_images_get_a_clear_error(images, error, message):
    with pytest.raises(error, match=message):
        check_images(images)


def test_rows_of_64_pixels_are_accepted_as_images():
    assert check_images(torch.zeros(3, 64)).shape == (3, 1, 8, 8)


def test_frechet_distance_rejects_mismatched_features():
    with pytest.raises(ValueError, match="feature sizes differ"):
        frechet_distance(torch.zeros(5, 3), torch.zeros(5, 4))
    with pytest.raises(ValueError, match="at least 2 rows"):
        frechet_distance(torch.zeros(1, 3), torch.zeros(5, 3))


def test_frechet_distance_of_one_feature_is_the_closed_form():
    """One column: (μa − μb)² + (σa − σb)², the case of exercise 08.1 (torch.cov gives 0-d)."""
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(500, 1, generator=generator, dtype=torch.float64) * 2 + 1
    b = torch.randn(400, 1, generator=generator, dtype=torch.float64) * 0.5 - 1
    expected = ((a.mean() - b.mean()) ** 2 + (a.std() - b.std()) ** 2).item()
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)
