import math

import numpy as np
import pytest
import torch

from helpers import check_answer, exercise_ids


def test_every_exercise_of_notebooks_02_and_03_is_registered():
    ids = exercise_ids()
    assert {"02.1", "02.2", "02.3", "03.1", "03.2", "03.3"} <= set(ids)


def _grad_of_cubic():
    x = torch.tensor(2.0, requires_grad=True)
    (x**3 - 2 * x).backward()
    return x.grad


@pytest.mark.parametrize(
    "answer",
    [_grad_of_cubic(), 10, 10.0, np.float64(10.0), np.array(10.0), np.float32(10.0)],
    ids=["x.grad", "int", "float", "numpy float64", "0-d array", "numpy float32"],
)
def test_02_1_accepts_every_form_of_ten(answer):
    assert check_answer("02.1", answer)


@pytest.mark.parametrize(
    "answer, message",
    [
        (None, "got None: x.grad stays None until backward() reaches x. Call y.backward() first "
         "(and create x with requires_grad=True)."),
        (4.0, "4 is y itself at x = 2; the slope is x.grad after y.backward()."),
        (12.0, "12 is the slope of x**3 alone: the -2*x term contributes -2."),
        (torch.tensor(20.0), "20 is twice the slope: backward() ran twice on the same x (a cell "
         "run twice?) and .grad added both passes. Create x again, then call backward() once."),
        (-10.0, "-10, expected 10: the sign is flipped."),
        (11.0, "11, expected 10."),
    ],
)
def test_02_1_names_the_slip(answer, message):
    feedback = check_answer("02.1", answer)
    assert not feedback
    assert feedback.message == message


@pytest.mark.parametrize("answer", [9, torch.tensor(9.0), np.float64(9.0), np.array([9.0])])
def test_02_2_accepts_every_form_of_nine(answer):
    assert check_answer("02.2", answer)


@pytest.mark.parametrize(
    "answer, words",
    [
        (torch.tensor(3.0), "3 is the gradient of one backward pass; .grad adds each pass's "
         "gradient until you zero it, so three passes leave 3 + 3 + 3."),
        (27.0, "27 is 3 * 3 * 3, but gradients of separate passes add, they do not multiply"),
        (6.0, "6 is two passes' worth, 3 + 3"),
        (None, "x.grad stays None until backward() reaches x"),
    ],
)
def test_02_2_names_the_slip(answer, words):
    feedback = check_answer("02.2", answer)
    assert not feedback
    assert words in feedback.message


def _slope_by_autograd(x0):
    x = torch.tensor(x0, requires_grad=True)
    (x * torch.sin(x)).backward()
    return x.grad.item()


def _slope_as_tensor_in_float64(x0):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(x * torch.sin(x), x)
    return grad


@pytest.mark.parametrize("function", [_slope_by_autograd, _slope_as_tensor_in_float64])
def test_02_3_accepts_every_correct_formulation(function):
    assert check_answer("02.3", function)


def _sine_of_the_number(x0):
    x = torch.tensor(x0, requires_grad=True)
    (x * torch.sin(x0)).backward()
    return x.grad.item()


def _sine_by_math(x0):
    x = torch.tensor(x0, requires_grad=True)
    (x * math.sin(x.detach().item())).backward()
    return x.grad.item()


def _make_shared_leaf_slope():
    shared = torch.tensor(1.0, requires_grad=True)

    def slope(x0):
        (shared * torch.sin(shared)).backward()
        return shared.grad.item()

    return slope


def _fixed_point_slope(x0):
    return _slope_by_autograd(1.0)


@pytest.mark.parametrize(
    "function, words",
    [
        (lambda x0: x0 * math.sin(x0), "Your function returns y = x*sin(x) itself"),
        (lambda x0: x0 * math.cos(x0), "That is x*cos(x) alone"),
        (_sine_by_math, "That is sin(x) alone: autograd saw x*s with s a plain number"),
        (lambda x0: math.sin(x0) - x0 * math.cos(x0), "A sign is flipped"),
        (_sine_of_the_number, "your function raised TypeError: sin(): argument 'input' "
         "(position 1) must be Tensor, not float. torch.sin works on tensors"),
        (_make_shared_leaf_slope(), "Each call adds the same amount to the last one: one leaf "
         "shared by all calls keeps adding into its .grad."),
        (_fixed_point_slope, "It returns the same number for every x0"),
        (lambda x0: None, "your function returned None: is a `return` missing?"),
        (1.0, "expected a function, got float."),
    ],
)
def test_02_3_names_the_slip(function, words):
    feedback = check_answer("02.3", function)
    assert not feedback
    assert words in feedback.message


