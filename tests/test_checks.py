import numpy as np
import pytest
import torch

from helpers.checks import check_function, check_number, check_tensor, is_number
from helpers.feedback import Feedback
from helpers.shape_checks import check_shape, shape_meant


def test_feedback_is_truthy_and_displays_as_its_message():
    assert Feedback(True, "shape (2,).")
    assert not Feedback(False, "x")
    assert repr(Feedback(False, "3, expected 4.")) == "Not yet: 3, expected 4."


@pytest.mark.parametrize(
    "answer, expected, hint",
    [
        ((3, 2), (2, 3), "did you transpose?"),
        ((2, 3, 1), (2, 3), "unsqueeze() or squeeze()?"),
        ((6,), (2, 3), "shape (6,), expected (2, 3): 1 dimension instead of 2."),
        ((2, 3, 4), (6,), "3 dimensions instead of 1."),
        ((1, 6), (2, 3), "view()/reshape()"),
        ((2, 4), (2, 3), "8 elements instead of 6"),
        ((1, 1), (2, 3), "1 element instead of 6."),
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
    assert check_shape((np.int64(2), 3), (2, 3))
    assert not check_shape((True, 3), (1, 3))
    assert check_shape(torch.zeros(3, 2), (2, 3)).message == (
        "shape (3, 2), expected (2, 3): the same sizes in another order: did you transpose?"
    )


@pytest.mark.parametrize(
    "sizes",
    [np.array([784, 64]), torch.tensor([784, 64]), np.array([784, 64], dtype=np.int32)],
    ids=["NumPy array", "tensor", "NumPy int32"],
)
def test_check_shape_accepts_the_sizes_given_as_an_integer_array_and_says_how_to_write_it(
    sizes,
):
    feedback = check_shape(sizes, (784, 64))
    assert feedback
    kind = "tensor" if isinstance(sizes, torch.Tensor) else "NumPy array"
    assert feedback.message == (
        f"shape (784, 64), given as a {kind} of its sizes; as a shape it is the tuple (784, 64)."
    )
    assert check_shape(np.array([4, 2, 3]), (4, 2, 3))


@pytest.mark.parametrize(
    "answer, message",
    [
        (np.array([64, 784]), "the sizes (64, 784) (given as a NumPy array), expected (784, 64): "
         "the same sizes in another order: did you transpose?"),
        (torch.tensor([32, 64]), "the sizes (32, 64) (given as a tensor), expected (784, 64): "
         "2048 elements instead of 50176."),
        (np.array([784, 64, 1]), "shape (3,), expected (784, 64): 1 dimension instead of 2. A "
         "tensor or array stands for its own shape; if you meant its values (784, 64, 1) as "
         "the sizes, write them as a tuple."),
    ],
)
def test_check_shape_judges_wrong_sizes_in_an_array_as_a_shape(answer, message):
    feedback = check_shape(answer, (784, 64))
    assert not feedback
    assert feedback.message == message


def test_an_array_whose_own_shape_is_meant_is_not_read_as_sizes():
    # Floats are no sizes, and an integer array of the expected shape is that shape.
    assert not check_shape(np.array([784.0, 64.0]), (784, 64))
    assert check_shape(torch.tensor([5, 7]), (2,)).message == "shape (2,)."
    assert check_shape(torch.arange(6).reshape(2, 3), (2, 3))
    long = check_shape(torch.arange(20), (784, 64))
    assert long.message == "shape (20,), expected (784, 64): 1 dimension instead of 2."


def test_shape_meant_reads_every_form_of_a_shape():
    assert shape_meant((np.int64(2), 3), (2, 3)) == (2, 3)
    assert shape_meant(torch.zeros(3, 2), (2, 3)) == (3, 2)
    assert shape_meant(np.array([3, 2]), (2, 3)) == (3, 2)
    assert shape_meant(np.array([-3, 2]), (2, 3)) == (2,)  # a negative size: an array after all
    with pytest.raises(TypeError, match="answer must be a shape"):
        shape_meant("2, 3", (2, 3))


def test_check_tensor_never_reads_a_tensor_as_sizes():
    feedback = check_tensor(torch.tensor([3, 2]), torch.zeros(3, 2))
    assert not feedback
    assert feedback.message == "shape (2,), expected (3, 2): 1 dimension instead of 2."


def test_check_shape_tells_a_quoted_shape_to_drop_the_quotes():
    feedback = check_shape("(2, 3)", (2, 3))
    assert not feedback
    assert feedback.message.endswith("write it as a tuple, without quotes, like (2, 3)")
    assert "without quotes" not in check_shape("two by three", (2, 3)).message


def test_check_shape_rejects_a_bad_expected_value():
    with pytest.raises(TypeError, match="expected must be a shape"):
        check_shape((2, 3), "2, 3")


def test_check_number_accepts_close_values_and_one_element_tensors():
    assert check_number(4.0, 4)
    feedback = check_number(torch.tensor(4.0), 4.0)
    assert feedback and ".item()" in feedback.message


@pytest.mark.parametrize(
    "answer",
    [4, np.float64(4.0), np.float32(4.0), np.int64(4), np.array(4.0), torch.tensor([4.0])],
    ids=["int", "numpy float64", "numpy float32", "numpy int64", "0-d array", "1-elem tensor"],
)
def test_check_number_accepts_every_form_of_a_number(answer):
    assert check_number(answer, 4.0)


def test_check_number_names_the_form_of_a_one_element_array():
    feedback = check_number(np.array([4.0]), 4.0)
    assert feedback and "a one-element NumPy array: .item()" in feedback.message
    assert check_number(np.array(4.0), 4.0).message == "4."


def test_is_number_recognises_a_value_in_any_form():
    assert is_number(np.float64(12.0), 12.0)
    assert is_number(torch.tensor(12.0, requires_grad=True), 12.0)
    assert not is_number(None, 12.0)
    assert not is_number("12", 12.0)
    assert not is_number(12.5, 12.0)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (-4.0, "the sign is flipped"),
        (8.0, "twice the expected value"),
        (2.0, "half the expected value"),
        (5.0, "5, expected 4."),
        (torch.ones(2), "a tensor of shape (2,)"),
        (np.ones(3), "a NumPy array of shape (3,)"),
        ("4", "got str '4': write the number without quotes"),
        ("four", "expected a number, got str 'four'"),
        (None, "a .grad that backward() never filled, or a function without `return`?"),
        (True, "got the boolean True"),
        (np.bool_(True), "got the boolean True"),
        (4 + 1j, "expected a real number, got the complex"),
        (float("nan"), "NaN"),
        (float("inf"), "inf, expected 4."),
    ],
)
def test_check_number_explains_wrong_answers(answer, hint):
    feedback = check_number(answer, 4.0)
    assert not feedback
    assert hint in feedback.message


