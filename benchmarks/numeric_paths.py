"""How much does a printed number or a recorded figure move with the machine's arithmetic?

    .venv/bin/python -m benchmarks.numeric_paths                  # every path, both parts
    .venv/bin/python -m benchmarks.numeric_paths --parts notebooks --paths native portable
    .venv/bin/python -m benchmarks.numeric_paths --parts seeds --record

A float32 result depends in its last bits on the kernels that computed it: the vector
width ATen dispatches to, the BLAS code path, the convolution's instruction set, how many
threads split a sum. Each *numeric path* below takes a different set of those on this one
machine, standing in for another CPU. For short computations that moves the last printed
digit; a long training run is chaotic and becomes, in effect, another run.

- ``notebooks``: every notebook executed once per path; for each number a cell prints,
  how far the path moved it from the stored output, against the tolerance nbval allows
  it (``tests/numeric_text.py``, or the cell's declared ``numeric_tolerance``). A
  tolerance must cover at least twice the largest move, and words and True/False must
  not move at all.
- ``seeds``: the across-seed experiments of ``make bench`` (``benchmarks.classifier``,
  ``benchmarks.gan``, ``benchmarks.digit_gan``) once per path, each path in its own
  process; with ``--record`` each path's per-seed values go into its row of
  ``helpers/data/measured_across_seeds.json``, whose envelope the notebooks print.

Writes ``benchmarks/numeric_paths.md`` (the report) and ``numeric_paths.json`` (raw
numbers); exits 1 when a tolerance is too tight or a cell's words changed on some path.
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PATH_VARIABLE = "SERIES_NUMERIC_PATH"
THREADS_VARIABLE = "SERIES_TORCH_THREADS"
SEED_PARTS = ("classifier", "gan", "digit_gan")
# A tolerance must cover this many times the largest move measured across paths.
COVER = 2.0
# Seconds belong to the machine, not to a numeric path (the portable kernels are slower): only
# the native path records them.
SECONDS_SUFFIXES = (".train_seconds", ".train_s")


@dataclass(frozen=True)
class NumericPath:
    """Environment variables (and a torch thread count) that select other kernels."""

    name: str
    text: str
    env: dict[str, str] = field(default_factory=dict)
    threads: int = 1


PATHS = {path.name: path for path in (
    NumericPath("native", "this CPU's own kernels (AVX-512 or AVX2 ATen, MKL's fastest BLAS)"),
    NumericPath("portable", "ATen's portable kernels, MKL's reproducible BLAS, SSE4.1 convolutions",
                {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE",
                 "ONEDNN_MAX_CPU_ISA": "SSE41"}),
    NumericPath("avx2", "an AVX2 machine's BLAS and convolutions (MKL and oneDNN capped at AVX2)",
                {"MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}),
    NumericPath("two_threads", "two torch threads instead of one (convolutions split their sums)",
                threads=2),
)}


def current_path() -> str:
    """The name of the path this process computes on (``native`` unless a tool set it)."""
    return os.environ.get(PATH_VARIABLE, "native")


def path_environment(path: NumericPath) -> dict[str, str]:
    """This process's environment with ``path``'s variables set (and its name, for records)."""
    return {**os.environ, **path.env, PATH_VARIABLE: path.name,
            THREADS_VARIABLE: str(path.threads)}


def hold_thread_count() -> None:
    """In a worker of the ``two_threads`` path: keep that many threads although
    ``helpers.setup()`` sets one (it must, for the notebooks; this path asks what a
    machine computing with two would draw)."""
    import torch

    threads = int(os.environ.get(THREADS_VARIABLE, "1"))
    if threads != 1:
        set_threads = torch.set_num_threads
        set_threads(threads)
        torch.set_num_threads = lambda _requested: set_threads(threads)


# --- seeds ---------------------------------------------------------------------------------------


def seeds_worker(parts: list[str], seeds: list[int], out: Path) -> None:
    """Run each part's ``measure`` on this process's path; write its records as JSON."""
    import importlib

    import helpers

    hold_thread_count()
    helpers.setup()
    records = []
    for part in parts:
        module = importlib.import_module(f"benchmarks.{part}")
        results = module.measure(seeds, record=False)
        records += [{"name": r.name, "seeds": list(r.seeds), "values": list(r.values),
                     "path": r.path} for r in module.seed_ranges(results)]
        print(f"[{current_path()}] {part} done", file=sys.stderr, flush=True)
    out.write_text(json.dumps(records))


def run_seeds(paths: list[NumericPath], parts: list[str], seeds: list[int], jobs: int,
              record: bool) -> dict[str, list[dict]]:
    """Each path's records, computed in parallel processes (one core each, ``jobs`` at once)."""
    from helpers.measured import SeedRange, record_across_seeds

    def one(path: NumericPath) -> list[dict]:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "records.json"
            command = [sys.executable, "-m", "benchmarks.numeric_paths", "--worker",
                       "--parts", *parts, "--seeds", *map(str, seeds), "--out", str(out)]
            subprocess.run(command, cwd=ROOT, env=path_environment(path), check=True)
            return json.loads(out.read_text())

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        by_path = dict(zip([p.name for p in paths], pool.map(one, paths), strict=True))
    if record:
        for records in by_path.values():
            for r in records:
                if keeps(r):
                    record_across_seeds(SeedRange(r["name"], tuple(r["seeds"]),
                                                  tuple(r["values"]), path=r["path"]))
    return by_path


