"""Answer checks that explain what is wrong (introduced in notebook 01).

Each check compares a learner's answer with the expected one and returns a
``Feedback`` (``helpers.feedback``): numbers, tensors and functions here, shapes
in ``helpers.shape_checks``.
"""

import copy
import math
import numbers
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from helpers import arguments
from helpers.feedback import RETURNED_NONE, Feedback
from helpers.shape_checks import shape_verdict

Slip = tuple[Callable[..., object], str]


def _number_or_verdict(answer: object) -> tuple[float | None, str, Feedback | None]:
    """The answer as a Python number and a note on its form, or the verdict that it is none."""
    note = ""
    if isinstance(answer, torch.Tensor | np.ndarray):
        kind = "tensor" if isinstance(answer, torch.Tensor) else "NumPy array"
        size = answer.numel() if isinstance(answer, torch.Tensor) else answer.size
        if size != 1:
            return None, "", Feedback(
                False,
                f"expected one number, got a {kind} of shape {tuple(answer.shape)}: "
                "index it, or reduce it with sum()/mean()?",
            )
        if answer.ndim > 0 or isinstance(answer, torch.Tensor):
            note = f" (a one-element {kind}: .item() turns it into a Python number)"
        answer = answer.item()
    if answer is None:
        return None, "", Feedback(
            False,
            "expected a number, got None: a .grad that backward() never filled, "
            "or a function without `return`?",
        )
    if isinstance(answer, bool | np.bool_):
        return None, "", Feedback(False, f"expected a number, got the boolean {answer}.")
    if isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        return None, "", Feedback(False, f"expected a real number, got the complex {answer}.")
    if not isinstance(answer, numbers.Real):
        hint = ""
        if isinstance(answer, str):
            try:
                float(answer)
            except ValueError:
                pass
            else:
                hint = ": write the number without quotes"
        return None, "", Feedback(
            False, f"expected a number, got {type(answer).__name__} {answer!r}{hint}"
        )
    return float(answer), note, None


def _check_tolerances(relative: object, absolute: object, names: tuple[str, str]) -> None:
    for value, name in zip((relative, absolute), names, strict=True):
        arguments.number(value, name, minimum=0)


