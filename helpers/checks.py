"""Answer checks that explain what is wrong (introduced in notebook 01).

Each check compares a learner's answer with the expected one and returns a
``Feedback``: truthy when right, and always a sentence saying what was found,
what was expected and, when a common slip explains the gap, a hint.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``passed`` and a message for the learner.

    Introduced in notebook 01. Displays as its message, so a check at the end
    of a cell shows the learner a sentence, not an object.
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("Correct: " if self.passed else "Not yet: ") + self.message


def _as_shape(value: object, what: str) -> tuple[int, ...]:
    if isinstance(value, torch.Tensor | np.ndarray):
        return tuple(value.shape)
    if isinstance(value, torch.Size | tuple | list) and all(
        isinstance(d, int) and not isinstance(d, bool) for d in value
    ):
        return tuple(value)
    raise TypeError(
        f"{what} must be a shape (tuple of ints, torch.Size) or a tensor, "
        f"got {type(value).__name__} {value!r}"
    )


def check_shape(answer: object, expected: Sequence[int] | torch.Size) -> Feedback:
    """Compare a shape (or the shape of a tensor/array) with the expected one.

    Introduced in notebook 01. Hints at the usual causes: swapped axes
    (transpose), a missing or extra dimension (unsqueeze/squeeze), or the right
    number of elements in the wrong arrangement (view/reshape).
    """
    want = _as_shape(expected, "expected")
    try:
        got = _as_shape(answer, "answer")
    except TypeError:
        return Feedback(
            False,
            f"expected a shape (a tuple of ints, a torch.Size or a tensor), "
            f"got {type(answer).__name__} {answer!r}",
        )
    if got == want:
        return Feedback(True, f"shape {got}.")
    message = f"shape {got}, expected {want}"
    if len(got) != len(want):
        if tuple(d for d in got if d != 1) == tuple(d for d in want if d != 1):
            hint = "only size-1 dimensions differ: unsqueeze() or squeeze()?"
        else:
            hint = f"{len(got)} dimensions instead of {len(want)}."
    elif got == tuple(reversed(want)) or sorted(got) == sorted(want):
        hint = "the same sizes in another order: did you transpose?"
    elif math.prod(got) == math.prod(want):
        hint = "the same number of elements arranged differently: check view()/reshape()."
    else:
        hint = f"{math.prod(got)} elements instead of {math.prod(want)}."
    return Feedback(False, f"{message}: {hint}")


def check_number(
    answer: object, expected: float, *, rel_tol: float = 1e-4, abs_tol: float = 1e-6
) -> Feedback:
    """Compare a number (int, float or one-element tensor) with the expected value.

    Introduced in notebook 01. A one-element tensor is accepted but the
    learner is told about ``.item()``; a wrong sign or a factor of 2 is named.
    """
    if isinstance(expected, bool) or not isinstance(expected, int | float):
        raise TypeError(f"expected must be an int or float, got {type(expected).__name__}")
    note = ""
    if isinstance(answer, torch.Tensor):
        if answer.numel() != 1:
            return Feedback(
                False,
                f"expected one number, got a tensor of shape {tuple(answer.shape)}: "
                "index it, or reduce it with sum()/mean()?",
            )
        answer = answer.item()
        note = " (a one-element tensor: .item() turns it into a Python number)"
    if answer is None:
        return Feedback(False, "expected a number, got None: is a `return` missing?")
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return Feedback(False, f"expected a number, got {type(answer).__name__} {answer!r}")
    if math.isnan(answer):
        return Feedback(False, "got NaN: something divided 0 by 0 or took log of a negative.")
    if math.isclose(answer, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(True, f"{answer:.6g}{note}.")
    message = f"{answer:.6g}, expected {expected:.6g}"
    if expected != 0 and math.isclose(answer, -expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(False, f"{message}: the sign is flipped.")
    if expected != 0 and answer != 0:
        ratio = answer / expected
        for factor, words in ((2.0, "twice"), (0.5, "half")):
            if math.isclose(ratio, factor, rel_tol=rel_tol):
                return Feedback(False, f"{message}: {words} the expected value.")
    return Feedback(False, f"{message}.")


def check_tensor(
    answer: object, expected: torch.Tensor, *, rtol: float = 1e-5, atol: float = 1e-6
) -> Feedback:
    """Compare a tensor's type, shape, dtype and values with the expected tensor.

    Introduced in notebook 01. Stops at the first difference, in that order,
    because a shape or dtype slip explains every value after it.
    """
    if not isinstance(expected, torch.Tensor):
        raise TypeError(f"expected must be a torch.Tensor, got {type(expected).__name__}")
    if isinstance(answer, np.ndarray):
        return Feedback(
            False,
            f"got a NumPy array of shape {answer.shape}, expected a torch.Tensor: "
            "torch.from_numpy() converts it.",
        )
    if answer is None:
        return Feedback(False, "expected a torch.Tensor, got None: is a `return` missing?")
    if not isinstance(answer, torch.Tensor):
        return Feedback(False, f"expected a torch.Tensor, got {type(answer).__name__}.")
    shape = check_shape(answer, expected.shape)
    if not shape:
        return shape
    if answer.dtype != expected.dtype:
        hint = ""
        if answer.dtype.is_floating_point != expected.dtype.is_floating_point:
            hint = ": integer and float tensors differ; .float() or .long() converts."
        return Feedback(False, f"dtype {answer.dtype}, expected {expected.dtype}{hint}")
    got = answer.detach().cpu().double()
    want = expected.detach().cpu().double()
    if torch.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        return Feedback(True, f"shape {tuple(answer.shape)}, dtype {answer.dtype}, values match.")
    diff = (got - want).abs().nan_to_num(nan=math.inf)
    worst = np.unravel_index(int(diff.argmax()), tuple(diff.shape)) if diff.dim() else ()
    position = tuple(int(i) for i in worst)
    where = f" at index {position}" if position else ""
    return Feedback(
        False,
        f"values differ: largest gap {float(diff.max()):.4g}{where} "
        f"(got {got[position].item():.4g}, expected {want[position].item():.4g}).",
    )


def check_function(
    function: object,
    reference: Callable[..., object],
    inputs: Sequence[object],
) -> Feedback:
    """Call a learner's function on each input and compare with a reference.

    Introduced in notebook 02. Tensor results are compared with
    ``check_tensor``, numbers with ``check_number``; an exception is reported
    with its type and message instead of being raised.
    """
    if not callable(reference):
        raise TypeError(f"reference must be callable, got {type(reference).__name__}")
    if isinstance(inputs, str | bytes) or not isinstance(inputs, Sequence) or not inputs:
        raise ValueError(f"inputs must be a non-empty sequence of arguments, got {inputs!r}")
    if not callable(function):
        return Feedback(False, f"expected a function, got {type(function).__name__}.")
    for position, argument in enumerate(inputs):
        expected = reference(argument)
        try:
            got = function(argument)
        except Exception as error:  # a learner's bug is feedback, not a crash
            return Feedback(
                False, f"raised {type(error).__name__} on input {position}: {error}"
            )
        if isinstance(expected, torch.Tensor):
            verdict = check_tensor(got, expected)
        else:
            verdict = check_number(got, float(expected))
        if not verdict:
            return Feedback(False, f"on input {position}: {verdict.message}")
    return Feedback(True, f"matches the reference on all {len(inputs)} inputs.")
