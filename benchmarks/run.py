"""`make bench`: measure the series against its budgets (issue 7).

    .venv/bin/python -m benchmarks.run              # everything, about 5 minutes on 2 cores
    .venv/bin/python -m benchmarks.run --skip install --repeats 1   # a quick look
    .venv/bin/python -m benchmarks.run --profile 07_gan             # why is it slow?

Writes benchmarks/results.md (the table CONTRIBUTING.md shows) and benchmarks/results.json
(every raw number), prints the table, replaces the table between CONTRIBUTING.md's
benchmark markers (report.TABLE_START/TABLE_END) where it has them, and
exits 1 when a budget is exceeded, naming it. A notebook over its time budget
is profiled once (cProfile, in its kernel) and the top of that profile printed
and kept in results.json.
"""

import argparse
import datetime
import importlib
import json
import statistics
import sys
from pathlib import Path

from benchmarks import budgets, report, system

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PROFILE_TOP = 25
DEFAULT_SEEDS = list(range(10))
PARTS = ("notebooks", *budgets.SEED_PARTS, "environment", "install")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def find_notebooks(names: list[str] | None) -> list[Path]:
    """The series' notebooks in order, or those whose file name starts with one of ``names``."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    return paths


def summarise_notebook(name: str, runs: list, floors: list, error: str | None) -> dict:
    """Per-notebook figures from its runs and the floor runs beside them."""
    entry: dict = {"name": name, "error": error,
                   "runs": [{"wall_s": r.wall_s, "startup_s": r.startup_s, "cell_s": r.cell_s,
                             "peak_rss_bytes": r.peak_rss_bytes} for r in runs],
                   "floor_runs": [{"wall_s": f.wall_s, "peak_rss_bytes": f.peak_rss_bytes}
                                  for f in floors]}
    if error or not runs:
        return entry
    entry["median_s"] = statistics.median(r.wall_s for r in runs)
    entry["peak_rss_max_bytes"] = max(r.peak_rss_bytes for r in runs)
    per_cell = zip(*(r.cell_s for r in runs), strict=True)  # same notebook, same cells
    entry["cell_median_s"] = [statistics.median(cells) for cells in per_cell]
    entry["floor_median_s"] = statistics.median(f.wall_s for f in floors) if floors else None
    return entry


def summarise_series(notebooks: list[dict]) -> dict:
    """Series total (sum of the notebooks' medians) next to the floor (sum of theirs)."""
    if not notebooks or any(nb.get("error") for nb in notebooks):
        return {"total_s": None, "floor_s": None, "ratio": None, "peak_rss_max_bytes": None}
    total = sum(nb["median_s"] for nb in notebooks)
    floor = sum(nb["floor_median_s"] for nb in notebooks)
    return {"total_s": total, "floor_s": floor, "ratio": total / floor,
            "peak_rss_max_bytes": max(nb["peak_rss_max_bytes"] for nb in notebooks)}


def to_profile(notebooks: list[dict], series: dict) -> list[str]:
    """Notebooks to profile: each over its own time budget; when the series is over
    its budget and no notebook is, the one that costs most above its floor."""
    measured = [nb for nb in notebooks if not nb.get("error")]
    over = [nb["name"] for nb in measured if nb["median_s"] > budgets.NOTEBOOK_SECONDS]
    if over or not measured or (series.get("total_s") or 0) <= budgets.SERIES_SECONDS:
        return over
    return [max(measured, key=lambda nb: nb["median_s"] - nb["floor_median_s"])["name"]]


def bench_notebooks(paths: list[Path], repeats: int) -> list[dict]:
    """Each notebook ``repeats`` times in fresh kernels, each run followed by a floor kernel.

    Rounds go over all notebooks before repeating, so a slow spell of the machine
    spreads over the notebooks instead of landing on one.
    """
    from nbclient.exceptions import CellExecutionError

    from benchmarks.kernels import run_notebook

    runs: dict[str, list] = {p.stem: [] for p in paths}
    floors: dict[str, list] = {p.stem: [] for p in paths}
    errors: dict[str, str] = {}
    for round_ in range(1, repeats + 1):
        for path in paths:
            if path.stem in errors:
                continue
            try:
                run = run_notebook(path, NOTEBOOKS)
            except (CellExecutionError, RuntimeError, TimeoutError) as exc:
                errors[path.stem] = f"{type(exc).__name__}: {exc}"
                log(f"[{round_}/{repeats}] {path.stem}: FAILED {errors[path.stem][:300]}")
                continue
            floor = run_notebook(None, NOTEBOOKS)
            runs[path.stem].append(run)
            floors[path.stem].append(floor)
            log(f"[{round_}/{repeats}] {path.stem}: {run.wall_s:.1f} s, "
                f"peak {run.peak_rss_bytes / budgets.MB:.0f} MB (floor {floor.wall_s:.1f} s)")
    return [summarise_notebook(p.stem, runs[p.stem], floors[p.stem], errors.get(p.stem))
            for p in paths]


def profile_notebook(path: Path) -> str:
    """Run ``path`` once under cProfile in its kernel; the slowest cells and the profile's top."""
    from benchmarks.kernels import run_notebook

    run = run_notebook(path, NOTEBOOKS, profile_top=PROFILE_TOP)
    slowest = sorted(enumerate(run.cell_s, 1), key=lambda c: -c[1])[:5]
    cells = ", ".join(f"cell {i}: {s:.1f} s" for i, s in slowest)
    return (f"{path.stem}: {run.wall_s:.1f} s under cProfile; slowest code cells: {cells}\n"
            f"{run.profile}")


def bench_environment(with_install: bool) -> dict:
    """Both environments the Makefile builds: `make lab`'s runtime-only venv and
    `make test`'s, which adds the test tools; with ``with_install``, each freshly
    installed and timed, else the project's `.venv` (the test one) measured as it is."""
    from benchmarks import environment

    if with_install:
        installs = []
        for spec, target in ((".", "make lab"), (".[dev]", "make test")):
            log(f"pip install -e '{spec}' into a new venv ...")
            installs.append({**environment.timed_install(ROOT, spec), "target": target})
        return {"installs": installs}
    return {"installs": [{**environment.sizes(ROOT / ".venv"), "target": "the project's .venv",
                          "command": None}]}


def measurement_command(args: argparse.Namespace) -> str:
    """The command that repeats these measurements: options that change only where
    results go (--out, --no-contributing) are left out, so a default run reads `make bench`."""
    flags = []
    if args.repeats != 3:
        flags.append(f"--repeats {args.repeats}")
    if args.notebooks:
        flags.append("--notebooks " + " ".join(args.notebooks))
    if args.skip:
        flags.append("--skip " + " ".join(args.skip))
    if args.seeds != DEFAULT_SEEDS:
        flags.append("--seeds " + " ".join(map(str, args.seeds)))
    return "make bench" if not flags else f"make bench BENCH_ARGS='{' '.join(flags)}'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per notebook (median)")
    parser.add_argument("--notebooks", nargs="*", metavar="PREFIX",
                        help="only notebooks whose name starts so, e.g. 06")
    parser.add_argument("--skip", nargs="*", default=[], choices=PARTS,
                        help="parts to leave out ('install': size .venv, time no install)")
    parser.add_argument("--seeds", nargs="+", type=int, default=DEFAULT_SEEDS,
                        help="seeds of the across-seed measurements (the GANs, the classifier)")
    parser.add_argument("--no-record", action="store_true",
                        help="leave helpers/data/measured_across_seeds.json alone")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks",
                        help="folder for results.md and results.json")
    parser.add_argument("--no-contributing", action="store_true",
                        help="leave CONTRIBUTING.md alone even where it has the benchmark markers")
    parser.add_argument("--from-json", type=Path, metavar="RESULTS_JSON",
                        help="measure nothing: re-render and re-check the results in that file")
    parser.add_argument("--profile", metavar="PREFIX",
                        help="only profile that notebook with cProfile and print the result")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    if args.profile:
        paths = find_notebooks([args.profile])
        if not paths:
            parser.error(f"no notebook starts with {args.profile!r}")
        print(profile_notebook(paths[0]))
        return 0

    if args.from_json:
        return finish(json.loads(args.from_json.read_text()), args)

    results: dict = {
        "command": measurement_command(args),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": system.machine(),
        "load_average_start": system.load_average(),
        "repeats": args.repeats,
    }
    log(f"Benchmarking on {report.machine_line(results['machine'])}; "
        f"load average {results['load_average_start']}")

    if "notebooks" not in args.skip:
        paths = find_notebooks(args.notebooks)
        if not paths:
            log(f"no notebooks found in {NOTEBOOKS}")
        results["notebooks"] = bench_notebooks(paths, args.repeats)
        results["series"] = summarise_series(results["notebooks"])
        results["profiles"] = {}
        for name in to_profile(results["notebooks"], results["series"]):
            log(f"{name} is over its time budget or the series' largest cost; profiling it ...")
            text = profile_notebook(NOTEBOOKS / f"{name}.ipynb")
            results["profiles"][name] = text
            log(text)
    for part in budgets.SEED_PARTS:
        if part in args.skip:
            continue
        import helpers

        helpers.setup()  # one torch thread, as in the notebooks
        log(f"{part}: seeds {args.seeds} ...")
        module = importlib.import_module(f"benchmarks.{part}")
        results[part] = module.measure(args.seeds, record=not args.no_record)
    if "environment" not in args.skip:
        results["environment"] = bench_environment("install" not in args.skip)
    results["load_average_end"] = system.load_average()
    return finish(results, args)


def finish(results: dict, args: argparse.Namespace) -> int:
    """Check the budgets, write results.json, results.md and CONTRIBUTING's table; the exit
    code."""
    checks = budgets.check(results)
    results["budgets"] = budgets.as_json(checks)
    markdown = report.render(results, checks)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "results.md").write_text("## Benchmarks\n\n" + markdown)
    print(markdown)
    contributing = ROOT / "CONTRIBUTING.md"
    if not args.no_contributing and contributing.exists():
        updated = report.replace_between_markers(contributing.read_text(), markdown)
        if updated is not None:
            contributing.write_text(updated)
            log("CONTRIBUTING.md: the table between the benchmark markers is updated.")
    failed = budgets.failures(checks)
    for check in failed:
        print(f"BUDGET EXCEEDED: {check.name}: {check.measured} (limit {check.limit})",
              file=sys.stderr)
    if not failed:
        print(f"All {len(checks)} budgets hold.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
