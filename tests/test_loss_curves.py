import math

import matplotlib.pyplot as plt
import pytest

from helpers.loss_curves import LearningRateExplorer, describe_run, plot_loss_curves
from helpers.training import seed_problem
from helpers.widgets import READOUT_CLASS


def test_plot_loss_curves_draws_one_line_per_curve_on_a_log_scale():
    figure = plot_loss_curves({"a": [4.0, 2.0, 1.0], "b": [3.0, 3.0]}, title="t")
    axes = figure.axes[0]
    assert [line.get_label() for line in axes.get_lines()] == ["a", "b"]
    assert axes.get_yscale() == "log"
    assert axes.get_title() == "t"
    plt.close(figure)


def test_plot_loss_curves_leaves_out_and_labels_a_diverged_run():
    figure = plot_loss_curves({"big": [1.0, 10.0, math.inf]}, log_scale=False)
    line = figure.axes[0].get_lines()[0]
    assert line.get_label() == "big (diverged)"
    assert list(line.get_ydata()) == [1.0, 10.0]
    assert figure.axes[0].get_yscale() == "linear"
    plt.close(figure)


def test_plot_loss_curves_rejects_bad_curves():
    with pytest.raises(TypeError, match="non-empty mapping"):
        plot_loss_curves([1.0, 2.0])
    with pytest.raises(ValueError, match="curve 'a' must be a non-empty list"):
        plot_loss_curves({"a": []})
    plt.close("all")


@pytest.mark.parametrize(
    ("losses", "verdict"),
    [
        ([100.0, 10.0], "<b>learning</b>, loss 100 → 10 after 2 epochs"),
        ([100.0, 90.0], "<b>too slow</b>"),
        ([100.0, 200.0], "<b>diverged</b>, loss 100 → 200"),
        ([100.0, math.inf], "<b>diverged</b>, the loss became inf at epoch 1"),
    ],
)
def test_describe_run_names_the_outcome(losses, verdict):
    text = describe_run(1e-6, losses)
    assert text.startswith("learning rate 1.0e-06: ")
    assert verdict in text


def test_describe_run_rejects_an_empty_run():
    with pytest.raises(ValueError, match="non-empty list"):
        describe_run(1e-6, [])


def test_learning_rate_explorer_retrains_on_every_move():
    explorer = LearningRateExplorer(*seed_problem(), epochs=100)
    assert "learning rate 1.0e-06: <b>learning</b>" in explorer.readout.value
    assert READOUT_CLASS in explorer.readout._dom_classes
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    explorer.slider.value = 1e-5
    assert "<b>diverged</b>" in explorer.readout.value
    explorer.slider.value = 1e-9
    assert "<b>too slow</b>" in explorer.readout.value
    assert repr(explorer).startswith("LearningRateExplorer(learning rate 1.0e-09")
