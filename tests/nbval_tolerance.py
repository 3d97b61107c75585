"""A pytest plugin over nbval: numbers match to the precision they were printed with.

nbval stays the runner of every notebook and the judge of every output. Before
nbval compares a cell's outputs, this plugin pairs each computed text output
with the stored one (same output type, same stream, in order) and, where
``numeric_text.same_within_tolerance`` says they agree, hands nbval the stored
text in place of the computed one. Any other difference reaches nbval untouched,
so its report shows it as usual.

A cell that reports the outcome of a long stochastic run may widen the tolerance
in its metadata (CONTRIBUTING.md says when), with the reason beside it::

    "numeric_tolerance": {"absolute": 0.02, "why": "3000 GAN steps: ..."}

The root ``conftest.py`` loads this plugin, so it applies however pytest is
started: ``make test``, or ``.venv/bin/pytest notebooks/01_tensors.ipynb``.
"""

import copy
from collections import defaultdict

from nbval.plugin import IPyNbCell
from numeric_text import Tolerance, same_within_tolerance

METADATA_KEY = "numeric_tolerance"


def declared_tolerance(cell_metadata: dict) -> Tolerance:
    """The tolerance a cell declares in its metadata, or none; a malformed one is an error."""
    declared = cell_metadata.get(METADATA_KEY)
    if declared is None:
        return Tolerance()
    allowed = {"absolute", "relative", "why"}
    if not isinstance(declared, dict) or not set(declared) <= allowed or not declared.get("why"):
        raise ValueError(
            f"cell metadata {METADATA_KEY!r} must be a dict with 'absolute' and/or 'relative' "
            f"and a 'why', got {declared!r}"
        )
    return Tolerance(float(declared.get("absolute", 0.0)), float(declared.get("relative", 0.0)))


def _text_fields(output: dict) -> dict[str, dict]:
    """Each text an output holds that nbval compares: its key and the dict holding it."""
    kind = output.get("output_type")
    if kind == "stream":
        return {"text": output}
    if kind == "error":
        return {"evalue": output}
    data = output.get("data", {})
    return {key: data for key in data if key.startswith("text/")}


def _by_kind(outputs: list) -> dict[tuple, list]:
    grouped = defaultdict(list)
    for output in outputs:
        grouped[(output.get("output_type"), output.get("name"))].append(output)
    return grouped


def snap_to_stored(computed: list, stored: list, sanitize, tolerance: Tolerance) -> list:
    """A copy of ``computed`` in which each text that agrees with its stored
    counterpart within tolerance is replaced by the stored text."""
    computed = copy.deepcopy(computed)
    stored_groups = _by_kind(stored)
    for key, outputs in _by_kind(computed).items():
        for output, reference in zip(outputs, stored_groups.get(key, []), strict=False):
            stored_fields = _text_fields(reference)
            for field, container in _text_fields(output).items():
                if field not in stored_fields:
                    continue
                mine, theirs = container[field], stored_fields[field][field]
                if same_within_tolerance(sanitize(theirs), sanitize(mine), tolerance):
                    container[field] = theirs
    return computed


class TolerantCell(IPyNbCell):
    """nbval's notebook cell, comparing numbers to their printed precision."""

    def compare_outputs(self, test, ref, skip_compare=None):
        tolerance = declared_tolerance(self.cell.metadata)
        test = snap_to_stored(test, ref, self.sanitize, tolerance)
        return super().compare_outputs(test, ref, skip_compare)


def pytest_collection_modifyitems(items):
    # nbval builds its cells itself and offers no hook for the comparison, so each
    # collected cell is switched to the subclass; running it is left to nbval.
    for item in items:
        if type(item) is IPyNbCell:
            item.__class__ = TolerantCell
