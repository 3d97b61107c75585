"""Pictures of the 1-D GAN of notebook 07: paintings, snapshots, curves, live view.

Every function returns a matplotlib ``Figure`` (the caller shows, saves or
turns it into PNG); ``LiveView`` redraws one output in place while training
runs, and ``SnapshotExplorer`` scrubs through the snapshots afterwards.
"""

import base64
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import DisplayHandle, display
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import arguments
from helpers.gan import ideal_losses
from helpers.gan_trainer import HISTORY_KEYS, GanTrainer
from helpers.paintings import PAINT_POINTS, gan_quality, lower_bound, upper_bound
from helpers.widgets import ExplainingSelectionSlider, Explorer, figure_to_png

REAL_COLOR = "#1f77b4"
FAKE_COLOR = "#d62728"
ARTIST_COLOR = "#2ca02c"


def draw_paintings(
    ax: Axes,
    paintings: torch.Tensor,
    *,
    title: str = "",
    max_curves: int = 40,
    color: str = FAKE_COLOR,
) -> None:
    """Draw the bounds, the band between them and up to ``max_curves`` paintings on ``ax``."""
    arguments.instance(ax, "ax", Axes, "a matplotlib Axes")
    arguments.tensor(paintings, "paintings", dim=2, columns=len(PAINT_POINTS))
    arguments.text(title, "title")
    arguments.positive_int(max_curves, "max_curves")
    arguments.text(color, "color")
    x = PAINT_POINTS.numpy()
    ax.fill_between(x, lower_bound(PAINT_POINTS).numpy(), upper_bound(PAINT_POINTS).numpy(),
                    color="0.9", label="between the bounds")
    ax.plot(x, upper_bound(PAINT_POINTS).numpy(), color="#74BCFF", lw=3, label="upper 2x²+1")
    ax.plot(x, lower_bound(PAINT_POINTS).numpy(), color="#FF9359", lw=3, label="lower x²")
    curves = paintings[:max_curves].detach().cpu().numpy()
    ax.plot(x, curves.T, color=color, lw=0.8, alpha=0.5)
    ax.set_ylim(-0.5, 3.5)
    ax.set_xlabel("x (PAINT_POINTS)")
    ax.set_title(title)


def plot_paintings(
    paintings: torch.Tensor,
    *,
    title: str = "paintings",
    max_curves: int = 20,
    color: str = FAKE_COLOR,
) -> Figure:
    """Up to ``max_curves`` paintings against the bounds (introduced in notebook 07).

    Fakes are drawn red by default; pass ``color=ARTIST_COLOR`` for real ones.
    """
    arguments.tensor(paintings, "paintings", dim=2, columns=len(PAINT_POINTS))
    figure, ax = plt.subplots(figsize=(5.0, 3.5))
    draw_paintings(ax, paintings, title=title, max_curves=max_curves, color=color)
    ax.legend(loc="upper center", fontsize=8)
    figure.tight_layout()
    return figure


def plot_snapshots(snapshots: dict[int, torch.Tensor], steps: list[int]) -> Figure:
    """G's paintings at several training steps, side by side (notebook 07)."""
    if not isinstance(snapshots, dict):
        raise TypeError(f"snapshots must be a dict step -> paintings (the trainer's "
                        f".snapshots), got {type(snapshots).__name__}")
    if not isinstance(steps, list | tuple):
        raise TypeError(f"steps must be a list of snapshot steps {sorted(snapshots)}, "
                        f"got {type(steps).__name__} {steps!r}")
    if not steps or any(step not in snapshots for step in steps):
        raise ValueError(f"steps must be a non-empty list of snapshot steps "
                         f"{sorted(snapshots)}, got {steps!r}")
    figure, axes = plt.subplots(1, len(steps), figsize=(2.4 * len(steps), 2.6), sharey=True)
    for ax, step in zip(np.atleast_1d(axes), steps, strict=True):
        draw_paintings(ax, snapshots[step], title=f"step {step}", max_curves=12)
        ax.set_xlabel("")
    figure.tight_layout()
    return figure


def _moving_average(values: list[float], window: int) -> np.ndarray:
    series = np.asarray(values, dtype=float)
    window = max(1, min(window, len(series)))
    return np.convolve(series, np.ones(window) / window, mode="valid")


def _check_history(history: object) -> None:
    arguments.instance(history, "history", dict, "a trainer's history (a dict)")
    missing = [key for key in HISTORY_KEYS if key not in history]
    if missing or not history["loss_d"]:
        raise ValueError(f"history must be a trainer's history with at least one step recorded, "
                         f"keys {list(HISTORY_KEYS)}; got keys {sorted(history)}")


def draw_history(loss_ax: Axes, prob_ax: Axes, history: dict[str, list[float]],
                 window: int = 50) -> None:
    """Losses (with their values at equilibrium) and D's outputs (with 1/2), smoothed."""
    arguments.instance(loss_ax, "loss_ax", Axes, "a matplotlib Axes")
    arguments.instance(prob_ax, "prob_ax", Axes, "a matplotlib Axes")
    _check_history(history)
    arguments.positive_int(window, "window")
    ideal = ideal_losses()
    for key, color in (("loss_d", REAL_COLOR), ("loss_g", FAKE_COLOR)):
        smooth = _moving_average(history[key], window)
        loss_ax.plot(np.arange(len(smooth)) + window, smooth, color=color, label=key)
        loss_ax.axhline(ideal[key], color=color, ls=":", lw=1)
    loss_ax.set_title("losses (dotted: equilibrium)")
    loss_ax.set_xlabel("step")
    loss_ax.legend(fontsize=8)
    for key, color in (("d_real", REAL_COLOR), ("d_fake", FAKE_COLOR)):
        smooth = _moving_average(history[key], window)
        prob_ax.plot(np.arange(len(smooth)) + window, smooth, color=color, label=key)
    prob_ax.axhline(0.5, color="0.4", ls=":", lw=1)
    prob_ax.set_ylim(0, 1)
    prob_ax.set_title("D's mean output")
    prob_ax.set_xlabel("step")
    prob_ax.legend(fontsize=8)


