"""The digit GANs of notebook 08 over seeds: the judge's scores against the targets.

For every seed: the unconditional MLP GAN and the conditional one, trained as the
notebook trains them, and (going further) a small DCGAN trained as long as the
unconditional MLP, each scored by notebook 06's classifier on 1000 samples against
the validation digits (the targets), and once against the test digits (the reported
``test_frechet_distance``). It records the across-seed figures the notebook prints
(``helpers.measured``); ``tests/test_claims_digit_gan.py`` re-runs ``run`` to re-check the claims.
"""

import statistics
import time

from benchmarks.budgets import Check
from benchmarks.gan import worst_and_median
from benchmarks.numeric_paths import current_path
from helpers.gan_scores import judge_scores
from helpers.gan_trainer import GanTrainer
from helpers.image_gan import (
    CONDITIONAL_STEPS,
    DCGAN_RECIPE,
    DIGIT_RECIPE,
    FRECHET_SAMPLES,
    UNCONDITIONAL_STEPS,
    DigitTask,
)
from helpers.measured import SeedRange, measured_across_seeds, record_across_seeds

RUNS = {
    "unconditional": ({}, DIGIT_RECIPE, UNCONDITIONAL_STEPS),
    "conditional": ({"conditional": True}, DIGIT_RECIPE, CONDITIONAL_STEPS),
    "dcgan": ({"architecture": "dcgan"}, DCGAN_RECIPE, UNCONDITIONAL_STEPS),
}
FIGURES = ("frechet_distance", "class_entropy", "confident_share", "requested_accuracy",
           "frechet_distance_without_average", "test_frechet_distance", "train_s",
           "precision", "recall", "nearest_pixel_ratio", "nearest_feature_ratio")
HIGHER_IS_BETTER = {"class_entropy", "confident_share", "requested_accuracy", "precision", "recall",
                    "nearest_pixel_ratio", "nearest_feature_ratio"}
COPYING_FIGURES = ("precision", "recall", "nearest_pixel_ratio", "nearest_feature_ratio")
FLOOR_MULTIPLE = 10.0
MIN_ENTROPY = 2.2
MIN_REQUESTED_ACCURACY = 0.95
RUN_SECONDS = 15.0
# A run of thousands of steps is a draw that depends on the machine, and the Fréchet distance's
# tail is heavy: a fresh machine's ten seeds are held to this many meeting the targets (the
# recorded paths gave 10, 10, 9 and 10 of ten against the floor of 1000 training digits), and
# their median distance to this share of the limit (recorded medians: 0.60 to 0.70 of it).
MIN_SEEDS_MEETING_TARGETS = 8
MEDIAN_SHARE_OF_LIMIT = 0.85
# Memorisation (notebook 08, section 3): a generator's samples may come no nearer the training
# digits than this share of the held-out digits' median distance. Two held-out samples differ by a
# few per cent (the test digits sit at 0.97 of the validation digits); a copier sits at 0.
MIN_NEAREST_RATIO = 0.9


def frechet_floor(task: DigitTask, split: str = "validation") -> float:
    """The Fréchet distance of FRECHET_SAMPLES real training digits, as many as a generator's
    samples, to the validation (or test) digits."""
    reference = {"validation": task.reference_features, "test": task.test_features}[split]()
    training_digits = task.images[:FRECHET_SAMPLES].reshape(-1, 1, 8, 8)
    return judge_scores(task.judge(), training_digits, reference)["frechet_distance"]


def meets_targets(name: str, result: dict, floor: float) -> bool:
    """Whether one run of ``RUNS`` meets its targets (``dcgan``: those of the unconditional)."""
    if name == "conditional":
        return result["requested_accuracy"] >= MIN_REQUESTED_ACCURACY
    return (result["frechet_distance"] <= FLOOR_MULTIPLE * floor
            and result["class_entropy"] >= MIN_ENTROPY)


