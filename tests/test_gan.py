"""Tests for helpers.gan: networks, losses, recipes, trainer and checkpoints."""

import copy
import math
import statistics

import pytest
import torch

import helpers
from helpers.gan import (
    build_discriminator,
    build_generator,
    discriminator_loss,
    gan_step,
    generator_loss,
    ideal_losses,
    with_condition,
)
from helpers.gan_recipe import (
    NOTEBOOK_RECIPE,
    NOTEBOOK_STEPS,
    SEED_RECIPE,
    GanRecipe,
    PaintingTask,
)
from helpers.gan_trainer import SNAPSHOT_SIZE, GanTrainer
from helpers.paintings import from_unit_range

SMALL = GanRecipe(lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999), batch_size=16, hidden=32)
# Every feature that holds state a checkpoint must carry: schedulers and the moving average.
FULL = GanRecipe(lr_g=2e-3, lr_d=2e-3, batch_size=16, hidden=32, activation="tanh", scaled=True,
                 ema_decay=0.99, lr_decay_steps=40, lr_final_fraction=0.1)


def same_weights(a: GanTrainer, b: GanTrainer) -> bool:
    pairs = [(a.generator, b.generator), (a.discriminator, b.discriminator)]
    return all(
        torch.equal(p, q)
        for net_a, net_b in pairs
        for p, q in zip(net_a.state_dict().values(), net_b.state_dict().values(), strict=True)
    )


def test_networks_match_the_seed_and_d_outputs_a_logit():
    G, D = build_generator(), build_discriminator()
    assert G(torch.randn(4, 5)).shape == (4, 15)
    assert D(torch.randn(4, 15)).shape == (4, 1)
    assert (D(10 * torch.randn(64, 15)).abs() > 1).any(), "a logit is not squashed into (0, 1)"
    seed_d = build_discriminator(sigmoid=True)
    probabilities = seed_d(10 * torch.randn(64, 15))
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    bounded = build_generator(activation="tanh", bounded=True)(10 * torch.randn(64, 5))
    assert bounded.abs().max() < 1
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        build_generator(hidden=0)
    with pytest.raises(ValueError, match="activation must be one of"):
        build_discriminator(activation="sigmoid")


def test_losses_from_logits_equal_the_cross_entropy_of_probabilities():
    logits = torch.tensor([[-3.0], [0.0], [2.5]])
    probabilities = torch.sigmoid(logits)
    assert discriminator_loss(logits, -logits).item() == pytest.approx(
        (-torch.log(probabilities).mean() - torch.log(1 - torch.sigmoid(-logits)).mean()).item())
    assert generator_loss(logits).item() == pytest.approx(-torch.log(probabilities).mean().item())
    assert generator_loss(logits, "minimax").item() == pytest.approx(
        torch.log(1 - probabilities).mean().item())


def test_losses_at_equilibrium():
    even = torch.zeros(8, 1)  # logit 0 is D = 1/2
    assert discriminator_loss(even, even).item() == pytest.approx(2 * math.log(2))
    assert generator_loss(even).item() == pytest.approx(math.log(2))
    assert generator_loss(even, "minimax").item() == pytest.approx(-math.log(2))
    assert ideal_losses() == pytest.approx({"loss_d": 2 * math.log(2), "loss_g": math.log(2)})
    with pytest.raises(ValueError, match="loss must be one of"):
        generator_loss(even, "wasserstein")


def test_minimax_gradient_vanishes_where_non_saturating_does_not():
    logit = torch.tensor([[-4.6]], requires_grad=True)  # D(G(z)) = 0.01
    (minimax,) = torch.autograd.grad(generator_loss(logit, "minimax"), logit)
    (non_saturating,) = torch.autograd.grad(generator_loss(logit), logit)
    assert abs(non_saturating.item()) > 90 * abs(minimax.item())


def test_logits_keep_the_gradient_where_sigmoid_then_log_loses_it():
    logit = torch.tensor([[-40.0]], requires_grad=True)
    (from_logits,) = torch.autograd.grad(generator_loss(logit), logit)
    assert from_logits.item() == pytest.approx(-1.0)
    through_sigmoid = torch.nn.functional.binary_cross_entropy(
        torch.sigmoid(logit), torch.ones(1, 1))
    (lost,) = torch.autograd.grad(through_sigmoid, logit)
    assert abs(lost.item()) < 1e-3