def test_check_number_rejects_a_non_numeric_expected_value():
    with pytest.raises(TypeError, match="expected must be a number, got str '1'"):
        check_number(1.0, "1")
    for tolerance in ("rel_tol", "abs_tol"):
        with pytest.raises(ValueError, match=f"{tolerance} must be a finite number, got nan"):
            check_number(1.0, 1.0, **{tolerance: float("nan")})
        with pytest.raises(ValueError, match=f"{tolerance} must be at least 0, got -1"):
            check_number(1.0, 1.0, **{tolerance: -1})


def test_check_tensor_right_answer():
    assert check_tensor(torch.arange(6.0).view(2, 3), torch.arange(6.0).view(2, 3))


def test_check_tensor_takes_another_float_dtype_unless_the_dtype_is_the_point():
    in_float64 = check_tensor(torch.arange(6.0, dtype=torch.float64), torch.arange(6.0))
    assert in_float64 and "another float dtype is fine here" in in_float64.message
    strict = check_tensor(torch.arange(6.0, dtype=torch.float64), torch.arange(6.0),
                          exact_dtype=True)
    assert not strict and "dtype torch.float64, expected torch.float32" in strict.message
    assert not check_tensor(torch.arange(6.0, dtype=torch.float64), torch.arange(6.0) + 1)
    with pytest.raises(TypeError, match="exact_dtype must be True or False"):
        check_tensor(torch.zeros(1), torch.zeros(1), exact_dtype="yes")


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
    assert feedback.message == (
        "on input 1 (a 0-d tensor): values differ: largest gap 3 (got 9, expected 6)."
    )


