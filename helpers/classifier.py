"""Digit classifiers, their training loop, their evaluation and the judge (notebook 06).

Two models share one interface: ``DigitMLP`` (64 pixels → hidden → 10) and
``DigitCNN`` (conv16 → conv32 → max-pool → 64 → 10). Both map images shaped
``(N, 1, 8, 8)`` in [0, 1] to ten logits, and ``features(images)`` returns the
activations of the last hidden layer. ``train_classifier`` is the loop notebook
06 writes by hand, plus its bookkeeping; ``train_recipe`` is the series' recipe,
and ``training_size_curve`` with ``TrainingSizeExplorer`` shows what more data
does to it. Every random draw (initial weights, batch order, dropout) comes from the
session's seed through ``helpers.seeded_generator``, so a run is the same
whatever ran before it.

The *judge* is notebook 06's CNN trained with seed 0 on ``split_digits(0)``,
shipped as ``helpers/data/digit_judge.pt``; notebook 08 scores generated digits
with it (``load_judge()``). Rewrite the file with ``.venv/bin/python -m
helpers.classifier``; ``tests/test_classifier.py`` retrains it and checks that
it agrees.
"""

import copy
import html
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from tqdm.auto import tqdm

from helpers.digits import DIGITS_PATH, N_CLASSES, DigitSplit, split_digits, subset_per_class
from helpers.environment import default_device, resolve_seed, seeded_generator
from helpers.widgets import ExplainingSelectionSlider, Explorer

JUDGE_PATH = DIGITS_PATH.parent / "digit_judge.pt"
JUDGE_SEED = 0
INIT_STREAM = 601      # initial weights
SHUFFLE_STREAM = 602   # the order of the mini-batches
DROPOUT_STREAM = 603   # dropout's masks
KINDS = ("mlp", "cnn")


def _check_images(images: object, name: str = "images") -> torch.Tensor:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor shaped (N, 1, 8, 8), "
                        f"got {type(images).__name__}")
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 8, 8):
        raise ValueError(f"{name} must be shaped (N, 1, 8, 8), got {tuple(images.shape)}")
    if not images.dtype.is_floating_point:
        raise TypeError(f"{name} must be a float tensor (pixels in [0, 1]), got {images.dtype}")
    return images


def _check_labels(labels: object, n: int, name: str = "labels") -> torch.Tensor:
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of class indices, "
                        f"got {type(labels).__name__}")
    if labels.dtype != torch.long:
        raise TypeError(f"{name} must hold class indices as torch.long (int64), "
                        f"got {labels.dtype}")
    if tuple(labels.shape) != (n,):
        raise ValueError(f"{name} must be shaped ({n},), one class index per image, "
                         f"got {tuple(labels.shape)}")
    return labels


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


