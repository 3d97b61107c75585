"""Broadcasting, dimension by dimension: explain, draw and explore (notebook 01).

The rule: line the two shapes up from the right; at each position the sizes
must be equal or one of them must be 1 (which is stretched); a missing leading
dimension counts as 1. The result takes the larger size at each position.
"""

import html
import numbers
import re
import unicodedata

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import arguments
from helpers.widgets import Explorer

STRETCHED_COLOR = "#f6c667"
KEPT_COLOR = "#9ecae1"
CLASH_COLOR = "#f28e8e"
MISSING_COLOR = "#eeeeee"
MAX_DRAWN_DIMS = 12
LARGEST_SIZE = 2**63 - 1  # torch stores sizes as signed 64-bit integers

# NFKC turns full-width digits, commas, brackets and the ideographic space into ASCII;
# the enumeration comma of Chinese text has no ASCII twin there, and reads as a comma.
_IDEOGRAPHIC_COMMA = "\u3001"
_EXAMPLE = "write sizes separated by commas, like '2, 3'"


def _size_of(part: str, text: str) -> int:
    if re.fullmatch(r"[0-9]+", part):
        if int(part) > LARGEST_SIZE:
            raise ValueError(f"{part} in {text!r} is too large: sizes stop at 2**63 - 1")
        return int(part)
    if re.fullmatch(r"[-+]?[0-9]+", part):
        raise ValueError(
            f"{part} in {text!r} is not a size: sizes are whole numbers >= 0 "
            "(view()'s -1 means 'work it out', a shape has no such size)"
        )
    if re.fullmatch(r"[-+]?[0-9]*\.[0-9]+|[-+]?[0-9]+\.", part):
        raise ValueError(f"{part} in {text!r} is not a size: sizes are whole numbers, like 2")
    raise ValueError(f"could not read {text!r} as a shape: {part!r} is not a size; {_EXAMPLE}")


def parse_shape(text: str) -> tuple[int, ...]:
    """Read a shape typed by a learner: "2, 3", "(2, 3)", "[2, 3]", "2 3", "3," or "()".

    Introduced in notebook 01, where the broadcasting explorer reads its boxes
    with it. What ``print(x.shape)`` shows, ``torch.Size([2, 3])``, is read
    too. Full-width digits, commas, brackets and spaces (as a Chinese input
    method types them: '３，２', '（3，2）', '3、2') are read like their ASCII
    twins. ``()`` is the shape of a scalar (a 0-d tensor). Anything else, an
    empty text included, raises ``ValueError`` with a message that says what to
    change.
    """
    if not isinstance(text, str):
        raise TypeError(f"shape text must be a str like '2, 3', got {type(text).__name__}")
    inner = unicodedata.normalize("NFKC", text).replace(_IDEOGRAPHIC_COMMA, ",").strip()
    if not inner:
        raise ValueError(f"the box is empty: {_EXAMPLE}, or '()' for a scalar (a 0-d tensor)")
    if re.match(r"(torch\s*\.\s*)?Size\b", inner):  # what print(x.shape) shows, copied
        size = re.fullmatch(r"(?:torch\s*\.\s*)?Size\s*\((.*)\)", inner, flags=re.DOTALL)
        if size is None:
            raise ValueError(
                f"could not read {text!r} as a shape: type just the sizes, like '3, 2' "
                "(torch.Size([3, 2]) works too, with both brackets closed)"
            )
        inner = size.group(1).strip()
        if not inner:
            return ()
    closing = {"(": ")", "[": "]"}
    if inner[0] in closing:
        if not inner.endswith(closing[inner[0]]):
            raise ValueError(
                f"in {text!r} the bracket {inner[0]!r} is not closed: "
                f"write '(2, 3)' or just '2, 3'"
            )
        inner = inner[1:-1].strip()
    elif inner[-1] in ")]":
        raise ValueError(f"in {text!r} the bracket {inner[-1]!r} was never opened: {_EXAMPLE}")
    if not inner:
        return ()
    if inner.endswith(","):  # Python writes a 1-d shape as (3,)
        inner = inner[:-1].rstrip()
    parts = re.split(r"\s*,\s*|\s+", inner)
    if "" in parts:
        raise ValueError(
            f"in {text!r} there is a comma with no size next to it: {_EXAMPLE}"
        )
    return tuple(_size_of(part, text) for part in parts)