def test_check_function_reports_exceptions_and_non_callables():
    feedback = check_function(lambda x: x.nope(), lambda x: x, [torch.tensor([1.0, 2.0])])
    assert not feedback
    assert feedback.message.startswith(
        "on input 0 (a tensor of shape (2,)): your function raised AttributeError:"
    )
    assert "expected a function, got int" in check_function(3, abs, [1]).message


def test_a_function_that_returns_nothing_is_asked_about_its_return():
    feedback = check_function(lambda x: None, abs, [-1.5])
    assert feedback.message == (
        "on input 0 (-1.5): your function returned None: is a `return` missing?"
    )


def test_a_function_that_changes_its_input_in_place_is_judged_on_its_result():
    inputs = [torch.tensor([1.0, 3.0]), torch.tensor([2.0, 6.0])]

    def centre_in_place(t):
        t -= t.mean()
        return t

    assert check_function(centre_in_place, lambda t: t - t.mean(), inputs)
    assert inputs[0].tolist() == [1.0, 3.0]  # the learner's function got a copy


SQUARE_SLIPS = [
    (lambda x: 2 * x, "That doubles x: squaring multiplies x by itself."),
    (lambda x: x.square_().sum(dim=5), "That sums over a dimension x does not have."),
]


def test_a_known_slip_is_named_after_the_first_difference():
    three = [torch.tensor(3.0)]
    feedback = check_function(lambda x: x + x, torch.square, three, slips=SQUARE_SLIPS)
    assert feedback.message == (
        "on input 0 (a 0-d tensor): values differ: largest gap 3 (got 6, expected 9). "
        "That doubles x: squaring multiplies x by itself."
    )


def test_a_slip_that_raises_is_recognised_by_the_same_exception():
    def learner(x):
        return (x * x).sum(dim=5)

    feedback = check_function(learner, torch.square, [torch.tensor([3.0])], slips=SQUARE_SLIPS)
    assert feedback.message.startswith("on input 0 (a tensor of shape (1,)): your function raised")
    assert feedback.message.endswith("That sums over a dimension x does not have.")


def test_a_wrong_answer_that_matches_no_slip_gets_no_explanation():
    three = [torch.tensor(3.0)]
    feedback = check_function(lambda x: x - 1, torch.square, three, slips=SQUARE_SLIPS)
    assert feedback.message == (
        "on input 0 (a 0-d tensor): values differ: largest gap 7 (got 2, expected 9)."
    )


def test_check_function_rejects_bad_arguments():
    with pytest.raises(TypeError, match="reference must be a function, got int 3"):
        check_function(abs, 3, [1])
    with pytest.raises(TypeError, match="slips must be a list of"):
        check_function(abs, abs, [1], slips=[abs])
    with pytest.raises(ValueError, match="non-empty sequence"):
        check_function(abs, abs, [])
    with pytest.raises(ValueError, match="the reference fails on input 0"):
        check_function(abs, lambda x: x.nope(), [1.0])


def test_check_number_names_a_known_wrong_value_in_any_form():
    slips = {0.5: "that is the share of one class, not the entropy."}
    for wrong in (0.5, np.float64(0.5), torch.tensor(0.5)):
        verdict = check_number(wrong, 0.6931, slips=slips)
        assert not verdict and verdict.message.endswith("not the entropy.")
    assert check_number(0.6931, 0.6931, slips=slips)
    assert check_number(0.7, 0.6931, slips=slips).message == "0.7, expected 0.6931."


def test_check_number_can_keep_the_expected_value_to_itself():
    verdict = check_number(0.4, 0.3285, reveal=False)
    assert verdict.message == "0.4 is not it."
    assert check_number(0.5, 1.0, reveal=False).message == "0.5 is not it: half the expected value."
