"""Every statement notebooks 04 and 05 make about a random run, re-checked for seeds 0-9.

Each notebook runs once, with the seed of its first cell (0 when stored). Its prose
must hold whatever that seed is, so these tests redo each experiment for seeds 0-9
with the same helpers and the same steps as the notebook (``seed_problem`` with the
seed, the model built after ``torch.manual_seed(seed)``, generators from
``seeded_generator(stream, seed)``) and check each claim, naming the seeds where it
fails. The runs are shared through module fixtures, so the whole file takes seconds.
"""

import copy
import math
from itertools import pairwise

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers.environment import seeded_generator
from helpers.loss_curves import describe_run
from helpers.training import fit, seed_problem, train_by_hand, two_layer_gradients

pytestmark = pytest.mark.claims

SEEDS = range(10)


def failing(verdicts: dict[int, bool]) -> list[int]:
    """The seeds for which a claim is false; an empty list when it holds for all."""
    return [seed for seed, holds in verdicts.items() if not holds]


# --- notebook 04 --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def by_hand():
    """Notebook 04's runs for every seed: the problem, 500 epochs at three rates, 100 at four."""
    runs = {}
    for seed in SEEDS:
        problem = seed_problem(seed=seed)
        runs[seed] = {
            "problem": problem,
            "long": {rate: train_by_hand(*problem, rate, 500) for rate in (3e-7, 1e-6, 3e-6)},
            "verdicts": {
                rate: describe_run(rate, train_by_hand(*problem, rate, 100))
                for rate in (1e-9, 1e-6, 3e-6, 10**-5.5)
            },
        }
    return runs


def test_04_the_starting_loss_is_tens_of_millions_and_about_numel_times_the_variance(by_hand):
    verdicts = {}
    for seed, run in by_hand.items():
        x, y, w1, w2 = run["problem"]
        hidden = x.mm(w1)
        y_pred = hidden.clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum().item()
        verdicts[seed] = (
            1e7 <= loss < 1e8
            and abs(hidden.std().item() / math.sqrt(1000) - 1) < 0.1
            and abs(y.numel() * y_pred.var().item() / loss - 1) < 0.1
            and 0.4 < (hidden > 0).float().mean().item() < 0.6
        )
    assert not failing(verdicts)


def test_04_hand_written_gradients_agree_with_finite_differences_and_autograd(by_hand):
    verdicts = {}
    for seed, run in by_hand.items():
        x, y, w1, w2 = run["problem"]
        _, grad_w1, grad_w2 = two_layer_gradients(x, y, w1, w2)
        x64, y64, w1_64, w2_64 = (t.double() for t in run["problem"])

        def loss_at(a, b, x64=x64, y64=y64):
            return (x64.mm(a).clamp(min=0).mm(b) - y64).pow(2).sum().item()

        close = True
        for grad, index, which in [(grad_w1, (0, 0), 1), (grad_w1, (123, 45), 1),
                                   (grad_w2, (7, 3), 2)]:
            plus, minus = (w1_64.clone(), w2_64.clone()), (w1_64.clone(), w2_64.clone())
            plus[which - 1][index] += 1e-3
            minus[which - 1][index] -= 1e-3
            estimate = (loss_at(*plus) - loss_at(*minus)) / 2e-3
            close = close and abs(grad[index].item() - estimate) / abs(estimate) < 1e-4
        a1, a2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
        (x.mm(a1).clamp(min=0).mm(a2) - y).pow(2).sum().backward()
        for mine, theirs in [(grad_w1, a1.grad), (grad_w2, a2.grad)]:
            close = close and (mine - theirs).abs().max() / mine.abs().max() < 1e-6
        verdicts[seed] = close
    assert not failing(verdicts)


