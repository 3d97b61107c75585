import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers import check_answer, exercise_ids


def test_every_notebook_04_and_05_exercise_is_registered():
    assert {"04.1", "04.2", "04.3", "05.1", "05.2", "05.3", "05.4"} <= set(exercise_ids())


# --- 04.1: the shape of dL/dW1 for batch 32, 784 inputs, 64 hidden units, 10 outputs --------


@pytest.mark.parametrize(
    "answer", [(784, 64), [784, 64], torch.Size([784, 64]), (np.int64(784), np.int64(64)),
               torch.zeros(784, 64), np.array([784, 64]), torch.tensor([784, 64])],
)
def test_04_1_accepts_every_form_of_the_shape(answer):
    assert check_answer("04.1", answer)


def test_04_1_says_how_to_write_sizes_given_as_an_array():
    assert check_answer("04.1", np.array([784, 64])).message == (
        "shape (784, 64), given as a NumPy array of its sizes; as a shape it is the tuple "
        "(784, 64)."
    )


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        ((32, 64), "shape of the weight itself"),
        ((64, 784), "did you transpose?"),
        ((32, 784), "the shape of the input batch x"),
        ((64, 10), "the shape of W2, the second layer's weight"),
        ("(784, 64)", "expected a shape"),
        (np.array([32, 64]), "(32, 64) is the hidden layer's gradient"),
        (torch.zeros(32, 784), "(32, 784) is the shape of the input batch x"),
        (np.array([64, 784]), "the sizes (64, 784) (given as a NumPy array), expected (784, 64): "
         "the same sizes in another order: did you transpose?"),
    ],
)
def test_04_1_names_the_slip(wrong, hint):
    verdict = check_answer("04.1", wrong)
    assert not verdict
    assert hint in verdict.message


# --- 04.2: gradients of the mean squared error by hand ---------------------------------------


def _mean_gradients(x, y, w1, w2, scale=1.0, mask=True):
    hidden = x.mm(w1)
    grad_y_pred = scale * 2 * (hidden.clamp(min=0).mm(w2) - y) / y.numel()
    grad_hidden = grad_y_pred.mm(w2.t())
    if mask:
        grad_hidden = grad_hidden * (hidden > 0)
    return x.t().mm(grad_hidden), hidden.clamp(min=0).t().mm(grad_y_pred)


def test_04_2_accepts_the_mean_loss_gradients():
    assert check_answer("04.2", _mean_gradients)


def test_04_2_accepts_a_list_of_arrays_computed_another_way():
    def with_numpy_and_mean(x, y, w1, w2):
        # The batch mean of each sample's mean over its outputs: the same as the mean of all.
        w1, w2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
        (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).mean(dim=1).mean().backward()
        return [w1.grad.numpy(), w2.grad.numpy()]

    assert check_answer("04.2", with_numpy_and_mean)


@pytest.mark.parametrize(
    ("scale", "hint"),
    [
        (18.0, "grad_w1 is the summed loss's gradient: the mean divides by N*C = y.numel() = 18"),
        (3.0, "grad_w1 is 3 times too large: you divided by the batch size N = 6 only"),
        (6.0, "grad_w1 is 6 times too large: you divided by the C = 3 outputs only"),
        (0.5, "grad_w1 is exactly half the right one"),
        (-1.0, "grad_w1 has the sign flipped"),
    ],
)
def test_04_2_names_a_gradient_off_by_a_factor(scale, hint):
    verdict = check_answer("04.2", lambda *args: _mean_gradients(*args, scale=scale))
    assert not verdict
    assert verdict.message.startswith(hint)


def test_04_2_names_a_missing_relu_mask_and_swapped_or_missing_results():
    no_mask = check_answer("04.2", lambda *args: _mean_gradients(*args, mask=False))
    assert not no_mask
    assert "grad_w2 is right but grad_w1 is not" in no_mask.message
    assert "multiply by the mask (hidden > 0)" in no_mask.message
    swapped = check_answer("04.2", lambda *args: _mean_gradients(*args)[::-1])
    assert not swapped
    assert swapped.message.startswith("grad_w1: shape (4, 3), expected (5, 4)")
    assert "is a `return` missing?" in check_answer("04.2", lambda *args: None).message
    assert "expected a function" in check_answer("04.2", 3.0).message
    assert "raised ZeroDivisionError" in check_answer("04.2", lambda *args: 1 / 0).message


