"""The digit classifiers of notebook 06: a multi-layer perceptron and a small CNN.

Both map images shaped ``(N, 1, 8, 8)`` with pixels in [0, 1] to ten logits, and
``features(images)`` returns the activations of the last hidden layer (the
features notebook 08's Fréchet distance compares). ``new_classifier`` draws a
network's initial weights from the session's seed, on a stream of their own.
"""

import torch
import torch.nn.functional as F
from torch import nn

from helpers import arguments
from helpers.digits import N_CLASSES
from helpers.environment import resolve_seed, seeded_generator

INIT_STREAM = 601  # seeded_generator's stream for initial weights
KINDS = ("mlp", "cnn")


class DigitMLP(nn.Module):
    """A multi-layer perceptron for 8×8 digits: 64 → ``hidden`` → ReLU → 10 (notebook 06).

    ``forward`` returns logits; ``features`` the ``hidden`` ReLU activations.
    """

    def __init__(self, hidden: int = 128) -> None:
        super().__init__()
        arguments.positive_int(hidden, "hidden")
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
    return model.to(arguments.device(device))
