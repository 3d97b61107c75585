"""The verdict an exercise check returns (introduced in notebook 01).

A ``Feedback`` is truthy when the answer is right and always carries a sentence
saying what was found, what was expected and, when a common slip explains the
gap, a hint. ``helpers.checks`` and ``helpers.shape_checks`` build them.
"""

from dataclasses import dataclass

# What every exercise says to a function that returned None: an untouched `...` body, or a
# missing `return`.
RETURNED_NONE = "your function returned None: is a `return` missing?"


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``passed`` and a message for the learner.

    Introduced in notebook 01. Displays as its message, so a check at the end
    of a cell shows the learner a sentence, not an object.
    """

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("Correct: " if self.passed else "Not yet: ") + self.message