def test_04_autograd_training_repeats_the_hand_written_losses(by_hand):
    verdicts = {}
    for seed, run in by_hand.items():
        x, y, w1_start, w2_start = run["problem"]
        w1, w2 = w1_start.clone().requires_grad_(), w2_start.clone().requires_grad_()
        losses = []
        for _ in range(20):
            loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
            losses.append(loss.item())
            loss.backward()
            with torch.no_grad():
                w1 -= 1e-6 * w1.grad
                w2 -= 1e-6 * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
        hand = run["long"][1e-6][:20]
        verdicts[seed] = max(abs(a - h) / h for a, h in zip(losses, hand, strict=True)) < 1e-6
    assert not failing(verdicts)


def test_04_at_1e_6_the_loss_rises_for_three_epochs_then_falls_by_over_four_orders(by_hand):
    verdicts = {}
    for seed, run in by_hand.items():
        losses = run["long"][1e-6]
        rises_first = losses[0] < losses[1] < losses[2] < losses[3] > losses[4]
        verdicts[seed] = (
            rises_first
            and losses[19] > 1e5  # "after 20 epochs it is still far from small"
            and math.log10(losses[0] / losses[-1]) > 4
        )
    assert not failing(verdicts)


def test_04_at_3e_7_the_loss_never_rises_and_is_several_times_behind_at_epoch_100(by_hand):
    verdicts = {}
    for seed, run in by_hand.items():
        slow, good = run["long"][3e-7], run["long"][1e-6]
        ratio_100, ratio_499 = slow[100] / good[100], slow[499] / good[499]
        verdicts[seed] = (
            not any(later > earlier for earlier, later in pairwise(slow))
            and any(later > earlier for earlier, later in pairwise(good))
            and ratio_100 > 2.5
            and ratio_499 < ratio_100  # "by epoch 500 the gap has narrowed"
        )
    assert not failing(verdicts)


def test_04_with_seed_1_the_slower_rate_ends_lower(by_hand):
    slow, good = by_hand[1]["long"][3e-7], by_hand[1]["long"][1e-6]
    assert slow[-1] < good[-1]


def test_04_at_3e_6_the_loss_overflows_within_a_few_epochs(by_hand):
    verdicts = {}
    for seed, run in by_hand.items():
        losses = run["long"][3e-6]
        verdicts[seed] = not math.isfinite(losses[-1]) and len(losses) - 1 <= 10
    assert not failing(verdicts)


def test_04_2e_6_overflows_for_some_draws_and_climbs_above_a_billion_and_back_for_others():
    overflowed, came_back = [], []
    for seed in SEEDS:
        start = seed_problem(seed=seed)
        losses = train_by_hand(*start, 2e-6, 30)
        if not math.isfinite(losses[-1]):
            overflowed.append(seed)
        elif max(losses) > 1e9 and losses[-1] < losses[0]:
            came_back.append(seed)
    assert overflowed and came_back
    assert sorted(overflowed + came_back) == list(SEEDS)


def test_04_the_explorer_verdicts_hold_for_every_seed(by_hand):
    expected = {1e-9: "too slow", 1e-6: "learning", 3e-6: "diverged", 10**-5.5: "diverged"}
    verdicts = {
        seed: all(run["verdicts"][rate].split(": ")[1].startswith(word)
                  for rate, word in expected.items())
        for seed, run in by_hand.items()
    }
    assert not failing(verdicts)


def test_04_gradcheck_passes_with_the_mask_and_fails_without_for_every_probe():
    class ReLUFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, inputs):
            ctx.save_for_backward(inputs)
            return inputs.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (inputs,) = ctx.saved_tensors
            return grad_output * (inputs > 0)

    class ReLUWithoutMask(ReLUFunction):
        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    verdicts = {}
    for seed in SEEDS:
        probe = torch.randn(8, 5, generator=seeded_generator(1, seed=seed), dtype=torch.float64)
        probe.requires_grad_()
        verdicts[seed] = torch.autograd.gradcheck(ReLUFunction.apply, (probe,)) and not (
            torch.autograd.gradcheck(ReLUWithoutMask.apply, (probe,), raise_exception=False)
        )
    assert not failing(verdicts)


# --- notebook 05 --------------------------------------------------------------------------------

OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adagrad": torch.optim.Adagrad,
    "RMSprop": torch.optim.RMSprop,
    "Adam": torch.optim.Adam,
}
GOOD_RATES = {"SGD": 1e-1, "Adagrad": 1e-2, "RMSprop": 1e-4, "Adam": 1e-3}


def _model(seed: int) -> nn.Sequential:
    """Notebook 05's model: built right after torch.manual_seed(session seed)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(1000, 100), nn.ReLU(), nn.Linear(100, 10))


def _train(model: nn.Module, optimizer_class: type, rate: float, batches: object,
           epochs: int) -> tuple[list[float], nn.Module]:
    trained = copy.deepcopy(model)
    losses = fit(trained, nn.MSELoss(), optimizer_class(trained.parameters(), lr=rate), batches,
                 epochs)
    return losses, trained


@pytest.fixture(scope="module")
def with_optimizers():
    """Notebook 05's runs for every seed."""
    runs = {}
    for seed in SEEDS:
        x, y, _, _ = seed_problem(seed=seed)
        model = _model(seed)
        run = {"data": (x, y), "model": model}
        run["adam_1e_6"] = _train(model, torch.optim.Adam, 1e-6, [(x, y)], 20)
        run["at_1e_2"] = {name: _train(model, cls, 1e-2, [(x, y)], 50)[0]
                          for name, cls in OPTIMIZERS.items()}
        run["good"] = {name: _train(model, OPTIMIZERS[name], rate, [(x, y)], 100)[0]
                       for name, rate in GOOD_RATES.items()}
        loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True,
                            generator=seeded_generator(2, seed=seed))
        # The notebook draws one batch and runs one demo epoch before fit: the same shuffles.
        next(iter(loader))
        for _ in loader:
            pass
        run["mini_batches"] = _train(model, torch.optim.SGD, 0.05, loader, 100)[0]
        run["full_batch"] = _train(model, torch.optim.SGD, 0.05, [(x, y)], 100)[0]
        runs[seed] = run
    return runs


