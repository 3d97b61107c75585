"""Tests for helpers.gan: networks, losses, recipes, trainer and checkpoints."""

import copy
import math
import statistics

import pytest
import torch

from helpers.gan import (
    NOTEBOOK_RECIPE,
    SEED_RECIPE,
    GanRecipe,
    GanTrainer,
    build_discriminator,
    build_generator,
    discriminator_loss,
    gan_step,
    generator_loss,
    ideal_losses,
)


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny networks train far faster on one thread, as in the notebooks (helpers.setup)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


SMALL = GanRecipe(lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999), batch_size=16, hidden=32)


def same_weights(a: GanTrainer, b: GanTrainer) -> bool:
    pairs = [(a.generator, b.generator), (a.discriminator, b.discriminator)]
    return all(
        torch.equal(p, q)
        for net_a, net_b in pairs
        for p, q in zip(net_a.state_dict().values(), net_b.state_dict().values(), strict=True)
    )


def test_networks_match_the_seed():
    G, D = build_generator(), build_discriminator()
    assert G(torch.randn(4, 5)).shape == (4, 15)
    probabilities = D(torch.randn(4, 15))
    assert probabilities.shape == (4, 1)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        build_generator(hidden=0)


def test_losses_at_equilibrium():
    half = torch.full((8, 1), 0.5)
    assert discriminator_loss(half, half).item() == pytest.approx(2 * math.log(2))
    assert generator_loss(half).item() == pytest.approx(math.log(2))
    assert generator_loss(half, "minimax").item() == pytest.approx(-math.log(2))
    assert ideal_losses() == pytest.approx({"loss_d": 2 * math.log(2), "loss_g": math.log(2)})
    with pytest.raises(ValueError, match="loss must be one of"):
        generator_loss(half, "wasserstein")


def test_minimax_gradient_vanishes_where_non_saturating_does_not():
    d_fake = torch.tensor([[0.01]], requires_grad=True)
    (minimax,) = torch.autograd.grad(generator_loss(d_fake, "minimax"), d_fake)
    (non_saturating,) = torch.autograd.grad(generator_loss(d_fake), d_fake)
    assert abs(non_saturating.item()) > 90 * abs(minimax.item())


def test_recipes():
    assert (NOTEBOOK_RECIPE.lr_g, NOTEBOOK_RECIPE.betas, NOTEBOOK_RECIPE.loss) == (
        5e-4, (0.5, 0.999), "non_saturating")
    assert (SEED_RECIPE.lr_g, SEED_RECIPE.lr_d, SEED_RECIPE.betas, SEED_RECIPE.loss,
            SEED_RECIPE.batch_size) == (1e-4, 1e-4, (0.9, 0.999), "minimax", 64)
    with pytest.raises(AttributeError):
        NOTEBOOK_RECIPE.lr_g = 1.0  # frozen


@pytest.mark.parametrize(
    "changes, message",
    [({"lr_g": 0}, "lr_g must be a positive number"), ({"lr_d": "1e-3"}, "lr_d"),
     ({"betas": (0.5, 1.0)}, "betas"), ({"loss": "hinge"}, "loss must be one of"),
     ({"batch_size": 0}, "batch_size"), ({"lr_final_fraction": 0.0}, "lr_final_fraction")],
)
def test_recipe_rejects_bad_values(changes, message):
    arguments = {"lr_g": 1e-3, "lr_d": 1e-3, **changes}
    with pytest.raises(ValueError, match=message):
        GanRecipe(**arguments)


def test_learning_rate_schedule():
    recipe = GanRecipe(1e-3, 1e-3, lr_decay_steps=100, lr_final_fraction=0.1)
    assert [recipe.lr_factor(s) for s in (0, 50, 100, 500)] == pytest.approx([1, 0.55, 0.1, 0.1])
    assert NOTEBOOK_RECIPE.lr_factor(10_000) == 1.0


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
    assert trainer.snapshots[8].shape == (256, 15)
    trainer.train(2, snapshot_every=4)
    assert sorted(trainer.snapshots) == [0, 4, 8, 12]
    with pytest.raises(ValueError, match="steps must be a positive int"):
        trainer.train(0)


def test_evaluate_is_repeatable_and_does_not_disturb_training():
    trainer = GanTrainer(SMALL)
    trainer.train(5)
    evaluation = trainer.evaluate(200)
    assert set(evaluation) >= {"frac_between", "a_mean", "a_std", "a_ks", "d_real", "d_fake"}
    assert trainer.evaluate(200) == evaluation
    trainer.train(5)
    untouched = GanTrainer(SMALL)
    untouched.train(10)
    assert same_weights(trainer, untouched)


def test_checkpoint_round_trip(tmp_path):
    trainer = GanTrainer(SMALL, seed=2)
    trainer.train(9, snapshot_every=3)
    trainer.save(tmp_path / "gan.pt")
    loaded = GanTrainer.load(tmp_path / "gan.pt")
    assert loaded.recipe == SMALL and loaded.seed == 2 and loaded.step_count == 9
    assert same_weights(trainer, loaded)
    assert loaded.history == trainer.history
    assert sorted(loaded.snapshots) == [0, 3, 6, 9]
    assert torch.equal(loaded.rng.get_state(), trainer.rng.get_state())
    assert loaded.evaluate(100) == trainer.evaluate(100)


def test_resume_gives_exactly_the_uninterrupted_run(tmp_path):
    uninterrupted = GanTrainer(SMALL, seed=1)
    uninterrupted.train(50)
    interrupted = GanTrainer(SMALL, seed=1)
    interrupted.train(30)
    interrupted.save(tmp_path / "gan.pt")
    del interrupted
    resumed = GanTrainer.load(tmp_path / "gan.pt")
    resumed.train(20)
    assert resumed.step_count == 50
    assert same_weights(resumed, uninterrupted)
    assert resumed.history == uninterrupted.history


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
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        GanTrainer(SMALL, seed=-1)


def test_a_short_run_moves_towards_equilibrium():
    trainer = GanTrainer(NOTEBOOK_RECIPE)
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
    assert d_real.item() == pytest.approx(D_before(real).mean().item())
    assert d_fake.item() == pytest.approx(D_before(G_before(ideas)).mean().item())
    # G's gradient is that of its own loss alone, through the D that has already stepped.
    generator_loss(D(G_before(ideas))).backward()
    for used, expected in zip(G.parameters(), G_before.parameters(), strict=True):
        torch.testing.assert_close(used.grad, expected.grad)
    assert loss_g.item() == pytest.approx(generator_loss(D(G_before(ideas))).item())
