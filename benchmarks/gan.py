"""The GAN race: the notebook's recipe against the seed's, to the quality targets."""

import time
from dataclasses import asdict

from helpers.gan import NOTEBOOK_RECIPE, SEED_RECIPE, GanRecipe, GanTrainer
from helpers.paintings import QUALITY_TARGETS, meets_targets

EVAL_EVERY = 250
MAX_STEPS = 10_000
WARM_UP_STEPS = 200
RECIPES: dict[str, GanRecipe] = {"notebook": NOTEBOOK_RECIPE, "seed": SEED_RECIPE}


def race(recipe: GanRecipe, seed: int = 0, eval_every: int = EVAL_EVERY,
         max_steps: int = MAX_STEPS) -> dict:
    """Train ``recipe`` for ``max_steps``, checking ``meets_targets`` every ``eval_every`` steps.

    ``steps_to_target`` is the first check that meets the targets (the budget's
    figure) and ``train_s_to_target`` the training time until then;
    ``steps_to_stay`` is the first check from which every later one meets them
    too, because a GAN oscillates: a recipe can pass once and drop out again.
    Each is None when it never happens. Training and evaluation are timed
    apart: ``train_s`` is only the time inside ``train``, so ``steps_per_s`` is
    the training speed and ``eval_s`` what the checks cost on top.
    """
    trainer = GanTrainer(recipe, seed=seed, device="cpu")
    train_s = eval_s = 0.0
    train_s_to_target = None
    curve = []
    while trainer.step_count < max_steps:
        start = time.perf_counter()
        trainer.train(min(eval_every, max_steps - trainer.step_count))
        train_s += time.perf_counter() - start
        start = time.perf_counter()
        evaluation = trainer.evaluate()
        eval_s += time.perf_counter() - start
        met = meets_targets(evaluation)
        if met and train_s_to_target is None:
            train_s_to_target = train_s
        curve.append({"step": trainer.step_count, "met": met,
                      **{k: round(v, 4) for k, v in evaluation.items()}})
    first = next((point["step"] for point in curve if point["met"]), None)
    failed = [i for i, point in enumerate(curve) if not point["met"]]
    stay_from = failed[-1] + 1 if failed else 0
    return {
        "recipe": asdict(recipe),
        "seed": seed,
        "steps_run": trainer.step_count,
        "train_s": train_s,
        "eval_s": eval_s,
        "evaluations": len(curve),
        "steps_per_s": trainer.step_count / train_s,
        "steps_to_target": first,
        "train_s_to_target": train_s_to_target,
        "steps_to_stay": curve[stay_from]["step"] if stay_from < len(curve) else None,
        "final": curve[-1],
        "curve": curve,
    }


def compare(seeds: list[int], eval_every: int = EVAL_EVERY, max_steps: int = MAX_STEPS) -> dict:
    """Race both recipes for each seed in one process; the first seed is the headline.

    ``ratio``: the seed recipe's steps to target over the notebook recipe's,
    for the first seed (None when either never reaches the targets).
    """
    for recipe in RECIPES.values():  # first-call costs must not count against the first recipe
        GanTrainer(recipe, seed=0, device="cpu").train(WARM_UP_STEPS)
    runs = {name: [race(recipe, seed, eval_every, max_steps) for seed in seeds]
            for name, recipe in RECIPES.items()}
    notebook, seed_recipe = runs["notebook"][0], runs["seed"][0]
    ratio = None
    if notebook["steps_to_target"] and seed_recipe["steps_to_target"]:
        ratio = seed_recipe["steps_to_target"] / notebook["steps_to_target"]
    return {
        "eval_every": eval_every,
        "max_steps": max_steps,
        "targets": {k: list(v) for k, v in QUALITY_TARGETS.items()},
        "seeds": seeds,
        "runs": runs,
        "ratio": ratio,
    }
