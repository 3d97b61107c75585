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
from traitlets import validate

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
    keep a valid value instead and remember the request in ``refused``; when the
    answer leaves the value unchanged no change event follows, so they call
    ``on_refused`` themselves. The tool reads ``refused`` into its readout.
    """

    refused: object = None
    on_refused: Callable[[], None] | None = None

    def remember_refusal(self, requested: object) -> None:
        """Note ``requested`` as refused, and tell the tool now if nothing else will."""
        self.refused = requested
        if self.on_refused is not None:
            self.on_refused()

    def settle(self, requested: float, low: float, high: float) -> float:
        """A number within [low, high] for ``requested``: NaN keeps the current value, the
        rest is clamped; whatever differs from the request is remembered as refused."""
        value = self.value if math.isnan(requested) else min(max(requested, low), high)
        if value != requested:
            self.refused = requested
            if value == self.value and self.on_refused is not None:
                self.on_refused()
        return value


class ExplainingSlider(RefusalMemory, widgets.FloatSlider):
    """A ``FloatSlider`` that remembers what it refused (notebook 02's tangent explorer)."""

    @validate("value")
    def _validate_value(self, proposal: dict) -> float:
        return self.settle(proposal["value"], self.min, self.max)


class ExplainingLogSlider(RefusalMemory, widgets.FloatLogSlider):
    """A ``FloatLogSlider`` that remembers what it refused (notebook 04's learning rates)."""

    @validate("value")
    def _validate_value(self, proposal: dict) -> float:
        return self.settle(proposal["value"], self.base**self.min, self.base**self.max)
