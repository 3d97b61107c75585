"""Checks of a shape a learner gives, in any form it may take (introduced in notebook 01).

A shape may come as a tuple, a ``torch.Size``, a list, a tensor's ``.shape`` or
the text ``print`` shows; ``shape_meant`` reads what was meant and
``check_shape`` names a transpose, a missing or an extra size.
"""

import math
import numbers
from collections.abc import Sequence

import numpy as np
import torch

from helpers import arguments
from helpers.feedback import Feedback


def _is_size(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _as_shape(value: object, what: str) -> tuple[int, ...]:
    if isinstance(value, torch.Tensor | np.ndarray):
        return tuple(value.shape)
    if isinstance(value, torch.Size | tuple | list) and all(_is_size(d) for d in value):
        return tuple(int(d) for d in value)
    raise TypeError(
        f"{what} must be a shape (tuple of ints, torch.Size) or a tensor, "
        f"got {type(value).__name__} {value!r}"
    )


def _integer_values(answer: object) -> tuple[int, ...] | None:
    """The values of a short 1-d integer tensor or NumPy array; None for anything else.

    Short: no longer than a shape can be (64 dimensions), so no long tensor is copied.
    """
    if isinstance(answer, torch.Tensor):
        dtype = answer.dtype
        integer = not (dtype.is_floating_point or dtype.is_complex or dtype == torch.bool)
    elif isinstance(answer, np.ndarray):
        integer = np.issubdtype(answer.dtype, np.integer)
    else:
        return None
    if not integer or answer.ndim != 1 or answer.shape[0] > 64:
        return None
    return tuple(int(v) for v in answer.tolist())


def _sizes_in_array(answer: object, want: tuple[int, ...]) -> tuple[int, ...] | None:
    """The values of a 1-d integer tensor/array written where a shape was asked, if they are sizes.

    ``np.array([784, 64])`` answers "what shape?" with the sizes, not with a tensor of
    shape (2,). The values are read as the shape when they are ``want`` itself, or when
    there are as many as ``want`` has dimensions and none is negative (a wrong shape,
    then judged as one); a tensor whose own shape is ``want`` is always its shape.
    """
    values = _integer_values(answer)
    if values is None or (len(values),) == want:
        return None
    if values == want or (len(values) == len(want) and min(values, default=0) >= 0):
        return values
    return None


def shape_meant(answer: object, expected: Sequence[int] | torch.Size) -> tuple[int, ...]:
    """The shape an answer to "what shape?" stands for, as ``check_shape`` reads it.

    Introduced in notebook 01, whose exercise checkers use it to name the slip in a
    wrong shape. A tuple or list of ints or a ``torch.Size`` is the shape; a tensor or
    array stands for its own shape, except a 1-d integer one holding sizes, like
    ``np.array([784, 64])``: its values are the shape. Raises ``TypeError`` for
    anything else.
    """
    want = _as_shape(expected, "expected")
    sizes = _sizes_in_array(answer, want)
    return sizes if sizes is not None else _as_shape(answer, "answer")


def _looks_like_a_shape(text: str) -> bool:
    inner = text.strip().strip("()[]").replace(",", " ").split()
    return bool(inner) and all(part.isascii() and part.isdigit() for part in inner)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def shape_verdict(got: tuple[int, ...], want: tuple[int, ...], found: str) -> Feedback:
    """The verdict on a shape ``got`` against ``want`` (notebook 01); ``found`` says where
    ``got`` came from ("shape (2, 3)"). A transpose, a missing or an extra size is named."""
    got, want = _as_shape(got, "got"), _as_shape(want, "want")
    arguments.text(found, "found")
    if got == want:
        return Feedback(True, f"{found}.")
    message = f"{found}, expected {want}"
    if len(got) != len(want):
        if tuple(d for d in got if d != 1) == tuple(d for d in want if d != 1):
            hint = "only size-1 dimensions differ: unsqueeze() or squeeze()?"
        else:
            hint = f"{_count(len(got), 'dimension')} instead of {len(want)}."
    elif got == tuple(reversed(want)) or sorted(got) == sorted(want):
        hint = "the same sizes in another order: did you transpose?"
    elif math.prod(got) == math.prod(want):
        hint = "the same number of elements arranged differently: check view()/reshape()."
    else:
        hint = f"{_count(math.prod(got), 'element')} instead of {math.prod(want)}."
    return Feedback(False, f"{message}: {hint}")


def check_shape(answer: object, expected: Sequence[int] | torch.Size) -> Feedback:
    """Compare a shape (or the shape of a tensor/array) with the expected one.

    Introduced in notebook 01. Accepts a tuple or list of ints (NumPy ints
    too), a ``torch.Size``, a tensor/array whose shape is meant, or the sizes
    written as a 1-d integer array (see ``shape_meant``; the feedback then says
    that a shape is written as a tuple). Hints at the usual causes: swapped axes
    (transpose), a missing or extra dimension (unsqueeze/squeeze), or the right
    number of elements in the wrong arrangement (view/reshape).
    """
    want = _as_shape(expected, "expected")
    try:
        got = shape_meant(answer, want)
    except TypeError:
        hint = ""
        if isinstance(answer, str) and _looks_like_a_shape(answer):
            hint = ": write it as a tuple, without quotes, like (2, 3)"
        return Feedback(
            False,
            f"expected a shape (a tuple of ints, a torch.Size or a tensor), "
            f"got {type(answer).__name__} {answer!r}{hint}",
        )
    if _sizes_in_array(answer, want) is None:
        verdict = shape_verdict(got, want, f"shape {got}")
        values = _integer_values(answer)
        if verdict or values is None or len(values) > 8:
            return verdict
        return Feedback(
            False,
            f"{verdict.message} A tensor or array stands for its own shape; if you meant its "
            f"values {values} as the sizes, write them as a tuple.",
        )
    kind = "tensor" if isinstance(answer, torch.Tensor) else "NumPy array"
    if got == want:
        return Feedback(
            True, f"shape {got}, given as a {kind} of its sizes; as a shape it is the tuple {got}."
        )
    return shape_verdict(got, want, f"the sizes {got} (given as a {kind})")
