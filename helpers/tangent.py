"""A slider over x that draws a curve, its tangent at x and the slope (introduced in notebook 02).

Every slope shown comes from autograd: each move of the slider builds a fresh
graph from a new leaf ``x``, calls ``backward()`` and reads ``x.grad``, which is
what the notebook does by hand once.
"""

import html
import math
from collections.abc import Callable

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.widgets import ExplainingSlider, Explorer

ScalarFunction = Callable[[torch.Tensor], torch.Tensor]
GRID_POINTS = 241
# A range this many times wider than the middle 96 % of the values means a pole or a
# spike: the axis then shows the middle and the curve leaves the picture there.
SPIKE_RATIO = 10.0


def _call(function: ScalarFunction, argument: torch.Tensor) -> object:
    try:
        return function(argument)
    except Exception as error:
        raise TypeError(
            "function must take a tensor and compute with torch operations, like "
            f"lambda x: (x - 1) * (x - 2); on a tensor of shape {tuple(argument.shape)} it "
            f"raised {type(error).__name__}: {error}"
        ) from error


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
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"x_range must hold finite numbers, got {x_range!r}")
    if not low < high:
        raise ValueError(f"x_range must have low < high, got {x_range!r}")
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"x must be a number, got {type(x).__name__} {x!r}")
    if not low <= x <= high:
        raise ValueError(f"x must lie in x_range {x_range!r}, got {x}")
    grid = torch.linspace(low, high, 5, dtype=torch.float64, requires_grad=True)
    values = _call(function, grid)
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
    point = _call(function, torch.tensor(float(x), dtype=torch.float64, requires_grad=True))
    if not isinstance(point, torch.Tensor) or point.numel() != 1:
        raise ValueError(
            "function must work elementwise, on a single number (a 0-d tensor) too; "
            f"on one it returned {point!r}"
        )
    return low, high


def _grid(low: float, high: float) -> torch.Tensor:
    """GRID_POINTS points from ``low`` to ``high``, the same on every CPU.

    ``torch.linspace`` rounds differently on different vector units (x = 0 of the
    range -1 to 5 comes out as 0 or as 5.6e-17), and only the exact 0 finds the pole
    of 1/x there. Weighting the two ends by integers hits such round points exactly.
    """
    steps = torch.arange(GRID_POINTS, dtype=torch.float64)
    last = GRID_POINTS - 1
    grid = (low * (last - steps) + high * steps) / last
    grid[0], grid[-1] = low, high
    return grid


def _is_defined(function: ScalarFunction, x: float) -> bool:
    with torch.no_grad():
        return bool(torch.isfinite(function(torch.tensor(x, dtype=torch.float64))).all())


def _edge(function: ScalarFunction, inside: float, outside: float) -> float:
    """The last x, between a defined and an undefined point, where the function is defined."""
    for _ in range(60):  # bisection: 60 halvings exhaust float64's 53 bits
        middle = (inside + outside) / 2
        if middle in (inside, outside):
            break
        if _is_defined(function, middle):
            inside = middle
        else:
            outside = middle
    return inside


def _defined_intervals(
    function: ScalarFunction, grid: torch.Tensor, defined: torch.Tensor
) -> list[tuple[float, float]]:
    """The stretches of ``grid`` where the function is finite, their ends found by bisection."""
    points, flags = grid.tolist(), defined.tolist()
    intervals, start = [], None
    for index, flag in enumerate(flags):
        if flag and start is None:
            start = index
        if start is not None and (not flag or index == len(flags) - 1):
            stop = index if flag else index - 1
            left = points[start] if start == 0 else _edge(
                function, points[start], points[start - 1]
            )
            right = points[stop] if stop == len(points) - 1 else _edge(
                function, points[stop], points[stop + 1]
            )
            intervals.append((left, right))
            start = None
    return intervals


def _view(values: torch.Tensor) -> tuple[float, float, torch.Tensor]:
    """Axis limits for the finite ``values`` and the values to draw (NaN where off the axis).

    A well-behaved curve is shown whole. Near a pole (1/x) one value can be 1e16: the axis
    then spans the middle of the values, and points far beyond it become NaN, so the
    line breaks at the pole instead of joining its two sides with a vertical stroke.
    """
    finite = values[torch.isfinite(values)]
    if finite.numel() == 0:  # nothing to draw (a slope that is nowhere finite): any axis will do
        return -1.0, 1.0, values
    low, high = float(finite.min()), float(finite.max())
    bulk_low, bulk_high = (
        float(q) for q in torch.quantile(finite, torch.tensor([0.02, 0.98], dtype=finite.dtype))
    )
    drawn = values.clone()
    if high - low > SPIKE_RATIO * (bulk_high - bulk_low):
        low, high = bulk_low, bulk_high
        span = high - low
        drawn[(values < low - span) | (values > high + span)] = math.nan
    margin = 0.1 * (high - low) + 1e-9
    return low - margin, high + margin, drawn


def _interval_text(function: ScalarFunction, intervals: list[tuple[float, float]]) -> str:
    """The stretches as a learner writes them: an end the function is undefined at is open.

    Bisection stops next to an edge, so the two decimals shown are what is judged:
    sqrt gives [0.00, 5.00], log (0.00, 5.00] and 1/x [-1.00, 0.00) and (0.00, 5.00].
    """
    shown = []
    for left, right in intervals[:3]:
        opening = "[" if _is_defined(function, round(left, 2)) else "("
        closing = "]" if _is_defined(function, round(right, 2)) else ")"
        shown.append(f"{opening}{left:z.2f}, {right:z.2f}{closing}")
    more = f" and {len(intervals) - 3} more stretches" if len(intervals) > 3 else ""
    return " and ".join(shown) + more


