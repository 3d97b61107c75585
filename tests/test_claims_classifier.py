"""Notebook 06's claims about random runs, re-checked for seeds 0-9 (about a minute on 2 cores).

Every run goes through ``benchmarks.classifier.measure_seed``, which trains what the notebook
trains with the same helpers and arguments; the recorded ranges the notebook prints
(``helpers/data/measured_across_seeds.json``) must agree with this fresh measurement.
"""

import itertools
import math
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from envelopes import outside_envelope  # noqa: E402

from benchmarks.classifier import FIGURES, SECONDS_FIGURES, measure_seed  # noqa: E402
from helpers.classifier import TRAINING_SIZES, training_size_curve
from helpers.digit_models import DigitMLP  # noqa: E402
from helpers.digits import split_digits  # noqa: E402
from helpers.measured import measured_across_seeds  # noqa: E402

pytestmark = pytest.mark.claims
SEEDS = list(range(10))
# Beyond half the envelope's width on each side (tests/envelopes.py), a fresh value may stray
# by these: accuracies move in steps of one image (1/359 or 1/360), the best epoch by whole epochs.
ABSOLUTE_SLACK = {"accuracy": 2 / 359, "classifier.overfit.best_epoch": 1.0}


@pytest.fixture(scope="module")
def runs() -> dict[int, dict]:
    return {seed: measure_seed(seed) for seed in SEEDS}


def _all(runs: dict[int, dict], part: str, key: str) -> list[float]:
    return [runs[seed][part][key] for seed in SEEDS]


def test_an_untrained_network_starts_near_ln_10():
    """Section 5: the first batch's loss is close to ln 10 (DigitNet is DigitMLP's layers, made
    right after helpers.setup(seed) seeded the global stream)."""
    for seed in SEEDS:
        split = split_digits(seed)
        torch.manual_seed(seed)
        model = DigitMLP()
        with torch.no_grad():
            loss = nn.CrossEntropyLoss()(model(split.train_images[:8]), split.train_labels[:8])
        assert abs(loss.item() - math.log(10)) < 0.1, seed


def test_overfitting_training_loss_vanishes_while_validation_loss_rises(runs):
    """Section 7: training loss about zero; validation loss lowest early, ending well above."""
    assert max(_all(runs, "overfit", "final_train_loss")) < 1e-3
    assert min(_all(runs, "overfit", "val_loss_rise")) > 1.2
    assert max(_all(runs, "overfit", "best_epoch")) + 20 <= 50  # patience 20 stops early
    changes = [runs[s]["overfit"]["final_val_accuracy"] - runs[s]["overfit"]["best_val_accuracy"]
               for s in SEEDS]
    assert max(abs(change) for change in changes) <= 0.03  # "a point or two either way"


def test_weight_decay_lowers_the_final_validation_loss_but_not_always_the_accuracy(runs):
    """Section 7: lower loss for every seed; accuracy up for some seeds, down for others."""
    assert max(_all(runs, "weight_decay", "val_loss_ratio")) < 1.0
    changes = _all(runs, "weight_decay", "val_accuracy_change")
    assert min(changes) < 0 < max(changes)


def test_momentum_beats_plain_sgd_and_a_tenth_of_the_rate_lands_close(runs):
    """Section 8: momentum at the same rate ends far lower; momentum 0.9 at lr 0.01 close to
    plain SGD at lr 0.1."""
    assert max(_all(runs, "momentum", "val_loss_ratio")) < 0.5
    assert all(0.9 < ratio < 1.1 for ratio in _all(runs, "momentum", "small_lr_ratio"))


def test_the_one_cycle_schedule_settles_the_last_epochs(runs):
    """Section 8: the validation loss jitters with a constant rate, settles with the schedule."""
    for seed in SEEDS:
        schedule = runs[seed]["schedule"]
        assert schedule["one_cycle_spread"] * 3 < schedule["constant_spread"], seed


def test_more_data_closes_the_gap_between_training_and_validation(runs):
    """Section 8's explorer: training accuracy about 100 % at every size, validation accuracy
    climbing with the size (a dip of at most a point), the gap closing to a few points."""
    assert TRAINING_SIZES[-1] is None  # the last point is the recipe's MLP, measured in runs
    for seed in SEEDS:
        points = training_size_curve(split_digits(seed), TRAINING_SIZES[:-1], seed=seed,
                                     device="cpu")
        train = [p.train_accuracy for p in points] + [runs[seed]["mlp"]["train_accuracy"]]
        val = [p.val_accuracy for p in points] + [runs[seed]["mlp"]["val_accuracy"]]
        assert min(train) >= 0.99, seed
        assert all(later >= earlier - 0.01 for earlier, later in itertools.pairwise(val)), seed
        assert val[-1] > val[0] + 0.05, seed
        gaps = [t - v for t, v in zip(train, val, strict=True)]
        assert gaps[-1] < min(0.05, gaps[0] / 3), seed


def test_the_cnn_is_ahead_on_validation_for_most_seeds_and_behind_for_almost_none(runs):
    """Section 9: the validation set picks the CNN. (Behind by at most two of the 360
    validation images, should one seed trail on a machine whose arithmetic trains a slightly
    different network; on the recording machine it trails for none.)"""
    leads = [runs[s]["cnn"]["val_accuracy"] - runs[s]["mlp"]["val_accuracy"] for s in SEEDS]
    assert sum(lead > 0 for lead in leads) > len(SEEDS) / 2
    assert sum(lead < 0 for lead in leads) <= 1
    assert min(leads) >= -2 / 360 - 1e-6


def test_the_cnn_reaches_98_percent_test_accuracy_for_every_seed(runs):
    """Section 10 and the issue's target, as make bench recorded it. Another CPU trains slightly
    different networks (a seed moves by up to 3 of the 359 test images, about a point), so a new
    run is held to the record within that point (the next test), and to 97 % here."""
    assert measured_across_seeds("classifier.cnn.test_accuracy").low >= 0.98
    assert min(_all(runs, "cnn", "test_accuracy")) >= 0.97


def test_the_recorded_figures_match_a_fresh_measurement(runs):
    """The ranges the notebook prints come from these runs on several numeric paths: a fresh
    run falls inside that envelope (seconds are machine-bound: skipped)."""
    for name, figure in FIGURES.items():
        if name in SECONDS_FIGURES:
            continue
        key = "accuracy" if "accuracy" in name else name
        absolute = ABSOLUTE_SLACK.get(key, 0.0)
        fresh = [float(figure(runs[seed])) for seed in SEEDS]
        assert not outside_envelope(name, fresh, absolute=absolute), (name, fresh)
