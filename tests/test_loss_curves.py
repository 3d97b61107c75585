import html
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

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


def test_plot_loss_curves_takes_a_tensor_or_an_array_as_a_curve():
    figure = plot_loss_curves({"tensor": torch.tensor([4.0, 2.0]), "array": np.array([3, 1])})
    assert [list(line.get_ydata()) for line in figure.axes[0].get_lines()] == [
        [4.0, 2.0],
        [3.0, 1.0],
    ]
    plt.close(figure)


def test_plot_loss_curves_leaves_out_and_labels_a_diverged_run():
    figure = plot_loss_curves({"big": [1.0, 10.0, math.inf]}, log_scale=False)
    line = figure.axes[0].get_lines()[0]
    assert line.get_label() == "big (diverged)"
    assert list(line.get_ydata()) == [1.0, 10.0]
    assert figure.axes[0].get_yscale() == "linear"
    plt.close(figure)


@pytest.mark.parametrize(
    ("curves", "options", "error", "message"),
    [
        ([1.0, 2.0], {}, TypeError, "curves must be a dict of label -> losses, such as"),
        ({}, {}, ValueError, "at least one curve, got an empty dict"),
        ({"a": []}, {}, ValueError, "curve 'a' must be a non-empty list"),
        ({"a": 3.0}, {}, TypeError, "curve 'a' must be a list of numbers .one loss per epoch."),
        ({"a": [1.0, "2"]}, {}, TypeError, "curve 'a': entry 1 must be a number, got str '2'"),
        ({"a": [torch.tensor(1.0)]}, {}, TypeError, r"\.item\(\) turns a one-element tensor"),
        ({1e-6: [1.0]}, {}, TypeError, "curve labels must be str, got float"),
        ({"a": [1.0]}, {"title": 3}, TypeError, "title must be a str, got int"),
        ({"a": [1.0]}, {"log_scale": "yes"}, TypeError, "log_scale must be True or False"),
    ],
)
def test_plot_loss_curves_says_what_it_expected(curves, options, error, message):
    figures_before = plt.get_fignums()
    with pytest.raises(error, match=message):
        plot_loss_curves(curves, **options)
    assert plt.get_fignums() == figures_before


@pytest.mark.parametrize(
    ("losses", "verdict"),
    [
        ([100.0, 10.0], "learning, loss 100 → 10 after 2 epochs"),
        ([100.0, 90.0], "too slow, loss 100 → 90 after 2 epochs"),
        ([100.0, 200.0], "diverged, loss 100 → 200"),
        ([100.0, math.inf], "diverged, the loss became inf at epoch 1"),
        ([100.0, math.nan], "diverged, the loss became nan at epoch 1"),
    ],
)
def test_describe_run_names_the_outcome_in_plain_text(losses, verdict):
    text = describe_run(1e-6, losses)
    assert text.startswith(f"learning rate 1.0e-06: {verdict}")
    assert "<" not in text


def test_describe_run_rejects_bad_arguments():
    with pytest.raises(ValueError, match="losses must be a non-empty list"):
        describe_run(1e-6, [])
    with pytest.raises(TypeError, match="learning_rate must be a number, got str"):
        describe_run("1e-6", [1.0])
    with pytest.raises(TypeError, match="losses: entry 0 must be a number, got NoneType"):
        describe_run(1e-6, [None])


@pytest.fixture(scope="module")
def problem():
    return seed_problem(seed=0)


def test_learning_rate_explorer_retrains_on_every_move(problem):
    explorer = LearningRateExplorer(*problem, epochs=100)
    assert "learning rate 1.0e-06: <b>learning</b>, loss" in explorer.readout.value
    assert READOUT_CLASS in explorer.readout._dom_classes
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    explorer.slider.value = 1e-5
    assert "learning rate 1.0e-05: <b>diverged</b>" in explorer.readout.value
    explorer.slider.value = 1e-9
    assert "learning rate 1.0e-09: <b>too slow</b>" in explorer.readout.value


