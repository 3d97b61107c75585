"""Exercises of notebook 01 (tensors)."""

import torch

from helpers.checks import check_function, check_tensor
from helpers.exercises import exercise
from helpers.feedback import Feedback
from helpers.shape_checks import check_shape, shape_meant

_BROADCAST_A, _BROADCAST_B = (4, 1, 3), (2, 1)


def _size_text(shape: tuple[int, ...], dim: int) -> str:
    return str(shape[dim]) if -dim <= len(shape) else "missing (counts as 1)"


@exercise("01.1")
def broadcast_result_shape(answer: object) -> Feedback:
    """The shape of a (4, 1, 3) tensor plus a (2, 1) tensor."""
    expected = torch.broadcast_shapes(_BROADCAST_A, _BROADCAST_B)
    feedback = check_shape(answer, expected)
    if feedback:
        return feedback
    typed_a_shape = "without quotes" in feedback.message
    if answer is None or answer is False or (isinstance(answer, str) and not typed_a_shape):
        return Feedback(
            False,
            f"these shapes do broadcast. Line them up from the right: {_BROADCAST_B} is read "
            f"as (1, 2, 1), then compare {_BROADCAST_A} with it position by position.",
        )
    if feedback.message.startswith("expected a shape"):
        return feedback
    got = shape_meant(answer, expected)
    if len(got) != len(expected):
        return Feedback(
            False,
            f"{feedback.message} The result has as many dimensions as the longer shape; "
            f"the missing leading dimension of {_BROADCAST_B} counts as 1.",
        )
    dim = next(d for d in range(-1, -len(expected) - 1, -1) if got[d] != expected[d])
    sizes = f"{_size_text(_BROADCAST_A, dim)} and {_size_text(_BROADCAST_B, dim)}"
    stretch = " A size 1 (or a missing size) stretches to the other size."
    return Feedback(
        False,
        f"shape {got}, expected {tuple(expected)}: at dim {dim} the sizes are {sizes}, "
        f"so the result there is {expected[dim]}, not {got[dim]}.{stretch}",
    )


@exercise("01.2")
def arange_as_matrix(answer: object) -> Feedback:
    """The floats 0..5 as a 2x3 matrix, row by row (any float dtype)."""
    expected = torch.arange(6.0).view(2, 3)
    if isinstance(answer, torch.Tensor) and answer.shape == expected.shape:
        values = answer.detach().cpu()
        if answer.dtype.is_floating_point and answer.dtype != expected.dtype:
            verdict = check_tensor(values.float(), expected)
            if verdict:
                return Feedback(
                    True,
                    f"shape (2, 3), values match; {answer.dtype} is a float too "
                    "(torch.arange(6.0) gives float32, PyTorch's default).",
                )
            return verdict
        if torch.equal(values.double(), torch.arange(6.0).view(3, 2).t().double()):
            return Feedback(
                False,
                "the numbers run down the columns: that is view(3, 2).t(), a transpose. "
                "view(2, 3) fills the matrix row by row.",
            )
        if torch.equal(values.double(), expected.double() + 1):
            return Feedback(
                False,
                "every value is 1 too large: torch.arange(6.0) starts at 0 and stops before 6.",
            )
    if isinstance(answer, torch.Tensor) and answer.shape == (6,):
        return Feedback(
            False,
            "shape (6,), expected (2, 3): the six numbers are right, now .view(2, 3) "
            "arranges them as two rows of three.",
        )
    return check_tensor(answer, expected)


def _center_columns(m: torch.Tensor) -> torch.Tensor:
    return m - m.mean(dim=0)


_CENTERING_SLIPS = (
    (
        lambda m: m - m.mean(dim=1),
        "m.mean(dim=1) averages along each row, one mean per row; lined up from the right "
        "against the columns, it does not fit (or pairs the wrong numbers). "
        "One mean per column is m.mean(dim=0).",
    ),
    (
        lambda m: m - m.mean(dim=1, keepdim=True),
        "That subtracts each row's mean (dim=1 runs along a row): "
        "one mean per column is m.mean(dim=0).",
    ),
    (
        lambda m: m - m.mean(),
        "That subtracts the mean of the whole matrix: m.mean(dim=0) gives one mean per column.",
    ),
    (
        lambda m: m.mean(dim=0) - m,
        "The sign is flipped: subtract the means from m, not m from the means.",
    ),
    (
        lambda m: m.mean(dim=0),
        "That returns the column means themselves: subtract them from m.",
    ),
)


@exercise("01.3")
def center_columns(answer: object) -> Feedback:
    """A function that subtracts each column's mean from a matrix, by broadcasting."""
    inputs = [
        torch.arange(6.0).view(2, 3),
        torch.tensor([[1.0, -2.0], [3.0, 4.0], [5.0, 0.5]]),
        torch.tensor([[2.0, 0.0, 1.0], [4.0, 3.0, -1.0], [0.0, 6.0, 3.0]]),
    ]
    return check_function(answer, _center_columns, inputs, slips=_CENTERING_SLIPS)


def _as_dtype(answer: object) -> torch.dtype | None:
    if isinstance(answer, torch.dtype):
        return answer
    if isinstance(answer, str):
        named = getattr(torch, answer.strip().removeprefix("torch."), None)
        if isinstance(named, torch.dtype):
            return named
    return None


@exercise("01.4")
def promoted_dtype(answer: object) -> Feedback:
    """The dtype of torch.tensor([1, 2]) + torch.tensor([0.5], dtype=torch.float16)."""
    expected = torch.float16
    dtype = _as_dtype(answer)
    if dtype is None:
        extra = " (a tensor's .dtype is one)" if isinstance(answer, torch.Tensor) else ""
        return Feedback(
            False, f"expected a torch.dtype such as torch.int64, got {answer!r}{extra}"
        )
    if dtype == expected:
        return Feedback(
            True,
            f"{dtype}: float beats int, and the float tensor's own size is kept; "
            "the integer tensor's 64 bits do not widen it.",
        )
    hints = {
        torch.float32: "float32 is the default float, used when a Python number or an "
        "integer division creates a float; here a float16 tensor brings the float, "
        "and its dtype is kept.",
        torch.float64: "float64 may look wide enough for both, but promotion does not search "
        "for such a type: the category decides (float beats int) and the float tensor's "
        "size is kept.",
        torch.int64: "int64 is the integer operand's dtype: mixing an integer tensor and a "
        "float tensor gives a float.",
    }
    hint = hints.get(
        dtype, "when an integer tensor meets a float tensor, the float one's dtype is kept."
    )
    return Feedback(False, f"{dtype}, expected {expected}: {hint}")