def _aligned(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> list[tuple[int | None, ...]]:
    ndim = max(len(shape_a), len(shape_b))
    pad_a = (None,) * (ndim - len(shape_a)) + tuple(shape_a)
    pad_b = (None,) * (ndim - len(shape_b)) + tuple(shape_b)
    return list(zip(pad_a, pad_b, strict=True))


def _broadcast_size(a: int | None, b: int | None) -> int:
    """The size one aligned position takes (assuming it does not clash)."""
    if a is None or a == 1:
        return 1 if b is None else b
    return a


def _check_shape_arg(shape: object, name: str) -> tuple[int, ...]:
    expected = f"{name} must be a shape such as (3, 1): a tuple of ints or a torch.Size"
    if isinstance(shape, torch.Tensor):
        raise TypeError(f"{expected}, got a tensor: pass its .shape")
    if isinstance(shape, str):
        raise TypeError(f"{expected}, got the text {shape!r}: parse_shape({shape!r}) reads it")
    if isinstance(shape, numbers.Integral):
        raise TypeError(f"{expected}, got the int {shape}: a 1-d shape is written ({shape},)")
    if not isinstance(shape, tuple | list | torch.Size):
        raise TypeError(f"{expected}, got {type(shape).__name__} {shape!r}")
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in shape):
        raise TypeError(f"{expected}, got {shape!r}: every size must be an int")
    sizes = tuple(int(d) for d in shape)
    if any(d < 0 for d in sizes):
        raise ValueError(f"{name}: sizes must be >= 0, got {sizes}")
    if any(d > LARGEST_SIZE for d in sizes):
        raise ValueError(f"{name}: sizes must be at most 2**63 - 1, got {sizes}")
    return sizes


