"""Notebook 08's claims about random runs, re-checked for seeds 0-9 (marker ``claims``).

Each test re-runs what the notebook runs (``benchmarks.digit_gan.run`` trains and scores
exactly as the notebook does) for every seed, checks the statement the prose makes, and
compares the figures the notebook prints from ``helpers.measured`` with the new run.
"""

import dataclasses
import statistics
import sys
from pathlib import Path

import pytest
import torch

import helpers
from helpers.frechet_bias import extrapolated_frechet, frechet_by_sample_size
from helpers.gan_scores import judge_outputs, judge_scores
from helpers.gan_trainer import GanTrainer
from helpers.image_gan import DIGIT_RECIPE, DigitTask
from helpers.measured import measured_across_seeds
from helpers.sample_quality import nearest_distances

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from envelopes import outside_envelope  # noqa: E402

from benchmarks import digit_gan  # noqa: E402

pytestmark = pytest.mark.claims
SEEDS = range(10)
RECORDED_FIGURES = ("frechet_distance", "frechet_distance_without_average", "class_entropy",
                    "confident_share", "requested_accuracy", "test_frechet_distance",
                    "precision", "recall", "nearest_pixel_ratio", "nearest_feature_ratio")


@pytest.fixture(scope="module", autouse=True)
def session_restored():
    """The claims call helpers.setup(seed); the tests after them get the series' seed back."""
    yield
    helpers.setup()


@pytest.fixture(scope="module")
def task():
    return DigitTask()


@pytest.fixture(scope="module")
def floor(task):
    return digit_gan.frechet_floor(task)


class Runs(dict):
    """Each run of ``digit_gan.RUNS`` for seeds 0-9, trained when a test first asks for it, so
    ``-k "not dcgan"`` leaves out the slow DCGAN (several times slower on the portable path)."""

    def __missing__(self, name: str) -> list[dict]:
        self[name] = [digit_gan.run(name, seed) for seed in SEEDS]
        return self[name]


@pytest.fixture(scope="module")
def runs() -> Runs:
    return Runs()


def test_the_unconditional_gan_meets_its_targets_for_nearly_every_seed(runs, floor):
    """Section 3: the targets hold for every seed on every path measured, but the Fréchet
    distance's tail is heavy (its worst draw sits close to the limit), so a fresh machine's ten
    draws are held to MIN_SEEDS_MEETING_TARGETS, and their median to well inside the limit."""
    results = runs["unconditional"]
    met = [digit_gan.meets_targets("unconditional", result, floor) for result in results]
    assert sum(met) >= digit_gan.MIN_SEEDS_MEETING_TARGETS, results
    median = statistics.median(result["frechet_distance"] for result in results)
    assert median <= digit_gan.MEDIAN_SHARE_OF_LIMIT * digit_gan.FLOOR_MULTIPLE * floor, median


def test_the_record_shows_most_seeds_meeting_the_targets_on_every_path(floor):
    """What the notebook prints from the record: the conditional GAN met its target for every seed
    on every path; the unconditional one for at least MIN_SEEDS_MEETING_TARGETS, not all (the
    prose says one or two seeds miss on some paths)."""
    fewest, most = digit_gan.seeds_meeting_targets("conditional", floor)
    assert fewest == len(SEEDS)
    fewest, most = digit_gan.seeds_meeting_targets("unconditional", floor)
    assert digit_gan.MIN_SEEDS_MEETING_TARGETS <= fewest < len(SEEDS) and most == len(SEEDS)


def test_the_test_distance_follows_the_validation_one_seed_by_seed(runs):
    """Section 5: on average a generator's test distance is as large as its validation one (mean
    difference recorded: -0.1 unconditional, +0.1 conditional; within 2.6 either way for one
    generator). A fresh machine's draws are held to a mean within 1.5 and twice the recorded gap;
    the record, to a mean within 1."""
    for name in ("unconditional", "conditional"):
        gaps = [r["test_frechet_distance"] - r["frechet_distance"] for r in runs[name]]
        assert abs(statistics.mean(gaps)) < 1.5 and max(map(abs, gaps)) <= 6, (name, gaps)
        validation = measured_across_seeds(f"digit_gan.{name}.frechet_distance")
        test = measured_across_seeds(f"digit_gan.{name}.test_frechet_distance")
        recorded = [t - v for path in test.paths
                    for v, t in zip(validation.by_path[path], test.by_path[path], strict=True)]
        assert abs(statistics.mean(recorded)) < 1 and max(map(abs, recorded)) < 3, (name, recorded)


