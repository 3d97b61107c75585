"""Tests for the exercises of notebook 07 (ids 07.1 to 07.4)."""

import math

import torch

from helpers import check_answer, exercise_ids
from helpers.gan import discriminator_loss, generator_loss


def test_ids_are_registered():
    assert {"07.1", "07.2", "07.3", "07.4"} <= set(exercise_ids())


def test_07_1_equilibrium_d_loss():
    assert check_answer("07.1", 2 * math.log(2))
    assert check_answer("07.1", torch.tensor(1.386294))
    one_term = check_answer("07.1", math.log(2))
    assert not one_term and "real and a fake term" in one_term.message
    base_ten = check_answer("07.1", 2 * math.log10(2))
    assert not base_ten and "natural log" in base_ten.message
    assert "expected a number" in check_answer("07.1", "2 ln 2").message


def test_07_2_non_saturating_loss():
    assert check_answer("07.2", lambda d: -torch.log(d).mean())
    assert check_answer("07.2", lambda d: generator_loss(d))
    minimax = check_answer("07.2", lambda d: torch.log(1 - d).mean())
    assert not minimax and "minimax form" in minimax.message
    seed = check_answer("07.2", lambda d: -1 / torch.log(1 - d).mean())
    assert not seed and "seed's" in seed.message
    flipped = check_answer("07.2", lambda d: torch.log(d).mean())
    assert not flipped and "sign is flipped" in flipped.message
    assert "one-element tensor" in check_answer("07.2", lambda d: -torch.log(d)).message
    assert "raised ZeroDivisionError" in check_answer("07.2", lambda d: 1 / 0).message
    assert "expected a function" in check_answer("07.2", 0.69).message


def test_07_3_collapsed_ks():
    assert check_answer("07.3", 0.5)
    assert "perfect match" in check_answer("07.3", 0.0).message
    assert "wholly outside" in check_answer("07.3", 1).message
    assert not check_answer("07.3", 0.25)


def correct_step(G, D, optimizer_G, optimizer_D, real, ideas):
    fake = G(ideas)
    loss_d = discriminator_loss(D(real), D(fake.detach()))
    optimizer_D.zero_grad()
    loss_d.backward()
    optimizer_D.step()
    loss_g = -torch.log(D(fake)).mean()
    optimizer_G.zero_grad()
    loss_g.backward()
    optimizer_G.step()


def seed_step(G, D, optimizer_G, optimizer_D, real, ideas):
    """The seed's order: both backward passes, then both steps."""
    fake = G(ideas)
    d_real, d_fake = D(real), D(fake)
    loss_g = -torch.log(d_fake).mean()
    loss_d = discriminator_loss(d_real, d_fake)
    optimizer_D.zero_grad()
    loss_d.backward(retain_graph=True)
    optimizer_G.zero_grad()
    loss_g.backward()
    optimizer_G.step()
    optimizer_D.step()


def stale_graph_step(G, D, optimizer_G, optimizer_D, real, ideas):
    """MorvanZhou's 2018 order: step D, then backward G's loss through the old D."""
    fake = G(ideas)
    d_fake = D(fake)
    optimizer_D.zero_grad()
    discriminator_loss(D(real), d_fake).backward(retain_graph=True)
    optimizer_D.step()
    optimizer_G.zero_grad()
    (-torch.log(d_fake).mean()).backward()
    optimizer_G.step()


def minimax_step(G, D, optimizer_G, optimizer_D, real, ideas):
    fake = G(ideas)
    loss_d = discriminator_loss(D(real), D(fake.detach()))
    optimizer_D.zero_grad()
    loss_d.backward()
    optimizer_D.step()
    optimizer_G.zero_grad()
    torch.log(1 - D(fake)).mean().backward()
    optimizer_G.step()


def test_07_4_training_step():
    assert check_answer("07.4", correct_step)
    seed = check_answer("07.4", seed_step)
    assert not seed and "D's step see only D's loss" in seed.message
    stale = check_answer("07.4", stale_graph_step)
    assert not stale and "inplace operation" in stale.message and "again" in stale.message
    minimax = check_answer("07.4", minimax_step)
    assert not minimax and "G's weights differ" in minimax.message
    assert "expected a function" in check_answer("07.4", None).message
    assert "changed no weights" in check_answer("07.4", lambda *arguments: None).message