def check_number(
    answer: object,
    expected: float,
    *,
    rel_tol: float = 1e-4,
    abs_tol: float = 1e-6,
    slips: Mapping[float, str] | None = None,
    reveal: bool = True,
) -> Feedback:
    """Compare a number with the expected value.

    Introduced in notebook 01. Every form of a number is accepted: int,
    float, a NumPy scalar or 0-d array, and a one-element tensor or array (the
    learner is told about ``.item()``). A wrong sign or a factor of 2 is named,
    and so is any known wrong value in ``slips`` (value -> what it means).
    ``reveal=False`` keeps the expected value out of the message, for an
    exercise whose answer is the number itself.
    """
    arguments.number(expected, "expected")
    _check_tolerances(rel_tol, abs_tol, ("rel_tol", "abs_tol"))
    if slips is not None:
        arguments.instance(slips, "slips", Mapping, "a dict wrong value -> what it means")
    arguments.flag(reveal, "reveal")
    value, note, refusal = _number_or_verdict(answer)
    if refusal is not None:
        return refusal
    if math.isnan(value):
        return Feedback(False, "got NaN: something divided 0 by 0 or took log of a negative.")
    if math.isclose(value, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(True, f"{value:.6g}{note}.")
    message = f"{value:.6g}, expected {expected:.6g}" if reveal else f"{value:.6g} is not it"
    for wrong, hint in (slips or {}).items():
        if math.isclose(value, wrong, rel_tol=max(rel_tol, 1e-3), abs_tol=abs_tol):
            return Feedback(False, f"{message}: {hint}")
    if expected != 0 and math.isclose(value, -expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return Feedback(False, f"{message}: the sign is flipped.")
    if expected != 0 and value != 0 and math.isfinite(value):
        ratio = value / expected
        for factor, words in ((2.0, "twice"), (0.5, "half")):
            if math.isclose(ratio, factor, rel_tol=rel_tol):
                return Feedback(False, f"{message}: {words} the expected value.")
    return Feedback(False, f"{message}.")


def is_number(answer: object, expected: float, *, rel_tol: float = 1e-4) -> bool:
    """Whether ``answer``, in any form ``check_number`` accepts, is ``expected``.

    Introduced in notebook 02, where exercise checks use it to recognise a
    known wrong answer (a value that is ``y`` instead of ``dy/dx``) and name it.
    """
    arguments.number(rel_tol, "rel_tol", minimum=0)
    return bool(check_number(answer, expected, rel_tol=rel_tol))


def check_tensor(
    answer: object, expected: torch.Tensor, *, rtol: float = 1e-5, atol: float = 1e-6,
    exact_dtype: bool = False,
) -> Feedback:
    """Compare a tensor's type, shape, dtype and values with the expected tensor.

    Introduced in notebook 01. Stops at the first difference, in that order,
    because a shape or dtype slip explains every value after it. Another float
    dtype with the right values (float64 where float32 was expected) is right,
    with a note; ``exact_dtype=True`` refuses it, for an exercise about dtypes.
    """
    arguments.flag(exact_dtype, "exact_dtype")
    arguments.instance(expected, "expected", torch.Tensor, "a torch.Tensor")
    _check_tolerances(rtol, atol, ("rtol", "atol"))
    if isinstance(answer, np.ndarray):
        return Feedback(
            False,
            f"got a NumPy array of shape {answer.shape}, expected a torch.Tensor: "
            "torch.from_numpy() converts it.",
        )
    if answer is None:
        return Feedback(
            False,
            "expected a torch.Tensor, got None: a .grad that backward() never filled, "
            "or a function without `return`?",
        )
    if not isinstance(answer, torch.Tensor):
        return Feedback(False, f"expected a torch.Tensor, got {type(answer).__name__}.")
    # The answer is a tensor here, so only its own shape counts, never its values as sizes.
    got = tuple(answer.shape)
    shape = shape_verdict(got, tuple(expected.shape), f"shape {got}")
    if not shape:
        return shape
    both_float = answer.dtype.is_floating_point and expected.dtype.is_floating_point
    if answer.dtype != expected.dtype and (exact_dtype or not both_float):
        hint = ""
        if answer.dtype.is_floating_point != expected.dtype.is_floating_point:
            hint = ": integer and float tensors differ; .float() or .long() converts."
        return Feedback(False, f"dtype {answer.dtype}, expected {expected.dtype}{hint}")
    got = answer.detach().cpu().double()
    want = expected.detach().cpu().double()
    if torch.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        note = ("" if answer.dtype == expected.dtype
                else f" ({expected.dtype} expected; another float dtype is fine here)")
        return Feedback(True, f"shape {tuple(answer.shape)}, dtype {answer.dtype}, values "
                              f"match{note}.")
    diff = (got - want).abs().nan_to_num(nan=math.inf)
    worst = np.unravel_index(int(diff.argmax()), tuple(diff.shape)) if diff.dim() else ()
    position = tuple(int(i) for i in worst)
    where = f" at index {position}" if position else ""
    return Feedback(
        False,
        f"values differ: largest gap {float(diff.max()):.4g}{where} "
        f"(got {got[position].item():.4g}, expected {want[position].item():.4g}).",
    )


def _describe(argument: object) -> str:
    if isinstance(argument, torch.Tensor):
        return f"a tensor of shape {tuple(argument.shape)}" if argument.dim() else "a 0-d tensor"
    return repr(argument)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _outcome(function: Callable[..., object], argument: object) -> object:
    """What ``function`` gives for a private copy of ``argument``: its value or its exception.

    The copy keeps a function that changes its input in place from changing
    what the reference and the other calls see.
    """
    try:
        return function(copy.deepcopy(argument))
    except Exception as error:  # a learner's bug is feedback, not a crash
        return error


def _compare(got: object, expected: object) -> Feedback:
    if isinstance(expected, torch.Tensor):
        return check_tensor(got, expected)
    return check_number(got, float(expected))


def _same_outcome(got: object, other: object) -> bool:
    if isinstance(got, Exception) or isinstance(other, Exception):
        return type(got) is type(other) and str(got) == str(other)
    if got is None or other is None:
        return got is other
    return bool(_compare(got, other))


def check_function(
    function: object,
    reference: Callable[..., object],
    inputs: Sequence[object],
    *,
    slips: Sequence[Slip] = (),
) -> Feedback:
    """Call a learner's function on each input and compare with a reference.

    Introduced in notebook 01. Tensor results are compared with
    ``check_tensor``, numbers with ``check_number``; an exception is reported
    with its type and message instead of being raised. ``slips`` pairs a
    function that makes a known mistake with the sentence that names it: when
    the learner's function gives what a slip gives on every input (the same
    values, or the same exception), the feedback adds that sentence. Every call
    gets its own copy of the input.
    """
    arguments.function(reference, "reference")
    if isinstance(slips, str | bytes) or not isinstance(slips, Sequence) or not all(
            isinstance(slip, tuple) and len(slip) == 2 and callable(slip[0])
            and isinstance(slip[1], str) for slip in slips):
        raise TypeError(f"slips must be a list of (function, sentence) pairs, got {slips!r}")
    if isinstance(inputs, str | bytes) or not isinstance(inputs, Sequence) or not inputs:
        raise ValueError(f"inputs must be a non-empty sequence of arguments, got {inputs!r}")
    if not callable(function):
        return Feedback(False, f"expected a function, got {type(function).__name__}.")
    expected = [_outcome(reference, argument) for argument in inputs]
    for position, wanted in enumerate(expected):
        if isinstance(wanted, Exception):
            raise ValueError(f"the reference fails on input {position}: {wanted!r}")
    got = [_outcome(function, argument) for argument in inputs]
    for position, (mine, wanted) in enumerate(zip(got, expected, strict=True)):
        where = f"on input {position} ({_describe(inputs[position])})"
        if isinstance(mine, Exception):
            message = f"{where}: your function raised {type(mine).__name__}: {mine}"
        elif mine is None:
            message = f"{where}: {RETURNED_NONE}"
        else:
            verdict = _compare(mine, wanted)
            if verdict:
                continue
            message = f"{where}: {verdict.message}"
        for slip, explanation in slips:
            outcomes = [_outcome(slip, argument) for argument in inputs]
            if all(_same_outcome(a, b) for a, b in zip(got, outcomes, strict=True)):
                return Feedback(False, f"{_sentence(message)} {explanation}")
        return Feedback(False, message)
    return Feedback(True, f"matches the reference on all {len(inputs)} inputs.")