def test_recipes():
    assert (SEED_RECIPE.lr_g, SEED_RECIPE.lr_d, SEED_RECIPE.betas, SEED_RECIPE.loss,
            SEED_RECIPE.batch_size, SEED_RECIPE.activation, SEED_RECIPE.scaled,
            SEED_RECIPE.ema_decay) == (1e-4, 1e-4, (0.9, 0.999), "minimax", 64, "relu", False,
                                       None)
    assert (NOTEBOOK_RECIPE.activation, NOTEBOOK_RECIPE.scaled, NOTEBOOK_RECIPE.bounded,
            NOTEBOOK_RECIPE.lr_decay_steps) == ("tanh", True, False, NOTEBOOK_STEPS)
    assert "EMA 0.999" in NOTEBOOK_RECIPE.describe()
    assert "data scaled to [-1, 1]" in NOTEBOOK_RECIPE.describe()
    assert "minimax" in SEED_RECIPE.describe() and "scaled" not in SEED_RECIPE.describe()
    with pytest.raises(AttributeError):
        NOTEBOOK_RECIPE.lr_g = 1.0  # frozen


@pytest.mark.parametrize(
    "changes, message",
    [({"lr_g": 0}, "lr_g must be above 0, got 0"), ({"lr_d": -1e-3}, "lr_d"),
     ({"betas": (0.5, 1.0)}, "betas"), ({"loss": "hinge"}, "loss must be one of"),
     ({"batch_size": 0}, "batch_size"), ({"lr_final_fraction": 0.0}, "lr_final_fraction"),
     ({"activation": "gelu"}, "activation must be one of"),
     ({"bounded": True}, "bounded=True needs scaled=True"),
     ({"ema_decay": 1.0}, "ema_decay must be above 0 and below 1"),
     ({"lr_decay_steps": 0}, "lr_decay_steps")],
)
def test_recipe_rejects_bad_values(changes, message):
    arguments = {"lr_g": 1e-3, "lr_d": 1e-3, **changes}
    with pytest.raises(ValueError, match=message):
        GanRecipe(**arguments)


def test_the_schedule_falls_linearly_then_stays():
    recipe = GanRecipe(1e-3, 2e-3, lr_decay_steps=10, lr_final_fraction=0.1, batch_size=8,
                       hidden=8)
    trainer = GanTrainer(recipe)
    trainer.train(5)
    assert trainer.optimizer_g.param_groups[0]["lr"] == pytest.approx(1e-3 * (1 - 0.9 * 5 / 10))
    trainer.train(10)
    assert trainer.optimizer_g.param_groups[0]["lr"] == pytest.approx(1e-4)
    assert trainer.optimizer_d.param_groups[0]["lr"] == pytest.approx(2e-4)


def test_the_moving_average_warms_up_then_follows_g_slowly():
    trainer = GanTrainer(FULL, seed=0)
    trainer.train(1)
    first = [p.clone() for p in trainer.generator.parameters()]
    assert all(torch.equal(a, g) for a, g in zip(trainer.sampler.parameters(), first,
                                                 strict=True)), "the first update copies G"
    trainer.train(1)
    beta = min(FULL.ema_decay, 2 / 11)  # (1 + t) / (10 + t) with t = 1 update so far
    for average, before, now in zip(trainer.sampler.parameters(), first,
                                    trainer.generator.parameters(), strict=True):
        assert torch.equal(average, beta * before + (1 - beta) * now)
    assert trainer.sampler is not trainer.generator
    ideas = trainer.ideas(4)
    with torch.no_grad():
        torch.testing.assert_close(trainer.paint(ideas, average=False),
                                   from_unit_range(trainer.generator(ideas)))
        torch.testing.assert_close(trainer.paint(ideas), from_unit_range(trainer.sampler(ideas)))
    plain = GanTrainer(SMALL)
    assert plain.sampler is plain.generator


def test_the_trainer_draws_from_the_session_seed_by_default():
    helpers.setup(3)
    try:
        assert GanTrainer(SMALL).seed == 3
    finally:
        helpers.setup()
    assert GanTrainer(SMALL).seed == 0


def test_trainer_is_reproducible_and_leaves_the_global_rng_alone():
    torch.manual_seed(0)
    expected_draw = torch.rand(1)
    torch.manual_seed(0)
    first = GanTrainer(SMALL, seed=5)
    first.train(20)
    assert torch.equal(torch.rand(1), expected_draw)
    second = GanTrainer(SMALL, seed=5)
    second.train(20)
    assert same_weights(first, second)
    assert not same_weights(first, GanTrainer(SMALL, seed=6))


