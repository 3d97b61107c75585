"""The benchmark's own logic (issue 7): readings, summaries, budgets, the report.

Nothing here times anything or executes a notebook; `make bench` does that.
"""

import subprocess
import sys
from pathlib import Path

import pytest

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import budgets, environment, report, system  # noqa: E402
from benchmarks.kernels import FLOOR_SOURCE, KernelRun, floor_notebook  # noqa: E402
from benchmarks.run import (  # noqa: E402
    measurement_command,
    summarise_notebook,
    summarise_series,
    to_profile,
)

MIB = 2**20


# --- /proc readings ---------------------------------------------------------------------------

def test_parse_vm_field_reads_kilobytes_as_bytes():
    text = "Name:\tpython\nVmPeak:\t  2000 kB\nVmHWM:\t   1500 kB\nVmRSS:\t    900 kB\n"
    assert system.parse_vm_field(text, "VmHWM") == 1500 * 1024
    assert system.parse_vm_field(text, "VmRSS") == 900 * 1024


def test_parse_vm_field_missing_field_raises():
    with pytest.raises(ValueError, match="VmHWM not found"):
        system.parse_vm_field("Name:\tpython\n", "VmHWM")


def test_peak_rss_rejects_bad_pid_and_missing_process(tmp_path):
    with pytest.raises(ValueError, match="positive int"):
        system.peak_rss_bytes(0)
    with pytest.raises(ValueError, match="positive int"):
        system.peak_rss_bytes(True)
    with pytest.raises(ProcessLookupError, match="no process 4242"):
        system.peak_rss_bytes(4242, proc=tmp_path)


def test_peak_rss_keeps_the_peak_after_memory_is_freed():
    """A child touches 64 MiB, frees it, and waits: its peak still counts the 64 MiB."""
    script = (
        "import sys\n"
        "block = b'x' * (64 * 2**20)\n"  # every page written, so resident
        "del block\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        peak = system.peak_rss_bytes(child.pid)
        now = system.parse_vm_field(Path(f"/proc/{child.pid}/status").read_text(), "VmRSS")
    finally:
        child.communicate("\n", timeout=10)
    assert peak >= 64 * MIB
    assert now < peak - 32 * MIB


def test_machine_names_cpu_cores_and_torch():
    machine = system.machine()
    assert machine["usable_cpus"] >= 1
    assert machine["torch"].startswith("2.")
    line = report.machine_line(machine)
    assert machine["cpu"] in line and f"torch {machine['torch']}" in line and "cores" in line


# --- disk usage ---------------------------------------------------------------------------

def test_disk_usage_counts_hard_links_once(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 100_000)
    single = environment.disk_usage_bytes(tmp_path)
    (tmp_path / "b").hardlink_to(tmp_path / "a")
    assert environment.disk_usage_bytes(tmp_path) == single
    assert single >= 100_000


def test_site_packages_missing_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="site-packages"):
        environment.site_packages(tmp_path)


# --- summaries ------------------------------------------------------------------------------

def _run(wall, cells, peak_mb):
    return KernelRun(wall_s=wall, startup_s=1.0, cell_s=cells, peak_rss_bytes=peak_mb * 10**6)


def test_summarise_notebook_medians_and_peak():
    runs = [_run(5.0, [1.0, 3.0], 300), _run(4.0, [1.0, 2.0], 320), _run(9.0, [2.0, 6.0], 310)]
    floors = [_run(2.0, [1.0], 250), _run(2.5, [1.0], 250), _run(2.2, [1.0], 250)]
    entry = summarise_notebook("01_tensors", runs, floors, None)
    assert entry["median_s"] == 5.0
    assert entry["floor_median_s"] == 2.2
    assert entry["peak_rss_max_bytes"] == 320 * 10**6  # the largest run, not the median
    assert entry["cell_median_s"] == [1.0, 3.0]
    assert len(entry["runs"]) == 3 and entry["error"] is None


