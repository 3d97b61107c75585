"""Exercises 06.1-06.6: right answers in every valid form, typical slips named."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers import check_answer, exercise_ids
from helpers.evaluation import evaluate


def test_every_notebook_06_exercise_is_registered():
    assert {"06.1", "06.2", "06.3", "06.4", "06.5", "06.6"} <= set(exercise_ids())


# --- 06.1: parameters of Conv2d(32, 64, kernel_size=5) -------------------------------------------

@pytest.mark.parametrize("right", [51264, 51264.0, np.int64(51264), np.array(51264),
                                   torch.tensor(51264)])
def test_06_1_accepts_the_count_in_any_numeric_form(right):
    assert check_answer("06.1", right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (51200, "weights only"),
    (10304, "25 weights per input channel, not 5"),
    (1664, "all 32 input channels"),
    (832, "one kernel per output channel"),
    (51264 * 64, "weight sharing"),
    (51265, "expected 51264"),
    (51264.4, "a whole number"),
    (torch.tensor(51263.6), "a whole number"),
])
def test_06_1_names_the_slip(wrong, hint):
    verdict = check_answer("06.1", wrong)
    assert not verdict
    assert hint in verdict.message


# --- 06.2: accuracy(logits, labels) -------------------------------------------------------------

def test_06_2_accepts_a_float_a_tensor_and_a_numpy_scalar():
    assert check_answer("06.2", lambda z, y: (z.argmax(dim=1) == y).float().mean().item())
    tensor = check_answer("06.2", lambda z, y: (z.argmax(dim=1) == y).float().mean())
    assert tensor and ".item()" in tensor.message
    assert check_answer("06.2", lambda z, y: np.mean(z.argmax(1).numpy() == y.numpy()))
    assert check_answer("06.2", lambda z, y: (z.softmax(dim=1).argmax(dim=1) == y).double().mean())


@pytest.mark.parametrize(("wrong", "hint"), [
    (lambda z, y: (z.argmax(dim=1) == y).mean(), ".float() before .mean()"),
    (lambda z, y: (z.argmax(dim=0) == y).float().mean(), "dim=1"),
    (lambda z, y: (z.argmax(dim=1) == y).sum().item(), "number of right answers"),
    (lambda z, y: 100 * (z.argmax(dim=1) == y).float().mean().item(), "percentage"),
    (lambda z, y: (z.argmax(dim=1) != y).float().mean().item(), "error rate"),
    (lambda z, y: None, "`return` missing"),
])
def test_06_2_names_the_slip(wrong, hint):
    verdict = check_answer("06.2", wrong)
    assert not verdict
    assert hint in verdict.message


def test_06_2_names_argmax_over_images_when_the_shapes_happen_to_fit():
    def by_column_when_square(z, y):
        dim = 0 if z.shape[0] == z.shape[1] else 1
        return (z.argmax(dim=dim) == y).float().mean().item()

    verdict = check_answer("06.2", by_column_when_square)
    assert not verdict and "argmax(dim=0) picks, for each class" in verdict.message


# --- 06.3: confident_share(model, images) -------------------------------------------------------

def _confident_share(model, images):
    model.eval()
    with torch.no_grad():
        probabilities = model(images).softmax(dim=1)
    return (probabilities.max(dim=1).values > 0.9).float().mean().item()


def test_06_3_accepts_a_float_a_graph_free_tensor_and_inference_mode():
    verdict = check_answer("06.3", _confident_share)
    assert verdict and "eval mode without a graph" in verdict.message

    def as_tensor_in_inference_mode(model, images):
        model.train(False)
        with torch.inference_mode():
            top = F.softmax(model(images), dim=-1).amax(dim=1)
        return (top > 0.9).double().mean()

    assert check_answer("06.3", as_tensor_in_inference_mode)
    assert check_answer("06.3", lambda model, images: np.float64(_confident_share(model, images)))


def _measured(transform):
    """A confident_share that measures properly and then applies ``transform`` to the logits."""
    def share(model, images):
        model.eval()
        with torch.no_grad():
            return transform(model(images))
    return share


@pytest.mark.parametrize(("wrong", "hint"), [
    (_measured(lambda z: (z.softmax(dim=0).max(dim=1).values > 0.9).float().mean().item()),
     "softmax over dim=0"),
    (_measured(lambda z: (z.max(dim=1).values > 0.9).float().mean().item()), "apply softmax"),
    (_measured(lambda z: (z.softmax(dim=1).argmax(dim=1) > 0.9).float().mean().item()),
     ".max(dim=1).values"),
    (_measured(lambda z: (z.softmax(dim=1).max(dim=1).values > 0.9).sum().item()), "a count"),
    (_measured(lambda z: 100 * (z.softmax(dim=1).max(dim=1).values > 0.9).float().mean()),
     "not a percentage"),
    (_measured(lambda z: (z.softmax(dim=1).max(dim=1).values > 0.5).float().mean().item()),
     "expected 0.766667"),
])
def test_06_3_names_the_slip_in_the_arithmetic(wrong, hint):
    verdict = check_answer("06.3", wrong)
    assert not verdict
    assert hint in verdict.message


def test_06_3_accepts_model_forward_which_runs_the_same_layers():
    def through_forward(model, images):
        model.eval()
        with torch.no_grad():
            probabilities = model.forward(images).softmax(dim=1)
        return (probabilities.max(dim=1).values > 0.9).float().mean().item()

    assert check_answer("06.3", through_forward)

    def forward_in_training_mode(model, images):
        with torch.no_grad():
            probabilities = model.forward(images).softmax(dim=1)
        return (probabilities.max(dim=1).values > 0.9).float().mean().item()

    assert "model.eval()" in check_answer("06.3", forward_in_training_mode).message


def test_06_3_names_dropout_left_on_and_a_graph_built():
    def no_eval(model, images):
        with torch.no_grad():
            top = model(images).softmax(dim=1).max(dim=1).values
        return (top > 0.9).float().mean().item()

    def no_grad_missing(model, images):
        model.eval()
        top = model(images).softmax(dim=1).max(dim=1).values
        return (top > 0.9).float().mean().item()

    def graph_returned(model, images):
        model.eval()
        return model(images).softmax(dim=1).max(dim=1).values.mean()

    assert "model.eval()" in check_answer("06.3", no_eval).message
    assert "torch.no_grad()" in check_answer("06.3", no_grad_missing).message
    assert "never called" in check_answer("06.3", lambda model, images: 0.5).message
    assert "`return` missing" in check_answer("06.3", lambda model, images: None).message
    assert "expected a function" in check_answer("06.3", 0.77).message
    assert "torch.no_grad()" in check_answer("06.3", graph_returned).message


# --- 06.4: early stopping -----------------------------------------------------------------------

@pytest.mark.parametrize("right", [(9, 6), [9, 6], (np.int64(9), np.int64(6)),
                                   np.array([9, 6]), torch.tensor([9, 6])])
def test_06_4_accepts_the_pair_in_any_form(right):
    assert check_answer("06.4", right)


@pytest.mark.parametrize(("wrong", "hint"), [
    ((8, 5), "counted from 0"),
    ((7, 4), "restarts the count"),
    ((11, 6), "before the list ends"),
    ((9, 9), "not those of the last one"),
    ((9, 5), "which epoch had the lowest loss"),
    ((9.0, 6.0), "two epoch numbers"),
    (9, "a pair (stop, kept)"),
])
def test_06_4_names_the_slip(wrong, hint):
    verdict = check_answer("06.4", wrong)
    assert not verdict
    assert hint in verdict.message


# --- 06.5: recall from the confusion matrix -----------------------------------------------------

@pytest.mark.parametrize("right", [39 / 45, np.float32(39 / 45), torch.tensor(39 / 45), 0.8667,
                                   0.87, 0.867])
def test_06_5_accepts_the_share_in_any_form(right):
    assert check_answer("06.5", right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (39 / 46, "rows are the true classes"),
    (134 / 150, "accuracy over all three classes"),
    (39, "a count"),
    (100 * 39 / 45, "not a percentage"),
    (6 / 45, "got *wrong*"),
    (0.85, "rows are the true classes"),
    (0.89, "accuracy over all three classes"),
    (86.7, "not a percentage"),
    (0.88, "expected 0.866667"),
])
def test_06_5_names_the_slip(wrong, hint):
    verdict = check_answer("06.5", wrong)
    assert not verdict
    assert hint in verdict.message


# --- 06.6: the accuracy to report ---------------------------------------------------------------

def test_06_6_accepts_the_test_accuracy_as_float_or_tensor():
    assert check_answer("06.6", lambda model, split: evaluate(model, *split.test)[1])

    def as_tensor(model, split):
        model.eval()
        with torch.no_grad():
            return (model(split.test_images).argmax(1) == split.test_labels).float().mean()

    assert check_answer("06.6", as_tensor)


@pytest.mark.parametrize(("part", "hint"), [("train", "memorised"), ("val", "flatters")])
def test_06_6_names_the_split_that_was_used(part, hint):
    verdict = check_answer("06.6", lambda model, split: evaluate(model, *getattr(split, part))[1])
    assert not verdict
    assert hint in verdict.message
    other = check_answer("06.6", lambda model, split: 0.5)
    assert not other and "used for no decision" in other.message


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda model, split: 100 * evaluate(model, *split.test)[1], "as a percentage"),
    (lambda model, split: evaluate(model, *split.test)[0], "that is the test loss"),
    (lambda model, split: evaluate(model, *split.test), "return the accuracy alone"),
])
def test_06_6_names_the_right_split_in_the_wrong_form(answer, hint):
    verdict = check_answer("06.6", answer)
    assert not verdict
    assert hint in verdict.message
    assert "no decision" not in verdict.message
