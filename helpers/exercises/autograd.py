"""Exercises of notebooks 02 (autograd on one variable) and 03 (computation graphs)."""

import math

import torch

from helpers.checks import Feedback, check_function, check_number, check_tensor
from helpers.exercises import exercise


def _is_number(value: object, expected: float) -> bool:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isclose(value, expected, rel_tol=1e-4, abs_tol=1e-6)
    )


def _check_pair(answer: object, expected: tuple[float, float], names: tuple[str, str]) -> Feedback:
    """Check a pair of numbers; None in it means a gradient was never filled in."""
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return Feedback(
            False, f"expected a pair ({names[0]}, {names[1]}), got {type(answer).__name__}."
        )
    if any(value is None for value in answer):
        return Feedback(
            False,
            "one of them is None: .grad of a non-leaf stays None unless you call "
            "retain_grad() on it before backward(), or use torch.autograd.grad.",
        )
    if _is_number(answer[0], expected[1]) and _is_number(answer[1], expected[0]):
        return Feedback(False, f"the two values are swapped: the order is ({', '.join(names)}).")
    for name, value, wanted in zip(names, answer, expected, strict=True):
        verdict = check_number(value, wanted)
        if not verdict:
            return Feedback(False, f"{name}: {verdict.message}")
    return Feedback(True, f"{names[0]} = {expected[0]:g}, {names[1]} = {expected[1]:g}.")


@exercise("02.1")
def cubic_slope(answer: object) -> Feedback:
    """dy/dx of y = x**3 - 2*x at x = 2 (by autograd): 3*4 - 2 = 10."""
    if _is_number(answer, 4.0):
        return Feedback(False, "4 is y itself at x = 2; the slope is x.grad after y.backward().")
    if _is_number(answer, 12.0):
        return Feedback(False, "12 is the slope of x**3 alone: the -2*x term contributes -2.")
    return check_number(answer, 10.0)


@exercise("02.2")
def accumulated_gradient(answer: object) -> Feedback:
    """x.grad after building y = 3*x and calling y.backward() three times, never zeroing."""
    if _is_number(answer, 3.0):
        return Feedback(
            False,
            "3 is the gradient of one backward pass; .grad adds each pass's gradient "
            "until you zero it, so three passes leave 3 + 3 + 3.",
        )
    return check_number(answer, 9.0)


def _x_sin_x(x0: float) -> float:
    return math.sin(x0) + x0 * math.cos(x0)


@exercise("02.3")
def slope_function(answer: object) -> Feedback:
    """A function x0 -> dy/dx of y = x*sin(x) at x0, computed with autograd."""
    inputs = [0.5, 1.0, 2.0, -1.5]
    verdict = check_function(answer, _x_sin_x, inputs)
    if verdict or not callable(answer):
        return verdict
    if check_function(answer, lambda x0: x0 * math.sin(x0), inputs):
        return Feedback(
            False, "your function returns y = x*sin(x) itself; return x.grad after y.backward()."
        )
    return verdict


@exercise("03.1")
def intermediate_gradients(answer: object) -> Feedback:
    """(dz/dx, dz/dy) for z = 2*x + 3*y in the seed's graph at a = 2, b = 1."""
    if _check_pair(answer, (64.0, 33.0), ("x.grad", "y.grad")):
        return Feedback(False, "(64, 33) are a.grad and b.grad, the leaves; this asks for x and y.")
    return _check_pair(answer, (2.0, 3.0), ("x.grad", "y.grad"))


@exercise("03.2")
def leaf_gradients_elsewhere(answer: object) -> Feedback:
    """(a.grad, b.grad) for the seed's graph at a = 1, b = 2: (4 + 30a, 6 + 27b**2)."""
    if _check_pair(answer, (64.0, 33.0), ("a.grad", "b.grad")):
        return Feedback(False, "(64, 33) are the gradients at a = 2, b = 1; set a = 1, b = 2.")
    if isinstance(answer, tuple | list) and len(answer) == 2:
        for value, paths in zip(answer, ((4.0, 30.0), (6.0, 108.0)), strict=True):
            if any(_is_number(value, path) for path in paths):
                return Feedback(
                    False,
                    "that counts one path only: a and b reach z through x and through y, "
                    "and the chain rule adds both paths' products.",
                )
    return _check_pair(answer, (34.0, 114.0), ("a.grad", "b.grad"))


@exercise("03.3")
def vector_jacobian_product(answer: object) -> Feedback:
    """x.grad for y = x**2, x = [1, 2, 3], after y.backward(torch.tensor([1.0, 0.1, 0.01]))."""
    x = torch.tensor([1.0, 2.0, 3.0])
    weights = torch.tensor([1.0, 0.1, 0.01])
    if isinstance(answer, torch.Tensor) and answer.shape == x.shape:
        if torch.allclose(answer.detach().float(), 2 * x):
            return Feedback(
                False,
                "that is 2x, the gradient for weights of ones; the gradient argument "
                "weighs each output: x.grad = v * 2x here.",
            )
    return check_tensor(answer, weights * 2 * x)