class DigitMLP(nn.Module):
    """A multi-layer perceptron for 8×8 digits: 64 → ``hidden`` → ReLU → 10 (notebook 06).

    ``forward`` returns logits; ``features`` the ``hidden`` ReLU activations.
    """

    def __init__(self, hidden: int = 128) -> None:
        super().__init__()
        _check_positive_int(hidden, "hidden")
        self.hidden = nn.Linear(8 * 8, hidden)
        self.output = nn.Linear(hidden, N_CLASSES)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The hidden layer's activations, shape ``(N, hidden)``."""
        return F.relu(self.hidden(images.flatten(start_dim=1)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.output(self.features(images))


class DigitCNN(nn.Module):
    """A small convolutional network for 8×8 digits (notebook 06; the judge of notebook 08).

    conv 3×3 (1 → 16) → ReLU → conv 3×3 (16 → 32) → ReLU → 2×2 max-pool →
    flatten (32·4·4 = 512) → linear 64 → ReLU → dropout → linear 10. Padding 1
    keeps the 8×8 size through both convolutions; the pool halves it. Dropout
    zeroes a quarter of the 64 features at random while training and does
    nothing in ``eval()`` mode. ``forward`` returns logits; ``features`` the 64
    activations before dropout, shape ``(N, 64)``.
    """

    def __init__(self, dropout: float = 0.25) -> None:
        super().__init__()
        if isinstance(dropout, bool) or not isinstance(dropout, int | float):
            raise TypeError(f"dropout must be a number, got {type(dropout).__name__}")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must lie in [0, 1), got {dropout}")
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.hidden = nn.Linear(32 * 4 * 4, 64)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(64, N_CLASSES)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The 64 activations of the last hidden layer, shape ``(N, 64)``."""
        x = F.relu(self.conv1(images))
        x = self.pool(F.relu(self.conv2(x)))
        return F.relu(self.hidden(x.flatten(start_dim=1)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.output(self.dropout(self.features(images)))


def _device(device: str | torch.device | None) -> torch.device:
    if device is None:
        return default_device()
    if not isinstance(device, str | torch.device):
        raise TypeError(f"device must be None, a str or a torch.device, "
                        f"got {type(device).__name__}")
    return torch.device(device)


def _fork_rng_devices(device: torch.device) -> list[int]:
    return [device.index or 0] if device.type == "cuda" else []


def new_classifier(kind: str = "cnn", *, seed: int | None = None,
                   device: str | torch.device | None = None, **options: object) -> nn.Module:
    """A freshly initialised ``DigitMLP`` (``"mlp"``) or ``DigitCNN`` (``"cnn"``) (notebook 06).

    The initial weights are drawn on the CPU from the session's seed (or
    ``seed``), not from torch's global random state, so the same seed gives the
    same network whatever ran before and on any device. ``options`` go to the
    class (``hidden=512`` for the MLP, ``dropout=0.5`` for the CNN). The
    network is moved to ``device`` (default: CUDA when available).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    init_seed = seeded_generator(INIT_STREAM, resolve_seed(seed)).initial_seed()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(init_seed)
        model = DigitMLP(**options) if kind == "mlp" else DigitCNN(**options)
    return model.to(_device(device))


def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
    """The model's logits for ``images``, on the CPU, computed in eval mode (notebook 06).

    Runs under ``torch.inference_mode()`` in chunks of ``batch_size``, on the
    model's device, and puts the model back in the mode it was in.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    _check_images(images)
    _check_positive_int(batch_size, "batch_size")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            logits = [model(chunk.to(device)).cpu() for chunk in images.split(batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(logits)


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The share of rows of ``logits`` whose largest entry is at the label (notebook 06).

    ``logits`` is ``(N, classes)``, one row per image; the predicted class is
    ``logits.argmax(dim=1)``. Probabilities give the same answer: softmax keeps
    the order within a row.
    """
    if not isinstance(logits, torch.Tensor) or logits.dim() != 2:
        got = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise ValueError(f"logits must be a 2-d tensor (images, classes), got {got}")
    _check_labels(labels, logits.shape[0])
    return (logits.argmax(dim=1) == labels.to(logits.device)).float().mean().item()


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """``(mean cross-entropy, accuracy)`` of ``model`` on ``images`` (notebook 06).

    In eval mode and without building a graph (see ``predict``).
    """
    logits = predict(model, images)
    _check_labels(labels, logits.shape[0])
    return F.cross_entropy(logits, labels).item(), accuracy(logits, labels)


@dataclass
class TrainingHistory:
    """What ``train_classifier`` measured, one entry per epoch (notebook 06).

    ``train_loss`` and ``train_accuracy`` are averaged over the epoch's batches
    while the weights moved (in train mode, dropout on); ``val_loss`` and
    ``val_accuracy`` are measured after the epoch, in eval mode. ``lr`` is the
    learning rate of the epoch's last step, ``seconds`` the training time so far
    (evaluation excluded). ``best_epoch`` (counted from 1) has the lowest
    validation loss; ``stopped_after`` is the number of epochs run.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def best_epoch(self) -> int:
        """The epoch (from 1) with the lowest validation loss."""
        if not self.val_loss:
            raise ValueError("no epoch has run yet")
        return int(np.argmin(self.val_loss)) + 1

    @property
    def stopped_after(self) -> int:
        """How many epochs ran."""
        return len(self.val_loss)

    def seconds_to(self, val_accuracy: float) -> float | None:
        """Training seconds until the validation accuracy first reached ``val_accuracy``."""
        for seconds, reached in zip(self.seconds, self.val_accuracy, strict=True):
            if reached >= val_accuracy:
                return seconds
        return None


def _check_pair(pair: object, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (images, labels), got {type(pair).__name__}")
    images = _check_images(pair[0], f"{name} images")
    return images, _check_labels(pair[1], len(images), f"{name} labels")


def train_classifier(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor],
    val: tuple[torch.Tensor, torch.Tensor],
    *,
    epochs: int,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    batch_size: int = 32,
    patience: int | None = None,
    seed: int | None = None,
    progress: bool = False,
) -> TrainingHistory:
    """Train ``model`` on mini-batches of ``train``, measure ``val`` after each epoch (notebook 06).

    Each epoch: ``model.train()``, then for each shuffled batch of
    ``batch_size`` (a ``DataLoader``) forward, ``cross_entropy`` on the logits,
    ``zero_grad``, ``backward``, ``step`` and, when given, ``scheduler.step()``
    (after every batch, as ``OneCycleLR`` expects); then ``evaluate`` on
    ``val`` in eval mode. ``optimizer`` defaults to ``AdamW(lr=1e-3)``.
    ``patience``: *early stopping* (早停): stop once the validation loss has not
    improved for that many epochs, and restore the weights of the best epoch.
    Batch order and dropout come from the session's seed (or ``seed``).
    Batches move to the model's device; ``progress=True`` shows a bar.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    train_images, train_labels = _check_pair(train, "train")
    val_images, val_labels = _check_pair(val, "val")
    _check_positive_int(epochs, "epochs")
    _check_positive_int(batch_size, "batch_size")
    if patience is not None:
        _check_positive_int(patience, "patience")
    if optimizer is None:
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, "
                        f"got {type(optimizer).__name__}")
    seed = resolve_seed(seed)
    device = next(model.parameters()).device
    loader = DataLoader(TensorDataset(train_images, train_labels), batch_size=batch_size,
                        shuffle=True, generator=seeded_generator(SHUFFLE_STREAM, seed))
    history = TrainingHistory()
    best_loss, best_state, trained_s = math.inf, None, 0.0
    with torch.random.fork_rng(devices=_fork_rng_devices(device)):
        torch.manual_seed(seeded_generator(DROPOUT_STREAM, seed).initial_seed())
        for _ in tqdm(range(epochs), desc="epochs", disable=not progress):
            start = time.perf_counter()
            model.train()
            loss_sum, correct = 0.0, 0
            for images, labels in loader:
                images, labels = images.to(device), labels.to(device)
                logits = model(images)
                loss = F.cross_entropy(logits, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                loss_sum += loss.item() * len(labels)
                correct += (logits.argmax(dim=1) == labels).sum().item()
            trained_s += time.perf_counter() - start
            val_loss, val_accuracy = evaluate(model, val_images, val_labels)
            history.train_loss.append(loss_sum / len(train_labels))
            history.train_accuracy.append(correct / len(train_labels))
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
            history.lr.append(optimizer.param_groups[0]["lr"])
            history.seconds.append(trained_s)
            if patience is not None:
                if val_loss < best_loss:
                    best_loss, best_state = val_loss, copy.deepcopy(model.state_dict())
                elif history.stopped_after - history.best_epoch >= patience:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


@dataclass(frozen=True)
class Recipe:
    """How the series trains a digit classifier (notebook 06).

    ``AdamW(lr, weight_decay)`` with a one-cycle learning-rate schedule that
    peaks at ``lr`` (``OneCycleLR``), ``epochs`` passes over batches of
    ``batch_size``.
    """

    epochs: int = 40
    lr: float = 1e-2
    weight_decay: float = 1e-2
    batch_size: int = 64


RECIPE = Recipe()


def _fit_recipe(model: nn.Module, train: tuple[torch.Tensor, torch.Tensor],
                val: tuple[torch.Tensor, torch.Tensor], recipe: Recipe, seed: int | None,
                progress: bool) -> TrainingHistory:
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr,
                                  weight_decay=recipe.weight_decay)
    steps_per_epoch = math.ceil(len(train[1]) / recipe.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=recipe.lr, epochs=recipe.epochs, steps_per_epoch=steps_per_epoch)
    return train_classifier(model, train, val, epochs=recipe.epochs, optimizer=optimizer,
                            scheduler=scheduler, batch_size=recipe.batch_size, seed=seed,
                            progress=progress)