def test_summarise_series_sums_medians_and_ratio():
    notebooks = [
        {"median_s": 10.0, "floor_median_s": 2.0, "peak_rss_max_bytes": 300},
        {"median_s": 20.0, "floor_median_s": 3.0, "peak_rss_max_bytes": 500},
    ]
    series = summarise_series(notebooks)
    assert series == {"total_s": 30.0, "floor_s": 5.0, "ratio": 6.0, "peak_rss_max_bytes": 500}


def test_summarise_series_with_a_failed_notebook_has_no_total():
    notebooks = [{"median_s": 10.0, "floor_median_s": 2.0, "peak_rss_max_bytes": 300},
                 {"error": "CellExecutionError: boom"}]
    assert summarise_series(notebooks)["total_s"] is None


def test_profile_notebooks_over_budget_else_the_costliest_when_the_series_is_over():
    def nb(name, median, floor=2.0):
        return {"name": name, "error": None, "median_s": median, "floor_median_s": floor}

    assert to_profile([nb("a", 31.0), nb("b", 29.0)], {"total_s": 60.0}) == ["a"]
    assert to_profile([nb("a", 25.0), nb("b", 28.0, floor=9.0), nb("c", 10.0)],
                      {"total_s": 63.0}) == ["a"]
    assert to_profile([nb("a", 25.0), nb("b", 28.0)], {"total_s": 53.0}) == []
    assert to_profile([{"name": "x", "error": "boom"}], {"total_s": None}) == []


def test_measurement_command_leaves_out_output_options():
    import argparse

    def ns(**kw):
        base = {"repeats": 3, "notebooks": None, "skip": [], "seeds": list(range(10))}
        return argparse.Namespace(**{**base, **kw})

    assert measurement_command(ns()) == "make bench"
    assert measurement_command(ns(repeats=1, skip=["install"], seeds=[0])) == (
        "make bench BENCH_ARGS='--repeats 1 --skip install --seeds 0'")


def test_floor_notebook_only_imports_and_sets_up():
    nb = floor_notebook()
    assert [c.cell_type for c in nb.cells] == ["code"]
    assert nb.cells[0].source == FLOOR_SOURCE
    assert "import torch, helpers" in FLOOR_SOURCE and "helpers.setup()" in FLOOR_SOURCE


# --- budgets --------------------------------------------------------------------------------

def _results(times=(5.0, 8.0), peaks=(300, 400), error=None):
    notebooks = [
        {"name": f"0{i}_nb", "error": None, "median_s": t, "floor_median_s": 2.0,
         "peak_rss_max_bytes": p * 10**6, "cell_median_s": [0.5, t - 2.5]}
        for i, (t, p) in enumerate(zip(times, peaks, strict=True))
    ]
    if error:
        notebooks.append({"name": "09_broken", "error": error})
    return {
        "command": "make bench", "date": "2026-11-22 08:00 UTC", "repeats": 3,
        "load_average_start": [0.1, 0.2, 0.3],
        "machine": {"cpu": "Test CPU", "logical_cpus": 2, "usable_cpus": 2,
                    "memory_bytes": 24 * 2**30, "os": "Linux", "python": "3.11.7",
                    "torch": "2.13.0+cpu"},
        "notebooks": notebooks,
        "series": summarise_series(notebooks),
        "environment": {"installs": [
            {"target": target, "venv_bytes": size, "torch_bytes": 0.8e9,
             "command": f"pip install --editable '{spec}'", "install_s": seconds,
             "warm_cache": True,
             "attempts": [{"install_s": seconds, "warm_cache": True, "cache_growth_bytes": 0}]}
            for target, spec, size, seconds in (("make lab", ".", 1.0e9, 30.0),
                                                ("make test", ".[dev]", 1.5e9, 42.0))]},
    }


def test_all_budgets_hold():
    checks = budgets.check(_results())
    assert len(checks) == 2 * 2 + 1  # time and memory per notebook, series
    assert budgets.failures(checks) == []


