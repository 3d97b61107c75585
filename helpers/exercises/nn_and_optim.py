"""Exercises of notebook 05: torch.nn and torch.optim.

Each checker accepts every correct form of an answer (a tensor, a NumPy number,
another valid order of calls) and, when an answer is wrong in one of the ways
learners usually get it wrong (weights without biases, a missing zero_grad),
names that slip.
"""

import functools
import math
from collections.abc import Callable

import torch
from torch import nn

from helpers.checks import check_number
from helpers.exercises import exercise
from helpers.exercises.answers import as_float, named_slip, plain
from helpers.feedback import RETURNED_NONE, Feedback

_FIRST_LAYER, _SECOND_LAYER = 784 * 128 + 128, 128 * 10 + 10
_PARAMETER_SLIPS = {
    784 * 128 + 128 * 10: "counts the weights only: each Linear has a bias too (128 + 10).",
    784 * 128 + 128 * 10 + 128: "misses the second layer's 10 biases: each Linear has its own.",
    784 * 128 + 128 * 10 + 10: "misses the first layer's 128 biases: each Linear has its own.",
    _FIRST_LAYER: "is the first Linear only; the second adds 128 * 10 weights and 10 biases.",
    784 * 128 * 10: "multiplies the layer sizes; the parameters of the layers add up: "
    "784 * 128 + 128 weights and biases, then 128 * 10 + 10.",
}


@exercise("05.1")
def parameter_count(answer: object) -> Feedback:
    """Parameters of Sequential(Linear(784, 128), ReLU(), Linear(128, 10))."""
    value = as_float(answer)
    if value is not None and math.isfinite(value) and not value.is_integer():
        return Feedback(
            False,
            f"{value:.12g} is not a whole number: a parameter count is an integer, since each "
            "weight and each bias counts once.",
        )
    if value is not None and value.is_integer() and int(value) in _PARAMETER_SLIPS:
        return Feedback(False, f"{int(value)} {_PARAMETER_SLIPS[int(value)]}")
    # The count is the exercise's answer: a wrong try must not be told it.
    return check_number(plain(answer), float(_FIRST_LAYER + _SECOND_LAYER), rel_tol=0,
                        abs_tol=0, reveal=False)


# --- 05.2 -----------------------------------------------------------------------------------


@exercise("05.2")
def cross_entropy_by_hand(answer: object) -> Feedback:
    """Cross-entropy of logits [2.0, 1.0, 0.1] with target class 0, in nats."""
    logits = torch.tensor([2.0, 1.0, 0.1], dtype=torch.float64)
    probabilities = torch.softmax(logits, dim=0)
    log_sum_exp = torch.logsumexp(logits, dim=0).item()
    slips = {
        probabilities[0].item(): "that is the probability of class 0; the loss is -log of it.",
        -math.log2(probabilities[0].item()): "that is in bits (log base 2); PyTorch uses the "
        "natural log.",
        -math.log10(probabilities[0].item()): "that uses log base 10; PyTorch uses the natural "
        "log.",
        log_sum_exp: "that is log(sum(exp(z))) alone: subtract the logit of the right class, "
        "-z_0 + log(sum(exp(z))).",
        -math.log(probabilities[1].item()): "that is the loss if the right class were 1; it is "
        "class 0, the logit 2.0.",
        -math.log(probabilities[2].item()): "that is the loss if the right class were 2; it is "
        "class 0, the logit 2.0.",
    }
    hint = named_slip(as_float(answer), slips, rel_tol=1e-3)
    if hint is not None:
        return Feedback(False, f"{as_float(answer):.6g}: {hint}")
    return check_number(plain(answer), -math.log(probabilities[0].item()), rel_tol=1e-3)


# --- 05.3 -----------------------------------------------------------------------------------

_MEAN_RATE, _BATCH, _OUTPUTS = 0.05, 20, 10


@exercise("05.3")
def summed_loss_learning_rate(answer: object) -> Feedback:
    """SGD rate on MSELoss(reduction="sum") over 20 x 10 batches matching lr 0.05 on the mean."""
    entries = _BATCH * _OUTPUTS
    slips = {
        _MEAN_RATE * entries: "the summed loss's gradient is larger, so its learning rate must "
        "be smaller, not larger.",
        _MEAN_RATE: "the same rate would take 200 times larger steps: step() does not average "
        "over the batch; the mean loss did, and the summed one does not.",
        _MEAN_RATE / _BATCH: f"that divides by the batch size only; the mean also divides by "
        f"the {_OUTPUTS} outputs of each sample.",
        _MEAN_RATE / _OUTPUTS: f"that divides by the outputs only; the mean also divides by "
        f"the {_BATCH} samples of each batch.",
        _MEAN_RATE / 100: "that divides by section 4's 10 x 10 entries; these batches hold "
        f"{_BATCH} x {_OUTPUTS}.",
        _MEAN_RATE / 1000: f"1000 is notebook 04's 100 x 10 entries; a batch here holds "
        f"{_BATCH} x {_OUTPUTS}.",
    }
    value = as_float(answer)
    hint = named_slip(value, slips, rel_tol=1e-6)
    if hint is not None:
        return Feedback(False, f"{value:g}: {hint}")
    return check_number(plain(answer), _MEAN_RATE / entries, rel_tol=1e-6, abs_tol=0)


