"""Tests for the exercises of notebook 08 (ids 08.1 to 08.5; 08.5 is open)."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers import check_answer, exercise_ids
from helpers.gan import with_condition


def test_all_exercises_are_registered():
    assert {"08.1", "08.2", "08.3", "08.4"} <= set(exercise_ids())


def test_08_1_accepts_the_distance_in_any_form_and_names_the_slips():
    for answer in (1.25, torch.tensor(1.25), np.float64(1.25), 5 / 4):
        assert check_answer("08.1", answer)
    assert "1.25" not in check_answer("08.1", 2.0).message, "the answer is not given away"
    assert "spread term alone" in check_answer("08.1", 0.25).message
    assert "mean term alone" in check_answer("08.1", 1.0).message
    assert "uses the variances" in check_answer("08.1", 1.75).message
    assert "square root" in check_answer("08.1", math.sqrt(1.25)).message
    assert "adds the spreads" in check_answer("08.1", 2.25).message
    assert not check_answer("08.1", 3.0)


def test_08_2_accepts_ln_2_and_names_the_slips():
    for answer in (math.log(2), np.log(2), torch.tensor(0.6931), 0.69):
        assert check_answer("08.2", answer)
    assert "bits" in check_answer("08.2", 1.0).message
    assert "all ten digits" in check_answer("08.2", math.log(10)).message
    assert "each class's share" in check_answer("08.2", 0.5).message
    assert "one class only" in check_answer("08.2", 0).message
    assert "log10" in check_answer("08.2", math.log10(2)).message


def test_08_3_accepts_every_way_of_appending_one_hot_columns():
    forms = [
        lambda ideas, labels: torch.cat([ideas, F.one_hot(labels, 10).float()], dim=1),
        lambda ideas, labels: torch.cat([ideas, torch.eye(10)[labels]], dim=1),
        lambda ideas, labels: with_condition(ideas, F.one_hot(labels, 10).float()),
        lambda ideas, labels: torch.hstack([ideas, F.one_hot(labels, num_classes=10)]),
    ]
    for form in forms:
        assert check_answer("08.3", form)


def test_08_3_names_the_slips():
    def message(function):
        verdict = check_answer("08.3", function)
        assert not verdict
        return verdict.message

    assert "one column per class" in message(
        lambda ideas, labels: torch.cat([ideas, labels[:, None].float()], dim=1))
    assert "dim=1" in message(
        lambda ideas, labels: torch.cat([ideas, F.one_hot(labels, 10).float()]))
    assert "come first" in message(
        lambda ideas, labels: torch.cat([F.one_hot(labels, 10).float(), ideas], dim=1))
    assert "values differ" in message(
        lambda ideas, labels: torch.cat([ideas, F.one_hot((labels + 1) % 10, 10).float()], 1))
    assert "expected (3, 14)" in message(lambda ideas, labels: ideas)
    assert "8 one-hot columns" in message(
        lambda ideas, labels: torch.cat([ideas, F.one_hot(labels).float()], dim=1))
    assert "float32" in message(
        lambda ideas, labels: torch.cat([ideas.double(), F.one_hot(labels, 10).double()], dim=1))
    assert "expected a function" in check_answer("08.3", 3).message
    assert "`return` missing" in check_answer("08.3", lambda ideas, labels: None).message


@pytest.mark.parametrize("right", [(2 / 3, 1.0), [0.667, 1],
                                   (np.float64(0.6667), torch.tensor(1.0))])
def test_08_5_accepts_the_pair_in_any_form(right):
    assert check_answer("08.4", right)


@pytest.mark.parametrize(("wrong", "hint"), [
    ((1.0, 2 / 3), "swapped"),
    ((0.0, 0.0), "nearest *other* row"),
    ((1.0, 1.0), "k = 2"),
    ((66.7, 100.0), "not percentages"),
    ((2 / 3, 0.5), "one of the two is right"),
    ((0.2, 0.2), "draw the six points"),
    (0.5, "a pair of numbers"),
])
def test_08_5_names_the_slip(wrong, hint):
    verdict = check_answer("08.4", wrong)
    assert not verdict
    assert hint in verdict.message