def test_data_initial_weights_and_fixed_ideas_come_from_unrelated_streams():
    """One stream for all three made the first real batch an affine copy of G's first weights
    (correlation 0.9999999) and the fixed ideas the next seed's initial weights."""
    trainer = GanTrainer(SMALL, seed=4)
    first_weights = trainer.generator[0].weight.detach().flatten()
    real, _ = trainer.task.sample(first_weights.numel(), trainer.rng)
    a_values = real[:, 0].flatten()
    correlation = torch.corrcoef(torch.stack([first_weights, a_values]))[0, 1]
    assert abs(correlation.item()) < 0.5
    next_seed = GanTrainer(SMALL, seed=5).generator[0].weight.detach().flatten()
    ideas = trainer.fixed_ideas.flatten()[:next_seed.numel()]
    assert abs(torch.corrcoef(torch.stack([next_seed, ideas]))[0, 1].item()) < 0.5


def test_trainer_records_history_and_continues():
    trainer = GanTrainer(SMALL)
    trainer.train(7)
    trainer.train(5)
    assert trainer.step_count == 12
    assert {key: len(values) for key, values in trainer.history.items()} == {
        "loss_d": 12, "loss_g": 12, "d_real": 12, "d_fake": 12}
    in_one_go = GanTrainer(SMALL)
    in_one_go.train(12)
    assert same_weights(trainer, in_one_go)
    assert trainer.history == in_one_go.history


def test_snapshots_and_callback():
    trainer = GanTrainer(SMALL)
    seen = []
    trainer.train(10, snapshot_every=4, on_snapshot=lambda t: seen.append(t.step_count))
    assert sorted(trainer.snapshots) == [0, 4, 8]
    assert seen == [4, 8]
    assert trainer.snapshots[8].shape == (SNAPSHOT_SIZE, 15)
    trainer.train(2, snapshot_every=4)
    assert sorted(trainer.snapshots) == [0, 4, 8, 12]
    with pytest.raises(ValueError, match="steps must be a positive int"):
        trainer.train(0)


def test_evaluate_is_repeatable_and_does_not_disturb_training():
    trainer = GanTrainer(SMALL)
    trainer.train(5)
    evaluation = trainer.evaluate(200)
    assert set(evaluation) >= {"frac_between", "a_mean", "a_std", "a_ks", "fit_rmse", "d_real",
                               "d_fake"}
    assert trainer.evaluate(200) == evaluation
    trainer.train(5)
    untouched = GanTrainer(SMALL)
    untouched.train(10)
    assert same_weights(trainer, untouched)


def test_checkpoint_round_trip(tmp_path):
    trainer = GanTrainer(FULL, seed=2)
    trainer.train(9, snapshot_every=3)
    trainer.save(tmp_path / "gan.pt")
    loaded = GanTrainer.load(tmp_path / "gan.pt")
    assert loaded.recipe == FULL and loaded.seed == 2 and loaded.step_count == 9
    assert same_weights(trainer, loaded)
    assert loaded.history == trainer.history
    assert sorted(loaded.snapshots) == [0, 3, 6, 9]
    assert torch.equal(loaded.rng.get_state(), trainer.rng.get_state())
    assert loaded.evaluate(100) == trainer.evaluate(100)


@pytest.mark.parametrize("recipe", [SMALL, FULL], ids=["plain", "schedule_and_ema"])
def test_resume_gives_exactly_the_uninterrupted_run(tmp_path, recipe):
    uninterrupted = GanTrainer(recipe, seed=1)
    uninterrupted.train(50)
    interrupted = GanTrainer(recipe, seed=1)
    interrupted.train(30)
    interrupted.save(tmp_path / "gan.pt")
    del interrupted
    resumed = GanTrainer.load(tmp_path / "gan.pt")
    resumed.train(20)
    assert resumed.step_count == 50
    assert same_weights(resumed, uninterrupted)
    assert all(torch.equal(p, q) for p, q in zip(resumed.sampler.parameters(),
                                                 uninterrupted.sampler.parameters(), strict=True))
    assert resumed.optimizer_g.param_groups[0]["lr"] == uninterrupted.optimizer_g.param_groups[0][
        "lr"]
    assert resumed.history == uninterrupted.history


def test_load_needs_the_task_the_checkpoint_was_trained_on(tmp_path):
    class OtherTask(PaintingTask):
        name = "other"

    GanTrainer(SMALL).save(tmp_path / "gan.pt")
    with pytest.raises(ValueError, match="trained on 'paintings', not on task_name 'other'"):
        GanTrainer.load(tmp_path / "gan.pt", task=OtherTask())