def _check_recipe_arguments(split: object, recipe: object) -> None:
    if not isinstance(split, DigitSplit):
        raise TypeError(f"split must be a DigitSplit (split_digits()), got {type(split).__name__}")
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")


def train_recipe(
    kind: str,
    split: DigitSplit,
    recipe: Recipe = RECIPE,
    *,
    seed: int | None = None,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> tuple[nn.Module, TrainingHistory]:
    """A new ``kind`` classifier trained with ``recipe`` on ``split.train`` (notebook 06).

    The benchmark, the claims test and the judge call exactly this, so their
    figures are those of the notebook's run. ``split.test`` is not touched.
    Returns the model (in eval mode) and its history.
    """
    _check_recipe_arguments(split, recipe)
    model = new_classifier(kind, seed=seed, device=device)
    history = _fit_recipe(model, split.train, split.val, recipe, seed, progress)
    return model.eval(), history


TRAINING_SIZES = (5, 10, 20, 40, 80, None)  # images per class; None: the whole training set


@dataclass(frozen=True)
class SizePoint:
    """One point of ``training_size_curve`` (notebook 06): how many training images, and the
    accuracies on them and on the validation set after training."""

    per_class: int | None
    images: int
    train_accuracy: float
    val_accuracy: float

    @property
    def gap(self) -> float:
        """Training minus validation accuracy."""
        return self.train_accuracy - self.val_accuracy


def training_size_curve(
    split: DigitSplit,
    per_class: Sequence[int | None] = TRAINING_SIZES,
    kind: str = "mlp",
    recipe: Recipe = RECIPE,
    *,
    seed: int | None = None,
    device: str | torch.device | None = None,
) -> list[SizePoint]:
    """Train the recipe on growing training sets and measure both accuracies (notebook 06).

    For each entry of ``per_class``, the first that many training images of
    each class (``subset_per_class``; ``None`` for all of ``split.train``), a
    new ``kind`` model with the same initial weights, the same recipe. The
    explorer of notebook 06 shows the result.
    """
    _check_recipe_arguments(split, recipe)
    points = []
    for count in per_class:
        if count is None:
            train = split.train
        else:
            train = subset_per_class(*split.train, count)
        model = new_classifier(kind, seed=seed, device=device)
        _fit_recipe(model, train, split.val, recipe, seed, progress=False)
        points.append(SizePoint(count, len(train[1]), evaluate(model, *train)[1],
                                evaluate(model, *split.val)[1]))
    return points


def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor,
                     n_classes: int = N_CLASSES) -> torch.Tensor:
    """Counts of (true class, predicted class) pairs, rows true, columns predicted (notebook 06).

    Entry ``[i, j]`` counts the images of class ``i`` predicted as ``j``; the
    diagonal holds the right answers. ``sklearn.metrics.confusion_matrix(labels,
    predicted)`` computes the same table.
    """
    _check_positive_int(n_classes, "n_classes")
    if not isinstance(labels, torch.Tensor) or labels.dim() != 1:
        raise ValueError("labels must be a 1-d tensor of class indices")
    _check_labels(predicted, len(labels), "predicted")
    _check_labels(labels, len(labels))
    for name, values in (("labels", labels), ("predicted", predicted)):
        if len(values) and not 0 <= int(values.min()) <= int(values.max()) < n_classes:
            raise ValueError(f"{name} must lie in 0..{n_classes - 1}, got "
                             f"{int(values.min())}..{int(values.max())}")
    pairs = labels.cpu() * n_classes + predicted.cpu()
    return torch.bincount(pairs, minlength=n_classes**2).reshape(n_classes, n_classes)


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
    images = _check_images(images)
    _check_positive_int(columns, "columns")
    if len(images) == 0:
        raise ValueError("images must hold at least one image")
    for name, values in (("labels", labels), ("predicted", predicted)):
        if values is not None:
            _check_labels(values, len(images), name)
    return _digit_grid(images, labels, predicted, len(images), columns, title)