def test_05_the_loss_starts_near_1_because_weights_stay_inside_the_fan_in_bound(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        x, y = run["data"]
        model = run["model"]
        inside = all(layer.weight.abs().max().item() <= 1 / math.sqrt(layer.in_features)
                     for layer in (model[0], model[2]))
        with torch.no_grad():
            verdicts[seed] = inside and 0.9 < nn.functional.mse_loss(model(x), y).item() < 1.2
    assert not failing(verdicts)


def test_05_sgd_on_the_sum_at_1e_4_equals_sgd_on_the_mean_at_1e_1(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        x, y = run["data"]
        summed = copy.deepcopy(run["model"])
        sum_losses = fit(summed, nn.MSELoss(reduction="sum"),
                         torch.optim.SGD(summed.parameters(), lr=1e-4), [(x, y)], 30)
        mean_losses = _train(run["model"], torch.optim.SGD, 1e-1, [(x, y)], 30)[0]
        gap = max(abs(s / y.numel() - m) / m for s, m in zip(sum_losses, mean_losses, strict=True))
        verdicts[seed] = gap < 1e-5
    assert not failing(verdicts)


def test_05_l1_gradients_and_cross_entropy_three_ways(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        x, y = run["data"]
        prediction = run["model"](x).detach().requires_grad_()
        nn.L1Loss()(prediction, y).backward()
        distinct = sorted({round(g, 6) for g in prediction.grad.flatten().tolist()})
        logits = torch.randn(4, 3, generator=seeded_generator(1, seed=seed))
        targets = torch.tensor([1, 0, 2, 1])
        built_in = nn.CrossEntropyLoss()(logits, targets)
        two_steps = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), targets)
        by_hand = (-logits[torch.arange(4), targets] + logits.exp().sum(dim=1).log()).mean()
        verdicts[seed] = distinct == [-0.001, 0.001] and torch.allclose(
            built_in, two_steps) and torch.allclose(built_in, by_hand)
    assert not failing(verdicts)


def test_05_adam_at_1e_6_moves_each_weight_about_2e_5_in_20_epochs(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        losses, trained = run["adam_1e_6"]
        moved = max((a - b).abs().max().item()
                    for a, b in zip(trained.parameters(), run["model"].parameters(), strict=True))
        typical = run["model"][0].weight.abs().mean().item()
        verdicts[seed] = (
            1e-3 <= losses[0] - losses[-1] < 1e-2  # "drops in the third decimal"
            and 1.5e-5 < moved < 2.5e-5
            and 100 <= typical / moved < 1000  # "hundreds of times larger"
        )
    assert not failing(verdicts)


def test_05_at_1e_2_rmsprop_is_thrown_up_by_its_first_step_and_stays_far_behind(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        losses = run["at_1e_2"]
        finals = {name: curve[-1] for name, curve in losses.items()}
        verdicts[seed] = (
            finals["SGD"] > 0.5  # "still on its way"
            and max(finals["Adagrad"], finals["Adam"]) < 0.01  # "nearly done"
            and finals["RMSprop"] > 10 * max(finals["Adagrad"], finals["Adam"])
            and losses["RMSprop"][1] > 100 * losses["RMSprop"][0]  # "from about 1 to hundreds"
        )
    assert not failing(verdicts)


def test_05_one_step_moves_weights_by_lr_for_adagrad_and_adam_and_10_lr_for_rmsprop(
        with_optimizers):
    expected = {"Adagrad": (0.99, 1.01), "RMSprop": (9.9, 10.01), "Adam": (0.99, 1.01)}
    verdicts = {}
    for seed, run in with_optimizers.items():
        x, y = run["data"]
        medians = {}
        for name, optimizer_class in OPTIMIZERS.items():
            stepped = copy.deepcopy(run["model"])
            optimizer = optimizer_class(stepped.parameters(), lr=1e-2)
            nn.MSELoss()(stepped(x), y).backward()
            optimizer.step()
            moves = torch.cat([(a - b).abs().flatten() for a, b
                               in zip(stepped.parameters(), run["model"].parameters(),
                                      strict=True)])
            medians[name] = moves.median().item() / 1e-2
        typical = run["model"][0].weight.abs().mean().item()
        verdicts[seed] = (
            medians["SGD"] < 0.01
            and all(low < medians[name] < high for name, (low, high) in expected.items())
            and 0.1 / typical > 3  # "several times a typical first-layer weight"
        )
    assert not failing(verdicts)


def test_05_at_good_rates_sgd_and_rmsprop_end_within_a_factor_of_four(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        finals = {name: curve[-1] for name, curve in run["good"].items()}
        ratio = finals["RMSprop"] / finals["SGD"]
        verdicts[seed] = 0.25 < ratio < 4 and min(finals["SGD"], finals["RMSprop"]) > 10 * max(
            finals["Adagrad"], finals["Adam"])
    assert not failing(verdicts)


def test_05_raising_adams_rate_through_param_groups_rescues_the_seed_run(with_optimizers):
    verdicts = {}
    for seed, run in with_optimizers.items():
        x, y = run["data"]
        _, trained = run["adam_1e_6"]
        trained = copy.deepcopy(trained)
        optimizer = torch.optim.Adam(trained.parameters(), lr=1e-6)
        slow = fit(trained, nn.MSELoss(), optimizer, [(x, y)], 20)
        for group in optimizer.param_groups:
            group["lr"] = 1e-3
        fast = fit(trained, nn.MSELoss(), optimizer, [(x, y)], 20)
        verdicts[seed] = slow[0] - slow[-1] < 0.01 and fast[-1] < fast[0] / 5
    assert not failing(verdicts)


def test_05_mini_batches_are_far_ahead_of_full_batch_after_100_epochs(with_optimizers):
    verdicts = {
        seed: run["mini_batches"][-1] < run["full_batch"][-1] / 100
        for seed, run in with_optimizers.items()
    }
    assert not failing(verdicts)
