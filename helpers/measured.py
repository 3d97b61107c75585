"""Figures measured across seeds and numeric paths, for the claims a notebook cannot re-run.

A notebook trains once, with the session's seed; what it says about *every* seed
(the range of a classifier's test accuracy, of a GAN's quality) comes from ten
runs per seed that ``make bench`` measures and records in
``data/measured_across_seeds.json``. A long training run is chaotic: a change in
the last bit of one sum (another CPU's vector width, another BLAS kernel, another
thread count) sends it elsewhere, so each seed's outcome is a draw that depends
on the machine. The record therefore keeps one row of per-seed values for each
*numeric path* the runs were repeated on (``python -m benchmarks.numeric_paths``),
and what a notebook prints is the envelope over seeds and paths. The claims test
(``pytest -m claims``) re-runs the seeds and checks that a fresh run falls inside
that envelope. Introduced in notebook 06.
"""

import json
import math
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from helpers import arguments

MEASURED_PATH = Path(__file__).resolve().parent / "data" / "measured_across_seeds.json"
DEFAULT_PATH = "native"


def _seeds_text(seeds: tuple[int, ...]) -> str:
    ordered = sorted(seeds)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"seeds {ordered[0]}–{ordered[-1]}"
    return "seeds " + ", ".join(map(str, ordered))


@dataclass(frozen=True)
class SeedRange:
    """One figure measured for several seeds on one numeric path (introduced in notebook 06).

    ``values[i]`` was measured with ``seeds[i]``; ``path`` names the numeric path
    (``"native"``: the CPU's own kernels); ``command`` says how to measure again.
    """

    name: str
    seeds: tuple[int, ...]
    values: tuple[float, ...]
    command: str = "make bench"
    path: str = DEFAULT_PATH

    def __post_init__(self) -> None:
        arguments.text(self.name, "name")
        arguments.text(self.command, "command")
        for field_name in ("seeds", "values"):
            arguments.instance(getattr(self, field_name), field_name, tuple, "a tuple")
        if not self.seeds or len(self.seeds) != len(self.values):
            raise ValueError(
                f"{self.name}: need one value per seed, got {len(self.values)} values for "
                f"seeds {list(self.seeds)}"
            )
        if not isinstance(self.path, str) or not self.path:
            raise ValueError(f"{self.name}: path must be a non-empty str, got {self.path!r}")


@dataclass(frozen=True)
class Envelope:
    """A recorded figure over seeds and numeric paths (introduced in notebook 06).

    ``by_path[path][i]`` was measured with ``seeds[i]`` on that path. ``low``,
    ``high`` and ``median`` pool every seed of every path: a run on another
    machine is one more draw from the same spread.
    """

    name: str
    seeds: tuple[int, ...]
    by_path: dict[str, tuple[float, ...]]
    command: str = "make bench"

    def __post_init__(self) -> None:
        if not self.by_path:
            raise ValueError(f"{self.name}: need values for at least one numeric path")
        for path, values in self.by_path.items():
            if len(values) != len(self.seeds):
                raise ValueError(f"{self.name}: path {path!r} has {len(values)} values for "
                                 f"{len(self.seeds)} seeds")

    @property
    def values(self) -> tuple[float, ...]:
        """Every value, path after path."""
        return tuple(value for values in self.by_path.values() for value in values)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.by_path)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def count(self, holds: Callable[[float], bool]) -> tuple[int, int]:
        """The fewest and the most seeds, over the paths, whose value ``holds``."""
        counts = [sum(bool(holds(value)) for value in values) for values in self.by_path.values()]
        return min(counts), max(counts)

    def seeds_text(self) -> str:
        """"seeds 0–9" for a contiguous range, else the list."""
        return _seeds_text(self.seeds)

    def where(self) -> str:
        """"seeds 0–9 on 4 numeric paths" (or "seeds 0–9" when only one path is recorded)."""
        paths = len(self.by_path)
        return self.seeds_text() + (f" on {paths} numeric paths" if paths > 1 else "")

    def describe(self, digits: int = 3, scale: float = 1.0, unit: str = "") -> str:
        """``"0.981–0.992 (median 0.987) over seeds 0–9 on 4 numeric paths"``; ``scale=100,
        unit=" %"`` gives ``"98.1–99.2 % (median 98.7 %) over ..."``."""
        def number(value: float) -> str:
            return f"{value * scale:.{digits}f}"

        return (f"{number(self.low)}–{number(self.high)}{unit} "
                f"(median {number(self.median)}{unit}) over {self.where()}")

    def admits(self, value: float, slack: float = 0.5, absolute: float = 0.0) -> bool:
        """Whether a fresh draw ``value`` lies in the envelope widened on each side by
        ``slack`` times its width plus ``absolute`` (used by the claims tests)."""
        margin = slack * (self.high - self.low) + absolute
        return math.isfinite(value) and self.low - margin <= value <= self.high + margin


def _path(path: object) -> Path:
    return Path(arguments.instance(path, "path", str | Path, "a path to the record"))


def _load(path: Path) -> dict:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def measured_across_seeds(name: str, path: Path = MEASURED_PATH) -> Envelope:
    """The recorded figure ``name`` over seeds and numeric paths (introduced in notebook 06).

    Raises ``ValueError`` naming the recorded figures when there is none by that name.
    """
    arguments.text(name, "name")
    records = _load(_path(path))
    if name not in records:
        raise ValueError(f"name must be a recorded figure: no figure {name!r} is recorded; "
                         f"recorded: {sorted(records)}")
    entry = records[name]
    by_path = {key: tuple(values) for key, values in entry["paths"].items()}
    return Envelope(name, tuple(entry["seeds"]), by_path, entry["command"])


def print_measured(rows: Mapping[str, tuple], path: Path = MEASURED_PATH) -> None:
    """Print one line per recorded figure, its label and then its envelope (notebook 06).

    ``rows`` maps a label to ``(name, digits)`` or ``(name, digits, scale, unit)``: the figure's
    name for ``measured_across_seeds`` and the arguments of ``Envelope.describe``. The labels are
    padded to one width, so the envelopes line up.
    """
    if not isinstance(rows, Mapping) or not rows:
        raise TypeError(f"rows must be a non-empty dict label -> (name, digits[, scale, unit]), "
                        f"got {rows!r}")
    _path(path)
    width = max(len(label) for label in rows) + 1
    for label, row in rows.items():
        if not isinstance(row, tuple) or len(row) not in (2, 4):
            raise ValueError(f"row {label!r} must be (name, digits) or (name, digits, scale, "
                             f"unit), got {row!r}")
        name, *style = row
        print(f"{label + ':':<{width}} {measured_across_seeds(name, path).describe(*style)}")


def record_across_seeds(record: SeedRange, path: Path = MEASURED_PATH) -> None:
    """Write (or replace) one path's row of ``record.name``, keeping the other paths and
    figures (notebook 06). Rows of other seeds than ``record.seeds`` are dropped.

    Used by the benchmark; keys are sorted so the file's diff shows only what changed.
    """
    if not isinstance(record, SeedRange):
        raise TypeError(f"record must be a SeedRange, got {type(record).__name__}")
    path = _path(path)
    records = _load(path)
    entry = records.get(record.name, {})
    rows = entry.get("paths", {}) if entry.get("seeds") == list(record.seeds) else {}
    rows[record.path] = list(record.values)
    records[record.name] = {"seeds": list(record.seeds), "paths": rows, "command": record.command}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")
