import json
from pathlib import Path

import numpy as np
import pytest
import torch

import helpers
from helpers.exercises import exercise

NOTEBOOK_01 = Path(__file__).resolve().parents[1] / "notebooks" / "01_tensors.ipynb"


def test_every_notebook_01_exercise_is_registered():
    assert {"01.1", "01.2", "01.3", "01.4"} <= set(helpers.exercise_ids())


@pytest.mark.parametrize(
    "answer",
    [(4, 2, 3), [4, 2, 3], torch.Size([4, 2, 3]), torch.zeros(4, 2, 3), (np.int64(4), 2, 3),
     np.array([4, 2, 3])],
    ids=["tuple", "list", "torch.Size", "a tensor of that shape", "NumPy ints",
         "the sizes as a NumPy array"],
)
def test_01_1_accepts_every_form_of_the_shape(answer):
    assert helpers.check_answer("01.1", answer)


@pytest.mark.parametrize(
    "answer, words",
    [
        ((4, 1, 3), "at dim -2 the sizes are 1 and 2, so the result there is 2, not 1. "
         "A size 1 (or a missing size) stretches"),
        ((4, 2, 1), "at dim -1 the sizes are 3 and 1, so the result there is 3, not 1."),
        ((1, 2, 3), "at dim -3 the sizes are 4 and missing (counts as 1), so the result there "
         "is 4, not 1."),
        ((2, 3), "2 dimensions instead of 3. The result has as many dimensions as the longer "
         "shape; the missing leading dimension of (2, 1) counts as 1."),
        ("error", "these shapes do broadcast. Line them up from the right: (2, 1) is read as "
         "(1, 2, 1)"),
        (None, "these shapes do broadcast."),
        ("(4, 2, 3)", "write it as a tuple, without quotes"),
        (np.array([4, 1, 3]), "shape (4, 1, 3), expected (4, 2, 3): at dim -2 the sizes are 1 "
         "and 2, so the result there is 2, not 1."),  # the sizes in an array, read as sizes
    ],
)
def test_01_1_names_the_slip(answer, words):
    feedback = helpers.check_answer("01.1", answer)
    assert not feedback
    assert words in feedback.message


def test_01_2_accepts_every_float_form_of_the_matrix():
    assert helpers.check_answer("01.2", torch.arange(6.0).view(2, 3))
    assert helpers.check_answer("01.2", torch.arange(6).float().reshape(2, 3))
    assert helpers.check_answer("01.2", torch.linspace(0, 5, 6).view(2, 3))
    as_double = helpers.check_answer("01.2", torch.arange(6, dtype=torch.float64).view(2, 3))
    assert as_double and "torch.float64 is a float too" in as_double.message


@pytest.mark.parametrize(
    "answer, words",
    [
        (torch.arange(6).view(2, 3), "integer and float tensors differ; .float() or .long()"),
        (torch.arange(6.0).view(3, 2), "the same sizes in another order: did you transpose?"),
        (torch.arange(6.0).view(3, 2).t(), "the numbers run down the columns: that is "
         "view(3, 2).t(), a transpose."),
        (torch.arange(1.0, 7.0).view(2, 3), "every value is 1 too large"),
        (torch.arange(6.0), "the six numbers are right, now .view(2, 3)"),
        (np.arange(6.0).reshape(2, 3), "torch.from_numpy() converts it"),
    ],
)
def test_01_2_names_the_slip(answer, words):
    feedback = helpers.check_answer("01.2", answer)
    assert not feedback
    assert words in feedback.message


def _center_in_place(m):
    m -= m.mean(dim=0, keepdim=True)
    return m


@pytest.mark.parametrize(
    "function",
    [
        lambda m: m - m.mean(dim=0),
        lambda m: m - m.mean(dim=0, keepdim=True),
        lambda m: m - m.sum(dim=0) / m.shape[0],
        _center_in_place,
    ],
    ids=["mean(dim=0)", "keepdim", "sum over count", "in place"],
)
def test_01_3_accepts_every_correct_formulation(function):
    assert helpers.check_answer("01.3", function)


@pytest.mark.parametrize(
    "function, words",
    [
        (lambda m: m - m.mean(dim=1), "your function raised RuntimeError: The size of tensor a "
         "(3) must match the size of tensor b (2) at non-singleton dimension 1. m.mean(dim=1) "
         "averages along each row"),
        (lambda m: m - m.mean(dim=1, keepdim=True), "That subtracts each row's mean"),
        (lambda m: m - m.mean(), "That subtracts the mean of the whole matrix"),
        (lambda m: m.mean(dim=0) - m, "The sign is flipped"),
        (lambda m: m.mean(dim=0), "That returns the column means themselves"),
        (lambda m: None, "your function returned None: is a `return` missing?"),
        (3, "expected a function, got int"),
    ],
)
def test_01_3_names_the_slip(function, words):
    feedback = helpers.check_answer("01.3", function)
    assert not feedback
    assert words in feedback.message


@pytest.mark.parametrize(
    "answer", [torch.float16, torch.half, "float16", "torch.float16", "half"]
)
def test_01_4_accepts_the_dtype_and_its_names(answer):
    feedback = helpers.check_answer("01.4", answer)
    assert feedback and feedback.message.startswith("torch.float16: float beats int")


@pytest.mark.parametrize(
    "answer, words",
    [
        (torch.float32, "float32 is the default float, used when a Python number or an integer "
         "division creates a float"),
        (torch.float64, "promotion does not search for such a type"),
        (torch.int64, "int64 is the integer operand's dtype"),
        (torch.bfloat16, "the float one's dtype is kept"),
        ("a float", "expected a torch.dtype such as torch.int64, got 'a float'"),
        (torch.zeros(1), "(a tensor's .dtype is one)"),
    ],
)
def test_01_4_names_the_slip(answer, words):
    feedback = helpers.check_answer("01.4", answer)
    assert not feedback
    assert words in feedback.message


def test_01_4_expects_what_torch_computes_and_what_notebook_01_never_prints():
    result = torch.tensor([1, 2]) + torch.tensor([0.5], dtype=torch.float16)
    assert helpers.check_answer("01.4", result.dtype)
    notebook = json.loads(NOTEBOOK_01.read_text(encoding="utf-8"))
    printed = [
        json.dumps(output)
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell["outputs"]
    ]
    assert not any("float16" in text for text in printed)


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


def test_every_exercise_answered_by_an_untouched_function_body_gets_the_same_message():
    """A function whose body is still `...` returns None; every checker says the same then
    (07.4's train_step returns nothing by design, so it says its body did nothing)."""
    from helpers.feedback import RETURNED_NONE

    answered = 0
    for exercise_id in helpers.exercise_ids():
        message = helpers.check_answer(exercise_id, lambda *arguments: None).message
        if exercise_id == "07.4":
            assert "body still `...`" in message
        elif "None" in message:
            assert RETURNED_NONE in message, (exercise_id, message)
            answered += 1
    assert answered >= 8