def keeps(row: dict) -> bool:
    """Whether a path's row is recorded: seconds belong to the machine, so only the native
    path records them."""
    return row["path"] == "native" or not row["name"].endswith(SECONDS_SUFFIXES)


def seeds_section(by_path: dict[str, list[dict]]) -> list[str]:
    """Markdown: per figure, the range on each path and the largest move of one seed (seconds
    left out: paths measured side by side slow each other down)."""
    names = sorted({r["name"] for records in by_path.values() for r in records
                    if not r["name"].endswith(SECONDS_SUFFIXES)})
    table = {(path, r["name"]): r["values"] for path, records in by_path.items() for r in records}
    rows = ["| figure | " + " | ".join(by_path) + " | largest move of one seed |",
            "| --- |" + " ---: |" * (len(by_path) + 1)]
    for name in names:
        columns = [table.get((path, name)) for path in by_path]
        cells = [f"{min(v):.4g}–{max(v):.4g}" if v else "–" for v in columns]
        present = [v for v in columns if v]
        move = max(max(per_seed) - min(per_seed) for per_seed in zip(*present, strict=True))
        rows.append(f"| `{name}` | " + " | ".join(cells) + f" | {move:.4g} |")
    return ["## Figures over seeds, per numeric path", "",
            "Each cell: lowest–highest over the seeds on that path. The last column: the "
            "largest difference between two paths for one seed.", "", *rows, ""]


# --- notebooks -----------------------------------------------------------------------------------


def execute(notebook: Path, path: NumericPath) -> dict:
    """``notebook`` executed in a fresh kernel whose environment takes ``path``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    env = path_environment(path)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel(env=env)
    try:
        client.start_new_kernel_client()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    finally:
        client._cleanup_kernel()
    return nb


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def _texts(cell: dict) -> list[str]:
    """A cell's text outputs, a stream's pieces joined (a kernel may flush one print in several)."""
    texts = []
    streams: dict[str, int] = {}
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            if output["name"] in streams:
                texts[streams[output["name"]]] += _joined(output["text"])
            else:
                streams[output["name"]] = len(texts)
                texts.append(_joined(output["text"]))
        elif output.get("output_type") == "error":
            texts.append(f"{output['ename']}: {output['evalue']}")
        else:
            text = output.get("data", {}).get("text/plain")
            if text is not None:
                texts.append(_joined(text))
    return texts


def compare_cells(stored: dict, computed: dict) -> list[dict]:
    """Per code cell whose output moved: each number's move against its allowed tolerance."""
    sys.path.insert(0, str(ROOT / "tests"))
    from nbval_tolerance import declared_tolerance
    from numeric_text import (
        RELATIVE,
        UNITS_IN_LAST_DIGIT,
        is_integer,
        last_digit_unit,
        split_numbers,
    )

    moved = []
    code = 0
    for stored_cell, computed_cell in zip(stored["cells"], computed["cells"], strict=True):
        if stored_cell["cell_type"] != "code":
            continue
        code += 1
        if "nbval-ignore-output" in stored_cell.get("metadata", {}).get("tags", []):
            continue
        tolerance = declared_tolerance(stored_cell.get("metadata", {}))
        for old, new in zip(_texts(stored_cell), _texts(computed_cell), strict=False):
            if old == new:
                continue
            old_pieces, old_numbers = split_numbers(old)
            new_pieces, new_numbers = split_numbers(new)
            words_same = ([" ".join(p.split()) for p in old_pieces]
                          == [" ".join(p.split()) for p in new_pieces])
            entry = {"cell": code, "words_changed": not words_same, "numbers": []}
            if words_same:
                for left, right in zip(old_numbers, new_numbers, strict=True):
                    if is_integer(left) or is_integer(right):
                        if left.lstrip("+") != right.lstrip("+"):
                            entry["words_changed"] = True
                        continue
                    move = abs(float(left) - float(right))
                    allowed = max(UNITS_IN_LAST_DIGIT * last_digit_unit(left)
                                  + RELATIVE * abs(float(left)),
                                  tolerance.absolute + tolerance.relative * abs(float(left)))
                    if move:
                        entry["numbers"].append({"stored": left, "computed": right,
                                                 "move": move, "allowed": allowed})
            else:
                entry["stored"], entry["computed"] = old[:300], new[:300]
            moved.append(entry)
    return moved


