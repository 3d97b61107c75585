"""The series' budgets and the check of measured results against them."""

import importlib
from dataclasses import asdict, dataclass

NOTEBOOK_SECONDS = 30.0   # each notebook, fresh kernel, 2 cores
SERIES_SECONDS = 60.0     # all the notebooks together
PEAK_MB = 700.0           # kernel peak RSS; mybinder.org gives 1 GB for the whole session
MB = 1_000_000
# The parts measured over seeds: each is a module of benchmarks/ with measure(seeds, record),
# section(results) and checks(results).
SEED_PARTS = ("classifier", "gan", "digit_gan")


@dataclass(frozen=True)
class Check:
    """One budget: what was measured against what is allowed, and whether it holds."""

    name: str
    measured: str
    limit: str
    ok: bool


def _notebook_checks(notebooks: list[dict]) -> list[Check]:
    checks = []
    for nb in notebooks:
        if nb.get("error"):
            checks.append(Check(f"{nb['name']} executes", "error: " + nb["error"].splitlines()[0],
                                "no error", False))
            continue
        checks.append(Check(f"{nb['name']} time", f"{nb['median_s']:.1f} s",
                            f"≤ {NOTEBOOK_SECONDS:.0f} s", nb["median_s"] <= NOTEBOOK_SECONDS))
        peak_mb = nb["peak_rss_max_bytes"] / MB
        checks.append(Check(f"{nb['name']} peak memory", f"{peak_mb:.0f} MB",
                            f"≤ {PEAK_MB:.0f} MB", peak_mb <= PEAK_MB))
    return checks


def check(results: dict) -> list[Check]:
    """Every budget that applies to what ``results`` holds (skipped parts are not checked)."""
    checks: list[Check] = []
    notebooks = results.get("notebooks")
    if notebooks:
        checks += _notebook_checks(notebooks)
        series = results["series"]
        if series.get("total_s") is not None:
            checks.append(Check("series time", f"{series['total_s']:.1f} s",
                                f"≤ {SERIES_SECONDS:.0f} s", series["total_s"] <= SERIES_SECONDS))
    for part in SEED_PARTS:
        if results.get(part):
            # Imported here: each of these modules builds on this one's Check.
            checks += importlib.import_module(f"benchmarks.{part}").checks(results[part])
    return checks


def failures(checks: list[Check]) -> list[Check]:
    """The budgets that do not hold."""
    return [c for c in checks if not c.ok]


def as_json(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
