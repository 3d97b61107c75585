"""Exercises of notebook 04: gradients by hand.

Each checker accepts every correct form of an answer (a tensor, a NumPy number,
a list for a tuple) and, when an answer is wrong in one of the ways learners
usually get it wrong (a transpose, a factor of 2), names that slip.
"""

import math

import numpy as np
import torch

from helpers.checks import check_tensor
from helpers.exercises import exercise
from helpers.feedback import RETURNED_NONE, Feedback
from helpers.shape_checks import check_shape, shape_meant

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
