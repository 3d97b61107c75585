"""Tests for the exercises of notebook 03b (ids 03b.1 to 03b.3)."""

import math
from types import SimpleNamespace

import numpy as np
import torch

from helpers import check_answer, exercise_ids

RIGHT_TANH = 3 * (1 - math.tanh(0.5) ** 2)


def test_all_exercises_are_registered():
    assert {"03b.1", "03b.2", "03b.3"} <= set(exercise_ids())


def test_03b_1_accepts_the_gradient_in_any_form_and_names_the_slips():
    for answer in (RIGHT_TANH, round(RIGHT_TANH, 2), np.float64(RIGHT_TANH),
                   torch.tensor(RIGHT_TANH)):
        assert check_answer("03b.1", answer), answer
    engine_value = SimpleNamespace(data=0.5, grad=RIGHT_TANH)
    feedback = check_answer("03b.1", engine_value)
    assert feedback and ".grad" in feedback.message
    assert "2.359" not in check_answer("03b.1", 1.0).message, "the answer is not given away"
    t = math.tanh(0.5)
    assert "not tanh itself" in check_answer("03b.1", 3 * t).message
    assert "misses the square" in check_answer("03b.1", 3 * (1 - t)).message
    assert "out.grad" in check_answer("03b.1", 1 - t**2).message
    assert "uses the input" in check_answer("03b.1", 2.25).message
    assert "did y.backward() run" in check_answer("03b.1", 0.0).message
    assert "after y.backward()" in check_answer("03b.1", None).message


def test_03b_2_accepts_the_pair_in_any_form_and_names_the_slips():
    for answer in ((20.0, 4.0), [20, 4], np.array([20.0, 4.0]), torch.tensor([20.0, 4.0]),
                   (torch.tensor(20.0), 4.0)):
        assert check_answer("03b.2", answer), answer
    assert "broken rule" in check_answer("03b.2", (22.0, 50.0)).message
    assert "must add (+=)" in check_answer("03b.2", (10.0, 4.0)).message
    assert "swapped" in check_answer("03b.2", (4.0, 20.0)).message
    assert "did d.backward() run" in check_answer("03b.2", (0.0, 0.0)).message
    for one_line_fixed in ((12.0, 10.0), (30.0, 20.0)):
        assert "in both lines" in check_answer("03b.2", one_line_fixed).message
    assert "a pair of two numbers" in check_answer("03b.2", 20.0).message
    assert "two numbers" in check_answer("03b.2", ("20", 4)).message
    assert not check_answer("03b.2", (21.0, 4.0))


def test_03b_3_accepts_the_pair_and_says_which_half_is_wrong():
    for answer in ((48.0, 24.0), [48, 24], np.array([48, 24]), torch.tensor([48.0, 24.0])):
        assert check_answer("03b.3", answer), answer
    assert "swapped" in check_answer("03b.3", (24.0, 48.0)).message
    assert "runs b's rule, twice" in check_answer("03b.3", (24.0, 24.0)).message
    assert "12 is b.grad" in check_answer("03b.3", (48.0, 12.0)).message
    assert "dc/da = 8a" in check_answer("03b.3", (48.0, 36.0)).message
    assert "count again" in check_answer("03b.3", (96.0, 24.0)).message
    assert "fresh graph" in check_answer("03b.3", (50.0, 24.0)).message
    assert "a leaf accumulates" in check_answer("03b.3", (48.0, 72.0)).message
