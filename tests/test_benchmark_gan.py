"""The GAN part of the benchmark (benchmarks/gan.py), with a stand-in trainer: no training."""

import sys
from pathlib import Path

import pytest

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import budgets, gan  # noqa: E402

TARGET_MET = {"a_ks": 0.015, "fit_rmse": 0.005, "frac_between": 0.98, "a_mean": 1.5,
              "a_std": 0.29}
TARGET_MISSED = {**TARGET_MET, "a_ks": 0.2}


class StandIn:
    """Meets the targets at the steps in ``good``; counts the steps it was asked to train."""

    good: set[int] = set()

    def __init__(self, recipe, seed=0, device=None):
        self.step_count = 0

    def train(self, steps):
        self.step_count += steps

    def evaluate(self, n_samples=10_000):
        return TARGET_MET if self.step_count in self.good else TARGET_MISSED


def stand_in(good: set[int]) -> type:
    return type("Trainer", (StandIn,), {"good": good})


def test_run_checks_at_each_step_and_finds_where_the_targets_start_to_hold(monkeypatch):
    monkeypatch.setattr(gan, "GanTrainer", stand_in({500, 1000, 1250, 1500}))
    result = gan.run(gan.NOTEBOOK_RECIPE, seed=3, checks=[250, 500, 750, 1000, 1250, 1500])
    assert [point["met"] for point in result["curve"]] == [False, True, False, True, True, True]
    assert result["steps_to_stay"] == 1000, "500 passes once, but 750 fails again"
    assert result["seed"] == 3
    assert gan.at_step(result, 750)["a_ks"] == 0.2
    assert result["curve"][-1]["train_s"] == result["train_s"] >= 0


def test_a_run_that_fails_at_the_last_check_never_holds(monkeypatch):
    monkeypatch.setattr(gan, "GanTrainer", stand_in({250}))
    assert gan.run(gan.SEED_RECIPE, 0, [250, 500])["steps_to_stay"] is None


def test_worst_is_the_largest_distance_and_the_smallest_share():
    points = [{"a_ks": 0.01, "frac_between": 0.99}, {"a_ks": 0.03, "frac_between": 0.96},
              {"a_ks": 0.02, "frac_between": 0.98}]
    assert gan.worst_and_median(points, "a_ks") == {"worst": 0.03, "median": 0.02}
    assert gan.worst_and_median(points, "frac_between") == {"worst": 0.96, "median": 0.98}


@pytest.fixture
def results(monkeypatch):
    """measure() with a stand-in whose notebook recipe meets the targets and seed's does not."""

    class Trainer(StandIn):
        def __init__(self, recipe, seed=0, device=None):
            super().__init__(recipe, seed, device)
            self.good = set(range(0, 10_000)) if recipe is not gan.SEED_RECIPE else set()

    monkeypatch.setattr(gan, "GanTrainer", Trainer)
    return gan.measure([0, 1, 2], record=False)


def test_measure_runs_both_recipes_and_every_ablation_for_every_seed(results):
    assert set(results["recipes"]) == {"notebook", "seed"}
    assert set(results["ablations"]) == set(gan.ABLATIONS)
    assert [r["seed"] for r in results["recipes"]["seed"]["runs"]] == [0, 1, 2]
    steps = [p["step"] for p in results["recipes"]["notebook"]["runs"][0]["curve"]]
    assert steps == list(range(gan.CHECK_EVERY, gan.MAX_STEPS + 1, gan.CHECK_EVERY))
    ablation_steps = [p["step"] for p in results["ablations"]["without_ema"]["runs"][0]["curve"]]
    assert ablation_steps == [gan.NOTEBOOK_STEPS]


def test_checks_hold_when_the_notebook_recipe_wins_on_every_seed(results):
    checks = gan.checks(results)
    assert [c.ok for c in checks] == [True, True]
    assert checks[0].measured == "3 of 3 seeds" and checks[1].measured == "3 of 3 seeds"
    results["recipes"]["seed"]["runs"][1]["curve"][7]["met"] = True  # step 2000 of seed 1
    assert budgets.failures(gan.checks(results))[0].name.startswith("GAN seed recipe misses")


def test_section_reports_worst_and_median_per_step_and_per_ablation(results):
    markdown = "\n".join(gan.section(results))
    assert "| notebook recipe | 2000 | 0.0150 / 0.0150 | 0.0050 / 0.0050 | 0.9800 / 0.9800 | " \
           "3 of 3 |" in markdown
    assert "| seed recipe | 3000 | 0.2000 / 0.2000 |" in markdown
    assert "| notebook recipe, ReLU in G instead of tanh | 2000 |" in markdown
    assert "step from which every later check up to 3000 meets the targets, per seed: " \
           "250, 250, 250" in markdown
    assert "per seed: never, never, never" in markdown
    for line in markdown.splitlines():
        if line.startswith("|"):
            assert line.endswith("|") and line.count("|") == 7


def test_the_worst_over_recorded_paths_is_checked_when_measure_recorded_it(results):
    worst = {"paths": 3, "notebook": {"a_ks": 0.014, "fit_rmse": 0.005, "frac_between": 0.976},
             "seed": {"a_ks": 0.1, "fit_rmse": 0.04, "frac_between": 0.98}}
    checks = gan.checks({**results, "recorded_worst": worst})
    assert [c.name for c in checks[2:]] == [
        "GAN notebook recipe, worst over seeds and 3 recorded paths",
        "GAN seed recipe, best over seeds and 3 recorded paths"]
    assert all(c.ok for c in checks)
    worst["notebook"]["a_ks"] = 0.031
    worst["seed"]["a_ks"] = 0.02
    assert [c.ok for c in gan.checks({**results, "recorded_worst": worst})[2:]] == [False, True]
