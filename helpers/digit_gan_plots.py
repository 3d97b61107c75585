"""Pictures and tools for the digit GANs of notebook 08.

Digits are drawn as one mosaic image (one ``imshow``, fast enough for a live
view) rather than a subplot each. The live view and the snapshot scrubber are
notebook 07's (``gan_plots.LiveView``, ``gan_plots.SnapshotExplorer``), given
the digit pictures and readouts made here; ``DigitPicker`` walks a conditional
G through its idea space for the digit you pick.
"""

import math
from collections.abc import Callable

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import arguments
from helpers.environment import seeded_generator
from helpers.gan_plots import draw_history
from helpers.gan_scores import check_images, judge_outputs, judge_scores
from helpers.gan_trainer import GanTrainer
from helpers.image_gan import DigitTask
from helpers.widgets import (
    ExplainingIntSlider,
    ExplainingSlider,
    ExplainingToggleButtons,
    Explorer,
)

PATH_STEPS = 9
PATH_STREAMS = 100  # path p draws its two ends from the session seed's stream 100 + p
PATHS = 21  # the path slider offers paths 0 to 20


def mosaic(images: torch.Tensor, columns: int = 10) -> torch.Tensor:
    """Images ``(N, 1, 8, 8)`` tiled into one picture, rows of ``columns``, 1-pixel gaps
    (notebook 08)."""
    images = check_images(images)
    arguments.positive_int(columns, "columns")
    rows = math.ceil(len(images) / columns)
    canvas = torch.zeros(rows * 9 + 1, columns * 9 + 1)
    for index, image in enumerate(images.cpu()):
        row, column = divmod(index, columns)
        canvas[1 + 9 * row:9 + 9 * row, 1 + 9 * column:9 + 9 * column] = image[0]
    return canvas


