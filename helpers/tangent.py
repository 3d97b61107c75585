"""A slider over x that draws a curve, its tangent at x and the slope (introduced in notebook 02).

Every slope shown comes from autograd: each move of the slider builds a fresh
graph from a new leaf ``x``, calls ``backward()`` and reads ``x.grad``, which is
what the notebook does by hand once.
"""

from collections.abc import Callable

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from helpers.widgets import Explorer

ScalarFunction = Callable[[torch.Tensor], torch.Tensor]


def _validated(function: object, x_range: object, x: object) -> tuple[float, float]:
    if not callable(function):
        raise TypeError(
            f"function must be callable (tensor -> tensor), got {type(function).__name__}"
        )
    if (
        not isinstance(x_range, tuple)
        or len(x_range) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in x_range)
    ):
        raise TypeError(f"x_range must be a tuple (low, high) of numbers, got {x_range!r}")
    low, high = float(x_range[0]), float(x_range[1])
    if not low < high:
        raise ValueError(f"x_range must have low < high, got {x_range!r}")
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"x must be a number, got {type(x).__name__} {x!r}")
    if not low <= x <= high:
        raise ValueError(f"x must lie in x_range {x_range!r}, got {x}")
    grid = torch.linspace(low, high, 5, dtype=torch.float64, requires_grad=True)
    values = function(grid)
    if not isinstance(values, torch.Tensor) or values.shape != grid.shape:
        raise ValueError(
            "function must work elementwise on a tensor, like lambda x: (x - 1) * (x - 2); "
            f"on a tensor of shape {tuple(grid.shape)} it returned {values!r}"
        )
    if values.grad_fn is None:
        raise ValueError(
            "function must compute with torch operations on its argument so autograd can "
            "follow it; its result has no grad_fn"
        )
    return low, high


class TangentExplorer(Explorer):
    """The curve y = f(x), its tangent at the slider's x, and dy/dx below (notebook 02).

    After every change ``x``, ``y``, ``slope`` (dy/dx from autograd) and
    ``intercept`` hold the numbers on display: the tangent is
    ``slope * t + intercept``. The readout reads ``x = 3.50 | y = 3.75 | dy/dx = 4.00``.
    """

    def __init__(
        self,
        function: ScalarFunction,
        x: float = 3.5,
        x_range: tuple[float, float] = (-1.0, 5.0),
        formula: str = "f(x)",
    ) -> None:
        low, high = _validated(function, x_range, x)
        if not isinstance(formula, str):
            raise TypeError(f"formula must be a str, got {type(formula).__name__}")
        self.function = function
        self.formula = formula
        self.x = self.y = self.slope = self.intercept = float("nan")
        # The curve and its derivative do not move with the slider: compute them once.
        grid = torch.linspace(low, high, 241, dtype=torch.float64, requires_grad=True)
        values = function(grid)
        (slopes,) = torch.autograd.grad(values.sum(), grid)
        self._grid, self._values, self._slopes = grid.detach(), values.detach(), slopes
        self.slider = widgets.FloatSlider(
            value=x, min=low, max=high, step=0.05, description="x", readout_format=".2f"
        )
        super().__init__([self.slider])

    def tangent(self, t: float) -> float:
        """The tangent line at the current x, evaluated at ``t``."""
        return self.slope * t + self.intercept

    def update(self) -> None:
        """Differentiate at the slider's value with autograd, then redraw."""
        x = torch.tensor(self.slider.value, dtype=torch.float64, requires_grad=True)
        y = self.function(x)
        y.backward()
        self.x, self.y, self.slope = x.item(), y.item(), x.grad.item()
        self.intercept = self.y - self.slope * self.x
        # "z" turns -0.00 into 0.00, so the readout does not flicker a sign at a minimum.
        readout = f"x = {self.x:z.2f} | y = {self.y:z.2f} | dy/dx = {self.slope:z.2f}"
        self.show(readout, self._figure())

    def _figure(self) -> Figure:
        figure = Figure(figsize=(6.0, 5.0))
        curve, derivative = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        grid = self._grid.numpy()
        curve.plot(grid, self._values.numpy(), color="C0", label=f"y = {self.formula}")
        low, high = float(self._values.min()), float(self._values.max())
        margin = 0.1 * (high - low) + 1e-9
        tangent_x = (self.x - 1.0, self.x + 1.0)
        curve.plot(
            tangent_x,
            [self.tangent(t) for t in tangent_x],
            color="C3",
            label=f"tangent, slope {self.slope:z.2f}",
        )
        curve.plot([self.x], [self.y], "o", color="C3")
        curve.set_ylim(low - margin, high + margin)
        curve.set_ylabel("y")
        curve.legend(loc="upper center")
        derivative.plot(grid, self._slopes.numpy(), color="C2", label="dy/dx (autograd)")
        derivative.axhline(0.0, color="gray", linewidth=0.8)
        derivative.plot([self.x], [self.slope], "o", color="C3")
        derivative.set_xlabel("x")
        derivative.set_ylabel("dy/dx")
        derivative.legend(loc="upper left")
        figure.tight_layout()
        return figure


def tangent_explorer(
    function: ScalarFunction,
    x: float = 3.5,
    x_range: tuple[float, float] = (-1.0, 5.0),
    formula: str = "f(x)",
) -> TangentExplorer:
    """A slider over ``x`` showing ``function``'s tangent and autograd slope (notebook 02).

    ``function`` must be elementwise and built from torch operations, e.g.
    ``lambda x: (x - 1) * (x - 2)``; ``formula`` is the text for the legend.
    Raises ``TypeError``/``ValueError`` for a function autograd cannot follow,
    a bad range or an ``x`` outside it.
    """
    return TangentExplorer(function, x=x, x_range=x_range, formula=formula)
