"""Self-checked exercises, looked up by id (introduced in notebook 01).

Each notebook's exercises live in a module of this package (``tensors`` for
notebook 01, ...) and register themselves with ``@exercise("01.1")``; the id is
the notebook number and the exercise number. Every module here is imported on
first use, so adding a module is all it takes to add exercises.
"""

import importlib
import pkgutil
from collections.abc import Callable

from helpers.feedback import Feedback

_REGISTRY: dict[str, Callable[[object], Feedback]] = {}


def exercise(exercise_id: str) -> Callable[[Callable[[object], Feedback]], Callable]:
    """Register a checker under ``exercise_id`` ("NN.k"); used by the exercise modules."""
    if not isinstance(exercise_id, str) or exercise_id.count(".") != 1:
        raise ValueError(f"exercise id must look like '01.2', got {exercise_id!r}")

    def register(checker: Callable[[object], Feedback]) -> Callable[[object], Feedback]:
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id} is registered twice")
        _REGISTRY[exercise_id] = checker
        return checker

    return register


def _load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def exercise_ids() -> list[str]:
    """All registered exercise ids, sorted (introduced in notebook 01)."""
    _load_all()
    return sorted(_REGISTRY)


def check_answer(exercise_id: str, answer: object) -> Feedback:
    """Check a learner's answer to exercise ``exercise_id`` (introduced in notebook 01).

    Returns a ``Feedback`` that displays as a sentence: what is right, or what
    is wrong with a hint; the ``...`` placeholder of an exercise cell gets a
    reminder. An unknown id raises ``ValueError`` listing the known ones.
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str like '01.1', got {type(exercise_id).__name__}")
    _load_all()
    if exercise_id not in _REGISTRY:
        raise ValueError(f"unknown exercise {exercise_id!r}; known: {', '.join(sorted(_REGISTRY))}")
    if answer is Ellipsis:
        return Feedback(False, "replace the `...` with your answer, then run the cell again.")
    return _REGISTRY[exercise_id](answer)
