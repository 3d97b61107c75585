"""Notebook 08's claims about random runs, re-checked for seeds 0-9 (marker ``claims``).

Each test re-runs what the notebook runs (``benchmarks.digit_gan.run`` trains and scores
exactly as the notebook does) for every seed, checks the statement the prose makes, and
compares the figures the notebook prints from ``helpers.measured`` with the new run.
"""

import math
import statistics
import sys
from pathlib import Path

import pytest
import torch

import helpers
from helpers.gan import GanTrainer
from helpers.gan_scores import judge_scores
from helpers.image_gan import DIGIT_RECIPE, DigitTask
from helpers.measured import measured_across_seeds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import digit_gan  # noqa: E402

pytestmark = pytest.mark.claims
SEEDS = range(10)
# A GAN run's last digits depend on the CPU and grow along the run: how far a re-measured
# best, worst or median seed may sit from the record (absolute, share of the value).
# Between this machine's two numeric paths one seed's distance moved from 23.8 to 37.3: another
# CPU trains, in effect, other runs, so the extremes and the median of ten move by several units.
RECORD_TOLERANCE = {
    "frechet_distance": (2.0, 0.25), "frechet_distance_without_average": (2.0, 0.25),
    "class_entropy": (0.03, 0.0), "confident_share": (0.03, 0.0),
    "requested_accuracy": (0.015, 0.0),
}


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


@pytest.fixture(scope="module")
def runs() -> dict[str, list[dict]]:
    return {name: [digit_gan.run(name, seed) for seed in SEEDS] for name in digit_gan.RUNS}


def test_the_unconditional_gan_meets_its_targets_for_every_seed(runs, floor):
    for result in runs["unconditional"]:
        assert result["frechet_distance"] <= digit_gan.FLOOR_MULTIPLE * floor, result
        assert result["class_entropy"] >= digit_gan.MIN_ENTROPY, result


def test_the_moving_average_draws_better_than_g_itself_for_every_seed(runs):
    for result in runs["unconditional"]:
        assert result["frechet_distance"] < result["frechet_distance_without_average"], result


def test_the_conditional_gan_draws_the_requested_digit_for_every_seed(runs):
    for result in runs["conditional"]:
        assert result["requested_accuracy"] >= digit_gan.MIN_REQUESTED_ACCURACY, result


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


def test_the_dcgan_draws_closer_to_real_digits_but_takes_several_times_as_long(runs):
    def median(name, figure):
        return statistics.median(result[figure] for result in runs[name])

    assert median("dcgan", "frechet_distance") < median("unconditional", "frechet_distance")
    assert median("dcgan", "train_s") > 3 * median("unconditional", "train_s")


def close_to_record(recorded: float, fresh: float, figure: str) -> bool:
    absolute, share = RECORD_TOLERANCE[figure]
    return math.isclose(recorded, fresh, abs_tol=absolute + share * abs(recorded))


@pytest.mark.parametrize("name", list(digit_gan.RUNS))
def test_the_recorded_figures_are_what_a_new_measurement_gives(runs, name):
    for figure in RECORD_TOLERANCE:
        if figure not in runs[name][0]:
            continue
        recorded = measured_across_seeds(f"digit_gan.{name}.{figure}")
        fresh = [result[figure] for result in runs[name]]
        assert recorded.seeds == tuple(SEEDS)
        for summary, value in ((recorded.low, min(fresh)), (recorded.high, max(fresh)),
                               (recorded.median, statistics.median(fresh))):
            assert close_to_record(summary, value, figure), (figure, recorded, fresh)
