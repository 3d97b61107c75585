"""The classifier benchmark's report and budgets (benchmarks/classifier.py), on made-up results.

Nothing here trains a network; `make bench` does that.
"""

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import classifier  # noqa: E402
from benchmarks.budgets import Check  # noqa: E402


def _seed(seed, cnn_accuracy, cnn_seconds, mlp_to_97=0.3):
    return {
        "seed": seed,
        "mlp": {"test_accuracy": 0.97, "val_accuracy": 0.975, "train_seconds": 0.5,
                "seconds_to_97": mlp_to_97},
        "cnn": {"test_accuracy": cnn_accuracy, "val_accuracy": 0.985,
                "train_seconds": cnn_seconds, "seconds_to_97": 0.6},
    }


def _results(cnn=((0.99, 2.4), (0.985, 2.6), (0.992, 2.5)), mlp_to_97=(0.3, None, 0.2)):
    per_seed = [_seed(seed, accuracy, seconds, to_97)
                for seed, ((accuracy, seconds), to_97) in enumerate(zip(cnn, mlp_to_97,
                                                                         strict=True))]
    return {"seeds": list(range(len(per_seed))), "per_seed": per_seed}


def test_checks_pass_when_every_seed_meets_the_targets():
    checks = classifier.checks(_results())
    assert [c.name for c in checks] == ["CNN test accuracy, every seed", "CNN training time"]
    assert all(isinstance(c, Check) and c.ok for c in checks)
    assert checks[0].measured == "98.5 % (worst, seed 1)"
    assert checks[0].limit == "≥ 98 %"
    assert checks[1].measured == "2.6 s (slowest, seed 1)"
    assert checks[1].limit == "≤ 5 s"


@pytest.mark.parametrize(("cnn", "failing"), [
    (((0.99, 2.4), (0.979, 2.6), (0.992, 2.5)), "CNN test accuracy, every seed"),
    (((0.99, 2.4), (0.985, 5.1), (0.992, 2.5)), "CNN training time"),
])
def test_one_bad_seed_fails_its_check(cnn, failing):
    checks = {c.name: c for c in classifier.checks(_results(cnn=cnn))}
    assert not checks[failing].ok
    assert all(c.ok for name, c in checks.items() if name != failing)


def test_section_gives_worst_median_best_per_model_against_the_targets():
    lines = classifier.section(_results())
    assert lines[0] == "### Classifier (notebook 06): seeds 0–2"
    table = [line for line in lines if line.startswith("| ")]
    assert len(table) == 4  # header, rule, MLP, CNN
    mlp, cnn = table[2], table[3]
    assert mlp.startswith("| MLP 64-128-10 | 97.0 / 97.0 / 97.0 | 97.4 ± 0.4 % |")
    assert "| 0.3 / 0.2 / 0.2 (1 of 3 seeds never) |" in mlp  # worst is the slowest
    assert cnn.startswith("| CNN conv16-conv32-pool-64-10 | 98.5 / 99.0 / 99.2 |")
    assert "≥ 98 % every seed" in cnn and "≤ 5 s" in cnn
    assert "| 2.6 / 2.5 / 2.4 |" in cnn
    assert any("test set is scored once" in line for line in lines)


def test_section_lists_seeds_that_are_not_a_range():
    results = _results()
    results["seeds"] = [0, 3, 7]
    assert classifier.section(results)[0] == "### Classifier (notebook 06): seeds 0, 3, 7"


def test_last_epochs_spread_is_max_minus_min_of_the_last_five():
    history = classifier.TrainingHistory(val_loss=[1.0, 0.5, 0.30, 0.32, 0.29, 0.31, 0.30])
    assert history.val_loss[-5:] == [0.30, 0.32, 0.29, 0.31, 0.30]
    assert classifier.last_epochs_spread(history) == pytest.approx(0.03)


def test_measure_rejects_bad_seeds():
    with pytest.raises(ValueError, match="non-empty list of ints"):
        classifier.measure([])
    with pytest.raises(ValueError, match="non-empty list of ints"):
        classifier.measure([-1])


def test_the_worst_over_recorded_paths_is_checked_when_measure_recorded_it():
    worst = {"paths": 5, "cnn_test_accuracy": 0.979}
    checks = classifier.checks({**_results(), "recorded_worst": worst})
    assert checks[0].name == "CNN test accuracy, worst over seeds and 5 recorded paths"
    assert checks[0].measured == "97.9 %" and not checks[0].ok
    assert all(c.ok for c in checks[1:])


def test_calibration_figures_are_read_from_a_model_s_logits():
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10))
    images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(40) % 10
    split = SimpleNamespace(val=(images, labels), test=(images, labels))
    figures = classifier.calibration_figures(model, split)
    assert 0 < figures["test_interval_width"] < 1 and figures["temperature"] > 0
    logits = model(images).detach()
    assert figures["test_nll"] == pytest.approx(F.cross_entropy(logits, labels).item(), rel=1e-5)
    # The temperature minimises the cross-entropy it is fitted on, here the same digits.
    assert figures["test_nll_scaled"] <= figures["test_nll"] + 1e-9


def test_section_counts_the_seeds_whose_calibration_improved():
    results = _results()
    for result, (ece, scaled, nll, nll_scaled) in zip(
            results["per_seed"], [(0.01, 0.008, 0.05, 0.04), (0.006, 0.009, 0.03, 0.031),
                                  (0.008, 0.007, 0.02, 0.03)], strict=True):
        result["cnn"].update(test_interval_width=0.02, temperature=1.7, test_ece=ece,
                             test_ece_scaled=scaled, test_nll=nll, test_nll_scaled=nll_scaled)
    lines = classifier.section(results)
    row = lines[-1]
    assert row.startswith("| 2.0 / 2.0 / 2.0 | 1.70 / 1.70 / 1.70 | 0.0060 / 0.0080 / 0.0100 |")
    assert row.endswith("| 2 of 3 | 1 of 3 |")
    assert not any("calibration" in line for line in classifier.section(_results()))
