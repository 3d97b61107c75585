"""The judge: notebook 06's CNN, trained with seed 0, shipped with ``helpers``.

Notebook 08 scores generated digits with it (``load_judge()``). It is
``helpers/data/digit_judge.pt``; rewrite the file with ``.venv/bin/python -m
helpers.judge``; ``tests/test_judge.py`` retrains it and checks that it agrees.
"""

import torch

from helpers import arguments
from helpers.classifier import train_recipe
from helpers.digit_models import DigitCNN
from helpers.digits import DIGITS_PATH, split_digits
from helpers.evaluation import evaluate

JUDGE_PATH = DIGITS_PATH.parent / "digit_judge.pt"
JUDGE_SEED = 0


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
    return judge.to(arguments.device(device)).eval()


def train_judge(device: str | torch.device | None = "cpu") -> DigitCNN:
    """Train the judge again: ``train_recipe("cnn", split_digits(0), seed=0)`` (notebook 06)."""
    judge, _ = train_recipe("cnn", split_digits(JUDGE_SEED), seed=JUDGE_SEED, device=device)
    return judge


def main() -> None:
    """Write ``helpers/data/digit_judge.pt`` (``python -m helpers.judge``), as notebook 06
    trains its CNN: one torch thread, seed 0, on the CPU."""
    torch.set_num_threads(1)
    judge = train_judge("cpu")
    torch.save(judge.state_dict(), JUDGE_PATH)
    split = split_digits(JUDGE_SEED)
    _, test_accuracy = evaluate(judge, *split.test)
    print(f"wrote {JUDGE_PATH.name}: test accuracy {test_accuracy:.4f} on split_digits(0)")


if __name__ == "__main__":
    main()
