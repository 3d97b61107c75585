"""Exercises of notebooks 02 (autograd on one variable) and 03 (computation graphs)."""

import math

import numpy as np
import torch

from helpers.checks import check_function, check_number, check_tensor, is_number
from helpers.exercises import exercise
from helpers.feedback import Feedback

_NO_BACKWARD = (
    "got None: x.grad stays None until backward() reaches x. Call y.backward() first "
    "(and create x with requires_grad=True)."
)


def _named_numbers(answer: object, known: dict[float, str]) -> Feedback | None:
    """The feedback for a known wrong number, if ``answer`` is one of them."""
    for value, explanation in known.items():
        if is_number(answer, value):
            return Feedback(False, explanation)
    return None


@exercise("02.1")
def cubic_slope(answer: object) -> Feedback:
    """dy/dx of y = x**3 - 2*x at x = 2 (by autograd): 3*4 - 2 = 10."""
    if answer is None:
        return Feedback(False, _NO_BACKWARD)
    known = _named_numbers(
        answer,
        {
            4.0: "4 is y itself at x = 2; the slope is x.grad after y.backward().",
            12.0: "12 is the slope of x**3 alone: the -2*x term contributes -2.",
            20.0: "20 is twice the slope: backward() ran twice on the same x (a cell run "
            "twice?) and .grad added both passes. Create x again, then call backward() once.",
            2.0: "2 is x, the point; the slope at it is x.grad after y.backward().",
        },
    )
    return check_number(answer, 10.0) if known is None else known


@exercise("02.2")
def accumulated_gradient(answer: object) -> Feedback:
    """x.grad after building y = 3*x and calling y.backward() three times, never zeroing."""
    if answer is None:
        return Feedback(False, _NO_BACKWARD)
    known = _named_numbers(
        answer,
        {
            3.0: "3 is the gradient of one backward pass; .grad adds each pass's gradient "
            "until you zero it, so three passes leave 3 + 3 + 3.",
            27.0: "27 is 3 * 3 * 3, but gradients of separate passes add, they do not "
            "multiply: 3 + 3 + 3.",
            6.0: "6 is two passes' worth, 3 + 3; each of the three backward() calls adds 3.",
        },
    )
    return check_number(answer, 9.0) if known is None else known


def _x_sin_x(x0: float) -> float:
    return math.sin(x0) + x0 * math.cos(x0)


_SLOPE_SLIPS = (
    (
        lambda x0: x0 * math.sin(x0),
        "Your function returns y = x*sin(x) itself; return x.grad after y.backward().",
    ),
    (
        lambda x0: x0 * math.cos(x0),
        "That is x*cos(x) alone, the slope if the x in front were a constant (a number, "
        "or detached): the product rule gives sin(x) + x*cos(x).",
    ),
    (
        lambda x0: math.sin(x0),
        "That is sin(x) alone: autograd saw x*s with s a plain number, as if math.sin or "
        ".item() had turned sin(x) into a constant. Use torch.sin on the leaf x.",
    ),
    (
        lambda x0: math.sin(x0) - x0 * math.cos(x0),
        "A sign is flipped: the derivative of sin(x) is +cos(x).",
    ),
    (
        lambda x0: x0 * torch.sin(x0),
        "torch.sin works on tensors: apply it to the leaf x built from x0, not to the number x0.",
    ),
)


@exercise("02.3")
def slope_function(answer: object) -> Feedback:
    """A function x0 -> dy/dx of y = x*sin(x) at x0, computed with autograd."""
    inputs = [0.5, 1.0, 2.0, -1.5]
    verdict = check_function(answer, _x_sin_x, inputs, slips=_SLOPE_SLIPS)
    if verdict or not callable(answer):
        return verdict
    try:
        values = [float(answer(x0)) for x0 in inputs]
    except (TypeError, ValueError, RuntimeError):
        return verdict
    steps = {round(after - before, 6) for before, after in zip(values, values[1:], strict=False)}
    if steps == {0.0}:
        return Feedback(
            False,
            f"{verdict.message} It returns the same number for every x0: build the leaf from "
            "x0 inside the function, x = torch.tensor(x0, requires_grad=True).",
        )
    if len(steps) == 1:
        return Feedback(
            False,
            f"{verdict.message} Each call adds the same amount to the last one: one leaf "
            "shared by all calls keeps adding into its .grad. Build a fresh leaf inside "
            "the function.",
        )
    return verdict


def _numbers_in(answer: object, count: int) -> list[object] | None:
    """The ``count`` entries of a tuple, list, tensor or array, or None for anything else."""
    if isinstance(answer, torch.Tensor | np.ndarray):
        flat = answer.detach().cpu().reshape(-1) if isinstance(answer, torch.Tensor) else (
            answer.reshape(-1)
        )
        return [flat[i].item() for i in range(count)] if len(flat) == count else None
    if isinstance(answer, tuple | list) and len(answer) == count:
        return list(answer)
    return None


def _pair_is(answer: object, pair: tuple[float, float]) -> bool:
    values = _numbers_in(answer, 2)
    return values is not None and all(is_number(v, w) for v, w in zip(values, pair, strict=True))


