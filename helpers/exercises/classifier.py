"""Exercises of notebook 06 (a classifier on real digits, evaluated honestly).

Each checker names the slip behind a typical wrong answer: a bias left out, the
argmax over the wrong dimension, dropout left on, a softmax over the wrong dimension,
the weights of the last epoch instead of the best, a column read as a row, the
accuracy of the data the model was chosen on.
"""

import math

import numpy as np
import torch
from torch import nn

from helpers.checks import check_number
from helpers.exercises import exercise
from helpers.feedback import RETURNED_NONE, Feedback

# Exercise 06.4: validation losses after epochs 1, 2, ... and the patience.
EARLY_STOPPING_LOSSES = (0.90, 0.61, 0.48, 0.45, 0.47, 0.44, 0.46, 0.49, 0.50, 0.52, 0.55)
EARLY_STOPPING_PATIENCE = 3
# Exercise 06.5: rows are the true digits 3, 5, 8; columns the predicted ones.
CONFUSION = ((50, 2, 3), (1, 45, 4), (6, 0, 39))


def _plain_number(answer: object) -> object:
    """A NumPy scalar or one-element array as a Python number; anything else unchanged."""
    if isinstance(answer, np.generic) or (isinstance(answer, np.ndarray) and answer.size == 1):
        return answer.item()
    return answer


# A share read off printed numbers may be rounded to two decimals, as in 07 and 08's exercises.
TWO_DECIMALS = 0.005


def _close(answer: object, value: float, rel_tol: float = 1e-4, abs_tol: float = 1e-9) -> bool:
    answer = _plain_number(answer)
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    return (isinstance(answer, int | float) and not isinstance(answer, bool)
            and math.isclose(answer, value, rel_tol=rel_tol, abs_tol=abs_tol))


@exercise("06.1")
def conv_parameter_count(answer: object) -> Feedback:
    """Parameters of nn.Conv2d(32, 64, kernel_size=5)."""
    weights = 64 * 32 * 5 * 5
    hints = {
        weights: "that counts the weights only: each of the 64 output channels has a bias too.",
        64 * 32 * 5 + 64: "a 5×5 kernel has 5 × 5 = 25 weights per input channel, not 5.",
        64 * 25 + 64: "each output channel looks at all 32 input channels: 32 × 25 weights each.",
        32 * 25 + 32: "there is one kernel per output channel (64), each spanning all 32 input "
                      "channels.",
        (weights + 64) * 64: "the same kernel is used at every position of the image (weight "
                             "sharing): the count does not depend on the image's size.",
    }
    plain = _plain_number(answer)
    if isinstance(plain, torch.Tensor) and plain.numel() == 1:
        plain = plain.item()
    for wrong, hint in hints.items():
        if _close(plain, float(wrong), rel_tol=1e-9):
            return Feedback(False, f"{wrong:,}: {hint}")
    if isinstance(plain, float) and math.isfinite(plain) and not plain.is_integer():
        return Feedback(False, f"{plain:g}: a parameter count is a whole number.")
    return check_number(plain, float(weights + 64), rel_tol=0, abs_tol=0.5)


def _accuracy_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(6)
    cases = []
    for n, classes in ((6, 4), (10, 10), (7, 3)):
        logits = torch.randn(n, classes, generator=generator)
        labels = torch.randint(classes, (n,), generator=generator)
        labels[: n // 2] = logits[: n // 2].argmax(dim=1)  # about half right, never all
        cases.append((logits, labels))
    return cases


def _reference_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(dim=1) == labels).float().mean().item()