def test_interrupted_save_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "gan.pt"
    trainer = GanTrainer(SMALL)
    trainer.train(3)
    trainer.save(path)
    trainer.train(3)

    def save_half_then_die(obj, file):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", save_half_then_die)
    with pytest.raises(KeyboardInterrupt):
        trainer.save(path)
    monkeypatch.undo()
    assert GanTrainer.load(path).step_count == 3
    assert [p.name for p in tmp_path.iterdir()] == ["gan.pt"]


def test_load_refuses_arbitrary_pickled_objects(tmp_path):
    trainer = GanTrainer(SMALL)
    state = trainer.state_dict()
    state["recipe"] = SMALL  # a class instance: weights_only refuses to unpickle it
    torch.save(state, tmp_path / "unsafe.pt")
    with pytest.raises(Exception, match="[Ww]eights only load failed"):
        GanTrainer.load(tmp_path / "unsafe.pt")


def test_trainer_rejects_bad_arguments():
    with pytest.raises(TypeError, match="GanRecipe"):
        GanTrainer({"lr_g": 1e-3})
    with pytest.raises(ValueError, match="seed must be at least 0"):
        GanTrainer(SMALL, seed=-1)


def test_a_short_run_moves_towards_equilibrium():
    trainer = GanTrainer(GanRecipe(5e-4, 5e-4))
    before = trainer.evaluate(500)
    trainer.train(300)
    after = trainer.evaluate(500)
    history = trainer.history

    def early_late(values):
        return statistics.mean(values[:50]), statistics.mean(values[-50:])

    loss_d_early, loss_d_late = early_late(history["loss_d"])
    real_early, real_late = early_late(history["d_real"])
    fake_early, fake_late = early_late(history["d_fake"])
    gap_early, gap_late = abs(real_early - fake_early), abs(real_late - fake_late)
    assert abs(loss_d_late - 2 * math.log(2)) < abs(loss_d_early - 2 * math.log(2))
    assert gap_late < gap_early / 2
    assert after["frac_between"] > before["frac_between"] + 0.3
    assert after["a_ks"] < before["a_ks"]


def test_gan_step_gives_g_only_its_own_loss_through_the_updated_d():
    torch.manual_seed(0)
    G, D = build_generator(hidden=16), build_discriminator(hidden=16)
    G_before = copy.deepcopy(G)
    D_before = copy.deepcopy(D)
    optimizer_g = torch.optim.SGD(G.parameters(), lr=0.1)
    optimizer_d = torch.optim.SGD(D.parameters(), lr=0.1)
    real, ideas = torch.rand(8, 15), torch.randn(8, 5)

    loss_d, loss_g, d_real, d_fake = gan_step(G, D, optimizer_g, optimizer_d, real, ideas)

    expected_loss_d = discriminator_loss(D_before(real), D_before(G_before(ideas)))
    assert loss_d.item() == pytest.approx(expected_loss_d.item())
    assert d_real.item() == pytest.approx(torch.sigmoid(D_before(real)).mean().item())
    assert d_fake.item() == pytest.approx(torch.sigmoid(D_before(G_before(ideas))).mean().item())
    # D keeps the gradient of its own loss: G's backward computes no gradient for D's weights.
    own = torch.autograd.grad(expected_loss_d, list(D_before.parameters()))
    for kept, expected in zip(D.parameters(), own, strict=True):
        torch.testing.assert_close(kept.grad, expected)
    # G's gradient is that of its own loss alone, through the D that has already stepped.
    generator_loss(D(G_before(ideas))).backward()
    for used, expected in zip(G.parameters(), G_before.parameters(), strict=True):
        torch.testing.assert_close(used.grad, expected.grad)
    assert loss_g.item() == pytest.approx(generator_loss(D(G_before(ideas))).item())


def test_a_condition_is_appended_to_the_ideas_and_to_every_input_of_d():
    ideas, labels = torch.randn(4, 5), torch.eye(3)[[0, 2, 1, 0]]
    assert torch.equal(with_condition(ideas, labels), torch.cat([ideas, labels], dim=1))
    assert with_condition(ideas, None) is ideas
    torch.manual_seed(0)
    G = build_generator(n_ideas=5 + 3, hidden=8)
    D = build_discriminator(n_in=15 + 3, hidden=8)
    optimizers = [torch.optim.SGD(net.parameters(), lr=0.1) for net in (G, D)]
    loss_d, loss_g, d_real, d_fake = gan_step(G, D, *optimizers, torch.rand(4, 15), ideas,
                                              condition=labels)
    assert torch.isfinite(loss_d) and torch.isfinite(loss_g) and 0 < d_real < 1