def test_slow_notebook_exceeds_its_budget():
    failed = budgets.failures(budgets.check(_results(times=(31.0, 5.0))))
    assert [c.name for c in failed] == ["00_nb time"]
    assert failed[0].measured == "31.0 s"


def test_series_over_its_budget_fails_although_each_notebook_holds():
    failed = budgets.failures(budgets.check(_results(times=(29.0, 29.0, 5.0),
                                                     peaks=(300, 300, 300))))
    assert [c.name for c in failed] == ["series time"]


def test_memory_over_700_mb_fails():
    failed = budgets.failures(budgets.check(_results(peaks=(300, 701))))
    assert [c.name for c in failed] == ["01_nb peak memory"]


def test_failed_notebook_fails_a_budget_and_the_series_has_no_total():
    checks = budgets.check(_results(error="CellExecutionError: NameError\nmore"))
    failed = budgets.failures(checks)
    assert [c.name for c in failed] == ["09_broken executes"]
    assert failed[0].measured == "error: CellExecutionError: NameError"
    assert "series time" not in [c.name for c in checks]


def test_skipped_parts_are_not_checked():
    results = _results()
    del results["notebooks"]
    assert budgets.check(results) == []


# --- the report -------------------------------------------------------------------------------

def test_report_has_machine_tables_and_verdicts():
    results = _results()
    markdown = report.render(results, budgets.check(results))
    assert "Test CPU, 2 cores, 24 GiB RAM, Linux, Python 3.11.7, torch 2.13.0+cpu" in markdown
    assert "| `00_nb` | 5.0 | 2.0 | 300 | 2: 2.5 s, 1: 0.5 s |" in markdown
    assert "| **series** | **13.0** | **4.0** | 400 | 3.25× the floor |" in markdown
    assert "| torch alone | 0.80 GB |" in markdown
    assert "| make lab: venv, installed size | 1.00 GB |" in markdown
    assert "| make test: venv, installed size | 1.50 GB |" in markdown
    assert "| make test: `pip install --editable '.[dev]'` into a new venv (warm pip cache) " \
           "| 42 s |" in markdown
    assert "### Budgets: 5 of 5 hold" in markdown
    assert "EXCEEDED" not in markdown


def test_report_marks_exceeded_budgets():
    results = _results(times=(45.0, 5.0))
    markdown = report.render(results, budgets.check(results))
    assert "| 00_nb time | 45.0 s | ≤ 30 s | **EXCEEDED** |" in markdown
    assert "### Budgets: 4 of 5 hold" in markdown


def test_report_rows_are_well_formed_tables():
    results = _results()
    for line in report.render(results, budgets.check(results)).splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


def test_report_says_when_a_cold_install_came_first():
    results = _results()
    results["environment"]["installs"][1]["attempts"].insert(
        0, {"install_s": 99.0, "warm_cache": False, "cache_growth_bytes": 5 * 10**8})
    markdown = report.render(results, budgets.check(results))
    assert ("The timed `make test` install grew pip's cache by 0 MB, after a first install "
            "(99 s) had filled it.") in markdown


def test_readme_markers_replace_only_the_table():
    readme = f"# Title\n\nRun it.\n{report.TABLE_START}\nold table\n{report.TABLE_END}\nMore.\n"
    updated = report.replace_between_markers(readme, "| new |\n")
    assert updated == (f"# Title\n\nRun it.\n{report.TABLE_START}\n| new |\n"
                       f"{report.TABLE_END}\nMore.\n")
    assert report.replace_between_markers(updated, "| new |\n") == updated


@pytest.mark.parametrize("readme", [
    "# no markers\n",
    f"{report.TABLE_START}\nonly the start\n",
    f"{report.TABLE_END}\n{report.TABLE_START}\n",
    f"{report.TABLE_START}{report.TABLE_END}{report.TABLE_START}{report.TABLE_END}",
])
def test_readme_without_one_ordered_pair_of_markers_is_left_alone(readme):
    assert report.replace_between_markers(readme, "| new |") is None