def draw_digits(ax: Axes, images: torch.Tensor, *, columns: int = 10, title: str = "") -> None:
    """Draw a mosaic of digits on ``ax``, ink dark on white, no axes (notebook 08)."""
    arguments.instance(ax, "ax", Axes, "a matplotlib Axes")
    arguments.text(title, "title")
    ax.imshow(mosaic(images, columns).numpy(), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(title)
    ax.axis("off")


def plot_samples(images: torch.Tensor, *, columns: int = 10, title: str = "") -> Figure:
    """A mosaic of digits as a figure (notebook 08)."""
    arguments.positive_int(columns, "columns")
    arguments.text(title, "title")
    rows = math.ceil(len(check_images(images)) / columns)
    figure, ax = plt.subplots(figsize=(0.45 * columns + 0.4, 0.45 * rows + 0.6))
    draw_digits(ax, images, columns=columns, title=title)
    figure.tight_layout()
    return figure


def plot_digit_dashboard(trainer: GanTrainer) -> Figure:
    """Fifty samples of the fixed ideas, the losses and D's outputs: the live view's picture
    for notebook 08 (pass it as ``LiveView``'s ``picture``)."""
    if not isinstance(trainer, GanTrainer):
        raise TypeError(f"trainer must be a GanTrainer, got {type(trainer).__name__}")
    figure, axes = plt.subplots(1, 3, figsize=(11.0, 3.0), width_ratios=(1.2, 1, 1))
    samples = trainer.paint(trainer.fixed_ideas[:50],
                            None if trainer.fixed_labels is None else trainer.fixed_labels[:50])
    draw_digits(axes[0], samples, title=f"samples at step {trainer.step_count}")
    if trainer.history["loss_d"]:
        draw_history(axes[1], axes[2], trainer.history)
    figure.tight_layout()
    return figure


def snapshot_picture(step: int, images: torch.Tensor) -> Figure:
    """The scrubber's picture of a snapshot: its first 50 digits (notebook 08)."""
    arguments.integer(step, "step", minimum=0)
    return plot_samples(check_images(images)[:50], title=f"samples at step {step}")


def snapshot_readout(task: DigitTask) -> Callable[[int, torch.Tensor], str]:
    """The scrubber's readout for ``task``: the judge's three scores of a snapshot (notebook 08)."""
    if not isinstance(task, DigitTask):
        raise TypeError(f"task must be a DigitTask, got {type(task).__name__}")
    judge = task.judge()

    def readout(step: int, images: torch.Tensor) -> str:
        arguments.integer(step, "step", minimum=0)
        scores = judge_scores(judge, images, task.reference_features())
        return (f"step {step} | confident {scores['confident_share']:.2f} | "
                f"class entropy {scores['class_entropy']:.2f} | "
                f"Fréchet distance {scores['frechet_distance']:.1f}")

    return readout


class DigitPicker(Explorer):
    """Pick a digit, walk through G's idea space, watch the variations (notebook 08).

    A path runs from one random idea to another along
    ``z(t) = cos(πt/2)·z₀ + sin(πt/2)·z₁``, which keeps ``z`` as Gaussian as its
    ends; the path slider picks which pair of ideas (drawn from the session's
    seed). The strip shows the path at nine points, the large digit the
    current one, and the readout what the
    judge reads there.
    """

    def __init__(self, trainer: GanTrainer, digit: int = 3) -> None:
        if not isinstance(trainer, GanTrainer) or not getattr(trainer.task, "conditional", False):
            raise TypeError("trainer must be a GanTrainer of a conditional DigitTask")
        if isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 9:
            raise ValueError(f"digit must be one of the digits 0-9, got {digit!r}")
        self.trainer = trainer
        self.judge = trainer.task.judge()
        self.digit = ExplainingToggleButtons(options=list(range(10)), value=digit,
                                             description="digit",
                                             style={"button_width": "2.2em"})
        self.walk = ExplainingSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="walk",
                                     readout_format=".2f", continuous_update=False)
        self.path = ExplainingIntSlider(value=0, min=0, max=PATHS - 1, description="path")
        for control in (self.digit, self.walk, self.path):
            control.on_refused = self.refresh
        super().__init__([self.digit, self.walk, self.path])

    def _refusal_notice(self) -> str:
        """What the controls refused since the last update, in words; then forgotten."""
        notes = []
        if self.digit.refused is not None:
            notes.append(f"{self.digit.refused} is not a digit 0-9, so it stays "
                         f"{self.digit.value}. ")
        if self.walk.refused is not None:
            notes.append(f"walk {self.walk.refused} is not a number from 0 to 1, so t = "
                         f"{self.walk.value:.2f}. ")
        if self.path.refused is not None:
            notes.append(f"path {self.path.refused} is not a whole number from 0 to "
                         f"{PATHS - 1}, so path {self.path.value}. ")
        self.digit.refused = self.walk.refused = self.path.refused = None
        return "".join(notes)

    def ideas_along_path(self, path: int, points: torch.Tensor) -> torch.Tensor:
        """The ideas at the positions ``points`` (in [0, 1]) of path number ``path``."""
        ends = torch.randn(2, self.trainer.task.n_ideas,
                           generator=seeded_generator(PATH_STREAMS + path))
        angle = torch.pi / 2 * points[:, None]
        return torch.cos(angle) * ends[0] + torch.sin(angle) * ends[1]

    def update(self) -> None:
        notice = self._refusal_notice()
        digit, t, path = self.digit.value, self.walk.value, self.path.value
        points = torch.cat([torch.linspace(0, 1, PATH_STEPS), torch.tensor([t])])
        labels = torch.full((len(points),), digit)
        images = self.trainer.paint(self.ideas_along_path(path, points), labels)
        probabilities, _ = judge_outputs(self.judge, images[-1:])
        read, confidence = probabilities[0].argmax().item(), probabilities[0].max().item()
        figure, (strip, current) = plt.subplots(1, 2, figsize=(7.0, 1.9),
                                                width_ratios=(PATH_STEPS, 2))
        draw_digits(strip, images[:-1], columns=PATH_STEPS, title=f"path {path}, t = 0 … 1")
        draw_digits(current, images[-1:], columns=1, title=f"t = {t:.2f}")
        figure.tight_layout()
        self.show(f"{notice}asked for {digit}, path {path}, t = {t:.2f}: the judge reads {read} "
                  f"(p = {confidence:.2f})", figure)