@pytest.mark.parametrize(
    "answer",
    [
        (torch.tensor(2.0), torch.tensor(3.0)),
        [2.0, 3.0],
        torch.tensor([2.0, 3.0]),
        np.array([2, 3]),
        (np.float64(2.0), 3),
    ],
    ids=["tuple of tensors", "list", "one tensor", "array", "numpy scalar"],
)
def test_03_1_accepts_every_form_of_the_pair(answer):
    assert check_answer("03.1", answer)


@pytest.mark.parametrize(
    "answer, words",
    [
        ((3.0, 2.0), "the two values are swapped: the order is (x.grad, y.grad)."),
        ((None, None), "retain_grad()"),
        ((64.0, 33.0), "(64, 33) are a.grad and b.grad, the leaves"),
        ((7.0, 23.0), "(7, 23) are the values of x and y"),
        ((4.0, 6.0), "both are twice the gradient: backward() ran twice"),
        ((2.0, 4.0), "y.grad: 4, expected 3."),
        (2.0, "expected a pair (x.grad, y.grad), got float."),
    ],
)
def test_03_1_names_the_slip(answer, words):
    feedback = check_answer("03.1", answer)
    assert not feedback
    assert words in feedback.message


@pytest.mark.parametrize("answer", [(34.0, 114.0), [34, 114], torch.tensor([34.0, 114.0])])
def test_03_2_accepts_every_form_of_the_pair(answer):
    assert check_answer("03.2", answer)


@pytest.mark.parametrize(
    "answer, words",
    [
        ((64.0, 33.0), "(64, 33) are the gradients at a = 2, b = 1; set a = 1, b = 2."),
        ((30.0, 114.0), "that counts one path only"),
        ((34.0, 108.0), "that counts one path only"),
        ((114.0, 34.0), "the two values are swapped"),
        ((68.0, 228.0), "both are twice the gradient"),
        ((2.0, 3.0), "(2, 3) are the gradients of z with respect to x and y"),
        ((34.0, 100.0), "b.grad: 100, expected 114."),
    ],
)
def test_03_2_names_the_slip(answer, words):
    feedback = check_answer("03.2", answer)
    assert not feedback
    assert words in feedback.message


@pytest.mark.parametrize(
    "answer",
    [
        torch.tensor([2.0, 0.4, 0.06]),
        torch.tensor([2.0, 0.4, 0.06], dtype=torch.float64),
        [2, 0.4, 0.06],
        np.array([2.0, 0.4, 0.06]),
    ],
    ids=["float32", "float64", "list", "array"],
)
def test_03_3_accepts_every_form_of_the_product(answer):
    feedback = check_answer("03.3", answer)
    assert feedback and feedback.message == "x.grad = v * 2x = (2, 0.4, 0.06): values match."


@pytest.mark.parametrize(
    "answer, words",
    [
        (torch.tensor([2.0, 4.0, 6.0]), "that is 2x, the gradient for weights of ones"),
        (torch.tensor([1.0, 0.1, 0.01]), "that is v, the weights themselves"),
        (torch.tensor([1.0, 0.2, 0.03]), "that is half the answer, v * x"),
        (torch.tensor([1.0, 0.4, 0.09]), "that weighs y = x**2, not its derivative"),
        (2.46, "that is the sum of the entries; x.grad has one entry per input"),
        (None, "Call y.backward(v) first"),
        (torch.tensor([2.0, 0.4]), "shape (2,), expected (3,)"),
        (torch.tensor([2.0, 0.5, 0.06]), "values differ: largest gap 0.1 at index (1,)"),
    ],
)
def test_03_3_names_the_slip(answer, words):
    feedback = check_answer("03.3", answer)
    assert not feedback
    assert words in feedback.message