def plot_mistakes(images: torch.Tensor, labels: torch.Tensor, predicted: torch.Tensor, *,
                  max_images: int = 10, columns: int = 10, title: str = "") -> Figure:
    """Up to ``max_images`` images whose prediction differs from the label (notebook 06).

    Titled "label→prediction". The figure always has ``max_images`` panels, empty
    ones included, so its size does not depend on how many mistakes there are
    (a stored notebook output stays the same when a retrained model errs once
    more or less); the title says when there are none or more than are shown.
    """
    images = _check_images(images)
    labels = _check_labels(labels, len(images))
    predicted = _check_labels(predicted, len(images), "predicted")
    _check_positive_int(max_images, "max_images")
    _check_positive_int(columns, "columns")
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


def load_judge(device: str | torch.device | None = None) -> DigitCNN:
    """Notebook 06's CNN trained with seed 0, in eval mode: the judge of notebook 08.

    Read from ``helpers/data/digit_judge.pt`` with ``weights_only=True``, moved to ``device``
    (default: ``default_device()``, the accelerator when there is one). ``judge(images)`` gives
    logits and ``judge.features(images)`` the 64 features of the last hidden layer,
    for images shaped ``(N, 1, 8, 8)`` with pixels in [0, 1] (``load_digits``'s
    scale). Run them under ``torch.no_grad()``.
    """
    judge = DigitCNN()
    judge.load_state_dict(torch.load(JUDGE_PATH, map_location="cpu", weights_only=True))
    return judge.to(_device(device)).eval()


def train_judge(device: str | torch.device | None = "cpu") -> DigitCNN:
    """Train the judge again: ``train_recipe("cnn", split_digits(0), seed=0)`` (notebook 06)."""
    judge, _ = train_recipe("cnn", split_digits(JUDGE_SEED), seed=JUDGE_SEED, device=device)
    return judge


def main() -> None:
    """Write ``helpers/data/digit_judge.pt`` (``python -m helpers.classifier``), as notebook 06
    trains its CNN: one torch thread, seed 0, on the CPU."""
    torch.set_num_threads(1)
    judge = train_judge("cpu")
    torch.save(judge.state_dict(), JUDGE_PATH)
    split = split_digits(JUDGE_SEED)
    _, test_accuracy = evaluate(judge, *split.test)
    print(f"wrote {JUDGE_PATH.name}: test accuracy {test_accuracy:.4f} on split_digits(0)")


if __name__ == "__main__":
    main()