def seeds_meeting_targets(name: str, floor: float) -> tuple[int, int]:
    """From the record: the fewest and the most seeds, over the numeric paths, meeting the
    targets (what notebook 08 prints)."""
    figures = ("requested_accuracy",) if name == "conditional" else ("frechet_distance",
                                                                      "class_entropy")
    records = {figure: measured_across_seeds(f"digit_gan.{name}.{figure}") for figure in figures}
    paths = records[figures[0]].paths
    counts = []
    for path in paths:
        per_seed = [dict(zip(figures, values, strict=True))
                    for values in zip(*(records[f].by_path[path] for f in figures), strict=True)]
        counts.append(sum(meets_targets(name, result, floor) for result in per_seed))
    return min(counts), max(counts)


def recorded_worst(floor: float) -> dict:
    """From the record: the fewest seeds meeting the unconditional targets on one numeric path,
    and each other target's worst value over seeds and paths."""
    distance = measured_across_seeds("digit_gan.unconditional.frechet_distance")
    return {"paths": len(distance.paths), "seeds": len(distance.seeds),
            "fewest_meeting": seeds_meeting_targets("unconditional", floor)[0],
            "class_entropy": measured_across_seeds("digit_gan.unconditional.class_entropy").low,
            "requested_accuracy":
                measured_across_seeds("digit_gan.conditional.requested_accuracy").low,
            "nearest_pixel_ratio": min(
                measured_across_seeds(f"digit_gan.{name}.nearest_pixel_ratio").low
                for name in ("unconditional", "conditional"))}


def seeds_where_average_is_closer() -> dict[str, int]:
    """From the record, per numeric path: for how many seeds the unconditional GAN's moving
    average draws closer to real digits than G itself (what notebook 08 prints)."""
    average = measured_across_seeds("digit_gan.unconditional.frechet_distance")
    itself = measured_across_seeds("digit_gan.unconditional.frechet_distance_without_average")
    return {path: sum(a < g for a, g in zip(average.by_path[path], itself.by_path[path],
                                            strict=True))
            for path in average.paths}


def run(name: str, seed: int, task: DigitTask | None = None) -> dict:
    """Train the run ``name`` of ``RUNS`` with ``seed`` and score it.

    ``train_s`` is the time inside ``train`` alone."""
    options, recipe, steps = RUNS[name]
    task = task or DigitTask(**options)
    trainer = GanTrainer(recipe, seed=seed, task=task)
    start = time.perf_counter()
    trainer.train(steps)
    train_s = time.perf_counter() - start
    without_average = trainer.evaluate(FRECHET_SAMPLES, average=False)["frechet_distance"]
    result = {"seed": seed, "steps": steps, "train_s": train_s,
              **trainer.evaluate(FRECHET_SAMPLES),
              "frechet_distance_without_average": without_average,
              "test_frechet_distance": task.test_frechet_distance(trainer),
              **task.copying_and_variety(trainer)}
    if task.conditional:
        generated, held_out = task.within_class_recall(trainer)
        result["within_class_recall"] = generated.tolist()
        result["held_out_within_class_recall"] = held_out.tolist()
    return result


def measure(seeds: list[int], record: bool = True) -> dict:
    """Every run of ``RUNS`` for every seed; records the figures the notebook prints."""
    tasks = {name: DigitTask(**options) for name, (options, _, _) in RUNS.items()}
    GanTrainer(DIGIT_RECIPE, seed=0, task=tasks["unconditional"]).train(50)  # warm-up
    results = {"seeds": seeds, "floor": frechet_floor(tasks["unconditional"]),
               "test_floor": frechet_floor(tasks["unconditional"], "test"),
               "runs": {name: [run(name, seed, tasks[name]) for seed in seeds] for name in RUNS}}
    if record:
        for seed_range in seed_ranges(results):
            record_across_seeds(seed_range)
        results["recorded_worst"] = recorded_worst(results["floor"])
    return results