def test_learning_rate_explorer_repr_is_plain_text(problem):
    explorer = LearningRateExplorer(*problem, epochs=100, learning_rate=1e-9)
    assert repr(explorer) == (
        "LearningRateExplorer(learning rate 1.0e-09: too slow, loss 4.84e+07 → 4.08e+07 "
        "after 100 epochs)"
    )


@pytest.mark.parametrize(
    ("value", "shown", "notice"),
    [
        (1e-3, 1e-5, "1.0e-03 is outside the slider (expected a learning rate between 1.0e-09 "
                     "and 1.0e-05), so it is set to 1.0e-05. learning rate 1.0e-05: <b>diverged"),
        (-1.0, 1e-9, "-1.0e+00 is outside the slider (expected a learning rate between 1.0e-09 "
                     "and 1.0e-05), so it is set to 1.0e-09. learning rate 1.0e-09: <b>too slow"),
        (math.inf, 1e-5, "inf is outside the slider"),
        (math.nan, 1e-6, "nan is not a number (expected a learning rate between 1.0e-09 and "
                         "1.0e-05), so the slider stays at 1.0e-06. learning rate 1.0e-06: "
                         "<b>learning"),
    ],
)
def test_a_value_the_slider_cannot_take_is_answered_in_the_readout(problem, value, shown, notice):
    explorer = LearningRateExplorer(*problem, epochs=20)
    explorer.slider.value = value
    assert explorer.slider.value == pytest.approx(shown)
    assert notice in explorer.readout.value
    assert repr(explorer).startswith(f"LearningRateExplorer({notice[:16]}")
    assert "<b>" not in repr(explorer)


def test_an_out_of_range_value_is_answered_even_when_the_slider_does_not_move(problem):
    explorer = LearningRateExplorer(*problem, epochs=20, learning_rate=1e-5)
    explorer.slider.value = 1.0
    assert "1.0e+00 is outside the slider" in explorer.readout.value
    assert "so it is set to 1.0e-05. learning rate 1.0e-05: <b>diverged" in explorer.readout.value
    explorer.slider.value = 1e-6
    assert explorer.readout.value.startswith("learning rate 1.0e-06: <b>learning")


@pytest.mark.parametrize("request_, said", [("fast", "'fast'"), (None, "None")])
def test_a_value_of_the_wrong_type_is_refused_with_what_was_expected(problem, request_, said):
    explorer = LearningRateExplorer(*problem, epochs=20)
    explorer.slider.value = request_
    assert explorer.slider.value == 1e-6
    assert explorer.readout.value.startswith(
        f"{html.escape(said, quote=False)} is not a number (expected a learning rate between "
        "1.0e-09 and 1.0e-05), so the slider stays at 1.0e-06. ")
    assert "learning rate 1.0e-06: <b>learning" in explorer.readout.value


@pytest.mark.parametrize(
    ("arguments", "options", "error", "message"),
    [
        ("list", {}, TypeError, r"x must be a torch.Tensor, got list"),
        ("problem", {"epochs": "100"}, TypeError, "epochs must be a positive int, got str '100'"),
        ("problem", {"epochs": 0}, ValueError, "epochs must be a positive int, got 0"),
        ("problem", {"learning_rate": "1e-6"}, TypeError, "learning_rate must be a number"),
        ("problem", {"learning_rate": 1e-3}, ValueError,
         "learning_rate must lie in the slider's range 1.0e-09 to 1.0e-05, got 0.001"),
        ("problem", {"learning_rate": math.nan}, ValueError,
         "learning_rate must be a finite number, got nan"),
    ],
)
def test_learning_rate_explorer_rejects_bad_arguments(problem, arguments, options, error,
                                                      message):
    args = ([1.0], *problem[1:]) if arguments == "list" else problem
    with pytest.raises(error, match=message):
        LearningRateExplorer(*args, **options)
