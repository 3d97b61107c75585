"""Small checkers every public function of ``helpers`` uses at its boundary.

Each raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong
value) with a message naming the parameter, what was expected and what came, so a
learner's slip ends in one readable line rather than deep inside torch. Used by
every notebook's helpers; notebook 00 shows such a message.
"""

import math
import numbers
from collections.abc import Collection

import torch


def _came(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {tuple(value.shape)} tensor"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def flag(value: object, name: str) -> bool:
    """``value`` if it is ``True`` or ``False``: a string such as ``'no'`` would count as true."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {_came(value)}")
    return value


def integer(value: object, name: str, *, minimum: int | None = None) -> int:
    """``value`` as an int (not a bool, not a float), at least ``minimum`` when given."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {_came(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def positive_int(value: object, name: str) -> int:
    """``value`` if it is an int of at least 1 (a count, a size, a number of steps)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a positive int, got {_came(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return value


def number(
    value: object, name: str, *, minimum: float | None = None, maximum: float | None = None,
    strict: bool = False,
) -> float:
    """``value`` as a finite float within ``[minimum, maximum]`` (open at both ends if
    ``strict``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_came(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    low_fails = minimum is not None and (value <= minimum if strict else value < minimum)
    high_fails = maximum is not None and (value >= maximum if strict else value > maximum)
    if low_fails or high_fails:
        low = "" if minimum is None else f"{'above' if strict else 'at least'} {minimum:g}"
        high = "" if maximum is None else f"{'below' if strict else 'at most'} {maximum:g}"
        raise ValueError(f"{name} must be {' and '.join(p for p in (low, high) if p)}, "
                         f"got {value:g}")
    return float(value)


def text(value: object, name: str) -> str:
    """``value`` if it is a string (a title, a label, a name)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {_came(value)}")
    return value


def instance(value: object, name: str, kind: type | tuple[type, ...], what: str) -> object:
    """``value`` if it is an instance of ``kind``; ``what`` says it in words
    (``"a torch.nn.Module"``)."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {what}, got {_came(value)}")
    return value


def function(value: object, name: str) -> object:
    """``value`` if it can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {_came(value)}")
    return value


def one_of(value: object, name: str, choices: Collection[object]) -> object:
    """``value`` if it is one of ``choices``."""
    try:
        allowed = value in choices
    except TypeError:
        allowed = False
    if not allowed:
        raise ValueError(f"{name} must be one of {sorted(map(str, choices))}, got {_came(value)}")
    return value


def tensor(
    value: object, name: str, *, dim: int | None = None, columns: int | None = None,
    floating: bool = False, min_rows: int = 1,
) -> torch.Tensor:
    """``value`` if it is a tensor of ``dim`` dimensions, ``columns`` wide, with at least
    ``min_rows`` rows and, with ``floating``, a floating-point dtype."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {_came(value)}")
    if dim is not None and value.dim() != dim:
        raise ValueError(f"{name} must have {dim} dimension{'s' * (dim != 1)}, "
                         f"got shape {tuple(value.shape)}")
    if columns is not None and (value.dim() < 2 or value.shape[1] != columns):
        raise ValueError(f"{name} must have {columns} columns, got shape {tuple(value.shape)}")
    if value.dim() > 0 and len(value) < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} row{'s' * (min_rows != 1)}, "
                         f"got shape {tuple(value.shape)}")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must hold floating-point numbers, got {value.dtype}")
    return value


def device(value: object, name: str = "device") -> torch.device:
    """``value`` as a ``torch.device``: a device, a name such as ``"cpu"`` or ``"cuda:0"``, or
    ``None`` for ``helpers.default_device()`` (the accelerator when there is one)."""
    if value is None:
        from helpers.environment import default_device  # environment imports this module

        return default_device()
    if isinstance(value, torch.device):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be None, a torch.device or a name such as 'cpu' or 'cuda', "
                        f"got {_came(value)}")
    try:
        return torch.device(value)
    except RuntimeError:
        raise ValueError(f"{name} must name a device such as 'cpu', 'cuda', 'mps' or "
                         f"'cuda:0', got {value!r}") from None


def digit_images(value: object, name: str = "images") -> torch.Tensor:
    """``value`` if it is a float tensor of 8×8 digits shaped ``(N, 1, 8, 8)`` (notebook 06)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor shaped (N, 1, 8, 8), got {_came(value)}")
    if value.dim() != 4 or tuple(value.shape[1:]) != (1, 8, 8):
        raise ValueError(f"{name} must be shaped (N, 1, 8, 8), got {tuple(value.shape)}")
    if len(value) == 0:
        raise ValueError(f"{name} must hold at least one image, got shape {tuple(value.shape)}")
    if not value.dtype.is_floating_point:
        raise TypeError(f"{name} must be a float tensor (pixels in [0, 1]), got {value.dtype}")
    return value


def class_labels(value: object, n: int, name: str = "labels") -> torch.Tensor:
    """``value`` if it holds ``n`` class indices as ``torch.long``, shape ``(n,)`` (notebook 06)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of class indices, got {_came(value)}")
    if value.dtype != torch.long:
        raise TypeError(f"{name} must hold class indices as torch.long (int64), "
                        f"got {value.dtype}")
    if tuple(value.shape) != (n,):
        raise ValueError(f"{name} must be shaped ({n},), one class index per image, "
                         f"got {tuple(value.shape)}")
    return value
