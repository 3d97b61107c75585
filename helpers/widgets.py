"""The building blocks every interactive tool of the series shares (notebook 01 first).

A tool is an ``Explorer``: controls on top, a readout line and a picture below.
It never prints into an ``Output`` widget: nbval does not route such output to
the widget, so it would show up as stray cell output and break the comparison.
Instead the readout is an ``HTML`` widget's value and the picture a PNG in an
``Image`` widget, both set directly, and the explorer's text form is one short
stable line.
"""

import html
import io
import math
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from traitlets import Any, TraitError, validate

READOUT_CLASS = "helpers-readout"


def figure_to_png(figure: Figure) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it (introduced in notebook 01).

    Closing matters: a figure left open would also be drawn below the cell by
    the inline backend, and open figures pile up in memory while a slider moves.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


class Explorer(widgets.VBox):
    """Controls, a readout and a picture, refreshed on every change (notebook 01).

    Subclasses build their controls, call ``super().__init__(controls)`` and
    implement ``update()``, which calls ``show(readout_html, figure)``. The
    readout widget carries the CSS class ``helpers-readout`` so browser tests
    can find it. A learner never sees a traceback from a tool: an exception
    raised by ``update()`` becomes a sentence in the readout, and the picture
    is cleared so it cannot be mistaken for the answer to the new input.
    """

    def __init__(self, controls: list[widgets.Widget]) -> None:
        if not isinstance(controls, list) or not all(
            isinstance(c, widgets.Widget) for c in controls
        ):
            raise TypeError(f"controls must be a list of ipywidgets, got {controls!r}")
        self.readout = widgets.HTML()
        self.readout.add_class(READOUT_CLASS)
        self.picture = widgets.Image(format="png")
        super().__init__([widgets.HBox(controls), self.readout, self.picture])
        for control in controls:
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def update(self) -> None:
        raise NotImplementedError("an Explorer subclass must implement update()")

    def refresh(self) -> None:
        """Run ``update()``; if it fails, say so in the readout instead of raising."""
        try:
            self.update()
        except NotImplementedError:
            raise  # a subclass without update() is the author's error, not the learner's
        except Exception as error:  # shown to the learner, never a traceback
            message = f"could not update: {type(error).__name__}: {error}"
            self.show(html.escape(message, quote=False), None)

    def show(self, readout_html: str, figure: Figure | None) -> None:
        """Set the readout text and the picture; ``None`` clears the picture."""
        self.readout.value = readout_html
        if figure is None:
            self.picture.value = b""
            self.picture.layout.display = "none"
        else:
            self.picture.value = figure_to_png(figure)
            self.picture.layout.display = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.readout.value})"


class RefusalMemory:
    """What a slider refused when code set it, for the tool to explain (notebook 02 first).

    ipywidgets clamps an out-of-range number silently, lets NaN through and
    raises for a value a selection slider lacks. The sliders of the series' tools
    keep a valid value instead and remember the request in ``refused`` (a number
    as it came, anything else as its ``repr`` string); when the answer leaves the
    value unchanged no change event follows, so they call ``on_refused``
    themselves. The tool reads ``refused`` into its readout.
    """

    refused: object = None
    on_refused: Callable[[], None] | None = None

    def remember_refusal(self, requested: object) -> None:
        """Note ``requested`` as refused, and tell the tool now if nothing else will."""
        self.refused = requested
        if self.on_refused is not None:
            self.on_refused()

    def settle(self, requested: object, low: float, high: float) -> float:
        """A number within [low, high] for ``requested``: NaN keeps the current value, the rest
        is clamped; whatever differs is remembered as refused. What is not a number at all
        (None, a string) keeps the current value and is remembered as its ``repr``."""
        if isinstance(requested, bool) or not isinstance(requested, int | float):
            self.remember_refusal(repr(requested))
            return self.value
        value = self.value if math.isnan(requested) else min(max(requested, low), high)
        if value != requested:
            self.refused = requested
            if value == self.value and self.on_refused is not None:
                self.on_refused()
        return value


