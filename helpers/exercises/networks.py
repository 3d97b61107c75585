"""Exercises of notebooks 04 (gradients by hand) and 05 (torch.nn and torch.optim).

Each checker accepts every correct form of an answer (a tensor, a NumPy
number, a list for a tuple, another valid order of calls) and, when an answer is
wrong in one of the ways learners usually get it wrong, names that slip.
"""

import functools
import math
import numbers
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from helpers.checks import check_number, check_tensor
from helpers.exercises import exercise
from helpers.feedback import RETURNED_NONE, Feedback
from helpers.shape_checks import check_shape, shape_meant


def _as_float(answer: object) -> float | None:
    """One number in any of its usual forms as a float; None when it is not one number."""
    if isinstance(answer, torch.Tensor):
        return float(answer.item()) if answer.numel() == 1 else None
    if isinstance(answer, np.ndarray):
        return float(answer.item()) if answer.size == 1 else None
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool | np.bool_):
        return float(answer)
    return None


def _plain(answer: object) -> object:
    """NumPy numbers and 0-d arrays as Python numbers; anything else unchanged."""
    if isinstance(answer, np.generic | np.ndarray) and np.size(answer) == 1:
        return answer.item()
    return answer


def _named_slip(value: float | None, slips: dict[float, str], rel_tol: float) -> str | None:
    if value is None:
        return None
    for wrong, hint in slips.items():
        if math.isclose(value, wrong, rel_tol=rel_tol):
            return hint
    return None


# --- 04.1 -----------------------------------------------------------------------------------

_SHAPE_SLIPS = {
    (32, 64): "the hidden layer's gradient (batch x hidden); a weight's gradient has the "
    "shape of the weight itself",
    (32, 784): "the shape of the input batch x; the gradient of W1 has W1's shape",
    (64, 10): "the shape of W2, the second layer's weight; the question asks for W1",
    (32, 10): "the shape of the output; the gradient of W1 has W1's shape",
}


@exercise("04.1")
def gradient_shape(answer: object) -> Feedback:
    """Shape of the gradient of w1 for batch 32, input 784, hidden 64, output 10."""
    try:
        got = shape_meant(answer, (784, 64))
    except TypeError:
        got = None  # not a shape at all: check_shape says so
    if got in _SHAPE_SLIPS:
        return Feedback(False, f"{got} is {_SHAPE_SLIPS[got]}: (784, 64).")
    return check_shape(answer, (784, 64))


# --- 04.2 -----------------------------------------------------------------------------------


def _small_problem() -> tuple[torch.Tensor, ...]:
    # N = 6 samples and C = 3 outputs: every usual slip scales the gradient by its own
    # factor (N*C = 18, C = 3, N = 6, 1/2, -1), so the factor names the slip.
    generator = torch.Generator().manual_seed(4)
    x = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    y = torch.randn(6, 3, generator=generator, dtype=torch.float64)
    w1 = torch.randn(5, 4, generator=generator, dtype=torch.float64)
    w2 = torch.randn(4, 3, generator=generator, dtype=torch.float64)
    return x, y, w1, w2


