"""The digit-GAN part of the benchmark (benchmarks/digit_gan.py), on made-up results."""

import sys
from pathlib import Path

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import budgets, digit_gan  # noqa: E402


def results(fd=(20.0, 30.0), entropy=(2.25, 2.29), accuracy=(0.97, 0.99), seconds=4.0,
            nearest=(1.05, 1.1)):
    def runs(**figures):
        copying = {"precision": (0.7, 0.8), "recall": (0.8, 0.85), "nearest_pixel_ratio": nearest,
                   "nearest_feature_ratio": (1.2, 1.3)}
        return [{"seed": i, "steps": 2000, "train_s": seconds + i,
                 **{k: v[i] for k, v in {**figures, **copying}.items()}} for i in range(2)]

    confident = (0.85, 0.9)
    return {"seeds": [0, 1], "floor": 5.0, "test_floor": 5.5, "runs": {
        "unconditional": runs(frechet_distance=fd, class_entropy=entropy,
                              confident_share=confident),
        "conditional": runs(frechet_distance=fd, class_entropy=entropy, confident_share=confident,
                            requested_accuracy=accuracy),
        "dcgan": runs(frechet_distance=fd, class_entropy=entropy, confident_share=confident),
    }}


def test_every_target_holds_on_good_results():
    checks = digit_gan.checks(results())
    assert budgets.failures(checks) == []
    assert [c.measured for c in checks[:4]] == ["2 of 2", "25.0", "2.250 nats", "97.0%"]


def test_each_target_fails_on_its_own():
    failed = [c.name for c in budgets.failures(digit_gan.checks(results(fd=(20.0, 51.0))))]
    assert failed == ["digit GAN seeds meeting both targets on this machine"]
    failed = [c.name for c in budgets.failures(digit_gan.checks(results(fd=(45.0, 49.0))))]
    assert failed == ["digit GAN median Fréchet distance on this machine"]
    failed = [c.name for c in budgets.failures(digit_gan.checks(results(entropy=(2.1, 2.3))))]
    assert failed == ["digit GAN seeds meeting both targets on this machine",
                      "digit GAN class entropy, worst seed on this machine"]
    failed = [c.name for c in budgets.failures(digit_gan.checks(results(accuracy=(0.94, 1.0))))]
    assert failed == ["conditional GAN requested-class accuracy, worst seed on this machine"]
    worst = {"paths": 4, "seeds": 10, "fewest_meeting": 7, "class_entropy": 2.25,
             "requested_accuracy": 0.96, "nearest_pixel_ratio": 0.95}
    failed = [c.name for c in budgets.failures(digit_gan.checks({**results(),
                                                                 "recorded_worst": worst}))]
    assert failed == ["digit GAN seeds meeting both targets, fewest on one of 4 recorded paths"]
    passing = {**worst, "fewest_meeting": 8}
    assert budgets.failures(digit_gan.checks({**results(), "recorded_worst": passing})) == []
    failed = [c.name for c in budgets.failures(digit_gan.checks(results(seconds=14.5)))]
    assert failed == ["digit GAN unconditional training run, slowest seed",
                      "digit GAN conditional training run, slowest seed"]
    failed = [c.name for c in budgets.failures(digit_gan.checks(results(nearest=(0.2, 1.0))))]
    assert [name.split(" samples")[0] for name in failed] == ["digit GAN unconditional",
                                                              "digit GAN conditional"]


def test_the_section_gives_worst_and_median_per_run_and_the_floor():
    markdown = "\n".join(digit_gan.section(results()))
    assert "| unconditional | 2000 | 30.000 / 25.000 | 2.250 / 2.270 | 0.850 / 0.875 | – | " \
           "5.0 / 4.5 |" in markdown
    assert "| conditional | 2000 |" in markdown and "0.970 / 0.980" in markdown
    assert "floor (1000 real training digits against them): 5.00" in markdown
    assert "against the test digits, scored once per run: 5.50" in markdown
    assert "| unconditional | 0.700 / 0.750 | 0.800 / 0.825 | 1.050 / 1.075 | 1.200 / 1.250 |" \
        in markdown
    for line in markdown.splitlines():
        if line.startswith("| run | steps") or line.startswith("| unconditional | 2000"):
            assert line.count("|") == 8


def test_the_section_reports_the_conditional_gs_variety_within_each_digit():
    made_up = results()
    assert "Variety within each digit" not in "\n".join(digit_gan.section(made_up))
    for seed, generated in enumerate(([0.5] * 9 + [0.95], [0.745] * 10)):
        made_up["runs"]["conditional"][seed].update(within_class_recall=generated,
                                                    held_out_within_class_recall=[0.9] * 10)
    line = digit_gan.section(made_up)[-3]
    assert "mean over the digits 0.545 / 0.645 / 0.745 (worst / median / best seed) against " \
           "0.900" in line
    assert line.endswith("G below them for 9–10 of 10 digits.")