def _check_pair(answer: object, expected: tuple[float, float], names: tuple[str, str]) -> Feedback:
    """Check a pair of numbers; None in it means a gradient was never filled in."""
    values = _numbers_in(answer, 2)
    if values is None:
        return Feedback(
            False, f"expected a pair ({names[0]}, {names[1]}), got {type(answer).__name__}."
        )
    if any(value is None for value in values):
        return Feedback(
            False,
            "one of them is None: .grad of a non-leaf stays None unless you call "
            "retain_grad() on it before backward(), or use torch.autograd.grad.",
        )
    if _pair_is(values, expected[::-1]):
        return Feedback(False, f"the two values are swapped: the order is ({', '.join(names)}).")
    if _pair_is(values, (2 * expected[0], 2 * expected[1])):
        return Feedback(
            False,
            "both are twice the gradient: backward() ran twice on the same tensors and .grad "
            "added both passes. Rebuild the graph and call backward() once.",
        )
    for name, value, wanted in zip(names, values, expected, strict=True):
        verdict = check_number(value, wanted)
        if not verdict:
            return Feedback(False, f"{name}: {verdict.message}")
    return Feedback(True, f"{names[0]} = {expected[0]:g}, {names[1]} = {expected[1]:g}.")


@exercise("03.1")
def intermediate_gradients(answer: object) -> Feedback:
    """(dz/dx, dz/dy) for z = 2*x + 3*y in the seed's graph at a = 2, b = 1."""
    if _pair_is(answer, (64.0, 33.0)):
        return Feedback(False, "(64, 33) are a.grad and b.grad, the leaves; this asks for x and y.")
    if _pair_is(answer, (7.0, 23.0)):
        return Feedback(
            False, "(7, 23) are the values of x and y; this asks for their gradients."
        )
    return _check_pair(answer, (2.0, 3.0), ("x.grad", "y.grad"))


@exercise("03.2")
def leaf_gradients_elsewhere(answer: object) -> Feedback:
    """(a.grad, b.grad) for the seed's graph at a = 1, b = 2: (4 + 30a, 6 + 27b**2)."""
    if _pair_is(answer, (64.0, 33.0)):
        return Feedback(False, "(64, 33) are the gradients at a = 2, b = 1; set a = 1, b = 2.")
    if _pair_is(answer, (2.0, 3.0)):
        return Feedback(
            False, "(2, 3) are the gradients of z with respect to x and y; this asks for a and b."
        )
    values = _numbers_in(answer, 2)
    if values is not None:
        for value, paths in zip(values, ((4.0, 30.0), (6.0, 108.0)), strict=True):
            if any(is_number(value, path) for path in paths):
                return Feedback(
                    False,
                    "that counts one path only: a and b reach z through x and through y, "
                    "and the chain rule adds both paths' products.",
                )
    return _check_pair(answer, (34.0, 114.0), ("a.grad", "b.grad"))


def _as_float_tensor(answer: object) -> torch.Tensor | None:
    """A tensor, array or list of numbers as a float32 tensor, or None if it is none of these."""
    if isinstance(answer, torch.Tensor):
        return answer.detach().cpu().float() if not answer.is_complex() else None
    if isinstance(answer, np.ndarray | list | tuple):
        try:
            return torch.as_tensor(np.asarray(answer, dtype=np.float64)).float()
        except (TypeError, ValueError):
            return None
    return None


@exercise("03.3")
def vector_jacobian_product(answer: object) -> Feedback:
    """x.grad for y = x**2, x = [1, 2, 3], after y.backward(torch.tensor([1.0, 0.1, 0.01]))."""
    x = torch.tensor([1.0, 2.0, 3.0])
    weights = torch.tensor([1.0, 0.1, 0.01])
    expected = weights * 2 * x
    if answer is None:
        return Feedback(False, _NO_BACKWARD.replace("y.backward()", "y.backward(v)"))
    if is_number(answer, expected.sum().item()):
        return Feedback(
            False,
            "that is the sum of the entries; x.grad has one entry per input x_j: "
            "(v^T J)_j = v_j * 2 x_j here.",
        )
    values = _as_float_tensor(answer)
    if values is None or values.shape != x.shape:
        return check_tensor(answer, expected)
    slips = {
        "that is 2x, the gradient for weights of ones; the gradient argument weighs each "
        "output: x.grad = v * 2x here.": 2 * x,
        "that is v, the weights themselves; each is multiplied by dy_j/dx_j = 2 x_j.": weights,
        "that is half the answer, v * x: the derivative of x**2 is 2x.": weights * x,
        "that weighs y = x**2, not its derivative: x.grad = v * 2x.": weights * x**2,
    }
    for explanation, wrong in slips.items():
        if torch.allclose(values, wrong):
            return Feedback(False, explanation)
    verdict = check_tensor(values, expected)
    if verdict:
        return Feedback(True, "x.grad = v * 2x = (2, 0.4, 0.06): values match.")
    return verdict
