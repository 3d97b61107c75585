"""The 1-D GAN over seeds: both recipes against the targets, and what each ingredient buys.

``measure`` trains the notebook's recipe and the seed's for every seed, checking
``meets_targets`` every ``CHECK_EVERY`` steps up to ``MAX_STEPS``, then trains the
notebook's recipe with one ingredient taken out (its control: same steps, same
rate, everything else equal) for every seed. It records the across-seed figures
the notebook prints (``helpers.measured``); ``section`` and ``checks`` turn the
results into the report's table and budgets. ``tests/test_claims_gan.py`` re-runs
the same functions to re-check the claims.
"""

import dataclasses
import statistics
import time

from benchmarks.budgets import Check
from benchmarks.numeric_paths import current_path
from helpers.gan_recipe import NOTEBOOK_RECIPE, NOTEBOOK_STEPS, SEED_RECIPE, GanRecipe
from helpers.gan_trainer import GanTrainer
from helpers.measured import Envelope, SeedRange, measured_across_seeds, record_across_seeds
from helpers.paintings import QUALITY_TARGETS, meets_targets

CHECK_EVERY = 250
MAX_STEPS = 3000
REPORTED_STEPS = (1000, 2000, 3000)
FIGURES = ("a_ks", "fit_rmse", "frac_between", "a_mean", "a_std")
HIGHER_IS_BETTER = {"frac_between"}
RECIPES: dict[str, GanRecipe] = {"notebook": NOTEBOOK_RECIPE, "seed": SEED_RECIPE}
ABLATIONS: dict[str, GanRecipe] = {
    "without_scaling": dataclasses.replace(NOTEBOOK_RECIPE, scaled=False),
    "relu_generator": dataclasses.replace(NOTEBOOK_RECIPE, activation="relu"),
    "without_ema": dataclasses.replace(NOTEBOOK_RECIPE, ema_decay=None),
    "constant_rate": dataclasses.replace(NOTEBOOK_RECIPE, lr_decay_steps=None,
                                         lr_final_fraction=1.0),
    "constant_rate_without_ema": dataclasses.replace(NOTEBOOK_RECIPE, lr_decay_steps=None,
                                                     lr_final_fraction=1.0, ema_decay=None),
    "batch_64": dataclasses.replace(NOTEBOOK_RECIPE, batch_size=64),
}
ABLATION_TEXT = {
    "without_scaling": "raw paintings instead of scaled ones",
    "relu_generator": "ReLU in G instead of tanh",
    "without_ema": "G itself instead of its moving average",
    "constant_rate": "a constant learning rate",
    "constant_rate_without_ema": "a constant learning rate and no moving average",
    "batch_64": "batches of 64 instead of 256",
}


def run(recipe: GanRecipe, seed: int, checks: list[int]) -> dict:
    """Train ``recipe`` with ``seed``, evaluating at each step in ``checks`` (ascending).

    Training and evaluation are timed apart: ``train_s`` is only the time inside ``train``.
    """
    trainer = GanTrainer(recipe, seed=seed, device="cpu")
    train_s = 0.0
    curve = []
    for step in checks:
        start = time.perf_counter()
        trainer.train(step - trainer.step_count)
        train_s += time.perf_counter() - start
        evaluation = trainer.evaluate()
        curve.append({"step": step, "met": meets_targets(evaluation), "train_s": train_s,
                      **{key: evaluation[key] for key in FIGURES}})
    failed = [i for i, point in enumerate(curve) if not point["met"]]
    stay_from = failed[-1] + 1 if failed else 0
    return {"seed": seed, "curve": curve, "train_s": train_s,
            "steps_to_stay": curve[stay_from]["step"] if stay_from < len(curve) else None}


def at_step(run_result: dict, step: int) -> dict:
    """The check of ``run_result`` made at ``step``."""
    return next(point for point in run_result["curve"] if point["step"] == step)


def worst_and_median(points: list[dict], figure: str,
                     higher_is_better: set[str] = HIGHER_IS_BETTER) -> dict[str, float]:
    """The worst (max, or min where higher is better) and the median of one figure."""
    values = [point[figure] for point in points]
    worst = min(values) if figure in higher_is_better else max(values)
    return {"worst": worst, "median": statistics.median(values)}


def measure(seeds: list[int], record: bool = True) -> dict:
    """Both recipes and every ablation over ``seeds``; records the notebook's figures."""
    GanTrainer(NOTEBOOK_RECIPE, seed=0).train(100)  # first-call costs count against nobody
    checks = list(range(CHECK_EVERY, MAX_STEPS + 1, CHECK_EVERY))
    results = {
        "seeds": seeds,
        "notebook_steps": NOTEBOOK_STEPS,
        "targets": {key: list(value) for key, value in QUALITY_TARGETS.items()},
        "recipes": {name: {"recipe": dataclasses.asdict(recipe),
                           "runs": [run(recipe, seed, checks) for seed in seeds]}
                    for name, recipe in RECIPES.items()},
        "ablations": {name: {"recipe": dataclasses.asdict(recipe),
                             "runs": [run(recipe, seed, [NOTEBOOK_STEPS]) for seed in seeds]}
                      for name, recipe in ABLATIONS.items()},
    }
    if record:
        for seed_range in seed_ranges(results):
            record_across_seeds(seed_range)
        results["recorded_worst"] = recorded_worst()
    return results