def plot_history(history: dict[str, list[float]], *, window: int = 50) -> Figure:
    """Loss curves and D(real)/D(fake), moving averages over ``window`` steps (notebook 07)."""
    _check_history(history)
    arguments.positive_int(window, "window")
    figure, (loss_ax, prob_ax) = plt.subplots(1, 2, figsize=(9.0, 3.2))
    draw_history(loss_ax, prob_ax, history, window)
    figure.tight_layout()
    return figure


def plot_dashboard(trainer: GanTrainer) -> Figure:
    """Latest paintings, losses and D's outputs in one row: the live view's picture."""
    if not isinstance(trainer, GanTrainer):
        raise TypeError(f"trainer must be a GanTrainer, got {type(trainer).__name__}")
    figure, axes = plt.subplots(1, 3, figsize=(10.5, 2.8))
    draw_paintings(axes[0], trainer.paint(trainer.fixed_ideas, trainer.fixed_labels),
                   title=f"G's paintings at step {trainer.step_count}", max_curves=20)
    if trainer.history["loss_d"]:
        draw_history(axes[1], axes[2], trainer.history)
    figure.tight_layout()
    return figure


class LiveView:
    """A picture of training that redraws in place (introduced in notebook 07).

    It is one ``display_data`` output with a display id: ``update`` replaces
    its PNG every ``redraw_every`` steps (a redraw costs as much as a few
    hundred training steps). ``picture`` draws it from the trainer:
    ``plot_dashboard`` for the paintings, another function for notebook 08's
    digits. The text form is fixed, so the stored output, whose picture nbval
    does not compare, reads the same on every run.
    """

    def __init__(
        self,
        trainer: GanTrainer,
        *,
        redraw_every: int = 1000,
        label: str = "live training view",
        picture: Callable[[GanTrainer], Figure] | None = None,
    ) -> None:
        arguments.instance(trainer, "trainer", GanTrainer, "a GanTrainer")
        arguments.positive_int(redraw_every, "redraw_every")
        arguments.text(label, "label")
        if picture is not None:
            arguments.function(picture, "picture")
        self.redraw_every = redraw_every
        self.label = label
        self.picture = picture or plot_dashboard
        self.handle: DisplayHandle = display(self._bundle(trainer), raw=True, display_id=True)

    def _bundle(self, trainer: GanTrainer) -> dict[str, str]:
        png = figure_to_png(self.picture(trainer))
        return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": self.label}

    def update(self, trainer: GanTrainer) -> None:
        """Redraw from ``trainer`` when its step is a multiple of ``redraw_every``.

        Pass it as ``GanTrainer.train``'s ``on_snapshot``.
        """
        if trainer.step_count % self.redraw_every == 0:
            self.handle.update(self._bundle(trainer), raw=True)


def snapshot_readout(step: int, paintings: torch.Tensor) -> str:
    """The scrubber's one-line summary of a snapshot (notebook 07).

    For example ``step 1500 | frac_between 0.87 | a_mean 1.49 | a_std 0.29 | a_ks 0.08``.
    """
    arguments.integer(step, "step", minimum=0)
    quality = gan_quality(paintings)
    return (f"step {step} | frac_between {quality['frac_between']:.2f} | "
            f"a_mean {quality['a_mean']:.2f} | a_std {quality['a_std']:.2f} | "
            f"a_ks {quality['a_ks']:.2f}")


def plot_snapshot_paintings(step: int, paintings: torch.Tensor) -> Figure:
    """The scrubber's picture of one snapshot of paintings (notebook 07)."""
    arguments.integer(step, "step", minimum=0)
    return plot_paintings(paintings, title=f"G's paintings at step {step}")


class SnapshotExplorer(Explorer):
    """A slider over training snapshots: G's samples and their quality (notebook 07).

    ``picture(step, samples)`` draws a snapshot and ``readout(step, samples)``
    sums it up in one line; the defaults are for the paintings, notebook 08
    passes its own for digits. A step set from code that has no snapshot (or is
    not a step at all) keeps the slider where it is, and the readout says so.
    """

    def __init__(
        self,
        snapshots: dict[int, torch.Tensor],
        *,
        picture: Callable[[int, torch.Tensor], Figure] = plot_snapshot_paintings,
        readout: Callable[[int, torch.Tensor], str] = snapshot_readout,
    ) -> None:
        if not isinstance(snapshots, dict) or not snapshots:
            raise ValueError("snapshots must be a non-empty dict step -> samples "
                             "(train with snapshot_every)")
        arguments.function(picture, "picture")
        arguments.function(readout, "readout")
        self.picture_of, self.readout_of = picture, readout
        self.snapshots = dict(sorted(snapshots.items()))
        self.slider = ExplainingSelectionSlider(
            options=list(self.snapshots), value=list(self.snapshots)[-1], description="step"
        )
        self.slider.on_refused = self.refresh
        super().__init__([self.slider])

    def update(self) -> None:
        notice = self.slider.refusal_notice("steps with a snapshot")
        step = self.slider.value
        samples = self.snapshots[step]
        self.show(notice + self.readout_of(step, samples), self.picture_of(step, samples))
