"""helpers.calibration against scikit-learn and scipy (notebook 06, section 14)."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.optimize import minimize_scalar
from sklearn.calibration import calibration_curve

from helpers.calibration import (
    expected_calibration_error,
    fit_temperature,
    plot_reliability,
    reliability,
)
from helpers.digits import split_digits
from helpers.evaluation import predict
from helpers.judge import load_judge
from helpers.measured import measured_across_seeds


def random_logits(rows: int = 500, scale: float = 3.0, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(rows, 10, generator=generator, dtype=torch.float64)
    # Labels drawn from softmax(logits / 2): the calibrated temperature of these logits is 2.
    labels = torch.multinomial((logits / 2).softmax(dim=1), 1, generator=generator).squeeze(1)
    return logits, labels


def logits_with_confidence(confidence: float, rows: int) -> torch.Tensor:
    """Logits whose softmax gives class 0 the probability ``confidence`` in each row."""
    rest = (1 - confidence) / 9
    return torch.log(torch.tensor([confidence] + [rest] * 9, dtype=torch.float64)).repeat(rows, 1)


def test_reliability_bins_as_sklearns_calibration_curve():
    logits, labels = random_logits()
    confidence, predicted = logits.softmax(dim=1).max(dim=1)
    hits = (predicted == labels).int().numpy()
    accuracy, mean_confidence = calibration_curve(hits, confidence.numpy(), n_bins=10,
                                                  strategy="uniform")
    table = reliability(logits, labels, bins=10)
    filled = table.counts > 0
    np.testing.assert_allclose(table.accuracy[filled].numpy(), accuracy, atol=1e-12)
    np.testing.assert_allclose(table.confidence[filled].numpy(), mean_confidence, atol=1e-12)
    assert int(table.counts.sum()) == len(labels)
    assert torch.isnan(table.accuracy[~filled]).all()


def test_expected_calibration_error_by_hand():
    # 4 images at confidence 0.75 with 3 right, 2 at 0.95 with 1 right.
    logits = torch.cat([logits_with_confidence(0.75, 4), logits_with_confidence(0.95, 2)])
    labels = torch.tensor([0, 0, 0, 1, 0, 2])
    want = (4 * abs(0.75 - 0.75) + 2 * abs(0.5 - 0.95)) / 6
    assert expected_calibration_error(logits, labels) == pytest.approx(want, abs=1e-9)


def test_temperature_scaling_keeps_the_predictions_and_lowers_the_shipped_judges_test_ece():
    """Notebook 06's target: fitted on validation, the judge's ECE on test digits falls."""
    judge, split = load_judge("cpu"), split_digits(0)
    val_logits, test_logits = predict(judge, split.val_images), predict(judge, split.test_images)
    temperature = fit_temperature(val_logits, split.val_labels)
    assert temperature > 1  # the judge is over-confident
    assert torch.equal(test_logits.argmax(1), (test_logits / temperature).argmax(1))
    assert (expected_calibration_error(test_logits / temperature, split.test_labels)
            < expected_calibration_error(test_logits, split.test_labels))


def test_fit_temperature_finds_scipys_minimum():
    logits, labels = random_logits()
    mine = fit_temperature(logits, labels)
    theirs = minimize_scalar(lambda t: F.cross_entropy(logits / t, labels).item(),
                             bounds=(0.05, 20), method="bounded", options={"xatol": 1e-8}).x
    assert mine == pytest.approx(theirs, rel=1e-4)


def test_fit_temperature_undoes_a_known_sharpening():
    logits, labels = random_logits(rows=4000, scale=1.0)
    # Calibrated at temperature 2 (random_logits), sharpened three times: 6.
    assert fit_temperature(3 * logits, labels) == pytest.approx(6.0, rel=0.1)


def test_plot_reliability_draws_one_panel_per_table():
    logits, labels = random_logits()
    figure = plot_reliability({"before": reliability(logits, labels),
                               "after": reliability(logits / 2, labels)}, title="t")
    assert [ax.get_title() for ax in figure.axes] == ["before", "after"]
    plt.close(figure)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: reliability(torch.randn(4, 1), torch.zeros(4, dtype=torch.long)), "2 or more"),
    (lambda: expected_calibration_error(torch.randn(4, 10), torch.zeros(3, dtype=torch.long)),
     "labels"),
    (lambda: plot_reliability({}), "at least one"),
])
def test_bad_input_is_refused_with_what_was_expected(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()


def test_ece_is_zero_for_a_calibrated_bin():
    logits = logits_with_confidence(0.8, 10)
    labels = torch.tensor([0] * 8 + [1] * 2)
    assert math.isclose(expected_calibration_error(logits, labels), 0.0, abs_tol=1e-12)


def test_every_recorded_cnn_is_over_confident_but_scaling_moves_its_test_ece_either_way():
    """Notebook 06, section 14: over seeds 0-9 and the recorded numeric paths, the temperature
    fitted on validation is above 1 for every run; after scaling, the test cross-entropy falls
    in most runs but not all, and the test ECE rises about as often as it falls."""
    assert measured_across_seeds("classifier.cnn.temperature").low > 1
    shares = {}
    for figure in ("test_ece_change", "test_nll_change"):
        recorded = measured_across_seeds(f"classifier.cnn.{figure}")
        assert len(recorded.paths) >= 4, recorded.paths
        shares[figure] = sum(change < 0 for change in recorded.values) / len(recorded.values)
    assert 0.5 < shares["test_nll_change"] < 1, shares
    assert 0.25 <= shares["test_ece_change"] <= 0.75, shares
