"""Loss curves and the learning-rate explorer (notebooks 04 and 05).

A loss curve is drawn on a log scale because a good run falls by orders of
magnitude. The explorer retrains seed 001's net by hand on every slider move
and names the outcome: too slow, learning, or diverged.
"""

import html
import math
import numbers
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from helpers import arguments
from helpers.training import _check_two_layer, train_by_hand
from helpers.widgets import ExplainingLogSlider, Explorer

# The explorer's slider spans 10^-9 to 10^-5: from "too slow" to well past the edge where
# seed 001's net diverges (about 2e-6 to 3e-6).
RATE_EXPONENTS = (-9, -5)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _as_losses(losses: object, what: str) -> list[float]:
    """``losses`` as a list of floats; a 1-d tensor or array counts as a list."""
    if isinstance(losses, torch.Tensor | np.ndarray) and losses.ndim == 1:
        losses = losses.tolist()
    if isinstance(losses, str) or not isinstance(losses, Sequence):
        raise TypeError(
            f"{what} must be a list of numbers (one loss per epoch), "
            f"got {type(losses).__name__} {losses!r}"
        )
    if not losses:
        raise ValueError(f"{what} must be a non-empty list of numbers, got an empty one")
    for epoch, loss in enumerate(losses):
        if not _is_number(loss):
            hint = ": .item() turns a one-element tensor into a number" if isinstance(
                loss, torch.Tensor) else ""
            raise TypeError(
                f"{what}: entry {epoch} must be a number, got {type(loss).__name__} {loss!r}"
                f"{hint}"
            )
    return [float(loss) for loss in losses]


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]], *, title: str = "", log_scale: bool = True
) -> Figure:
    """One line per named loss curve against the epoch (introduced in notebook 04).

    ``curves`` maps a label to the losses of a run, one per epoch (a list, or a
    1-d tensor or array). Values that are not finite (a diverged run) are left
    out of the line, and its label says "diverged". Returns the figure, for
    display or ``figure_to_png``.
    """
    if not isinstance(curves, Mapping):
        raise TypeError(
            f"curves must be a dict of label -> losses, such as "
            f"{{'lr 1e-06': [4.8e7, 8.8e7, ...]}}, got {type(curves).__name__} {curves!r}"
        )
    if not curves:
        raise ValueError("curves must hold at least one curve, got an empty dict")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__} {title!r}")
    if not isinstance(log_scale, bool):
        raise TypeError(f"log_scale must be True or False, got {type(log_scale).__name__}")
    checked = {}
    for label, losses in curves.items():
        if not isinstance(label, str):
            raise TypeError(f"curve labels must be str, got {type(label).__name__} {label!r}")
        checked[label] = _as_losses(losses, f"curve {label!r}")
    figure, axes = plt.subplots()
    for label, losses in checked.items():
        finite = [(epoch, loss) for epoch, loss in enumerate(losses) if math.isfinite(loss)]
        if len(finite) < len(losses):
            label = f"{label} (diverged)"
        axes.plot([epoch for epoch, _ in finite], [loss for _, loss in finite], label=label)
    if log_scale:
        axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title)
    axes.legend()
    return figure


def _judge(learning_rate: float, losses: list[float]) -> tuple[str, str, str]:
    """The rate as printed, the verdict word and what the run did."""
    first, last = losses[0], losses[-1]
    rate = f"learning rate {learning_rate:.1e}"
    if not math.isfinite(last):
        return rate, "diverged", f"the loss became {last} at epoch {len(losses) - 1}"
    if last > first:
        verdict = "diverged"
    elif last > first / 2:
        verdict = "too slow"
    else:
        verdict = "learning"
    return rate, verdict, f"loss {first:.3g} → {last:.3g} after {len(losses)} epochs"


def describe_run(learning_rate: float, losses: Sequence[float]) -> str:
    """A one-line verdict on a training run, as plain text (introduced in notebook 04).

    "diverged" when the loss overflowed or ended above where it started,
    "too slow" when it kept more than half of its first value, else "learning".
    The learning-rate explorer shows the same line with the verdict in bold.
    """
    arguments.number(learning_rate, "learning_rate", minimum=0, strict=True)
    rate, verdict, detail = _judge(float(learning_rate), _as_losses(losses, "losses"))
    return f"{rate}: {verdict}, {detail}"


class LearningRateExplorer(Explorer):
    """A log-scale learning-rate slider that retrains and redraws (introduced in notebook 04).

    Each move reruns ``train_by_hand`` from the same ``w1``, ``w2`` for
    ``epochs`` epochs; keep the problem small so an update stays well under a
    second. The readout names the outcome (see ``describe_run``); a value set
    from code that the slider cannot take (NaN, outside 1e-9 to 1e-5) is
    answered in the readout, never with a traceback.
    """

    def __init__(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        w1: torch.Tensor,
        w2: torch.Tensor,
        *,
        epochs: int = 100,
        learning_rate: float = 1e-6,
    ) -> None:
        _check_two_layer(x, y, w1, w2)
        arguments.positive_int(epochs, "epochs")
        low, high = (10.0**exponent for exponent in RATE_EXPONENTS)
        arguments.number(learning_rate, "learning_rate")
        if not low <= learning_rate <= high:
            raise ValueError(
                f"learning_rate must lie in the slider's range {low:.1e} to {high:.1e}, "
                f"got {learning_rate!r}"
            )
        self.problem = (x, y, w1, w2)
        self.epochs = epochs
        self.summary = ""
        self.slider = ExplainingLogSlider(
            value=float(learning_rate),
            base=10,
            min=RATE_EXPONENTS[0],
            max=RATE_EXPONENTS[1],
            step=0.25,
            description="learning rate",
            readout_format=".1e",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.slider.on_refused = self.update
        super().__init__([self.slider])

    def _refusal_notice(self, learning_rate: float) -> str:
        """What the readout says first when code asked the slider for a value it cannot take."""
        requested, self.slider.refused = self.slider.refused, None
        if requested is None:
            return ""
        low, high = (10.0**exponent for exponent in RATE_EXPONENTS)
        expected = f"expected a learning rate between {low:.1e} and {high:.1e}"
        now = f"{learning_rate:.1e}"
        if isinstance(requested, str) or math.isnan(requested):
            return f"{requested} is not a number ({expected}), so the slider stays at {now}. "
        return f"{requested:.1e} is outside the slider ({expected}), so it is set to {now}. "

    def update(self) -> None:
        learning_rate = self.slider.value
        notice = self._refusal_notice(learning_rate)
        try:
            losses = train_by_hand(*self.problem, learning_rate, self.epochs)
        except (TypeError, ValueError) as error:
            self.summary = f"{notice}cannot train: {error}"
            self.show(html.escape(self.summary, quote=False), None)
            return
        rate, verdict, detail = _judge(learning_rate, losses)
        self.summary = f"{notice}{rate}: {verdict}, {detail}"
        figure = plot_loss_curves(
            {f"lr {learning_rate:.1e}": losses}, title="summed squared error, trained by hand"
        )
        # Fixed axes around the starting loss, so that moving the slider compares runs.
        figure.axes[0].set_xlim(0, self.epochs)
        if math.isfinite(losses[0]):
            figure.axes[0].set_ylim(losses[0] * 1e-4, losses[0] * 1e3)
        readout = (html.escape(f"{notice}{rate}: ", quote=False) + f"<b>{verdict}</b>, "
                   + html.escape(detail, quote=False))
        self.show(readout, figure)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.summary})"