def test_two_held_out_samples_give_floors_about_one_unit_apart(task):
    """Section 5: the validation floor 4.95 and the test floor 5.82 (1000 training digits against
    samples of 360 and 359 digits): a floor is itself a measurement (exact arithmetic, any
    machine: the last digit)."""
    validation, test = digit_gan.frechet_floor(task), digit_gan.frechet_floor(task, "test")
    assert validation == pytest.approx(4.95, abs=0.01) and test == pytest.approx(5.82, abs=0.01)


def test_most_of_the_floor_is_the_samples_own_bias_for_every_seed(task, floor):
    """Section 2: for every seed's subsets, the fitted bias at 1000 samples is more than half the
    floor and the distance at 100 samples several (over 5) times it; the extrapolated FD∞
    moves by a few units between seeds and comes out below zero for some."""
    features = judge_outputs(task.judge(), task.images.reshape(-1, 1, 8, 8))[1]
    limits = []
    for seed in SEEDS:
        helpers.setup(seed)
        curve = frechet_by_sample_size(features, task.reference_features(),
                                       (100, 150, 200, 300, 500, 1000),
                                       generator=helpers.seeded_generator(6))
        limit, scale = extrapolated_frechet(curve)
        assert scale / 1000 > floor / 2, (seed, scale)
        assert statistics.mean(curve[100]) > 5 * floor, (seed, curve[100])
        limits.append(limit)
    assert max(limits) - min(limits) > 2 and min(limits) < 0, limits


def test_the_moving_average_draws_better_than_g_itself_for_most_seeds(runs):
    """Section 3: closer for at least 9 of the 10 seeds on every recorded path (the record says so,
    and the notebook prints it); a fresh machine's draws are held to seven."""
    closer = [result["frechet_distance"] < result["frechet_distance_without_average"]
              for result in runs["unconditional"]]
    assert sum(closer) >= 7, runs["unconditional"]
    assert min(digit_gan.seeds_where_average_is_closer().values()) >= 9


def test_the_conditional_gan_draws_the_requested_digit_for_nearly_every_seed(runs, floor):
    results = runs["conditional"]
    met = [digit_gan.meets_targets("conditional", result, floor) for result in results]
    assert sum(met) >= digit_gan.MIN_SEEDS_MEETING_TARGETS, results
    median = statistics.median(result["requested_accuracy"] for result in results)
    assert median >= digit_gan.MIN_REQUESTED_ACCURACY + 0.01, median


def test_the_reference_points_each_fool_one_score_but_not_the_distance(task, floor):
    """Section 2: noise, an untrained G and a collapsed G, for every seed's random draws."""
    judge, reference = task.judge(), task.reference_features()
    collapsed = task.images[:1].reshape(1, 1, 8, 8).expand(1000, -1, -1, -1)
    scores = judge_scores(judge, collapsed, reference)
    assert scores["confident_share"] == 1.0 and scores["class_entropy"] == 0.0
    assert scores["frechet_distance"] > 10 * floor
    for seed in SEEDS:
        helpers.setup(seed)
        untrained = GanTrainer(DIGIT_RECIPE, task=task)
        smudges = untrained.paint(untrained.ideas(1000, helpers.seeded_generator(1)))
        noise = torch.rand(1000, 1, 8, 8, generator=helpers.seeded_generator(2))
        for images in (smudges, noise):
            scores = judge_scores(judge, images, reference)
            assert scores["frechet_distance"] > 10 * floor, (seed, scores)
            assert scores["confident_share"] < 0.9, (seed, scores)
        noise_scores = judge_scores(judge, noise, reference)
        assert noise_scores["class_entropy"] > 1.5, (seed, noise_scores)
        assert 0.3 < noise_scores["confident_share"] < 0.7, (seed, noise_scores)
        smudge_scores = judge_scores(judge, smudges, reference)
        assert smudge_scores["class_entropy"] < 0.5, (seed, smudge_scores)
        spread = (smudges - smudges.mean(dim=0)).abs().mean()
        assert spread < 0.05, f"seed {seed}: an untrained G draws nearly one picture ({spread})"


def test_no_seeds_gan_comes_nearer_the_training_digits_than_held_out_digits(runs, task):
    """Section 3: every seed's samples, of both generators, keep at least MIN_NEAREST_RATIO of
    the held-out digits' median distance to the nearest training digit, as the record shows on
    every path; the test digits, another held-out sample, sit at 0.97; a copier sits at 0."""
    for name in ("unconditional", "conditional"):
        ratios = [result["nearest_pixel_ratio"] for result in runs[name]]
        assert min(ratios) >= digit_gan.MIN_NEAREST_RATIO, (name, ratios)
        recorded = measured_across_seeds(f"digit_gan.{name}.nearest_pixel_ratio")
        assert recorded.low >= digit_gan.MIN_NEAREST_RATIO, (name, recorded.by_path)
    training = task.images.reshape(-1, 1, 8, 8)
    held_out = (nearest_distances(task.test_images, training).median()
                / nearest_distances(task.validation_images, training).median())
    assert held_out == pytest.approx(0.97, abs=0.005)


