import math

import matplotlib.pyplot as plt
import pytest
import torch

from helpers import tangent_explorer
from helpers.tangent import TangentExplorer
from helpers.widgets import READOUT_CLASS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _seed_parabola(x):
    return (x - 1) * (x - 2)


def test_starts_at_the_seed_point_with_the_autograd_slope():
    explorer = tangent_explorer(_seed_parabola, formula="(x - 1)(x - 2)")
    assert isinstance(explorer, TangentExplorer)
    assert explorer.readout.value == "x = 3.50 | y = 3.75 | dy/dx = 4.00"
    assert READOUT_CLASS in explorer.readout._dom_classes
    assert bytes(explorer.picture.value).startswith(PNG_SIGNATURE)
    assert repr(explorer) == "TangentExplorer(x = 3.50 | y = 3.75 | dy/dx = 4.00)"


def test_moving_the_slider_recomputes_gradient_and_tangent():
    explorer = tangent_explorer(_seed_parabola)
    before = bytes(explorer.picture.value)
    explorer.slider.value = 0.2
    assert explorer.slope == pytest.approx(2 * 0.2 - 3)
    assert explorer.y == pytest.approx((0.2 - 1) * (0.2 - 2))
    assert explorer.tangent(0.2) == pytest.approx(explorer.y)  # touches the curve at x
    assert explorer.tangent(1.2) == pytest.approx(explorer.y + explorer.slope)
    assert explorer.readout.value == "x = 0.20 | y = 1.44 | dy/dx = -2.60"
    assert bytes(explorer.picture.value) != before


def test_at_the_minimum_the_tangent_is_flat_and_the_sign_does_not_flicker():
    explorer = tangent_explorer(_seed_parabola)
    explorer.slider.value = 1.5
    assert explorer.slope == 0.0
    assert explorer.tangent(-1.0) == explorer.tangent(5.0) == pytest.approx(-0.25)
    assert explorer.readout.value.endswith("dy/dx = 0.00")


def test_any_elementwise_torch_function_works():
    explorer = tangent_explorer(torch.sin, x=0.0, x_range=(-math.pi, math.pi))
    assert explorer.slope == pytest.approx(1.0)
    explorer.slider.value = 1.0
    assert explorer.slope == pytest.approx(math.cos(1.0))


def test_no_figure_is_left_open_for_pyplot_to_show_again():
    open_figures = plt.get_fignums()
    explorer = tangent_explorer(_seed_parabola)
    explorer.slider.value = 2.0
    assert plt.get_fignums() == open_figures


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"function": 3.0}, TypeError, "function must be callable"),
        ({"x_range": [0, 1]}, TypeError, "tuple (low, high)"),
        ({"x_range": (2.0, 1.0)}, ValueError, "low < high"),
        ({"x": 9.0}, ValueError, "must lie in x_range"),
        ({"x": "1"}, TypeError, "x must be a number"),
        ({"function": lambda x: x.sum()}, ValueError, "elementwise"),
        ({"function": lambda x: x.detach() * 2}, ValueError, "no grad_fn"),
        ({"formula": 2}, TypeError, "formula must be a str"),
        ({"x_range": (0.0, math.inf)}, ValueError, "finite numbers"),
        ({"function": lambda x: x.numpy() * 2}, TypeError, "it raised RuntimeError"),
        ({"function": lambda x: x[:1] * 2}, ValueError, "elementwise"),
        (
            {"function": torch.log, "x": -2.0, "x_range": (-5.0, -1.0)},
            ValueError,
            "not defined anywhere on x_range (-5.0, -1.0)",
        ),
    ],
)
def test_bad_arguments_say_what_was_expected(kwargs, error, words):
    arguments = {"function": _seed_parabola} | kwargs
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        tangent_explorer(**arguments)


def _shown_curve(explorer):
    """The figure update() would show now: the upper axes hold the curve."""
    return explorer._figure().axes[0]


@pytest.mark.parametrize(
    ("function", "formula", "left_end", "domain"),
    [
        (torch.sqrt, "sqrt(x)", 0.0, "[0.00, 5.00]"),  # sqrt(0) = 0: the end belongs to it
        (torch.log, "log(x)", 0.0, "(0.00, 5.00]"),  # log(0) = -inf: it does not
    ],
)
def test_a_function_defined_for_positive_x_draws_and_names_its_domain(
    function, formula, left_end, domain
):
    explorer = tangent_explorer(function, formula=formula)  # the default range starts at -1
    assert explorer.readout.value.startswith("x = 3.50 | y = ")
    assert len(explorer.intervals) == 1
    assert explorer.intervals[0][0] == pytest.approx(left_end, abs=1e-12)
    assert explorer.intervals[0][1] == 5.0
    explorer.slider.value = -0.5
    assert explorer.readout.value == (
        f"x = -0.50 | y = nan: {formula} is not a finite number here, so x is outside its "
        f"domain; on this range it is defined for x in {domain}"
    )
    assert bytes(explorer.picture.value).startswith(PNG_SIGNATURE)
    low, high = _shown_curve(explorer).get_ylim()
    assert math.isfinite(low) and math.isfinite(high)


def test_a_vertical_tangent_is_named_not_drawn():
    explorer = tangent_explorer(torch.sqrt, x=0.0, formula="sqrt(x)")
    assert explorer.readout.value == (
        "x = 0.00 | y = 0.00 | dy/dx = inf: no finite slope here, so no tangent is drawn"
    )
    labels = [line.get_label() for line in _shown_curve(explorer).get_lines()]
    assert "y = sqrt(x)" in labels
    assert not any(label.startswith("tangent") for label in labels)


