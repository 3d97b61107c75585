"""Reading a learner's answer in any of its usual forms (exercises of notebooks 04 and 05).

A number may come as an int, a float, a NumPy scalar or a one-element tensor; a
tuple as a list. These helpers turn each into one plain form and name a known
wrong value, so every checker accepts every valid form of a right answer.
"""

import math
import numbers

import numpy as np
import torch


def as_float(answer: object) -> float | None:
    """One number in any of its usual forms as a float; None when it is not one number."""
    if isinstance(answer, torch.Tensor):
        return float(answer.item()) if answer.numel() == 1 else None
    if isinstance(answer, np.ndarray):
        return float(answer.item()) if answer.size == 1 else None
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool | np.bool_):
        return float(answer)
    return None


def plain(answer: object) -> object:
    """NumPy numbers and 0-d arrays as Python numbers; anything else unchanged."""
    if isinstance(answer, np.generic | np.ndarray) and np.size(answer) == 1:
        return answer.item()
    return answer


def named_slip(value: float | None, slips: dict[float, str], rel_tol: float) -> str | None:
    """What the known wrong value ``value`` means, from ``slips``; None when it is none of them."""
    if value is None:
        return None
    for wrong, hint in slips.items():
        if math.isclose(value, wrong, rel_tol=rel_tol):
            return hint
    return None


# --- 04.1 -----------------------------------------------------------------------------------