@exercise("06.2")
def accuracy_function(answer: object) -> Feedback:
    """A function (logits, labels) -> the share of images classified right."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    note = ""
    for position, (logits, labels) in enumerate(_accuracy_cases()):
        want = _reference_accuracy(logits, labels)
        try:
            got = answer(logits.clone(), labels.clone())
        except Exception as error:  # a learner's bug is feedback, not a crash
            hint = ""
            if "Bool" in str(error) or "dtype" in str(error):
                hint = (" A comparison gives booleans: turn them into numbers with .float() "
                        "before .mean().")
            elif "size" in str(error) or "shape" in str(error):
                hint = (" The predicted class of each image is the argmax over the classes, "
                        "dim=1; dim=0 gives one entry per class.")
            return Feedback(False, f"raised {type(error).__name__} on case {position}: "
                            f"{error}.{hint}")
        if got is None:
            return Feedback(False, RETURNED_NONE)
        got = _plain_number(got)
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got, note = got.item(), " (a one-element tensor: .item() gives a Python float)"
        correct = (logits.argmax(dim=1) == labels).sum().item()
        if _close(got, want):
            continue
        if _close(got, float(correct)):
            return Feedback(False, f"{got:g} is the number of right answers: divide by the "
                            f"number of images ({len(labels)}) for a share.")
        if _close(got, 100 * want):
            return Feedback(False, f"{got:g} is a percentage: return a share between 0 and 1.")
        if _close(got, 1 - want):
            return Feedback(False, f"{got:g} is the share of wrong answers (the error rate).")
        if len(labels) == logits.shape[1]:
            by_column = (logits.argmax(dim=0) == labels).float().mean().item()
            if _close(got, by_column):
                return Feedback(False, "argmax(dim=0) picks, for each class, the image with the "
                                "largest logit; each image's prediction is argmax(dim=1).")
        return Feedback(False, f"on case {position}: {check_number(got, want).message}")
    return Feedback(True, f"right on all {len(_accuracy_cases())} cases{note}.")


def _confidence_problem() -> tuple[nn.Module, torch.Tensor]:
    """The judge, left in training mode, and 60 test digits: 30 clean, 30 blends of two."""
    from helpers.digits import split_digits
    from helpers.judge import load_judge

    test_images = split_digits(0).test_images
    blends = (test_images[30:60] + test_images[60:90]) / 2
    return load_judge("cpu").train(), torch.cat([test_images[:30], blends])


def _as_float(value: object) -> float | str:
    """A learner's number as a float, or a sentence saying why it is not one."""
    value = _plain_number(value)
    if isinstance(value, torch.Tensor):
        if value.requires_grad:
            return ("it still carries a graph (requires_grad=True): compute under "
                    "torch.no_grad() or torch.inference_mode(), and return .item().")
        if value.numel() != 1:
            return f"expected one number, got a tensor of shape {tuple(value.shape)}."
        return value.item()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return f"expected a number, got {type(value).__name__} {value!r}."