class AnyButNone(Any):
    """A trait that takes any value and sends even None through the widget's validator: for a
    trait that allows None, traitlets skips the validators when None comes."""

    allow_none = False


class ExplainingSlider(RefusalMemory, widgets.FloatSlider):
    """A ``FloatSlider`` that remembers what it refused (notebook 02's tangent explorer)."""

    # So that None or a string reaches the validator instead of failing CFloat's cast.
    value = AnyButNone(0.0).tag(sync=True)

    @validate("value")
    def _validate_value(self, proposal: dict) -> float:
        return float(self.settle(proposal["value"], self.min, self.max))


class ExplainingIntSlider(RefusalMemory, widgets.IntSlider):
    """An ``IntSlider`` that remembers what it refused (notebook 08's path through the ideas)."""

    value = AnyButNone(0).tag(sync=True)

    @validate("value")
    def _validate_value(self, proposal: dict) -> int:
        requested = proposal["value"]
        if isinstance(requested, float) and requested.is_integer():
            requested = int(requested)
        elif isinstance(requested, float) and math.isfinite(requested):
            self.remember_refusal(requested)
            return self.value
        return int(self.settle(requested, self.min, self.max))


class ExplainingLogSlider(RefusalMemory, widgets.FloatLogSlider):
    """A ``FloatLogSlider`` that remembers what it refused (notebook 04's learning rates)."""

    value = AnyButNone(1.0).tag(sync=True)

    @validate("value")
    def _validate_value(self, proposal: dict) -> float:
        return float(self.settle(proposal["value"], self.base**self.min, self.base**self.max))


class RefusingSelection(RefusalMemory):
    """Validators for a selection widget (slider, toggle buttons) that keeps its choice, and
    says so, when code asks for a value, index or label it lacks (notebook 06 first).

    ipywidgets raises ``TraitError`` for those; these remember the request in ``refused`` and
    keep the current choice. Mix it in before the widget class.
    """

    def _keep(self, requested: str, current: object) -> object:
        self.remember_refusal(requested)
        return current

    def refusal_notice(self, what: str) -> str:
        """A sentence for the readout on the last refused request (then forgotten), naming the
        ``what`` on offer; empty when nothing was refused."""
        requested, self.refused = self.refused, None
        if requested is None:
            return ""
        offered = ", ".join(self._options_labels)
        return f"{requested} is not one of the {what} ({offered}), so it stays at {self.label}. "

    @validate("value")
    def _validate_value(self, proposal: dict) -> object:
        requested = proposal["value"]
        if not any(type(requested) is type(option) and requested == option
                   for option in self._options_values):
            return self._keep(repr(requested), self.value)
        return super()._validate_value(proposal)

    @validate("index")
    def _validate_index(self, proposal: dict) -> object:
        requested = proposal["value"]
        if (isinstance(requested, bool) or not isinstance(requested, int)
                or not 0 <= requested < len(self._options_labels)):
            return self._keep(f"index {requested!r}", self.index)
        return requested

    @validate("label")
    def _validate_label(self, proposal: dict) -> object:
        try:
            return super()._validate_label(proposal)
        except TraitError:
            return self._keep(f"label {proposal['value']!r}", self.label)


class ExplainingSelectionSlider(RefusingSelection, widgets.SelectionSlider):
    """A ``SelectionSlider`` that keeps its value when asked for one it lacks (notebooks 06-08:
    the training sizes, the training snapshots)."""

    # So that NaN, None or a string reaches the validators instead of failing Int's check.
    value = AnyButNone().tag(sync=True)
    index = AnyButNone(0).tag(sync=True)


class ExplainingToggleButtons(RefusingSelection, widgets.ToggleButtons):
    """``ToggleButtons`` that keep their choice when asked for one they lack (notebook 08's
    digits)."""

    value = AnyButNone().tag(sync=True)
    index = AnyButNone(0).tag(sync=True)
