"""Shared code for the "From Tensors to GANs" notebook series.

Every notebook starts with ``helpers.setup()``; the modules hold what several
notebooks share (plots, widgets, self-checks) so each notebook can stay about
its own idea.
"""

from helpers.checks import Feedback, check_function, check_number, check_shape, check_tensor
from helpers.environment import check_environment, setup
from helpers.exercises import check_answer, exercise_ids

__all__ = [
    "Feedback",
    "check_answer",
    "check_environment",
    "check_function",
    "check_number",
    "check_shape",
    "check_tensor",
    "exercise_ids",
    "setup",
]
