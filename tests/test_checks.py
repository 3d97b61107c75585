import numpy as np
import pytest
import torch

from helpers.checks import Feedback, check_function, check_number, check_shape, check_tensor


def test_feedback_is_truthy_and_displays_as_its_message():
    assert Feedback(True, "shape (2,).")
    assert not Feedback(False, "x")
    assert repr(Feedback(False, "3, expected 4.")) == "Not yet: 3, expected 4."


@pytest.mark.parametrize(
    "answer, expected, hint",
    [
        ((3, 2), (2, 3), "did you transpose?"),
        ((2, 3, 1), (2, 3), "unsqueeze() or squeeze()?"),
        ((6,), (2, 3), "1 dimensions instead of 2"),
        ((1, 6), (2, 3), "view()/reshape()"),
        ((2, 4), (2, 3), "8 elements instead of 6"),
        ("2, 3", (2, 3), "expected a shape (a tuple of ints, a torch.Size or a tensor), got str"),
    ],
)
def test_check_shape_names_the_likely_slip(answer, expected, hint):
    feedback = check_shape(answer, expected)
    assert not feedback
    assert hint in feedback.message


def test_check_shape_accepts_tensors_arrays_and_sizes():
    assert check_shape(torch.zeros(2, 3), (2, 3))
    assert check_shape(np.zeros((2, 3)), torch.Size([2, 3]))
    assert check_shape([2, 3], (2, 3))
    assert check_shape(torch.zeros(3, 2), (2, 3)).message == (
        "shape (3, 2), expected (2, 3): the same sizes in another order: did you transpose?"
    )


def test_check_shape_rejects_a_bad_expected_value():
    with pytest.raises(TypeError, match="expected must be a shape"):
        check_shape((2, 3), "2, 3")


def test_check_number_accepts_close_values_and_one_element_tensors():
    assert check_number(4.0, 4)
    feedback = check_number(torch.tensor(4.0), 4.0)
    assert feedback and ".item()" in feedback.message


@pytest.mark.parametrize(
    "answer, hint",
    [
        (-4.0, "the sign is flipped"),
        (8.0, "twice the expected value"),
        (2.0, "half the expected value"),
        (5.0, "5, expected 4."),
        (torch.ones(2), "a tensor of shape (2,)"),
        ("4", "expected a number, got str"),
        (None, "is a `return` missing?"),
        (float("nan"), "NaN"),
    ],
)
def test_check_number_explains_wrong_answers(answer, hint):
    feedback = check_number(answer, 4.0)
    assert not feedback
    assert hint in feedback.message


def test_check_number_rejects_a_non_numeric_expected_value():
    with pytest.raises(TypeError, match="expected must be an int or float"):
        check_number(1.0, "1")


def test_check_tensor_right_answer():
    assert check_tensor(torch.arange(6.0).view(2, 3), torch.arange(6.0).view(2, 3))


@pytest.mark.parametrize(
    "answer, hint",
    [
        (np.zeros((2, 3)), "torch.from_numpy()"),
        ([[0, 1, 2], [3, 4, 5]], "expected a torch.Tensor, got list"),
        (torch.arange(6.0).view(3, 2), "did you transpose?"),
        (torch.arange(6).view(2, 3), "integer and float tensors differ"),
        (torch.tensor([[0.0, 1, 2], [3, 4, 9]]), "largest gap 4 at index (1, 2)"),
    ],
)
def test_check_tensor_stops_at_the_first_difference(answer, hint):
    feedback = check_tensor(answer, torch.arange(6.0).view(2, 3))
    assert not feedback
    assert hint in feedback.message


def test_check_tensor_rejects_a_non_tensor_expected_value():
    with pytest.raises(TypeError, match="expected must be a torch.Tensor"):
        check_tensor(torch.zeros(1), [0.0])


def test_check_function_compares_on_every_input():
    inputs = [torch.tensor(2.0), torch.tensor(3.0)]
    assert check_function(lambda x: 2 * x, lambda x: x + x, inputs)
    feedback = check_function(lambda x: x * x, lambda x: x + x, inputs)
    assert not feedback
    assert feedback.message == "on input 1: values differ: largest gap 3 (got 9, expected 6)."



def test_check_function_reports_exceptions_and_non_callables():
    feedback = check_function(lambda x: x.nope(), lambda x: x, [torch.tensor(1.0)])
    assert not feedback and "raised AttributeError on input 0" in feedback.message
    assert "expected a function, got int" in check_function(3, abs, [1]).message


def test_check_function_rejects_bad_arguments():
    with pytest.raises(TypeError, match="reference must be callable"):
        check_function(abs, 3, [1])
    with pytest.raises(ValueError, match="non-empty sequence"):
        check_function(abs, abs, [])