# --- 05.4 -----------------------------------------------------------------------------------


def _train_three_steps(step: Callable[..., object]) -> tuple[list[object], nn.Module]:
    # torch.manual_seed only initialises this small model; fork_rng keeps the learner's own
    # random stream where it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    generator = torch.Generator().manual_seed(5)
    x = torch.randn(8, 4, generator=generator)
    y = torch.randn(8, 2, generator=generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = [step(model, optimizer, nn.MSELoss(), x, y) for _ in range(3)]
    return losses, model


def _reference_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: nn.Module, x: torch.Tensor,
    y: torch.Tensor, *, zero_grad: bool = True
) -> float:
    loss = loss_fn(model(x), y)
    if zero_grad:
        optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_returning_the_loss_after_it(
    model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: nn.Module, x: torch.Tensor,
    y: torch.Tensor
) -> float:
    _reference_step(model, optimizer, loss_fn, x, y)
    with torch.no_grad():
        return loss_fn(model(x), y).item()


def _same_losses(got: list[object], want: list[float]) -> bool:
    return all(math.isclose(g, w, rel_tol=1e-5) for g, w in zip(got, want, strict=True))


@exercise("05.4")
def train_step(answer: object) -> Feedback:
    """A function (model, optimizer, loss_fn, x, y) -> float doing one training step."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    want_losses, want_model = _train_three_steps(_reference_step)
    try:
        got_losses, got_model = _train_three_steps(answer)
    except Exception as error:  # a learner's bug is feedback, not a crash
        hint = ""
        if "backward through the graph a second time" in str(error):
            hint = " Call backward() once per step, on a loss from a fresh forward pass."
        elif "modified by an inplace operation" in str(error):
            hint = (" step() changes the weights in place, and backward() still needs them: "
                    "call step() after backward().")
        return Feedback(False, f"raised {type(error).__name__}: {error}{hint}")
    if any(loss is None for loss in got_losses):
        return Feedback(False, f"expected the loss as a float: {RETURNED_NONE}")
    if any(isinstance(loss, torch.Tensor) for loss in got_losses):
        return Feedback(False, "expected the loss as a Python float, got a tensor: return "
                               "loss.item() (or float(loss)).")
    if not all(as_float(loss) is not None for loss in got_losses):
        kinds = sorted({type(loss).__name__ for loss in got_losses})
        return Feedback(False, f"expected the loss as a float, got {', '.join(kinds)}.")
    got_losses = [float(loss) for loss in got_losses]
    if all(math.isclose(loss, got_losses[0], rel_tol=1e-7) for loss in got_losses):
        gradients = [p.grad for p in got_model.parameters()]
        if any(g is not None and bool(g.abs().sum() > 0) for g in gradients):
            return Feedback(
                False,
                "the loss never changes, yet backward() filled the gradients: step() is "
                "missing, or runs before backward() and after zero_grad().",
            )
        return Feedback(
            False,
            "the loss never changes and no gradient is left: zero_grad() between backward() "
            "and step() wipes the gradient before step() can use it (or backward() is missing).",
        )
    slips = {
        "the losses drift from plain SGD after the second step: gradients accumulate unless "
        "optimizer.zero_grad() runs once per step, before backward().": functools.partial(
            _reference_step, zero_grad=False),
        "these are the losses after each step: return the loss the step was computed from, "
        "before step() changed the weights.": _step_returning_the_loss_after_it,
    }
    for hint, slip in slips.items():
        if _same_losses(got_losses, _train_three_steps(slip)[0]):
            return Feedback(False, hint)
    if not _same_losses(got_losses, want_losses):
        shown = ", ".join(f"{loss:.4f}" for loss in got_losses)
        wanted = ", ".join(f"{loss:.4f}" for loss in want_losses)
        return Feedback(False, f"three steps gave the losses {shown}; plain SGD gives {wanted}.")
    for got, want in zip(got_model.parameters(), want_model.parameters(), strict=True):
        if not torch.allclose(got, want, rtol=1e-5, atol=1e-7):
            return Feedback(False, "the losses match plain SGD but the final parameters do not.")
    return Feedback(True, "three steps give the same losses and parameters as plain SGD.")