# --- 04.3: LeakyReLU as an autograd.Function --------------------------------------------------


class LeakyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs):
        ctx.save_for_backward(inputs)
        return torch.where(inputs > 0, inputs, 0.01 * inputs)

    @staticmethod
    def backward(ctx, grad_output):
        (inputs,) = ctx.saved_tensors
        return grad_output * torch.where(inputs > 0, 1.0, 0.01)


class LeakyFromItsOutput(torch.autograd.Function):
    """Another correct form: the library's forward, the slope read off the saved output."""

    @staticmethod
    def forward(ctx, inputs):
        output = nn.functional.leaky_relu(inputs, 0.01)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        return torch.where(output > 0, grad_output, 0.01 * grad_output)


class LeakyWithReluBackward(LeakyReLU):
    @staticmethod
    def backward(ctx, grad_output):
        (inputs,) = ctx.saved_tensors
        return grad_output * (inputs > 0)


class LeakyWithIdentityBackward(LeakyReLU):
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class LeakyWithoutGradOutput(LeakyReLU):
    @staticmethod
    def backward(ctx, grad_output):
        (inputs,) = ctx.saved_tensors
        return torch.where(inputs > 0, 1.0, 0.01).to(inputs.dtype)


class LeakyWithReluForward(LeakyReLU):
    @staticmethod
    def forward(ctx, inputs):
        ctx.save_for_backward(inputs)
        return inputs.clamp(min=0)


class LeakyWithSlopeOneTenth(LeakyReLU):
    @staticmethod
    def forward(ctx, inputs):
        ctx.save_for_backward(inputs)
        return torch.where(inputs > 0, inputs, 0.1 * inputs)


class LeakyWithoutStaticmethod(torch.autograd.Function):
    def forward(ctx, inputs):
        return inputs.clamp(min=0) + 0.01 * inputs.clamp(max=0)

    def backward(self, ctx, grad_output):
        return grad_output


@pytest.mark.parametrize("answer", [LeakyReLU, LeakyFromItsOutput])
def test_04_3_accepts_a_correct_leaky_relu_function(answer):
    verdict = check_answer("04.3", answer)
    assert verdict
    assert "gradcheck passes" in verdict.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (LeakyWithReluBackward, "backward gives ReLU's gradient"),
        (LeakyWithIdentityBackward, "passes the gradient of negative inputs unchanged"),
        (LeakyWithoutGradOutput, "multiply it by grad_output (the chain rule)"),
        (LeakyWithReluForward, "forward sets negative inputs to 0, like ReLU"),
        (LeakyWithSlopeOneTenth, "forward multiplies negative inputs by 0.1; the slope"),
        (LeakyWithoutStaticmethod, "Are forward and backward marked @staticmethod"),
        (torch.nn.LeakyReLU(), "the class, not an instance"),
    ],
)
def test_04_3_names_what_is_wrong(answer, hint):
    verdict = check_answer("04.3", answer)
    assert not verdict
    assert hint in verdict.message


# --- 05.1: parameters of Sequential(Linear(784, 128), ReLU(), Linear(128, 10)) --------------


@pytest.mark.parametrize(
    "answer",
    [101770, 101770.0, np.int64(101770), torch.tensor(101770), np.array(101770),
     np.float64(101770.0), torch.tensor(101770.0)],
)
def test_05_1_accepts_the_count_in_any_numeric_form(answer):
    assert check_answer("05.1", answer)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (101632, "counts the weights only"),
        (np.int64(101632), "counts the weights only"),
        (101760, "misses the second layer's 10 biases"),
        (101642, "misses the first layer's 128 biases"),
        (100480, "is the first Linear only"),
        (1003520, "multiplies the layer sizes"),
    ],
)
def test_05_1_names_the_slip(wrong, hint):
    verdict = check_answer("05.1", wrong)
    assert not verdict
    assert hint in verdict.message
    assert not check_answer("05.1", 101771)


@pytest.mark.parametrize(
    ("wrong", "shown"),
    [(101770.4, "101770.4"), (101769.6, "101769.6"), (np.float64(101770.5), "101770.5"),
     (torch.tensor(101770.4, dtype=torch.float64), "101770.4")],
)
def test_05_1_refuses_a_count_that_is_not_a_whole_number(wrong, shown):
    verdict = check_answer("05.1", wrong)
    assert not verdict
    assert verdict.message == (
        f"{shown} is not a whole number: a parameter count is an integer, since each weight "
        "and each bias counts once."
    )


