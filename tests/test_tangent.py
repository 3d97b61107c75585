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
    ],
)
def test_bad_arguments_say_what_was_expected(kwargs, error, words):
    arguments = {"function": _seed_parabola} | kwargs
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        tangent_explorer(**arguments)