def seed_ranges(results: dict) -> list[SeedRange]:
    """Every figure of every run, on this process's numeric path (``benchmarks.numeric_paths``)."""
    return [SeedRange(f"digit_gan.{name}.{figure}", tuple(results["seeds"]),
                      tuple(r[figure] for r in runs), "make bench", current_path())
            for name, runs in results["runs"].items() for figure in FIGURES if figure in runs[0]]


def section(results: dict) -> list[str]:
    """Markdown: worst and median of each score per run, against the targets."""
    rows = []
    for name, runs in results["runs"].items():
        cells = []
        for figure in FIGURES[:4]:
            if figure not in runs[0]:
                cells.append("–")
                continue
            summary = worst_and_median(runs, figure, HIGHER_IS_BETTER)
            cells.append(f"{summary['worst']:.3f} / {summary['median']:.3f}")
        times = worst_and_median(runs, "train_s", set())
        rows.append([name, str(runs[0]["steps"]), *cells,
                     f"{times['worst']:.1f} / {times['median']:.1f}"])
    header = ["run", "steps", "Fréchet distance", "class entropy (nats)", "confident share",
              "requested-class accuracy", "training s"]
    table = ["| " + " | ".join(header) + " |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    seeds = results["seeds"]
    copying = ["| run | " + " | ".join(COPYING_FIGURES) + " |",
               "| --- |" + " ---: |" * len(COPYING_FIGURES)]
    for name, runs in results["runs"].items():
        summaries = [worst_and_median(runs, figure, HIGHER_IS_BETTER) for figure in COPYING_FIGURES]
        copying.append(f"| {name} | " + " | ".join(
            f"{summary['worst']:.3f} / {summary['median']:.3f}" for summary in summaries) + " |")
    return [
        f"### Digit GANs (notebook 08), seeds {seeds[0]}–{seeds[-1]}: worst / median",
        "",
        *table,
        "",
        "Copying and variety of 360 samples (`DigitTask.copying_and_variety`): precision and "
        "recall against the validation digits, and the median distance to the nearest training "
        "digit over the validation digits' (in pixels and in the judge's features; below 1: "
        f"closer than held-out digits; the check asks at least {MIN_NEAREST_RATIO}):",
        "",
        *copying,
        *_within_class_lines(results["runs"]),
        "",
        f"Scores by notebook 06's classifier on {FRECHET_SAMPLES} samples against the validation "
        f"digits. Fréchet distance floor ({FRECHET_SAMPLES} real training digits against them): "
        f"{results['floor']:.2f}; "
        f"against the test digits, scored once per run: {results['test_floor']:.2f}; targets: "
        f"Fréchet distance ≤ {FLOOR_MULTIPLE:g}× the floor and class entropy ≥ {MIN_ENTROPY} "
        f"nats (unconditional), requested-class accuracy ≥ {MIN_REQUESTED_ACCURACY:.0%} "
        f"(conditional), each training run ≤ {RUN_SECONDS:g} s. The DCGAN is the optional "
        "comparison, trained as long as the unconditional MLP.",
    ]


def _within_class_lines(runs_by_name: dict[str, list[dict]]) -> list[str]:
    runs = [r for runs in runs_by_name.values() for r in runs if "within_class_recall" in r]
    if not runs:
        return []
    means = [statistics.mean(r["within_class_recall"]) for r in runs]
    held_out = statistics.mean(runs[0]["held_out_within_class_recall"])
    below = [sum(g < h for g, h in zip(r["within_class_recall"],
                                       r["held_out_within_class_recall"], strict=True))
             for r in runs]
    return [
        "",
        "Variety within each digit (`DigitTask.within_class_recall`), conditional G: recall "
        "against each digit's training digits, as many samples asked for it as it has "
        f"validation digits; mean over the digits {min(means):.3f} / {statistics.median(means):.3f}"
        f" / {max(means):.3f} (worst / median / best seed) against {held_out:.3f} for the "
        f"validation digits themselves; G below them for {min(below)}–{max(below)} of 10 digits.",
    ]


def _enough_seeds(met: int, seeds: int) -> bool:
    """At least MIN_SEEDS_MEETING_TARGETS in ten, as a share of however many seeds ran."""
    return met >= seeds * MIN_SEEDS_MEETING_TARGETS / 10


def checks(results: dict) -> list[Check]:
    """The targets of issue 15 on this machine and over every recorded numeric path, as the claims
    test holds them (most seeds, a median inside the limit), and the time of each run the notebook
    trains."""
    floor = results["floor"]
    limit = FLOOR_MULTIPLE * floor
    plain, conditional = results["runs"]["unconditional"], results["runs"]["conditional"]
    met = sum(meets_targets("unconditional", r, floor) for r in plain)
    median_fd = statistics.median(r["frechet_distance"] for r in plain)
    worst_entropy = min(r["class_entropy"] for r in plain)
    worst_accuracy = min(r["requested_accuracy"] for r in conditional)
    share = f"{MIN_SEEDS_MEETING_TARGETS} in 10"
    checks = [
        Check("digit GAN seeds meeting both targets on this machine", f"{met} of {len(plain)}",
              f"≥ {share}", _enough_seeds(met, len(plain))),
        Check("digit GAN median Fréchet distance on this machine", f"{median_fd:.1f}",
              f"≤ {MEDIAN_SHARE_OF_LIMIT * limit:.1f} ({MEDIAN_SHARE_OF_LIMIT:g} × 10× floor)",
              median_fd <= MEDIAN_SHARE_OF_LIMIT * limit),
        Check("digit GAN class entropy, worst seed on this machine", f"{worst_entropy:.3f} nats",
              f"≥ {MIN_ENTROPY}", worst_entropy >= MIN_ENTROPY),
        Check("conditional GAN requested-class accuracy, worst seed on this machine",
              f"{worst_accuracy:.1%}",
              f"≥ {MIN_REQUESTED_ACCURACY:.0%}", worst_accuracy >= MIN_REQUESTED_ACCURACY),
    ]
    worst = results.get("recorded_worst")
    if worst:
        over = f"seeds and {worst['paths']} recorded paths"
        checks += [
            Check(f"digit GAN seeds meeting both targets, fewest on one of {worst['paths']} "
                  "recorded paths", f"{worst['fewest_meeting']} of {worst['seeds']}",
                  f"≥ {share}", _enough_seeds(worst["fewest_meeting"], worst["seeds"])),
            Check(f"digit GAN class entropy, worst over {over}",
                  f"{worst['class_entropy']:.3f} nats", f"≥ {MIN_ENTROPY}",
                  worst["class_entropy"] >= MIN_ENTROPY),
            Check(f"conditional GAN requested-class accuracy, worst over {over}",
                  f"{worst['requested_accuracy']:.1%}", f"≥ {MIN_REQUESTED_ACCURACY:.0%}",
                  worst["requested_accuracy"] >= MIN_REQUESTED_ACCURACY),
            Check(f"digit GAN samples' nearest-training distance ratio, closest over {over}",
                  f"{worst['nearest_pixel_ratio']:.2f}", f"≥ {MIN_NEAREST_RATIO}",
                  worst["nearest_pixel_ratio"] >= MIN_NEAREST_RATIO),
        ]
    for name in ("unconditional", "conditional"):
        closest = min(r["nearest_pixel_ratio"] for r in results["runs"][name])
        checks.append(Check(f"digit GAN {name} samples no nearer the training digits than held-out "
                            "digits, closest seed (median nearest-training distance ratio)",
                            f"{closest:.2f}", f"≥ {MIN_NEAREST_RATIO}",
                            closest >= MIN_NEAREST_RATIO))
        slowest = max(r["train_s"] for r in results["runs"][name])
        checks.append(Check(f"digit GAN {name} training run, slowest seed", f"{slowest:.1f} s",
                            f"≤ {RUN_SECONDS:g} s", slowest <= RUN_SECONDS))
    return checks
