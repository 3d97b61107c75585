"""Figures measured across seeds, for the claims a notebook cannot afford to re-run.

A notebook trains once, with the session's seed; what it says about *every* seed
(the range of a classifier's test accuracy, of a GAN's quality) comes from ten
runs that ``make bench`` measures and records in ``data/measured_across_seeds.json``.
A notebook prints them with ``measured_across_seeds(name).describe()``, and the
claims test (``pytest -m claims``) re-runs the seeds and checks the record, so a
printed range stays true. Introduced in notebook 06.
"""

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

MEASURED_PATH = Path(__file__).resolve().parent / "data" / "measured_across_seeds.json"


@dataclass(frozen=True)
class SeedRange:
    """One figure measured for several seeds (introduced in notebook 06).

    ``values[i]`` was measured with ``seeds[i]``; ``command`` says how to measure again.
    """

    name: str
    seeds: tuple[int, ...]
    values: tuple[float, ...]
    command: str = "make bench"

    def __post_init__(self) -> None:
        if not self.seeds or len(self.seeds) != len(self.values):
            raise ValueError(
                f"{self.name}: need one value per seed, got {len(self.values)} values for "
                f"seeds {list(self.seeds)}"
            )

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def seeds_text(self) -> str:
        """"seeds 0–9" for a contiguous range, else the list."""
        seeds = sorted(self.seeds)
        if seeds == list(range(seeds[0], seeds[-1] + 1)) and len(seeds) > 2:
            return f"seeds {seeds[0]}–{seeds[-1]}"
        return "seeds " + ", ".join(map(str, seeds))

    def describe(self, digits: int = 3, scale: float = 1.0, unit: str = "") -> str:
        """``"0.981–0.992 (median 0.987) over seeds 0–9"``; ``scale=100, unit=" %"`` gives
        ``"98.1–99.2 % (median 98.7 %) over seeds 0–9"``."""
        def number(value: float) -> str:
            return f"{value * scale:.{digits}f}"

        return (f"{number(self.low)}–{number(self.high)}{unit} "
                f"(median {number(self.median)}{unit}) over {self.seeds_text()}")


def _load(path: Path) -> dict:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def measured_across_seeds(name: str, path: Path = MEASURED_PATH) -> SeedRange:
    """The recorded figure ``name`` (introduced in notebook 06).

    Raises ``KeyError`` naming the recorded figures when there is none by that name.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    records = _load(Path(path))
    if name not in records:
        raise KeyError(f"no figure {name!r} is recorded; recorded: {sorted(records)}")
    entry = records[name]
    return SeedRange(name, tuple(entry["seeds"]), tuple(entry["values"]), entry["command"])


def record_across_seeds(record: SeedRange, path: Path = MEASURED_PATH) -> None:
    """Write (or replace) ``record`` in the file, keeping the other figures (notebook 06).

    Used by the benchmark; keys are sorted so the file's diff shows only what changed.
    """
    if not isinstance(record, SeedRange):
        raise TypeError(f"record must be a SeedRange, got {type(record).__name__}")
    path = Path(path)
    records = _load(path)
    records[record.name] = {"seeds": list(record.seeds), "values": list(record.values),
                            "command": record.command}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=1, sort_keys=True) + "\n", encoding="utf-8")
