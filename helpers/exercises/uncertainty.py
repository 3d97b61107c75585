"""Exercises of notebook 06's sections on uncertainty and calibration (06.7, 06.8).

The checkers name the slips: the normal (Wald) interval for Wilson's, a 90 % quantile for
a 95 % one, the upper end for the lower, a percentage for a share; for the calibration
error, bins averaged without their weights, signed gaps that cancel, a sum not divided by
the number of images, the largest gap instead of the weighted one.
"""

import math

from helpers.checks import check_number
from helpers.exercises import exercise
from helpers.exercises.answers import as_float, named_slip
from helpers.feedback import Feedback

# Exercise 06.7: a test accuracy of CORRECT out of IMAGES.
CORRECT, IMAGES = 190, 200
# Exercise 06.8: per bin, (images, mean top-class confidence, accuracy).
CALIBRATION_BINS = ((20, 0.55, 0.65), (30, 0.78, 0.70), (150, 0.97, 0.94))
# Answers read off printed numbers may be rounded to three decimals.
THREE_DECIMALS = 0.0005


def _checked(answer: object, want: float, slips: dict[float, str], otherwise: str) -> Feedback:
    value = as_float(answer)
    if value is not None and math.isclose(value, want, rel_tol=0, abs_tol=THREE_DECIMALS):
        return check_number(value, want, rel_tol=0, abs_tol=THREE_DECIMALS)
    for wrong, hint in slips.items():
        if value is not None and math.isclose(value, wrong, rel_tol=0, abs_tol=THREE_DECIMALS):
            return Feedback(False, hint)
    verdict = check_number(answer if value is None else value, want, rel_tol=0,
                           abs_tol=THREE_DECIMALS, reveal=False)
    return verdict if value is None else Feedback(False, f"{verdict.message} {otherwise}")


@exercise("06.7")
def wilson_lower_end(answer: object) -> Feedback:
    """The lower end of the 95 % Wilson interval for 190 right out of 200."""
    # Imported here: helpers.uncertainty brings scikit-learn, which no other exercise needs.
    from helpers.uncertainty import wilson_interval

    low, high = wilson_interval(CORRECT, IMAGES, 0.95)
    share = CORRECT / IMAGES
    wald = share - 1.959964 * math.sqrt(share * (1 - share) / IMAGES)
    slips = {
        wald: "that is the normal (Wald) interval, p̂ − z·√(p̂(1−p̂)/n): Wilson's centre moves "
              "towards 1/2 and its width has the extra z²/4n² term.",
        wilson_interval(CORRECT, IMAGES, 0.90)[0]: "that is the 90 % interval (z = 1.645); "
                                                   "95 % uses z = 1.96.",
        high: "that is the upper end; the question asks for the lower one.",
        share: "that is the accuracy itself, the middle of the estimate, not an end of the "
               "interval.",
    }
    hint = named_slip(as_float(answer), {100 * low: "a share between 0 and 1, please, not a "
                                                    "percentage."}, rel_tol=1e-3)
    if hint:
        return Feedback(False, hint)
    return _checked(answer, low, slips, "Put k = 190, n = 200 and z = 1.96 into the formula of "
                    "section 13 (or call wilson_interval).")


@exercise("06.8")
def calibration_error_by_hand(answer: object) -> Feedback:
    """The expected calibration error of the three bins of CALIBRATION_BINS."""
    total = sum(images for images, _, _ in CALIBRATION_BINS)
    gaps = [(images, accuracy - confidence) for images, confidence, accuracy in CALIBRATION_BINS]
    want = sum(images * abs(gap) for images, gap in gaps) / total
    signed = sum(images * gap for images, gap in gaps) / total
    slips = {
        sum(abs(gap) for _, gap in gaps) / len(gaps):
            "that averages the three gaps as equals: weigh each by its share of the images "
            "(20, 30 and 150 of 200).",
        signed: "the signed gaps cancel (the first bin is under-confident, the others "
                "over-confident): take each gap's absolute value.",
        -signed: "the signed gaps cancel (the first bin is under-confident, the others "
                 "over-confident): take each gap's absolute value.",
        want * total: "that is the weighted sum: divide by the number of images, 200.",
        max(abs(gap) for _, gap in gaps): "that is the largest gap (the *maximum* calibration "
                                          "error); the expected one weighs every bin.",
    }
    return _checked(answer, want, slips, "For each bin: its share of the 200 images times "
                    "|accuracy − confidence|; then add the three.")