def test_the_conditional_gan_trades_variety_for_quality(runs):
    """Section 3: higher precision and lower recall than the unconditional G, for every seed on
    every recorded path (the ranges do not overlap); a fresh machine's seeds, by their medians
    and for at least 8 of the 10 seeds."""
    def recorded(name, figure):
        return measured_across_seeds(f"digit_gan.{name}.{figure}")

    assert recorded("conditional", "precision").low > recorded("unconditional", "precision").high
    assert recorded("conditional", "recall").high < recorded("unconditional", "recall").low
    pairs = list(zip(runs["conditional"], runs["unconditional"], strict=True))
    assert sum(c["precision"] > u["precision"] and c["recall"] < u["recall"]
               for c, u in pairs) >= 8, pairs


def test_the_conditional_g_covers_less_of_each_digit_than_real_digits_do(runs):
    """Section 4: for every seed, the conditional G's recall within each digit is below that of
    as many validation digits for nearly every digit (measured: 9 or 10 of 10 on the native and
    the portable path) and well below on average (means 0.51-0.72 against 0.91)."""
    for result in runs["conditional"]:
        generated, held_out = result["within_class_recall"], result["held_out_within_class_recall"]
        below = sum(g < h for g, h in zip(generated, held_out, strict=True))
        assert below >= 8, (result["seed"], generated, held_out)
        assert statistics.mean(generated) < statistics.mean(held_out) - 0.1, result["seed"]


def test_a_g_learning_ten_times_faster_collapses_for_every_seed(task, floor):
    """Section 3: lr_g = 3e-2 collapses every seed within 500 steps onto one picture or a few:
    class entropy under 1.5 nats (0 for most seeds) and recall under 0.05, a distance over 50
    times the floor; the confident share and the precision do not notice for some seeds (they
    come out 1, or near it). Measured: entropy at most 1.15, recall at most 0.011, distance at
    least 600, over seeds 0-9 after 500-2000 steps on the native and the portable path."""
    recipe = dataclasses.replace(DIGIT_RECIPE, lr_g=3e-2)
    entropies, fooled = [], []
    for seed in SEEDS:
        helpers.setup(seed)
        collapsing = GanTrainer(recipe, task=task)
        collapsing.train(500)
        scores = {**collapsing.evaluate(1000), **task.copying_and_variety(collapsing)}
        assert scores["class_entropy"] < 1.5 and scores["recall"] < 0.05, (seed, scores)
        assert scores["frechet_distance"] > 50 * floor, (seed, scores)
        entropies.append(scores["class_entropy"])
        fooled.append(scores["confident_share"] > 0.9 or scores["precision"] > 0.5)
    assert sum(entropy < 0.05 for entropy in entropies) > len(SEEDS) / 2, entropies
    assert any(fooled), "neither weak score is fooled for any seed: the prose would be wrong"


def test_the_dcgan_takes_several_times_as_long(runs):
    def median(name, figure):
        return statistics.median(result[figure] for result in runs[name])

    assert median("dcgan", "train_s") > 3 * median("unconditional", "train_s")


def test_the_record_shows_the_dcgan_about_as_close_as_the_mlp():
    """Section 6: the ranges overlap widely; the DCGAN's median is lower on each path measured,
    the medians lie within a few units (under 10) on every path."""
    mlp = measured_across_seeds("digit_gan.unconditional.frechet_distance")
    dcgan = measured_across_seeds("digit_gan.dcgan.frechet_distance")
    assert dcgan.low < mlp.high and mlp.low < dcgan.high
    gaps = {path: statistics.median(dcgan.by_path[path]) - statistics.median(mlp.by_path[path])
            for path in dcgan.paths}
    assert all(abs(gap) < 10 for gap in gaps.values()), gaps
    assert all(gap < 0 for gap in gaps.values()), gaps


@pytest.mark.parametrize("name", list(digit_gan.RUNS))
def test_the_recorded_figures_are_what_a_new_measurement_gives(runs, name):
    """Every fresh seed falls inside the envelope recorded over seeds and numeric paths."""
    for figure in RECORDED_FIGURES:
        if figure not in runs[name][0]:
            continue
        fresh = [result[figure] for result in runs[name]]
        assert not outside_envelope(f"digit_gan.{name}.{figure}", fresh), (figure, fresh)
