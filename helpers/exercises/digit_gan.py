"""Exercises of notebook 08 (the digit GANs): ids 08.1 to 08.5."""

import math

import torch
import torch.nn.functional as F

from helpers.checks import check_number
from helpers.exercises import exercise
from helpers.exercises.answers import as_float
from helpers.feedback import RETURNED_NONE, Feedback


@exercise("08.1")
def frechet_in_one_dimension(answer: object) -> Feedback:
    """Fréchet distance between N(2, 1²) and N(3, 0.5²): (2 − 3)² + (1 − 0.5)² = 1.25."""
    slips = {
        0.25: "that is the spread term alone; the distance adds the squared gap between "
              "the means, (2 − 3)².",
        1.0: "that is the mean term alone; the distance adds (σ₁ − σ₂)² for the spreads.",
        1.75: "that uses the variances, |1 − 0.25|; in one dimension the spread term is "
              "(σ₁ − σ₂)² with the standard deviations.",
        math.sqrt(1.25): "that is the square root: the Fréchet distance of FID is the squared "
                         "distance, no root taken.",
        2.25: "(1 + 0.5)² adds the spreads; the term is (σ₁ − σ₂)², their difference squared.",
    }
    return check_number(answer, 1.25, rel_tol=0, abs_tol=0.005, slips=slips, reveal=False)


@exercise("08.2")
def entropy_of_two_digits(answer: object) -> Feedback:
    """Class entropy of a generator that draws only 0s and 1s, equally often: ln 2."""
    slips = {
        1.0: "that is in bits (log base 2); the notebook's entropy uses the natural log.",
        math.log(10): "ln 10 is for all ten digits drawn equally; here only two classes occur.",
        0.5: "0.5 is each class's share; the entropy is −Σ p ln p over the two shares.",
        0.0: "0 is for one class only; two equal shares carry ln 2 nats.",
        math.log10(2): "that uses log10; the notebook's entropy uses the natural log.",
    }
    return check_number(answer, math.log(2), rel_tol=0, abs_tol=0.005, slips=slips, reveal=False)


_IDEAS = torch.arange(12.0).reshape(3, 4) / 10
_LABELS = torch.tensor([3, 0, 7])  # no 9: F.one_hot without num_classes would make 8 columns


def _expected(ideas: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return torch.cat([ideas, F.one_hot(labels, 10).float()], dim=1)


@exercise("08.3")
def conditioned_ideas(answer: object) -> Feedback:
    """A function (ideas, labels) -> ideas with the labels appended as one-hot columns."""
    if not callable(answer):
        return Feedback(False, f"expected a function of (ideas, labels), got "
                               f"{type(answer).__name__}.")
    try:
        got = answer(_IDEAS.clone(), _LABELS.clone())
    except RuntimeError as error:
        if "except in dimension 0" in str(error):
            return Feedback(False, f"raised RuntimeError: {error}. torch.cat joined along the "
                                   "rows; the label's columns go beside each idea: dim=1.")
        return Feedback(False, f"raised RuntimeError: {error}")
    except Exception as error:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"raised {type(error).__name__}: {error}")
    want = _expected(_IDEAS, _LABELS)
    if got is None:
        return Feedback(False, RETURNED_NONE)
    if not isinstance(got, torch.Tensor):
        return Feedback(False, f"expected a tensor, got {type(got).__name__}.")
    if got.shape == (3, 5):
        return Feedback(False, "shape (3, 5): the label was appended as one number; G needs "
                               "one column per class, a one-hot row of 10 (F.one_hot).")
    if got.shape == (3, 4 + 8):
        return Feedback(False, "shape (3, 12): 8 one-hot columns, because F.one_hot without "
                               "num_classes makes as many as the largest label + 1; G always "
                               "reads 10: F.one_hot(labels, 10).")
    if got.shape != want.shape:
        return Feedback(False, f"shape {tuple(got.shape)}, expected {tuple(want.shape)}: "
                               "4 idea columns and 10 one-hot columns per row.")
    if torch.allclose(got.double(), torch.cat([want[:, 4:], want[:, :4]], dim=1).double()):
        return Feedback(False, "the one-hot columns come first; with_condition (and the "
                               "networks of notebook 08) append them after the ideas.")
    if got.dtype != torch.float32:
        return Feedback(False, f"dtype {got.dtype}: G's first Linear layer computes in float32; "
                               ".float() the one-hot columns (and keep the ideas float32).")
    if not torch.allclose(got, want):
        return Feedback(False, "the right shape, but the values differ: row i should be the "
                               "ideas of row i, then a 1 in column 4 + label[i], 0 elsewhere.")
    return Feedback(True, "ideas, then one one-hot row of 10 per label: what G reads.")


# Exercise 08.4: (precision, recall) with k = 1 for real rows 0, 1, 3 and generated 0.5, 2.5, 6.
PRECISION_RECALL_ON_A_LINE = (2 / 3, 1.0)


@exercise("08.4")
def precision_recall_on_a_line(answer: object) -> Feedback:
    """(precision, recall) of generated rows 0.5, 2.5, 6 against real rows 0, 1, 3, k = 1."""
    pair = (tuple(as_float(value) for value in answer)
            if isinstance(answer, tuple | list) and len(answer) == 2 else None)
    if pair is None or None in pair:
        return Feedback(False, f"expected a pair of numbers (precision, recall), got {answer!r}")

    def near(first: float, second: float, tolerance: float = 0.005) -> bool:
        return math.isclose(pair[0], first, abs_tol=tolerance) and math.isclose(
            pair[1], second, abs_tol=tolerance)

    precision, recall = PRECISION_RECALL_ON_A_LINE
    if near(precision, recall):
        return Feedback(True, "2 of the 3 generated rows lie in a real ball; every real row "
                        "lies in a generated ball.")
    slips = {
        (recall, precision): "swapped: precision asks how many *generated* rows lie inside the "
                             "real balls, recall how many real rows lie inside the generated "
                             "balls.",
        (0.0, 0.0): "a ball that reaches the row itself has radius 0: each row's radius is the "
                    "distance to its nearest *other* row of the same set.",
        (1.0, 1.0): "that is k = 2, the second-nearest other row; with k = 1 the real radii are "
                    "1, 1 and 2.",
    }
    for (first, second), hint in slips.items():
        if near(first, second):
            return Feedback(False, hint)
    if near(100 * precision, 100 * recall, tolerance=0.5):
        return Feedback(False, "shares between 0 and 1, please, not percentages.")
    if near(precision, pair[1]) or near(pair[0], recall):
        return Feedback(False, "one of the two is right; draw the six points and the balls again "
                        "for the other.")
    return Feedback(False, "draw the six points on a line, each real row's ball reaching its "
                    "nearest other real row, and count the generated rows inside any of them.")