def recorded_worst() -> dict:
    """From the record, over seeds and numeric paths: the notebook recipe's worst value of each
    judged figure and the seed recipe's best, at the notebook's step count."""
    def envelope(recipe: str, figure: str) -> Envelope:
        return measured_across_seeds(f"gan.{recipe}.{figure}")

    return {"paths": len(envelope("notebook", "a_ks").paths),
            "notebook": {"a_ks": envelope("notebook", "a_ks").high,
                         "fit_rmse": envelope("notebook", "fit_rmse").high,
                         "frac_between": envelope("notebook", "frac_between").low},
            "seed": {"a_ks": envelope("seed", "a_ks").low,
                     "fit_rmse": envelope("seed", "fit_rmse").low,
                     "frac_between": envelope("seed", "frac_between").high}}


def seed_ranges(results: dict) -> list[SeedRange]:
    """The figures the notebook prints, one per recipe and quality figure, on this process's
    numeric path (``benchmarks.numeric_paths``)."""
    ranges = []
    for group in ("recipes", "ablations"):
        for name, entry in results[group].items():
            for figure in ("a_ks", "fit_rmse", "frac_between"):
                values = [at_step(r, NOTEBOOK_STEPS)[figure] for r in entry["runs"]]
                ranges.append(SeedRange(f"gan.{name}.{figure}", tuple(results["seeds"]),
                                        tuple(values), "make bench", current_path()))
    return ranges


def _figure_cells(points: list[dict]) -> list[str]:
    cells = []
    for figure in ("a_ks", "fit_rmse", "frac_between"):
        summary = worst_and_median(points, figure)
        cells.append(f"{summary['worst']:.4f} / {summary['median']:.4f}")
    return cells


def section(results: dict) -> list[str]:
    """Markdown: both recipes at 1000/2000/3000 steps, the ablations, the verdict."""
    seeds = results["seeds"]
    rows = []
    for name in RECIPES:
        runs = results["recipes"][name]["runs"]
        for step in REPORTED_STEPS:
            points = [at_step(r, step) for r in runs]
            met = sum(point["met"] for point in points)
            rows.append([f"{name} recipe", str(step), *_figure_cells(points),
                         f"{met} of {len(points)}"])
    for name, entry in results["ablations"].items():
        points = [at_step(r, results["notebook_steps"]) for r in entry["runs"]]
        met = sum(point["met"] for point in points)
        rows.append([f"notebook recipe, {ABLATION_TEXT[name]}", str(results["notebook_steps"]),
                     *_figure_cells(points), f"{met} of {len(points)}"])
    header = ["run", "steps", "KS worst / median", "fit residual worst / median",
              "frac_between worst / median", "seeds meeting the targets"]
    table = ["| " + " | ".join(header) + " |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    timing = []
    for name in RECIPES:
        runs = results["recipes"][name]["runs"]
        to_steps = [at_step(r, results["notebook_steps"])["train_s"] for r in runs]
        stay = [r["steps_to_stay"] for r in runs]
        stay_text = ", ".join(str(s) if s is not None else "never" for s in stay)
        timing.append(f"- {name} recipe ({RECIPES[name].describe()}): "
                      f"{statistics.median(to_steps):.1f} s median, {max(to_steps):.1f} s worst "
                      f"to train {results['notebook_steps']} steps; step from which every later "
                      f"check up to {MAX_STEPS} meets the targets, per seed: {stay_text}.")
    targets = ", ".join(f"{key} in [{low:g}, {high:g}]"
                        for key, (low, high) in results["targets"].items())
    return [
        f"### GAN (notebook 07): both recipes and the ingredients, seeds "
        f"{seeds[0]}–{seeds[-1]}",
        "",
        *table,
        "",
        f"Targets, on 10,000 samples: {targets}. Worst: the largest KS and fit residual, the "
        "smallest frac_between over the seeds. Each ablation takes one ingredient out of the "
        "notebook recipe and keeps everything else (its control).",
        "",
        *timing,
    ]


def checks(results: dict) -> list[Check]:
    """The notebook recipe meets the targets for every seed at the notebook's step count;
    the seed's recipe misses them for every seed at the same count."""
    step = results["notebook_steps"]
    notebook = [at_step(r, step)["met"] for r in results["recipes"]["notebook"]["runs"]]
    seed = [at_step(r, step)["met"] for r in results["recipes"]["seed"]["runs"]]
    checks = [
        Check(f"GAN notebook recipe meets the targets at {step} steps",
              f"{sum(notebook)} of {len(notebook)} seeds", "every seed", all(notebook)),
        Check(f"GAN seed recipe misses the targets at {step} steps",
              f"{len(seed) - sum(seed)} of {len(seed)} seeds", "every seed", not any(seed)),
    ]
    worst = results.get("recorded_worst")
    if worst:
        over = f"seeds and {worst['paths']} recorded paths"
        recipe = worst["notebook"]
        checks.append(Check(f"GAN notebook recipe, worst over {over}",
                            f"KS {recipe['a_ks']:.4f}, fit {recipe['fit_rmse']:.4f}, "
                            f"frac {recipe['frac_between']:.4f}", "meets the targets",
                            meets_targets(recipe)))
        best = worst["seed"]
        checks.append(Check(f"GAN seed recipe, best over {over}",
                            f"KS {best['a_ks']:.4f}, fit {best['fit_rmse']:.4f}, "
                            f"frac {best['frac_between']:.4f}", "misses the targets",
                            not meets_targets(best)))
    return checks