class TangentExplorer(Explorer):
    """The curve y = f(x), its tangent at the slider's x, and dy/dx below (notebook 02).

    After every change ``x``, ``y``, ``slope`` (dy/dx from autograd) and
    ``intercept`` hold the numbers on display: the tangent is
    ``slope * t + intercept``. The readout reads ``x = 3.50 | y = 3.75 | dy/dx = 4.00``.
    Where the function is not defined (``torch.sqrt`` left of 0, ``1/x`` at 0) the curve
    has a gap, shaded grey, and at such an x the readout says so instead of a slope;
    ``intervals`` lists where the function is defined on the range. An x set from code
    that the slider cannot take (NaN, outside the range) is answered in the readout.
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
        grid = _grid(low, high).requires_grad_()
        values = function(grid)
        (slopes,) = torch.autograd.grad(values.sum(), grid)
        values = values.detach()
        defined = torch.isfinite(values)
        if not defined.any():
            raise ValueError(
                f"function is not defined anywhere on x_range {x_range!r}: it gives nan or inf "
                "at every x. Choose a range inside its domain (torch.sqrt needs x >= 0, "
                "torch.log x > 0)."
            )
        self.intervals = _defined_intervals(function, grid.detach(), defined)
        self._grid = grid.detach()
        self._values = values.where(defined, math.nan)
        self._slopes = slopes.where(defined & torch.isfinite(slopes), math.nan)
        self.slider = ExplainingSlider(
            value=x, min=low, max=high, step=0.05, description="x", readout_format=".2f"
        )
        self.slider.on_refused = self.update
        super().__init__([self.slider])

    def tangent(self, t: float) -> float:
        """The tangent line at the current x, evaluated at ``t``."""
        return self.slope * t + self.intercept

    def _refusal_notice(self) -> str:
        """What the readout says first when code asked the slider for an x it cannot take."""
        requested, self.slider.refused = self.slider.refused, None
        if requested is None:
            return ""
        expected = f"expected an x from {self.slider.min:z.2f} to {self.slider.max:z.2f}"
        now = f"{self.slider.value:z.2f}"
        if isinstance(requested, str) or math.isnan(requested):
            return f"x = {requested} is not a number ({expected}), so the slider stays at {now}. "
        return f"x = {requested:g} is outside the slider ({expected}), so it is set to {now}. "

    def update(self) -> None:
        """Differentiate at the slider's value with autograd, then redraw."""
        notice = html.escape(self._refusal_notice(), quote=False)
        x = torch.tensor(self.slider.value, dtype=torch.float64, requires_grad=True)
        y = self.function(x)
        y.backward()
        self.x, self.y, self.slope = x.item(), y.item(), x.grad.item()
        self.intercept = self.y - self.slope * self.x
        self.show(notice + self._readout(), self._figure())

    def _readout(self) -> str:
        # "z" turns -0.00 into 0.00, so the readout does not flicker a sign at a minimum.
        point = f"x = {self.x:z.2f}"
        if not math.isfinite(self.y):
            where = ""
            if self.intervals != [(float(self._grid[0]), float(self._grid[-1]))]:
                where = (
                    "; on this range it is defined for x in "
                    f"{_interval_text(self.function, self.intervals)}"
                )
            return html.escape(
                f"{point} | y = {self.y}: {self.formula} is not a finite number here, so x is "
                f"outside its domain{where}",
                quote=False,
            )
        if not math.isfinite(self.slope):
            return (
                f"{point} | y = {self.y:z.2f} | dy/dx = {self.slope}: no finite slope here, "
                "so no tangent is drawn"
            )
        return f"{point} | y = {self.y:z.2f} | dy/dx = {self.slope:z.2f}"

    def _figure(self) -> Figure:
        figure = Figure(figsize=(6.0, 5.0))
        curve, derivative = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        grid = self._grid.numpy()
        low, high, values = _view(self._values)
        curve.plot(grid, values.numpy(), color="C0", label=f"y = {self.formula}")
        if math.isfinite(self.slope) and math.isfinite(self.y):
            tangent_x = (self.x - 1.0, self.x + 1.0)
            curve.plot(
                tangent_x,
                [self.tangent(t) for t in tangent_x],
                color="C3",
                label=f"tangent, slope {self.slope:z.2f}",
            )
        if math.isfinite(self.y):
            curve.plot([self.x], [self.y], "o", color="C3")
        elif not math.isnan(self.x):
            curve.axvline(self.x, color="C3", linestyle="--", label="x outside the domain")
        curve.set_ylim(low, high)
        curve.set_ylabel("y")
        curve.legend(loc="upper center")
        slope_low, slope_high, slopes = _view(self._slopes)
        derivative.plot(grid, slopes.numpy(), color="C2", label="dy/dx (autograd)")
        derivative.axhline(0.0, color="gray", linewidth=0.8)
        if math.isfinite(self.slope):
            derivative.plot([self.x], [self.slope], "o", color="C3")
        derivative.set_ylim(slope_low, slope_high)
        derivative.set_xlabel("x")
        derivative.set_ylabel("dy/dx")
        derivative.legend(loc="upper left")
        for axes in (curve, derivative):
            self._shade_undefined(axes)
        figure.tight_layout()
        return figure

    def _shade_undefined(self, axes: Axes) -> None:
        edges = [float(self._grid[0])]
        for left, right in self.intervals:
            edges += [left, right]
        edges.append(float(self._grid[-1]))
        # A pole (1/x at 0) is a gap of a few 1e-20: widen it to one grid step so it shows.
        step = float(self._grid[1] - self._grid[0])
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            if stop > start:
                middle, half = (start + stop) / 2, max(stop - start, step) / 2
                axes.axvspan(middle - half, middle + half, color="0.85", zorder=0)


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