def test_05_1_does_not_tell_a_wrong_count_the_answer():
    verdict = check_answer("05.1", 5000)
    assert not verdict
    assert verdict.message == "5000 is not it."


# --- 05.2: cross-entropy of logits (2.0, 1.0, 0.1) for class 0 -------------------------------

LOGITS = torch.tensor([[2.0, 1.0, 0.1]])
PROBABILITY = math.exp(2.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(0.1))


@pytest.mark.parametrize(
    "answer",
    [-math.log(PROBABILITY), nn.CrossEntropyLoss()(LOGITS, torch.tensor([0])),
     np.float32(-math.log(PROBABILITY)), np.log(1 / PROBABILITY)],
)
def test_05_2_accepts_the_loss_in_any_numeric_form(answer):
    assert check_answer("05.2", answer)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (PROBABILITY, "-log of it"),
        (-math.log2(PROBABILITY), "in bits"),
        (-math.log10(PROBABILITY), "log base 10"),
        (math.log(math.exp(2.0) + math.exp(1.0) + math.exp(0.1)), "subtract the logit"),
        (nn.CrossEntropyLoss()(LOGITS, torch.tensor([1])), "if the right class were 1"),
        (math.log(PROBABILITY), "sign is flipped"),
    ],
)
def test_05_2_names_the_slip(wrong, hint):
    verdict = check_answer("05.2", wrong)
    assert not verdict
    assert hint in verdict.message


# --- 05.3: the SGD rate on a summed loss over 20 x 10 batches matching lr 0.05 on the mean ---


@pytest.mark.parametrize("answer", [2.5e-4, 0.05 / 200, np.float32(2.5e-4), torch.tensor(2.5e-4)])
def test_05_3_accepts_the_rate_in_any_numeric_form(answer):
    assert check_answer("05.3", answer)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (10.0, "must be smaller, not larger"),
        (0.05, "step() does not average over the batch"),
        (0.0025, "divides by the batch size only"),
        (0.005, "divides by the outputs only"),
        (5e-4, "section 4's 10 x 10 entries"),
        (5e-5, "notebook 04's 100 x 10 entries"),
    ],
)
def test_05_3_names_the_slip(wrong, hint):
    verdict = check_answer("05.3", wrong)
    assert not verdict
    assert hint in verdict.message


# --- 05.4: one training step ------------------------------------------------------------------


def _step(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_zeroing_first_returning_float(model, optimizer, loss_fn, x, y):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return float(loss)


def _step_zeroing_last_through_the_model(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    model.zero_grad()
    return loss.item()


def _step_without_zero_grad(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def _step_zeroing_too_late(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()


def _step_without_step(model, optimizer, loss_fn, x, y):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    return loss.item()


def _step_before_backward(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    optimizer.step()
    loss.backward()
    return loss.item()


def _step_returning_the_next_loss(model, optimizer, loss_fn, x, y):
    _step(model, optimizer, loss_fn, x, y)
    return loss_fn(model(x), y).item()


def _step_returning_tensor(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def _step_backward_twice(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    loss.backward()
    optimizer.step()
    return loss.item()


# float(loss) on a tensor that requires grad is correct; torch merely warns that it detaches.
@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad=True:UserWarning")
@pytest.mark.parametrize(
    "step", [_step, _step_zeroing_first_returning_float, _step_zeroing_last_through_the_model]
)
def test_05_4_accepts_every_correct_order(step):
    assert check_answer("05.4", step)


@pytest.mark.parametrize(
    ("step", "hint"),
    [
        (_step_without_zero_grad, "gradients accumulate unless optimizer.zero_grad() runs"),
        (_step_zeroing_too_late, "zero_grad() between backward() and step() wipes the gradient"),
        (_step_without_step, "yet backward() filled the gradients: step() is missing"),
        (_step_before_backward, "call step() after backward()"),
        (_step_returning_the_next_loss, "these are the losses after each step"),
        (_step_returning_tensor, "got a tensor: return loss.item()"),
        (lambda *args: None, "is a `return` missing?"),
        (_step_backward_twice, "Call backward() once per step"),
    ],
)
def test_05_4_names_the_usual_slips(step, hint):
    verdict = check_answer("05.4", step)
    assert not verdict
    assert hint in verdict.message


def test_05_4_leaves_the_learners_random_stream_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_answer("05.4", _step)
    assert torch.equal(torch.rand(3), expected)