@exercise("06.3")
def confident_share(answer: object) -> Feedback:
    """A function (model, images) -> share of images whose top class probability is >= 0.9."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    model, images = _confidence_problem()
    calls: list[tuple[bool, bool]] = []
    # On every layer, not just the model: model.forward(images) skips the model's own hooks.
    for layer in model.modules():
        layer.register_forward_hook(
            lambda module, inputs, output: calls.append((module.training,
                                                         torch.is_grad_enabled())))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        try:
            got = answer(model, images)
        except Exception as error:  # a learner's bug is feedback, not a crash
            return Feedback(False, f"raised {type(error).__name__}: {error}")
    if got is None:
        return Feedback(False, RETURNED_NONE)
    if not calls:
        return Feedback(False, "the model was never called: compute the logits with "
                        "model(images).")
    if any(training for training, _ in calls):
        return Feedback(False, "the model ran in training mode, so dropout switched features "
                        "off at random: call model.eval() before measuring.")
    if any(grad_enabled for _, grad_enabled in calls):
        return Feedback(False, "the forward pass built a graph that nobody will use: run it "
                        "under torch.no_grad() (or torch.inference_mode()).")
    share = _as_float(got)
    if isinstance(share, str):
        return Feedback(False, share)
    model.eval()
    with torch.no_grad():
        logits = model(images)
    probabilities = logits.softmax(dim=1)
    confident = probabilities.max(dim=1).values >= 0.9
    want = confident.float().mean().item()
    slips = {
        (logits.softmax(dim=0).max(dim=1).values >= 0.9).float().mean().item():
            "softmax over dim=0 normalises each class across the images; each image's "
            "probabilities are softmax(dim=1).",
        (logits.max(dim=1).values >= 0.9).float().mean().item():
            "that thresholds the logits, which are not probabilities: apply softmax first.",
        (probabilities.argmax(dim=1) >= 0.9).float().mean().item():
            "argmax gives the class index; the top probability is .max(dim=1).values.",
        float(confident.sum().item()): "that is a count: divide by the number of images.",
        100 * want: "a share between 0 and 1, please, not a percentage.",
    }
    if not _close(share, want, rel_tol=1e-6):
        for value, hint in slips.items():
            if _close(share, value, rel_tol=1e-6):
                return Feedback(False, f"{share:g}: {hint}")
        return check_number(share, want, rel_tol=1e-6)
    return Feedback(True, f"{share:.4g}, measured in eval mode without a graph.")


def _early_stopping(losses: tuple[float, ...], patience: int) -> tuple[int, int]:
    best_epoch = 1
    for epoch, loss in enumerate(losses, start=1):
        if loss < losses[best_epoch - 1]:
            best_epoch = epoch
        if epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(losses), best_epoch


@exercise("06.4")
def early_stopping_epochs(answer: object) -> Feedback:
    """(epoch after which training stops, epoch whose weights are kept) for the printed losses."""
    if isinstance(answer, np.ndarray | torch.Tensor) and answer.ndim == 1:
        answer = answer.tolist()
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return Feedback(False, f"expected a pair (stop, kept), such as (5, 2), got {answer!r}.")
    stop, kept = (_plain_number(value) for value in answer)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (stop, kept)):
        return Feedback(False, f"expected two epoch numbers (ints), got {answer!r}.")
    want_stop, want_kept = _early_stopping(EARLY_STOPPING_LOSSES, EARLY_STOPPING_PATIENCE)
    first_minimum = 4
    if (stop, kept) == (want_stop, want_kept):
        return Feedback(True, f"stop after epoch {stop}, keep epoch {kept}.")
    if (stop, kept) == (want_stop - 1, want_kept - 1):
        return Feedback(False, "counted from 0: the list's first loss is epoch 1.")
    if kept == first_minimum:
        return Feedback(False, f"epoch {want_kept} beat epoch {first_minimum}: every new best "
                        "restarts the count of epochs without improvement.")
    if stop == len(EARLY_STOPPING_LOSSES):
        return Feedback(False, f"with patience {EARLY_STOPPING_PATIENCE} training stops once "
                        f"{EARLY_STOPPING_PATIENCE} epochs in a row fail to beat the best, "
                        "before the list ends.")
    if kept == stop:
        return Feedback(False, "early stopping keeps the weights of the best epoch, not those of "
                        "the last one it ran.")
    if stop == want_stop:
        return Feedback(False, "the right stop; which epoch had the lowest loss so far then?")
    return Feedback(False, f"({stop}, {kept}): follow the losses epoch by epoch, counting the "
                    "epochs since the lowest loss so far.")


@exercise("06.5")
def recall_from_confusion(answer: object) -> Feedback:
    """The share of true 8s the model predicted as 8, from the printed confusion matrix."""
    matrix = torch.tensor(CONFUSION, dtype=torch.float64)
    want = (matrix[2, 2] / matrix[2].sum()).item()
    precision = (matrix[2, 2] / matrix[:, 2].sum()).item()
    overall = (matrix.trace() / matrix.sum()).item()
    plain = _plain_number(answer)
    if _close(plain, want, rel_tol=0, abs_tol=TWO_DECIMALS):
        return check_number(plain, want, rel_tol=0, abs_tol=TWO_DECIMALS)
    if _close(plain, precision, rel_tol=0, abs_tol=TWO_DECIMALS):
        return Feedback(False, "that divides by column 8, all images *predicted* as 8 (the "
                        "precision); rows are the true classes.")
    if _close(plain, overall, rel_tol=0, abs_tol=TWO_DECIMALS):
        return Feedback(False, "that is the accuracy over all three classes; the question is "
                        "about the true 8s only.")
    if _close(plain, matrix[2, 2].item()):
        return Feedback(False, "39 is a count: divide by the number of true 8s.")
    if _close(plain, 100 * want, rel_tol=0, abs_tol=100 * TWO_DECIMALS):
        return Feedback(False, "a share between 0 and 1, please, not a percentage.")
    if _close(plain, 1 - want, rel_tol=0, abs_tol=TWO_DECIMALS):
        return Feedback(False, "that is the share of true 8s the model got *wrong*.")
    return check_number(plain, want, rel_tol=0, abs_tol=TWO_DECIMALS)


def _reported_problem() -> tuple[nn.Module, object]:
    from helpers.digits import split_digits
    from helpers.judge import load_judge

    return load_judge("cpu"), split_digits(0)


@exercise("06.6")
def reported_accuracy(answer: object) -> Feedback:
    """A function (model, split) -> the accuracy to report for new data, chosen on validation."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    from helpers.evaluation import evaluate

    model, split = _reported_problem()
    try:
        got = answer(model, split)
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    if got is None:
        return Feedback(False, RETURNED_NONE)
    results = {name: evaluate(model, *pair) for name, pair in (
        ("train", split.train), ("val", split.val), ("test", split.test))}
    accuracies = {name: accuracy for name, (_, accuracy) in results.items()}
    test_loss, test_accuracy = results["test"]
    if isinstance(got, tuple | list) and len(got) == 2 and _close(got[1], test_accuracy,
                                                                 rel_tol=1e-6):
        return Feedback(False, "evaluate returns (loss, accuracy): return the accuracy alone.")
    if _close(got, 100 * test_accuracy, rel_tol=1e-6):
        return Feedback(False, "the right split, as a percentage: return a share between 0 and 1.")
    if _close(got, test_loss, rel_tol=1e-6):
        return Feedback(False, "that is the test loss, the first value evaluate returns; the "
                        "accuracy is the second.")
    hints = {
        "train": "that is the accuracy on the training set, which the weights were fitted to: "
                 "it says how well the model memorised, not how it does on new data.",
        "val": "that is the validation accuracy: the model was chosen for doing well on it, so "
               "it flatters the model. The test set, touched once, gives the honest figure.",
    }
    for name, hint in hints.items():
        if _close(got, accuracies[name], rel_tol=1e-6):
            return Feedback(False, hint)
    verdict = check_number(_plain_number(got), test_accuracy, rel_tol=1e-6)
    if verdict:
        return Feedback(True, "the test accuracy: data that chose nothing.")
    return Feedback(False, f"{verdict.message} Which split was used for no decision at all?")
