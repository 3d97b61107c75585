"""Loss curves and the learning-rate explorer (notebooks 04 and 05).

A loss curve is drawn on a log scale because a good run falls by orders of
magnitude. The explorer retrains seed 001's net by hand on every slider move
and names the outcome: too slow, learning, or diverged.
"""

import math
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from helpers.training import train_by_hand
from helpers.widgets import Explorer


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]], *, title: str = "", log_scale: bool = True
) -> Figure:
    """One line per named loss curve against the epoch (introduced in notebook 04).

    Values that are not finite (a diverged run) are left out of the line, and
    its label says "diverged". Returns the figure, for display or
    ``figure_to_png``.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"curves must be a non-empty mapping of label -> losses, got {curves!r}")
    figure, axes = plt.subplots()
    for label, losses in curves.items():
        if isinstance(losses, str) or not isinstance(losses, Sequence) or not losses:
            raise ValueError(f"curve {label!r} must be a non-empty list of numbers, got {losses!r}")
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


def describe_run(learning_rate: float, losses: Sequence[float]) -> str:
    """A one-line verdict on a training run, as HTML (introduced in notebook 04).

    "diverged" when the loss overflowed or ended above where it started,
    "too slow" when it kept more than half of its first value, else "learning".
    """
    if isinstance(losses, str) or not isinstance(losses, Sequence) or not losses:
        raise ValueError(f"losses must be a non-empty list of numbers, got {losses!r}")
    first, last = losses[0], losses[-1]
    rate = f"learning rate {learning_rate:.1e}"
    if not math.isfinite(last):
        return f"{rate}: <b>diverged</b>, the loss became {last} at epoch {len(losses) - 1}"
    if last > first:
        verdict = "diverged"
    elif last > first / 2:
        verdict = "too slow"
    else:
        verdict = "learning"
    return f"{rate}: <b>{verdict}</b>, loss {first:.3g} → {last:.3g} after {len(losses)} epochs"


class LearningRateExplorer(Explorer):
    """A log-scale learning-rate slider that retrains and redraws (introduced in notebook 04).

    Each move reruns ``train_by_hand`` from the same ``w1``, ``w2`` for
    ``epochs`` epochs; keep the problem small so an update stays well under a
    second.
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
        self.problem = (x, y, w1, w2)
        self.epochs = epochs
        self.slider = widgets.FloatLogSlider(
            value=learning_rate,
            base=10,
            min=-9,
            max=-5,
            step=0.25,
            description="learning rate",
            readout_format=".1e",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        super().__init__([self.slider])

    def update(self) -> None:
        learning_rate = self.slider.value
        losses = train_by_hand(*self.problem, learning_rate, self.epochs)
        figure = plot_loss_curves(
            {f"lr {learning_rate:.1e}": losses}, title="summed squared error, trained by hand"
        )
        # Fixed axes around the starting loss, so that moving the slider compares runs.
        figure.axes[0].set_xlim(0, self.epochs)
        figure.axes[0].set_ylim(losses[0] * 1e-4, losses[0] * 1e3)
        self.show(describe_run(learning_rate, losses), figure)
