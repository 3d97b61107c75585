"""The 8×8 hand-written digits and their train/validation/test split (notebook 06).

1797 images of 8×8 pixels with 17 grey levels (0–16), ten classes: the test set of
UCI's "Optical Recognition of Handwritten Digits" (Alpaydin & Kaynak, 1998), as
scikit-learn ships it. The file lives in ``helpers/data/digits.csv.gz`` (57,523
bytes; source, licence and checksum in ``helpers/data/DIGITS.md``), so nothing is
downloaded and scikit-learn is not needed: NumPy reads it in milliseconds.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from helpers import arguments
from helpers.environment import resolve_seed, seeded_generator

DIGITS_PATH = Path(__file__).resolve().parent / "data" / "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
N_IMAGES = 1797
N_CLASSES = 10
MAX_PIXEL = 16
SPLIT_STREAM = 600  # seeded_generator's stream for the split: apart from every other draw


@lru_cache(maxsize=1)
def _raw_digits() -> np.ndarray:
    table = np.loadtxt(DIGITS_PATH, delimiter=",", dtype=np.int64)
    if table.shape != (N_IMAGES, 8 * 8 + 1):
        raise ValueError(f"{DIGITS_PATH} should hold {N_IMAGES} rows of 65 integers, "
                         f"got shape {table.shape}")
    table.flags.writeable = False
    return table


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 digits: images float32 ``(1797, 1, 8, 8)`` in [0, 1], labels int64 (notebook 06).

    Pixels are the file's grey levels divided by 16, so 0 is white paper and 1 a
    fully inked block. The channel axis of size 1 is what ``nn.Conv2d`` expects
    (batch, channels, height, width). Each call returns fresh tensors: changing
    them does not change the next call's.
    """
    table = _raw_digits()
    images = torch.from_numpy(table[:, :-1].astype(np.float32) / MAX_PIXEL).reshape(-1, 1, 8, 8)
    labels = torch.from_numpy(table[:, -1].copy())
    return images, labels


@dataclass(frozen=True)
class DigitSplit:
    """Images and labels of a train/validation/test split, and where each came from (notebook 06).

    ``*_index`` are the rows of ``load_digits()`` each part holds, so
    ``train_images == load_digits()[0][train_index]``.
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    val_images: torch.Tensor
    val_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    train_index: torch.Tensor
    val_index: torch.Tensor
    test_index: torch.Tensor
    seed: int

    @property
    def train(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(train_images, train_labels)``."""
        return self.train_images, self.train_labels

    @property
    def val(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(val_images, val_labels)``."""
        return self.val_images, self.val_labels

    @property
    def test(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(test_images, test_labels)``."""
        return self.test_images, self.test_labels

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name} {len(index)}" for name, index in (
            ("train", self.train_index), ("val", self.val_index), ("test", self.test_index)))
        return f"DigitSplit(seed {self.seed}: {sizes})"


def _check_fractions(fractions: object) -> tuple[float, float, float]:
    if (not isinstance(fractions, tuple | list) or len(fractions) != 3
            or not all(isinstance(f, int | float) and not isinstance(f, bool) for f in fractions)):
        raise TypeError(f"fractions must be three numbers (train, val, test), got {fractions!r}")
    if not all(f > 0 for f in fractions) or not np.isclose(sum(fractions), 1.0):
        raise ValueError(f"fractions must be positive and add up to 1, got {tuple(fractions)}")
    return tuple(float(f) for f in fractions)


def split_digits(
    seed: int | None = None, fractions: tuple[float, float, float] = (0.6, 0.2, 0.2)
) -> DigitSplit:
    """A seeded, stratified train/validation/test split of the digits (notebook 06).

    *Stratified* (分层): each class is shuffled on its own and cut at the same
    fractions, so every part holds each digit in the proportion of the whole
    set, and a part's accuracy is not skewed by an unlucky mix of classes.
    Each part is then shuffled, so its classes are interleaved. ``seed``
    defaults to the session's seed (``helpers.setup``); the same seed gives the
    same split on every machine. In practice scikit-learn's
    ``train_test_split(..., stratify=labels)``, applied twice, does the same job.
    """
    seed = resolve_seed(seed)
    train_fraction, val_fraction, _ = _check_fractions(fractions)
    images, labels = load_digits()
    generator = seeded_generator(SPLIT_STREAM, seed)
    parts: tuple[list[torch.Tensor], ...] = ([], [], [])
    for digit in range(N_CLASSES):
        rows = torch.nonzero(labels == digit).flatten()
        rows = rows[torch.randperm(len(rows), generator=generator)]
        first = round(train_fraction * len(rows))
        second = round((train_fraction + val_fraction) * len(rows))
        for part, piece in zip(parts, (rows[:first], rows[first:second], rows[second:]),
                               strict=True):
            part.append(piece)
    train, val, test = (torch.cat(part) for part in parts)
    train, val, test = (index[torch.randperm(len(index), generator=generator)]
                        for index in (train, val, test))
    return DigitSplit(images[train], labels[train], images[val], labels[val],
                      images[test], labels[test], train, val, test, seed)


def subset_per_class(
    images: torch.Tensor, labels: torch.Tensor, per_class: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``per_class`` images of each class, in class order (notebook 06).

    Taken from a split's already shuffled part, this is a small stratified
    sample: ``subset_per_class(*split.train, 10)`` gives 100 training images.
    """
    arguments.tensor(images, "images")
    arguments.tensor(labels, "labels (one class index per image)", dim=1)
    if len(images) != len(labels):
        raise ValueError(f"images and labels must have as many rows, got {len(images)} "
                         f"and {len(labels)}")
    arguments.class_labels(labels, len(images))
    arguments.positive_int(per_class, "per_class")
    if len(labels) and (labels.min() < 0 or labels.max() >= N_CLASSES):
        raise ValueError(f"labels must lie in 0..{N_CLASSES - 1}, got "
                         f"{int(labels.min())}..{int(labels.max())}")
    counts = torch.bincount(labels, minlength=N_CLASSES)
    if not 1 <= per_class <= int(counts.min()):
        raise ValueError(f"per_class must lie in 1..{int(counts.min())} (the rarest class's "
                         f"count), got {per_class}")
    rows = torch.cat([torch.nonzero(labels == digit).flatten()[:per_class]
                      for digit in range(N_CLASSES)])
    return images[rows], labels[rows]
