import pytest
import torch

import helpers
from helpers.exercises import exercise


def test_every_notebook_01_exercise_is_registered():
    assert {"01.1", "01.2", "01.3", "01.4"} <= set(helpers.exercise_ids())


def test_01_1_broadcast_result_shape():
    assert helpers.check_answer("01.1", (4, 2, 3))
    feedback = helpers.check_answer("01.1", (4, 1, 3))
    assert not feedback and "stretch" in feedback.message
    assert not helpers.check_answer("01.1", (2, 3))


def test_01_2_arange_as_matrix():
    assert helpers.check_answer("01.2", torch.arange(6.0).view(2, 3))
    transposed = helpers.check_answer("01.2", torch.arange(6.0).view(3, 2))
    assert "did you transpose?" in transposed.message
    assert "integer and float" in helpers.check_answer("01.2", torch.arange(6).view(2, 3)).message


def test_01_3_center_columns():
    assert helpers.check_answer("01.3", lambda m: m - m.mean(dim=0))
    feedback = helpers.check_answer("01.3", lambda m: m - m.mean(dim=1, keepdim=True))
    assert not feedback and "values differ" in feedback.message
    assert "expected a function" in helpers.check_answer("01.3", 3).message
    forgot_return = helpers.check_answer("01.3", lambda m: None)
    assert "is a `return` missing?" in forgot_return.message


def test_01_4_promoted_dtype():
    assert helpers.check_answer("01.4", torch.float32)
    assert "default float is 32-bit" in helpers.check_answer("01.4", torch.float64).message
    assert "gives floats" in helpers.check_answer("01.4", torch.int64).message
    assert "expected a torch.dtype" in helpers.check_answer("01.4", "float").message


def test_the_placeholder_of_an_exercise_cell_gets_a_reminder():
    feedback = helpers.check_answer("01.1", ...)
    assert not feedback and feedback.message.startswith("replace the `...` with your answer")


def test_check_answer_rejects_unknown_ids_and_bad_types():
    with pytest.raises(ValueError, match="unknown exercise '99.9'; known: 01.1"):
        helpers.check_answer("99.9", 1)
    with pytest.raises(TypeError, match="exercise_id must be a str"):
        helpers.check_answer(1.1, 1)


def test_exercise_ids_are_validated_and_unique():
    with pytest.raises(ValueError, match="must look like '01.2'"):
        exercise("012")
    with pytest.raises(ValueError, match="registered twice"):
        exercise("01.1")(lambda answer: None)
