import math

import pytest
import torch

from helpers import check_answer, exercise_ids


def test_every_notebook_04_and_05_exercise_is_registered():
    assert {"04.1", "04.2", "04.3", "05.1", "05.2", "05.3", "05.4"} <= set(exercise_ids())


def test_04_1_gradient_of_a_weight_has_the_weight_shape():
    assert check_answer("04.1", (784, 64))
    verdict = check_answer("04.1", (32, 64))
    assert not verdict
    assert "shape of the weight itself" in verdict.message
    assert "transpose" in check_answer("04.1", (64, 784)).message


def _mean_gradients(x, y, w1, w2):
    hidden = x.mm(w1)
    grad_y_pred = 2 * (hidden.clamp(min=0).mm(w2) - y) / y.numel()
    grad_hidden = grad_y_pred.mm(w2.t()) * (hidden > 0)
    return x.t().mm(grad_hidden), hidden.clamp(min=0).t().mm(grad_y_pred)


def test_04_2_accepts_the_mean_loss_gradients():
    assert check_answer("04.2", _mean_gradients)


def test_04_2_names_the_summed_loss_and_swapped_results():
    def summed(x, y, w1, w2):
        grad_w1, grad_w2 = _mean_gradients(x, y, w1, w2)
        return grad_w1 * y.numel(), grad_w2 * y.numel()

    verdict = check_answer("04.2", summed)
    assert not verdict
    assert "summed loss's gradient" in verdict.message
    swapped = check_answer("04.2", lambda *args: _mean_gradients(*args)[::-1])
    assert not swapped
    assert swapped.message.startswith("grad_w1: shape (4, 3), expected (5, 4)")
    assert "expected a function" in check_answer("04.2", 3.0).message
    assert "raised ZeroDivisionError" in check_answer("04.2", lambda *args: 1 / 0).message


class LeakyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs):
        ctx.save_for_backward(inputs)
        return torch.where(inputs > 0, inputs, 0.01 * inputs)

    @staticmethod
    def backward(ctx, grad_output):
        (inputs,) = ctx.saved_tensors
        return grad_output * torch.where(inputs > 0, 1.0, 0.01)


class LeakyWithReluBackward(LeakyReLU):
    @staticmethod
    def backward(ctx, grad_output):
        (inputs,) = ctx.saved_tensors
        return grad_output * (inputs > 0)


class LeakyWithWrongForward(LeakyReLU):
    @staticmethod
    def forward(ctx, inputs):
        ctx.save_for_backward(inputs)
        return inputs.clamp(min=0)


def test_04_3_accepts_a_correct_leaky_relu_function():
    verdict = check_answer("04.3", LeakyReLU)
    assert verdict
    assert "gradcheck passes" in verdict.message


def test_04_3_names_what_is_wrong():
    assert "ReLU's gradient" in check_answer("04.3", LeakyWithReluBackward).message
    assert check_answer("04.3", LeakyWithWrongForward).message.startswith("forward: values differ")
    assert "the class, not an instance" in check_answer("04.3", torch.nn.LeakyReLU()).message


def test_05_1_counts_weights_and_biases():
    assert check_answer("05.1", 101770)
    verdict = check_answer("05.1", 101632)
    assert not verdict
    assert "weights only" in verdict.message
    assert not check_answer("05.1", 101771)


def test_05_2_cross_entropy_in_nats():
    probability = math.exp(2.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(0.1))
    assert check_answer("05.2", -math.log(probability))
    assert "-log of it" in check_answer("05.2", probability).message
    assert "bits" in check_answer("05.2", -math.log2(probability)).message
    assert "sign is flipped" in check_answer("05.2", math.log(probability)).message


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [(1e-9, "must be larger"), (1e-4, "not by the batch size"), (1e-5, "not by the outputs")],
)
def test_05_3_learning_rate_for_the_mean_loss(wrong, hint):
    assert check_answer("05.3", 1e-3)
    verdict = check_answer("05.3", wrong)
    assert not verdict
    assert hint in verdict.message


def _step(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
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


def _step_returning_tensor(model, optimizer, loss_fn, x, y):
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def test_05_4_accepts_a_correct_training_step():
    assert check_answer("05.4", _step)


@pytest.mark.parametrize(
    ("step", "hint"),
    [
        (_step_without_zero_grad, "gradients accumulate"),
        (_step_zeroing_too_late, "the loss never changes"),
        (_step_returning_tensor, "loss.item()"),
    ],
)
def test_05_4_names_the_usual_slips(step, hint):
    verdict = check_answer("05.4", step)
    assert not verdict
    assert hint in verdict.message
