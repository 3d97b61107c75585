"""Do two printed outputs say the same thing, to the precision they were printed with?

nbval compares a cell's text outputs character by character. A float32 result
legitimately differs in its last bits between CPUs (vector width, the BLAS code
path), between x86 and ARM, and on a GPU; a number printed with 4 decimals can
then move by one unit in its last digit. ``same_within_tolerance`` says two texts
agree when they are equal once numbers are set aside and every pair of numbers
agrees within the precision the stored number was printed with:

- the words, punctuation, booleans and the count of numbers must be identical
  (runs of whitespace count as one space, and the padding beside a number is
  ignored, because column alignment follows a number's width);
- integers (no decimal point, no exponent) must be identical: they are counts,
  shapes, indices, epochs;
- a number with a decimal point or an exponent may differ by ``UNITS_IN_LAST_DIGIT``
  units of its last printed digit plus ``RELATIVE`` of its size, or by a wider
  tolerance the cell declares (see CONTRIBUTING.md).
"""

import math
import re
from dataclasses import dataclass

UNITS_IN_LAST_DIGIT = 2
RELATIVE = 1e-9

# A number stands alone: not glued to a word or to another number's digits ("float32", "w1",
# "2.13.0" after its first part are text). A sentence's full stop after it is allowed.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)")
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Tolerance:
    """Extra slack a cell may declare for the outcome of a long stochastic run.

    A number may then differ by ``absolute + relative * |stored value|`` when that is
    wider than the default.
    """

    absolute: float = 0.0
    relative: float = 0.0


def split_numbers(text: str) -> tuple[list[str], list[str]]:
    """The text around the numbers (one more piece than numbers) and the numbers."""
    pieces, numbers, start = [], [], 0
    for match in NUMBER.finditer(text):
        pieces.append(text[start:match.start()])
        numbers.append(match.group())
        start = match.end()
    pieces.append(text[start:])
    return pieces, numbers


def _normalised(piece: str, number_before: bool, number_after: bool) -> str:
    piece = WHITESPACE.sub(" ", piece)
    if number_before:
        piece = piece.lstrip()
    if number_after:
        piece = piece.rstrip()
    return piece


def is_integer(number: str) -> bool:
    """True for a number written without a decimal point or an exponent."""
    return not any(mark in number for mark in ".eE")


def last_digit_unit(number: str) -> float:
    """The value of one unit in the last printed digit: 0.01 for "1.23", 1e4 for "4.842e+07"."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def numbers_agree(stored: str, computed: str, tolerance: Tolerance = Tolerance()) -> bool:
    """Whether the number ``computed`` reproduces ``stored`` within the tolerances above."""
    if is_integer(stored) or is_integer(computed):
        return stored.lstrip("+") == computed.lstrip("+")
    reference, value = float(stored), float(computed)
    default = UNITS_IN_LAST_DIGIT * last_digit_unit(stored) + RELATIVE * abs(reference)
    declared = tolerance.absolute + tolerance.relative * abs(reference)
    return math.isclose(reference, value, rel_tol=0.0, abs_tol=max(default, declared))


def same_within_tolerance(stored: str, computed: str, tolerance: Tolerance = Tolerance()) -> bool:
    """Whether ``computed`` says what ``stored`` says, numbers compared within tolerance."""
    if stored == computed:
        return True
    stored_pieces, stored_numbers = split_numbers(stored)
    computed_pieces, computed_numbers = split_numbers(computed)
    if len(stored_numbers) != len(computed_numbers):
        return False
    last = len(stored_pieces) - 1
    for index, (left, right) in enumerate(zip(stored_pieces, computed_pieces, strict=True)):
        before, after = index > 0, index < last
        if _normalised(left, before, after) != _normalised(right, before, after):
            return False
    return all(
        numbers_agree(left, right, tolerance)
        for left, right in zip(stored_numbers, computed_numbers, strict=True)
    )
