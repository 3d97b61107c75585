"""Exercises of notebook 01 (tensors)."""

import torch

from helpers.checks import Feedback, check_function, check_shape, check_tensor
from helpers.exercises import exercise


@exercise("01.1")
def broadcast_result_shape(answer: object) -> Feedback:
    """The shape of a (4, 1, 3) tensor plus a (2, 1) tensor."""
    feedback = check_shape(answer, (4, 2, 3))
    if not feedback and check_shape(answer, (4, 1, 3)):
        return Feedback(False, feedback.message + " Size-1 dimensions stretch to the other size.")
    return feedback


@exercise("01.2")
def arange_as_matrix(answer: object) -> Feedback:
    """The floats 0..5 as a 2x3 matrix, row by row."""
    return check_tensor(answer, torch.arange(6.0).view(2, 3))


@exercise("01.3")
def center_columns(answer: object) -> Feedback:
    """A function that subtracts each column's mean from a matrix, by broadcasting."""
    inputs = [torch.arange(6.0).view(2, 3), torch.tensor([[1.0, -2.0], [3.0, 4.0], [5.0, 0.5]])]
    return check_function(answer, lambda m: m - m.mean(dim=0, keepdim=True), inputs)


@exercise("01.4")
def promoted_dtype(answer: object) -> Feedback:
    """The dtype of torch.tensor([1, 2]) + torch.tensor([0.5])."""
    expected = torch.float32
    if not isinstance(answer, torch.dtype):
        return Feedback(False, f"expected a torch.dtype such as torch.int64, got {answer!r}")
    if answer == expected:
        return Feedback(True, f"{answer}: the integer tensor is promoted to the float one.")
    if answer == torch.float64:
        return Feedback(
            False, "torch.float64, expected torch.float32: PyTorch's default float is 32-bit."
        )
    return Feedback(False, f"{answer}, expected {expected}: mixing ints and floats gives floats.")
