"""The benchmark's own logic (issue 7): readings, summaries, budgets, the report.

Nothing here times anything or executes a notebook; `make bench` does that.
"""

import subprocess
import sys
from pathlib import Path

import pytest

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import budgets, environment, gan, report, system  # noqa: E402
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
        base = {"repeats": 3, "notebooks": None, "skip": [], "gan_seeds": [0, 1, 2]}
        return argparse.Namespace(**{**base, **kw})

    assert measurement_command(ns()) == "make bench"
    assert measurement_command(ns(repeats=1, skip=["install"], gan_seeds=[0])) == (
        "make bench BENCH_ARGS='--repeats 1 --skip install --gan-seeds 0'")


def test_floor_notebook_only_imports_and_sets_up():
    nb = floor_notebook()
    assert [c.cell_type for c in nb.cells] == ["code"]
    assert nb.cells[0].source == FLOOR_SOURCE
    assert "import torch, helpers" in FLOOR_SOURCE and "helpers.setup()" in FLOOR_SOURCE


# --- GAN race logic, with a stand-in trainer ----------------------------------------------

class _FakeTrainer:
    """Meets the targets from ``good_from`` steps on; counts calls."""

    good_from = 750

    def __init__(self, recipe, seed=0, device=None):
        self.step_count = 0

    def train(self, steps):
        self.step_count += steps

    def evaluate(self, n_samples=1000):
        good = self.step_count >= self.good_from
        return {"frac_between": 0.95 if good else 0.5, "a_mean": 1.5, "a_std": 0.3,
                "a_ks": 0.1, "fit_rmse": 0.1, "d_real": 0.5, "d_fake": 0.5}


def test_race_records_the_first_check_that_meets_the_targets_and_runs_on(monkeypatch):
    monkeypatch.setattr(gan, "GanTrainer", _FakeTrainer)
    result = gan.race(gan.NOTEBOOK_RECIPE, eval_every=250, max_steps=1500)
    assert result["steps_to_target"] == 750
    assert result["steps_to_stay"] == 750
    assert result["steps_run"] == 1500 and result["evaluations"] == 6
    assert [point["met"] for point in result["curve"]] == [False, False, True, True, True, True]
    assert 0 < result["train_s_to_target"] <= result["train_s"]


class _Oscillating(_FakeTrainer):
    """Meets the targets at 500, drops out at 750 and 1000, then holds from 1250."""

    def evaluate(self, n_samples=1000):
        good = self.step_count == 500 or self.step_count >= 1250
        return {**super().evaluate(n_samples), "frac_between": 0.95 if good else 0.5}


def test_race_tells_a_passing_check_from_targets_that_hold(monkeypatch):
    monkeypatch.setattr(gan, "GanTrainer", _Oscillating)
    result = gan.race(gan.NOTEBOOK_RECIPE, eval_every=250, max_steps=2000)
    assert result["steps_to_target"] == 500
    assert result["steps_to_stay"] == 1250


def test_compare_races_both_recipes_per_seed_and_takes_the_first_seed_as_headline(monkeypatch):
    monkeypatch.setattr(gan, "GanTrainer", _FakeTrainer)
    result = gan.compare([0, 1], eval_every=250, max_steps=2000)
    assert [r["seed"] for r in result["runs"]["notebook"]] == [0, 1]
    assert result["runs"]["seed"][0]["recipe"]["loss"] == "minimax"
    assert result["runs"]["notebook"][0]["recipe"]["betas"] == gan.NOTEBOOK_RECIPE.betas
    assert result["ratio"] == 1.0  # the stand-in trainer learns equally fast for both


class _NeverGood(_FakeTrainer):
    good_from = 10**9


def test_race_without_success_runs_to_max_steps(monkeypatch):
    monkeypatch.setattr(gan, "GanTrainer", _NeverGood)
    result = gan.race(gan.SEED_RECIPE, eval_every=300, max_steps=1000)
    assert result["steps_to_target"] is None and result["train_s_to_target"] is None
    assert result["steps_to_stay"] is None
    assert result["steps_run"] == 1000  # the last chunk is cut to 100 steps
    assert [p["step"] for p in result["curve"]] == [300, 600, 900, 1000]


# --- budgets --------------------------------------------------------------------------------

def _gan_run(steps_to_target, steps_run=None):
    recipe = {"lr_g": 1e-4, "lr_d": 1e-4, "betas": [0.9, 0.999], "loss": "minimax",
              "batch_size": 64}
    final = {"frac_between": 0.95, "a_mean": 1.5, "a_std": 0.3, "d_real": 0.5, "d_fake": 0.5}
    return {"recipe": recipe, "seed": 0, "steps_to_target": steps_to_target,
            "steps_run": steps_run or steps_to_target, "steps_per_s": 900.0,
            "train_s_to_target": None if steps_to_target is None else 1.0, "eval_s": 0.01,
            "steps_to_stay": steps_to_target,
            "final": final}