def _autograd_gradients(
    x: torch.Tensor, y: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    w1, w2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
    (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).mean().backward()
    return w1.grad, w2.grad


def _gradient_slips(n: int, c: int) -> dict[float, str]:
    return {
        n * c: f"is the summed loss's gradient: the mean divides by N*C = y.numel() = {n * c}, "
        "and so does its gradient.",
        c: f"is {c} times too large: you divided by the batch size N = {n} only; the mean "
        f"also divides by the C = {c} outputs of each sample, N*C = y.numel() = {n * c}.",
        n: f"is {n} times too large: you divided by the C = {c} outputs only; the mean also "
        f"divides by the batch size N = {n}, N*C = y.numel() = {n * c}.",
        0.5: "is exactly half the right one: the derivative of (y_pred - y)**2 is "
        "2 * (y_pred - y); the factor 2 is missing.",
        -1.0: "has the sign flipped: the derivative is 2 * (y_pred - y), not 2 * (y - y_pred).",
    }


@exercise("04.2")
def mean_loss_gradients(answer: object) -> Feedback:
    """A function (x, y, w1, w2) -> (grad_w1, grad_w2) for the mean squared error."""
    if not callable(answer):
        return Feedback(False, f"expected a function, got {type(answer).__name__}.")
    x, y, w1, w2 = _small_problem()
    try:
        got = answer(x, y, w1, w2)
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    if got is None:
        return Feedback(False, f"expected a pair (grad_w1, grad_w2): {RETURNED_NONE}")
    if not isinstance(got, tuple | list) or len(got) != 2:
        return Feedback(False, f"expected a pair (grad_w1, grad_w2), got {type(got).__name__}.")
    got = [torch.from_numpy(g) if isinstance(g, np.ndarray) else g for g in got]
    want = _autograd_gradients(x, y, w1, w2)
    slips = _gradient_slips(*y.shape)
    for name, grad, wanted in zip(("grad_w1", "grad_w2"), got, want, strict=True):
        if isinstance(grad, torch.Tensor) and grad.shape == wanted.shape:
            grad = grad.detach().double()
            for factor, hint in slips.items():
                if torch.allclose(grad, factor * wanted, rtol=1e-6, atol=1e-12):
                    return Feedback(False, f"{name} {hint}")
        verdict = check_tensor(grad, wanted, rtol=1e-6, atol=1e-9)
        if not verdict:
            same_shape = isinstance(grad, torch.Tensor) and grad.shape == wanted.shape
            if name == "grad_w1" and same_shape and check_tensor(got[1], want[1], rtol=1e-6):
                return Feedback(
                    False,
                    f"grad_w2 is right but grad_w1 is not ({verdict.message}) Does the "
                    "backward pass through the ReLU multiply by the mask (hidden > 0)?",
                )
            return Feedback(False, f"{name}: {verdict.message}")
    return Feedback(True, "both gradients match autograd on a 6-sample problem.")


# --- 04.3 -----------------------------------------------------------------------------------


@exercise("04.3")
def leaky_relu_function(answer: object) -> Feedback:
    """A torch.autograd.Function computing LeakyReLU with slope 0.01, with its backward."""
    if not (isinstance(answer, type) and issubclass(answer, torch.autograd.Function)):
        return Feedback(
            False,
            f"expected a torch.autograd.Function subclass (the class, not an instance), "
            f"got {answer!r}.",
        )
    generator = torch.Generator().manual_seed(3)
    inputs = torch.randn(20, generator=generator, dtype=torch.float64)
    inputs = inputs + inputs.sign() * 0.1  # keep away from the kink at 0
    # An upstream gradient that is not all ones, so a backward that forgets to multiply by
    # grad_output cannot pass by luck.
    upstream = torch.rand(20, generator=generator, dtype=torch.float64) + 0.5
    negative = inputs < 0
    mine = inputs.clone().requires_grad_()
    try:
        output = answer.apply(mine)
        if not isinstance(output, torch.Tensor):
            return Feedback(False, f"forward returned {type(output).__name__}, not a tensor.")
        if output.shape == inputs.shape:
            scale = (output.detach()[negative] / inputs[negative]).double()
            if torch.allclose(scale, torch.zeros_like(scale)):
                return Feedback(
                    False, "forward sets negative inputs to 0, like ReLU: LeakyReLU keeps 0.01 * h."
                )
            if torch.allclose(scale, scale[0].expand_as(scale)) and not math.isclose(
                scale[0].item(), 0.01, rel_tol=1e-6
            ):
                return Feedback(
                    False,
                    f"forward multiplies negative inputs by {scale[0].item():.4g}; the slope "
                    "of LeakyReLU there is 0.01.",
                )
        forward = check_tensor(output, torch.nn.functional.leaky_relu(inputs, 0.01))
        if not forward:
            return Feedback(False, f"forward: {forward.message}")
        (output * upstream).sum().backward()
    except TypeError as error:
        hint = ""
        if "positional argument" in str(error):
            hint = " Are forward and backward marked @staticmethod, with ctx first?"
        return Feedback(False, f"raised TypeError: {error}.{hint}")
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    slope = torch.where(negative, 0.01, 1.0).double()
    grad = mine.grad
    if grad is None:
        return Feedback(False, "backward gave no gradient for the input: does it return one?")
    backward_slips = {
        "backward gives ReLU's gradient: negative inputs have slope 0.01, not 0.": upstream
        * (~negative),
        "backward passes the gradient of negative inputs unchanged: their slope is 0.01.":
        upstream,
        "backward returns the local slope only: multiply it by grad_output (the chain rule), "
        "the gradient arriving from the layers above.": slope,
    }
    for hint, wrong in backward_slips.items():
        if grad.shape == wrong.shape and torch.allclose(grad.double(), wrong):
            return Feedback(False, hint)
    backward = check_tensor(grad, upstream * slope)
    if not backward:
        return Feedback(False, f"backward: {backward.message}")
    passes = torch.autograd.gradcheck(
        answer.apply, (inputs.requires_grad_(),), raise_exception=False
    )
    if not passes:
        return Feedback(False, "gradcheck fails: backward disagrees with finite differences.")
    return Feedback(True, "forward and backward match LeakyReLU(0.01), and gradcheck passes.")


# --- 05.1 -----------------------------------------------------------------------------------

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
    value = _as_float(answer)
    if value is not None and math.isfinite(value) and not value.is_integer():
        return Feedback(
            False,
            f"{value:.12g} is not a whole number: a parameter count is an integer, since each "
            "weight and each bias counts once.",
        )
    if value is not None and value.is_integer() and int(value) in _PARAMETER_SLIPS:
        return Feedback(False, f"{int(value)} {_PARAMETER_SLIPS[int(value)]}")
    # The count is the exercise's answer: a wrong try must not be told it.
    return check_number(_plain(answer), float(_FIRST_LAYER + _SECOND_LAYER), rel_tol=0,
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
    hint = _named_slip(_as_float(answer), slips, rel_tol=1e-3)
    if hint is not None:
        return Feedback(False, f"{_as_float(answer):.6g}: {hint}")
    return check_number(_plain(answer), -math.log(probabilities[0].item()), rel_tol=1e-3)


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
    value = _as_float(answer)
    hint = _named_slip(value, slips, rel_tol=1e-6)
    if hint is not None:
        return Feedback(False, f"{value:g}: {hint}")
    return check_number(_plain(answer), _MEAN_RATE / entries, rel_tol=1e-6, abs_tol=0)


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
    if not all(_as_float(loss) is not None for loss in got_losses):
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
