"""Shared code for the "From Tensors to GANs" notebook series.

Every notebook starts with ``helpers.setup()``; the modules hold what several
notebooks share (plots, widgets, self-checks) so each notebook can stay about
its own idea.
"""

from helpers.broadcasting import broadcast_explorer, explain_broadcast, plot_broadcast
from helpers.checks import check_function, check_number, check_tensor
from helpers.environment import (
    check_environment,
    default_device,
    seeded_generator,
    session_seed,
    setup,
)
from helpers.exercises import check_answer, exercise_ids
from helpers.feedback import Feedback
from helpers.graph import draw_graph, trace_graph
from helpers.shape_checks import check_shape
from helpers.tangent import tangent_explorer

__all__ = [
    "Feedback",
    "broadcast_explorer",
    "check_answer",
    "check_environment",
    "check_function",
    "check_number",
    "check_shape",
    "check_tensor",
    "default_device",
    "draw_graph",
    "exercise_ids",
    "explain_broadcast",
    "plot_broadcast",
    "seeded_generator",
    "session_seed",
    "setup",
    "tangent_explorer",
    "trace_graph",
]