def test_a_pole_between_grid_points_keeps_the_axis_on_the_curve_and_breaks_the_line():
    # The pole sits 1e-13 right of the grid point 0, so the curve there is -1e13, not inf.
    explorer = tangent_explorer(lambda x: 1 / (x - 1e-13), x=1.0, formula="1/x")
    low, high = _shown_curve(explorer).get_ylim()
    assert -20 < low < -2 and 2 < high < 20  # not stretched to the -1e13 next to the pole
    curve = _shown_curve(explorer).get_lines()[0].get_ydata()
    assert any(math.isnan(value) for value in curve)  # no stroke joins the two branches


def test_a_pole_on_the_grid_breaks_the_line_there():
    explorer = tangent_explorer(lambda x: 1 / x, x=1.0, formula="1/x")
    low, high = _shown_curve(explorer).get_ylim()
    assert -100 < low < -2 and 2 < high < 100  # the neighbours of 0 are -40 and 40
    curve = _shown_curve(explorer).get_lines()[0].get_ydata()
    assert math.isnan(curve[40]) and curve[39] < 0 < curve[41]


def _shaded_stretches(explorer):
    """The (left, right) x of each grey stretch on the upper axes."""
    spans = [patch.get_extents() for patch in _shown_curve(explorer).patches]
    axes = _shown_curve(explorer)
    to_data = axes.transData.inverted()
    return [tuple(to_data.transform([(box.x0, 0), (box.x1, 0)])[:, 0]) for box in spans]


def test_the_pole_of_1_over_x_is_reported_and_shaded_like_any_undefined_stretch():
    # The default range -1 to 5 has a grid point at exactly 0, on every CPU.
    explorer = tangent_explorer(lambda x: 1 / x, x=1.0, formula="1/x")
    assert len(explorer.intervals) == 2
    (left_start, left_end), (right_start, right_end) = explorer.intervals
    assert left_start == -1.0 and right_end == 5.0
    assert -1e-12 < left_end < 0.0 < right_start < 1e-12
    explorer.slider.value = 0.0
    assert explorer.readout.value == (
        "x = 0.00 | y = inf: 1/x is not a finite number here, so x is outside its domain; "
        "on this range it is defined for x in [-1.00, 0.00) and (0.00, 5.00]"
    )
    ((shade_left, shade_right),) = _shaded_stretches(explorer)
    assert shade_left < 0.0 < shade_right
    assert shade_right - shade_left == pytest.approx(6.0 / 240)  # one grid step: it shows


def test_a_function_defined_everywhere_shades_nothing():
    assert _shaded_stretches(tangent_explorer(_seed_parabola)) == []


def test_a_well_behaved_curve_is_shown_whole():
    explorer = tangent_explorer(_seed_parabola)
    low, high = _shown_curve(explorer).get_ylim()
    assert low < -0.25 and high > 12.0
    assert not any(math.isnan(v) for v in _shown_curve(explorer).get_lines()[0].get_ydata())


@pytest.mark.parametrize(
    ("value", "readout"),
    [
        (
            math.nan,
            "x = nan is not a number (expected an x from -1.00 to 5.00), so the slider stays "
            "at 3.50. x = 3.50 | y = 3.75 | dy/dx = 4.00",
        ),
        (
            1e9,
            "x = 1e+09 is outside the slider (expected an x from -1.00 to 5.00), so it is set "
            "to 5.00. x = 5.00 | y = 12.00 | dy/dx = 7.00",
        ),
        (
            math.inf,
            "x = inf is outside the slider (expected an x from -1.00 to 5.00), so it is set "
            "to 5.00. x = 5.00 | y = 12.00 | dy/dx = 7.00",
        ),
        (
            -1e9,
            "x = -1e+09 is outside the slider (expected an x from -1.00 to 5.00), so it is "
            "set to -1.00. x = -1.00 | y = 6.00 | dy/dx = -5.00",
        ),
        (-math.inf, "x = -inf is outside the slider"),
    ],
)
def test_slider_values_set_from_code_that_it_cannot_take_are_answered_in_the_readout(
    value, readout
):
    explorer = tangent_explorer(_seed_parabola)
    explorer.slider.value = value
    assert explorer.readout.value.startswith(readout)
    assert bytes(explorer.picture.value).startswith(PNG_SIGNATURE)


def test_a_refused_value_is_answered_even_when_the_slider_is_already_at_the_edge():
    explorer = tangent_explorer(_seed_parabola, x=5.0)
    explorer.slider.value = 1e9  # clamped to 5.0, its value already: no change event follows
    assert explorer.readout.value.startswith("x = 1e+09 is outside the slider")
    explorer.slider.value = 4.0
    assert explorer.readout.value == "x = 4.00 | y = 6.00 | dy/dx = 5.00"  # the notice is gone


def test_values_inside_the_range_move_the_slider_without_a_notice():
    explorer = tangent_explorer(_seed_parabola)
    for value in (-1.0, 5.0, 2.0):
        explorer.slider.value = value
        assert explorer.slider.value == value
        assert explorer.readout.value.startswith(f"x = {value:.2f} | y = ")


def test_a_function_that_fails_at_one_x_is_reported_in_the_readout():
    def picky(x):
        if x.dim() == 0 and x.item() > 4:
            raise ValueError("only up to 4")
        return x * x

    explorer = tangent_explorer(picky, x=1.0)
    explorer.slider.value = 4.5
    assert explorer.readout.value == "could not update: ValueError: only up to 4"


def test_a_start_outside_ipywidgets_default_range_is_no_refused_value():
    # FloatSlider's defaults are 0 to 100; the start must be checked against the range given.
    explorer = tangent_explorer(lambda x: x * x, x=-150.0, x_range=(-200.0, -100.0))
    assert explorer.readout.value == "x = -150.00 | y = 22500.00 | dy/dx = -300.00"