def _results(times=(5.0, 8.0), peaks=(300, 400), gan_steps=(500, 2250), error=None):
    notebooks = [
        {"name": f"0{i}_nb", "error": None, "median_s": t, "floor_median_s": 2.0,
         "peak_rss_max_bytes": p * 10**6, "cell_median_s": [0.5, t - 2.5]}
        for i, (t, p) in enumerate(zip(times, peaks, strict=True))
    ]
    if error:
        notebooks.append({"name": "09_broken", "error": error})
    seed_steps = gan_steps[1]
    gan_runs = {"notebook": [_gan_run(gan_steps[0], 10_000 if gan_steps[0] is None else None)],
                "seed": [_gan_run(seed_steps, 10_000 if seed_steps is None else None)]}
    return {
        "command": "make bench", "date": "2026-11-22 08:00 UTC", "repeats": 3,
        "load_average_start": [0.1, 0.2, 0.3],
        "machine": {"cpu": "Test CPU", "logical_cpus": 2, "usable_cpus": 2,
                    "memory_bytes": 24 * 2**30, "os": "Linux", "python": "3.11.7",
                    "torch": "2.13.0+cpu"},
        "notebooks": notebooks,
        "series": summarise_series(notebooks),
        "gan": {"eval_every": 250, "max_steps": 10_000, "seeds": [0], "runs": gan_runs},
        "environment": {"sizes_of": "a new venv", "venv_bytes": 1.5e9, "torch_bytes": 0.8e9,
                        "install": {"command": "pip install --editable '.[dev]'",
                                    "install_s": 42.0, "warm_cache": True,
                                    "attempts": [{"install_s": 42.0, "warm_cache": True,
                                                  "cache_growth_bytes": 0}]}},
    }


def test_all_budgets_hold():
    checks = budgets.check(_results())
    assert len(checks) == 2 * 2 + 1 + 1  # time and memory per notebook, series, GAN
    assert budgets.failures(checks) == []


def test_slow_notebook_exceeds_its_budget():
    failed = budgets.failures(budgets.check(_results(times=(31.0, 5.0))))
    assert [c.name for c in failed] == ["00_nb time"]
    assert failed[0].measured == "31.0 s"


def test_series_over_sixty_seconds_fails_although_each_notebook_holds():
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


def test_gan_ratio_below_three_fails_and_three_holds():
    assert budgets.failures(budgets.check(_results(gan_steps=(1000, 2750))))[0].name == (
        "GAN steps to quality targets")
    assert budgets.failures(budgets.check(_results(gan_steps=(1000, 3000)))) == []


def test_gan_seed_never_meeting_targets_holds_and_says_so():
    (check,) = [c for c in budgets.check(_results(gan_steps=(500, None))) if "GAN" in c.name]
    assert check.ok
    assert "seed never within 10000" in check.measured and "20.0×" in check.measured


def test_gan_notebook_recipe_never_meeting_targets_fails():
    (check,) = [c for c in budgets.check(_results(gan_steps=(None, 2250))) if "GAN" in c.name]
    assert not check.ok and "never met" in check.measured


def test_skipped_parts_are_not_checked():
    results = _results()
    del results["gan"]
    assert all("GAN" not in c.name for c in budgets.check(results))


# --- the report -------------------------------------------------------------------------------

def test_report_has_machine_tables_and_verdicts():
    results = _results()
    markdown = report.render(results, budgets.check(results))
    assert "Test CPU, 2 cores, 24 GiB RAM, Linux, Python 3.11.7, torch 2.13.0+cpu" in markdown
    assert "| `00_nb` | 5.0 | 2.0 | 300 | 2: 2.5 s, 1: 0.5 s |" in markdown
    assert "| **series** | **13.0** | **4.0** | 400 | 3.25× the floor |" in markdown
    assert "| steps to the quality targets (first check that meets them) | 500 | 2250 |" in markdown
    assert ("needs **4.5×** the notebook recipe's steps to first meet the targets "
            "(2250 vs 500)") in markdown
    assert "| steps after which every check to 10000 meets them | 500 | 2250 |" in markdown
    assert "hold at every later check: 2250 vs 500 (4.5×)" in markdown
    assert "| torch alone | 0.80 GB |" in markdown
    assert "(warm pip cache) | 42 s |" in markdown
    assert "### Budgets: 6 of 6 hold" in markdown
    assert "EXCEEDED" not in markdown


def test_report_marks_exceeded_budgets_and_a_seed_that_never_converges():
    results = _results(times=(45.0, 5.0), gan_steps=(500, None))
    markdown = report.render(results, budgets.check(results))
    assert "| 00_nb time | 45.0 s | ≤ 30 s | **EXCEEDED** |" in markdown
    assert "### Budgets: 5 of 6 hold" in markdown
    assert "never meets the targets within 10000 steps" in markdown
    first_met_row = "| steps to the quality targets (first check that meets them) |"
    assert f"{first_met_row} 500 | not within 10000 |" in markdown


def test_report_rows_are_well_formed_tables():
    results = _results()
    for line in report.render(results, budgets.check(results)).splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


def test_report_says_when_a_cold_install_came_first():
    results = _results()
    results["environment"]["install"]["attempts"].insert(
        0, {"install_s": 99.0, "warm_cache": False, "cache_growth_bytes": 5 * 10**8})
    markdown = report.render(results, budgets.check(results))
    assert "after a first install (99 s) had filled it" in markdown


def test_readme_markers_replace_only_the_table():
    readme = f"# Title\n\nRun it.\n{report.README_START}\nold table\n{report.README_END}\nMore.\n"
    updated = report.replace_between_markers(readme, "| new |\n")
    assert updated == (f"# Title\n\nRun it.\n{report.README_START}\n| new |\n"
                       f"{report.README_END}\nMore.\n")
    assert report.replace_between_markers(updated, "| new |\n") == updated


@pytest.mark.parametrize("readme", [
    "# no markers\n",
    f"{report.README_START}\nonly the start\n",
    f"{report.README_END}\n{report.README_START}\n",
    f"{report.README_START}{report.README_END}{report.README_START}{report.README_END}",
])
def test_readme_without_one_ordered_pair_of_markers_is_left_alone(readme):
    assert report.replace_between_markers(readme, "| new |") is None