def explain_broadcast(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> str:
    """Return a small table that lines the shapes up from the right, and the verdict.

    Introduced in notebook 01. The verdict names the result shape, computed by
    ``torch.broadcast_shapes``, or the first dimension that clashes.
    """
    shape_a = _check_shape_arg(shape_a, "shape_a")
    shape_b = _check_shape_arg(shape_b, "shape_b")
    pairs = _aligned(shape_a, shape_b)
    ndim = len(pairs)
    header = ["dim"] + [str(i - ndim) for i in range(ndim)]

    def row(label: str, sizes: list[object]) -> list[str]:
        return [label] + ["-" if s is None else str(s) for s in sizes]

    rows = [header, row("A", [a for a, _ in pairs]), row("B", [b for _, b in pairs])]
    try:
        result = tuple(torch.broadcast_shapes(shape_a, shape_b))
        rows.append(row("result", list(result)))
        verdict = f"{shape_a} and {shape_b} broadcast to {result}"
    except RuntimeError:
        clash = next(
            i - ndim
            for i, (a, b) in reversed(list(enumerate(pairs)))
            if a is not None and b is not None and a != b and 1 not in (a, b)
        )
        a, b = pairs[clash + ndim]
        verdict = f"cannot broadcast: at dim {clash} the sizes are {a} and {b}, and neither is 1"
    width = max(len(cell) for r in rows for cell in r) + 2
    table = "\n".join("".join(cell.rjust(width) for cell in r) for r in rows)
    return f"{table}\n{verdict}"


def plot_broadcast(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> Figure:
    """Draw the two shapes lined up from the right, one box per dimension.

    Introduced in notebook 01. Blue: the size is kept; yellow: a size 1 (or a
    missing dimension, grey) is stretched to match; red: the sizes clash. Up to
    ``MAX_DRAWN_DIMS`` dimensions fit the picture; more raise ``ValueError``
    (``explain_broadcast`` writes any number).
    """
    shape_a = _check_shape_arg(shape_a, "shape_a")
    shape_b = _check_shape_arg(shape_b, "shape_b")
    pairs = _aligned(shape_a, shape_b)
    if len(pairs) > MAX_DRAWN_DIMS:
        raise ValueError(
            f"the picture fits up to {MAX_DRAWN_DIMS} dimensions, these shapes have "
            f"{len(pairs)}: explain_broadcast writes the alignment as a table"
        )
    ndim = max(len(pairs), 1)
    figure, axes = plt.subplots(figsize=(1.2 * ndim + 1.8, 2.2))
    for column, (a, b) in enumerate(pairs):
        clash = a is not None and b is not None and a != b and 1 not in (a, b)
        target = _broadcast_size(a, b)
        for line, size in ((2, a), (1, b)):
            if clash:
                color = CLASH_COLOR
            elif size is None:
                color = MISSING_COLOR
            elif size != target:
                color = STRETCHED_COLOR
            else:
                color = KEPT_COLOR
            text = "(1)" if size is None else str(size)
            if size != target and not clash:
                text += f"→{target}"
            axes.add_patch(Rectangle((column, line), 0.9, 0.8, color=color))
            axes.text(column + 0.45, line + 0.4, text, ha="center", va="center")
        result = "✗" if clash else str(target)
        axes.text(column + 0.45, 0.4, result, ha="center", va="center", fontweight="bold")
    for line, label in ((2, "A"), (1, "B"), (0, "result")):
        axes.text(-0.1, line + 0.4, label, ha="right", va="center")
    axes.set_xlim(-1.2, ndim)
    axes.set_ylim(-0.1, 3)
    axes.axis("off")
    axes.set_title("shapes lined up from the right")
    return figure


class BroadcastExplorer(Explorer):
    """Two boxes for shapes; shows the result shape or why it fails (notebook 01).

    The picture is left out beyond ``MAX_DRAWN_DIMS`` dimensions; the verdict is not.
    """

    def __init__(self, shape_a: str = "1, 2", shape_b: str = "3, 1") -> None:
        arguments.text(shape_a, "shape_a")
        arguments.text(shape_b, "shape_b")
        self.box_a = widgets.Text(value=shape_a, description="shape A", continuous_update=False)
        self.box_b = widgets.Text(value=shape_b, description="shape B", continuous_update=False)
        super().__init__([self.box_a, self.box_b])

    def update(self) -> None:
        """Read both boxes; show the verdict and the picture, or what to change and no picture."""
        shapes = []
        for label, box in (("shape A", self.box_a), ("shape B", self.box_b)):
            try:
                shapes.append(parse_shape(box.value))
            except ValueError as error:
                self._refuse(f"{label}: {error}")
                return
        verdict = explain_broadcast(*shapes).splitlines()[-1]
        ndim = max(len(shape) for shape in shapes)
        if ndim > MAX_DRAWN_DIMS:
            self.show(
                f"{verdict}. (No picture: it fits up to {MAX_DRAWN_DIMS} dimensions, these "
                f"shapes have {ndim}.)",
                None,
            )
            return
        self.show(verdict, plot_broadcast(*shapes))

    def _refuse(self, message: str) -> None:
        # The message quotes what the learner typed: escape it, the readout is HTML.
        self.show(html.escape(message, quote=False), None)


def broadcast_explorer(shape_a: str = "1, 2", shape_b: str = "3, 1") -> BroadcastExplorer:
    """Build the broadcasting explorer, starting from the seed's (1, 2) + (3, 1).

    Introduced in notebook 01: type two shapes, press Enter, read the verdict.
    """
    return BroadcastExplorer(shape_a, shape_b)