def run_notebooks(paths: list[NumericPath], prefixes: list[str] | None) -> dict[str, dict]:
    """For each notebook, per path, the cells whose output moved."""
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    if prefixes:
        notebooks = [n for n in notebooks if any(n.name.startswith(p) for p in prefixes)]
    report: dict[str, dict] = {}
    for notebook in notebooks:
        stored = json.loads(notebook.read_text(encoding="utf-8"))
        report[notebook.stem] = {}
        for path in paths:
            if path.threads != 1:
                continue  # helpers.setup() runs every notebook on one thread
            computed = execute(notebook, path)
            report[notebook.stem][path.name] = compare_cells(stored, computed)
            print(f"{notebook.stem} on {path.name}: "
                  f"{len(report[notebook.stem][path.name])} cells moved", file=sys.stderr,
                  flush=True)
    return report


def too_tight(report: dict[str, dict]) -> list[str]:
    """Each cell whose words moved or whose tolerance covers less than COVER × its largest move."""
    problems = []
    for notebook, by_path in report.items():
        cells: dict[int, dict] = {}
        for path, moved in by_path.items():
            for entry in moved:
                cell = cells.setdefault(entry["cell"], {"paths": [], "move": 0.0, "allowed": 0.0,
                                                        "words": []})
                if entry["words_changed"]:
                    cell["words"].append(path)
                for number in entry["numbers"]:
                    if number["move"] / number["allowed"] > cell["move"] / max(cell["allowed"],
                                                                               1e-300):
                        cell["move"], cell["allowed"] = number["move"], number["allowed"]
                cell["paths"].append(path)
        for index, cell in sorted(cells.items()):
            if cell["words"]:
                problems.append(f"{notebook} code cell {index}: words or integers change on "
                                f"{', '.join(cell['words'])}")
            elif cell["allowed"] and COVER * cell["move"] > cell["allowed"]:
                problems.append(f"{notebook} code cell {index}: a number moves by "
                                f"{cell['move']:.3g}, tolerance {cell['allowed']:.3g} "
                                f"< {COVER:g}× that")
    return problems


def notebooks_section(report: dict[str, dict]) -> list[str]:
    rows = ["| notebook | path | cells whose output moved | largest move / allowed |",
            "| --- | --- | ---: | ---: |"]
    for notebook, by_path in report.items():
        for path, moved in by_path.items():
            ratios = [n["move"] / n["allowed"] for e in moved for n in e["numbers"]]
            worst = f"{max(ratios):.2f}" if ratios else "–"
            rows.append(f"| {notebook} | {path} | {len(moved)} | {worst} |")
    return ["## Notebooks, per numeric path", "",
            f"Each notebook executed once per path and compared with its stored outputs. A "
            f"tolerance must cover {COVER:g}× the largest move (ratio ≤ {1 / COVER:g}).", "",
            *rows, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.numeric_paths",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--paths", nargs="+", choices=list(PATHS), default=list(PATHS))
    parser.add_argument("--parts", nargs="+", choices=["notebooks", "seeds", *SEED_PARTS],
                        default=["notebooks", "seeds"])
    parser.add_argument("--notebooks", nargs="*", metavar="PREFIX")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(range(10)))
    parser.add_argument("--jobs", type=int, default=2, help="paths measured at once")
    parser.add_argument("--record", action="store_true",
                        help="write each path's row into helpers/data/measured_across_seeds.json")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    args = parser.parse_args(argv)
    seed_parts = [p for p in SEED_PARTS if p in args.parts or "seeds" in args.parts]
    if args.worker:
        seeds_worker(seed_parts, args.seeds, args.out)
        return 0
    paths = [PATHS[name] for name in args.paths]
    results: dict = {"paths": {p.name: p.text for p in paths}}
    lines = ["# Numeric paths", "",
             *[f"- `{p.name}`: {p.text}" for p in paths], ""]
    problems: list[str] = []
    if seed_parts:
        results["seeds"] = run_seeds(paths, seed_parts, args.seeds, args.jobs, args.record)
        lines += seeds_section(results["seeds"])
    if "notebooks" in args.parts:
        results["notebooks"] = run_notebooks(paths, args.notebooks)
        lines += notebooks_section(results["notebooks"])
        problems = too_tight(results["notebooks"])
        lines += ["## Tolerances that do not cover the spread", "",
                  *([f"- {p}" for p in problems] or ["None."]), ""]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "numeric_paths.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "numeric_paths.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
