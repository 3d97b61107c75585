"""Pictures of digits, of a classifier's mistakes and curves, and the training-size
explorer (notebook 06)."""

import html
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from helpers import arguments
from helpers.classifier import SizePoint
from helpers.widgets import ExplainingSelectionSlider, Explorer


def _digit_grid(images: torch.Tensor, labels: torch.Tensor | None,
                predicted: torch.Tensor | None, slots: int, columns: int, title: str) -> Figure:
    """``slots`` panels in rows of ``columns``, the first ``len(images)`` holding digits."""
    rows = math.ceil(slots / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(0.8 * columns, 0.95 * rows + 0.3),
                                squeeze=False)
    for position, ax in enumerate(axes.flat):
        ax.axis("off")
        if position >= len(images):
            continue
        ax.imshow(images[position, 0].cpu().numpy(), cmap="gray_r", vmin=0, vmax=1)
        if labels is not None and predicted is not None:
            wrong = int(labels[position]) != int(predicted[position])
            ax.set_title(f"{int(labels[position])}→{int(predicted[position])}",
                         color="#d62728" if wrong else "black", fontsize=9)
        elif labels is not None:
            ax.set_title(str(int(labels[position])), fontsize=9)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_digits(
    images: torch.Tensor,
    labels: torch.Tensor | None = None,
    predicted: torch.Tensor | None = None,
    *,
    columns: int = 10,
    title: str = "",
) -> Figure:
    """A grid of digits with their labels, and predictions when given (notebook 06).

    Dark is ink. With ``predicted``, each title reads "label→prediction" and is
    red where they differ.
    """
    images = arguments.digit_images(images)
    arguments.positive_int(columns, "columns")
    arguments.text(title, "title")
    for name, values in (("labels", labels), ("predicted", predicted)):
        if values is not None:
            arguments.class_labels(values, len(images), name)
    return _digit_grid(images, labels, predicted, len(images), columns, title)


def plot_mistakes(images: torch.Tensor, labels: torch.Tensor, predicted: torch.Tensor, *,
                  max_images: int = 10, columns: int = 10, title: str = "") -> Figure:
    """Up to ``max_images`` images whose prediction differs from the label (notebook 06).

    Titled "label→prediction". The figure always has ``max_images`` panels, empty
    ones included, so its size does not depend on how many mistakes there are
    (a stored notebook output stays the same when a retrained model errs once
    more or less); the title says when there are none or more than are shown.
    """
    images = arguments.digit_images(images)
    labels = arguments.class_labels(labels, len(images))
    predicted = arguments.class_labels(predicted, len(images), "predicted")
    arguments.text(title, "title")
    arguments.positive_int(max_images, "max_images")
    arguments.positive_int(columns, "columns")
    wrong = torch.nonzero(predicted != labels).flatten()
    if len(wrong) == 0:
        title = f"{title}: no mistakes" if title else "no mistakes"
    elif len(wrong) > max_images:
        title = f"{title} (the first {max_images} of {len(wrong)})"
    shown = wrong[:max_images]
    return _digit_grid(images[shown], labels[shown], predicted[shown], max_images,
                       min(columns, max_images), title)


def plot_confusion_matrix(matrix: torch.Tensor, *, title: str = "") -> Figure:
    """A confusion matrix as a picture, every count written in its cell (notebook 06).

    Rows are the true classes, columns the predicted ones (``confusion_matrix``).
    The colour is on a log scale so that single mistakes stand out beside the
    diagonal's tens.
    """
    if not isinstance(matrix, torch.Tensor) or matrix.dim() != 2 or (
            matrix.shape[0] != matrix.shape[1]):
        raise ValueError("matrix must be a square 2-d tensor of counts (confusion_matrix)")
    arguments.text(title, "title")
    counts = matrix.cpu().numpy()
    figure, ax = plt.subplots(figsize=(4.8, 4.2))
    ax.imshow(np.log1p(counts), cmap="Blues")
    ax.grid(False)
    for (row, column), count in np.ndenumerate(counts):
        if count:
            dark = count > counts.max() / 2
            ax.text(column, row, str(count), ha="center", va="center", fontsize=8,
                    color="white" if dark else ("#d62728" if row != column else "black"))
    ax.set_xticks(range(len(counts)))
    ax.set_yticks(range(len(counts)))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    figure.tight_layout()
    return figure


def plot_curves(
    curves: dict[str, Sequence[float]], *, ylabel: str, title: str = "",
    mark_epoch: int | None = None, log_scale: bool = False,
) -> Figure:
    """Per-epoch curves against the epoch (counted from 1), one line each (notebook 06).

    ``mark_epoch`` draws a dotted vertical line there (the best epoch, say).
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict of label -> values per epoch")
    arguments.text(ylabel, "ylabel")
    arguments.text(title, "title")
    if mark_epoch is not None:
        arguments.positive_int(mark_epoch, "mark_epoch")
    arguments.flag(log_scale, "log_scale")
    figure, ax = plt.subplots()
    for label, values in curves.items():
        ax.plot(range(1, len(values) + 1), list(values), label=label)
    if mark_epoch is not None:
        ax.axvline(mark_epoch, color="0.4", linestyle=":", label=f"epoch {mark_epoch}")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return figure


class TrainingSizeExplorer(Explorer):
    """A slider over training-set sizes showing training and validation accuracy (notebook 06).

    ``points`` come from ``training_size_curve``; nothing is trained on a
    move, so the slider answers at once. The readout gives both accuracies and
    their gap; the picture marks the chosen size on both curves. A size set
    from code that is not on the slider is answered in the readout.
    """

    def __init__(self, points: Sequence[SizePoint]) -> None:
        if (not isinstance(points, Sequence) or not points
                or not all(isinstance(point, SizePoint) for point in points)):
            raise TypeError("points must be a non-empty list of SizePoint "
                            "(training_size_curve's result)")
        self.points = list(points)
        self.summary = ""
        self.slider = ExplainingSelectionSlider(
            options=[(str(point.images), point.images) for point in self.points],
            value=self.points[0].images, description="training images",
            continuous_update=False, style={"description_width": "initial"})
        self.slider.on_refused = self.refresh
        super().__init__([self.slider])

    def update(self) -> None:
        notice = self.slider.refusal_notice("sizes on the slider")
        point = next(p for p in self.points if p.images == self.slider.value)
        per_class = ("the whole training set" if point.per_class is None
                     else f"{point.per_class} per class")
        self.summary = (f"{notice}{point.images} images ({per_class}): training accuracy "
                        f"{point.train_accuracy:.1%}, validation {point.val_accuracy:.1%}, "
                        f"gap {100 * point.gap:.1f} points")
        figure, ax = plt.subplots()
        sizes = [p.images for p in self.points]
        ax.plot(sizes, [p.train_accuracy for p in self.points], "o-", label="training")
        ax.plot(sizes, [p.val_accuracy for p in self.points], "o-", label="validation")
        ax.axvline(point.images, color="0.4", linestyle=":")
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(size) for size in sizes])
        ax.minorticks_off()
        ax.set_xlabel("training images")
        ax.set_ylabel("accuracy")
        ax.set_title("the same recipe on more and more data")
        ax.legend()
        self.show(html.escape(self.summary, quote=False), figure)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.summary})"
