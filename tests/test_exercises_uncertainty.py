"""Exercises 06.7 and 06.8: right answers in every valid form, typical slips named."""

import numpy as np
import pytest
import torch

from helpers import check_answer, exercise_ids
from helpers.uncertainty import wilson_interval


def test_both_exercises_are_registered():
    assert {"06.7", "06.8"} <= set(exercise_ids())


@pytest.mark.parametrize("right", [wilson_interval(190, 200)[0], 0.910, 0.9104,
                                   np.float64(0.9104), torch.tensor(0.9104)])
def test_06_7_accepts_the_lower_end_in_any_form(right):
    assert check_answer("06.7", right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (0.9198, "Wald"),
    (0.9181, "90 %"),
    (0.9726, "upper end"),
    (91.04, "not a percentage"),
    (0.95, "the accuracy itself"),
    (0.5, "formula of section 13"),
    ("0.91", "expected a number"),
])
def test_06_7_names_the_slip(wrong, hint):
    verdict = check_answer("06.7", wrong)
    assert not verdict
    assert hint in verdict.message
    assert "0.910" not in verdict.message


@pytest.mark.parametrize("right", [0.0445, 0.045, 8.9 / 200, np.float32(0.0445),
                                   torch.tensor(0.0445, dtype=torch.float64)])
def test_06_8_accepts_the_weighted_gap_in_any_form(right):
    assert check_answer("06.8", right)


@pytest.mark.parametrize(("wrong", "hint"), [
    (0.07, "as equals"),
    (0.0245, "absolute value"),
    (-0.0245, "absolute value"),
    (8.9, "divide by the number of images"),
    (0.10, "largest gap"),
    (0.2, "share of the 200 images"),
])
def test_06_8_names_the_slip(wrong, hint):
    verdict = check_answer("06.8", wrong)
    assert not verdict
    assert hint in verdict.message
