"""Tests for the exercises of notebook 07 (ids 07.1 to 07.4): right answers in every valid
form pass, and typical wrong answers get feedback that names the slip."""

import math

import numpy as np
import torch
import torch.nn.functional as F

from helpers import check_answer, exercise_ids
from helpers.gan import discriminator_loss, gan_step, generator_loss

RIGHT_07_1 = -math.log(0.9) - math.log(0.8)


def test_all_exercises_are_registered():
    assert {"07.1", "07.2", "07.3", "07.4"} <= set(exercise_ids())


def test_07_1_accepts_every_form_of_the_number():
    for answer in (RIGHT_07_1, torch.tensor(RIGHT_07_1), np.float64(RIGHT_07_1),
                   np.array(RIGHT_07_1), 0.3285):
        assert check_answer("07.1", answer), answer


def test_07_1_names_the_slips():
    fake_as_real = check_answer("07.1", -math.log(0.9) - math.log(0.2))
    assert not fake_as_real and "1 − 0.2" in fake_as_real.message
    assert "real term alone" in check_answer("07.1", -math.log(0.9)).message
    assert "fake term alone" in check_answer("07.1", -math.log(0.8)).message
    assert "natural log" in check_answer("07.1", -math.log10(0.9) - math.log10(0.8)).message
    assert "sign is flipped" in check_answer("07.1", -RIGHT_07_1).message
    assert "half the answer" in check_answer("07.1", RIGHT_07_1 / 2).message
    assert not check_answer("07.1", 0.5)
    assert "expected a number" in check_answer("07.1", "0.33").message


def test_07_2_accepts_every_stable_form_of_the_non_saturating_loss():
    forms = [
        lambda logits: F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits)),
        lambda logits: -F.logsigmoid(logits).mean(),
        lambda logits: F.softplus(-logits).mean(),
        generator_loss,
        lambda logits: -F.logsigmoid(logits).mean().reshape(1),  # shape (1,) is a loss too
    ]
    for form in forms:
        assert check_answer("07.2", form)


def test_07_2_names_the_slips():
    def message(function):
        verdict = check_answer("07.2", function)
        assert not verdict
        return verdict.message

    assert "minimax form" in message(lambda logits: -F.softplus(logits).mean())
    assert "sign is flipped" in message(lambda logits: F.logsigmoid(logits).mean())
    assert "sum over the batch" in message(lambda logits: F.softplus(-logits).sum())
    assert "sigmoid is missing" in message(lambda logits: -logits.mean())
    assert "as probabilities" in message(lambda logits: -torch.log(logits.clamp(min=1e-12)).mean())
    assert "not finite at logit −200" in message(
        lambda logits: -torch.log(torch.sigmoid(logits)).mean())
    assert "one-element tensor" in message(lambda logits: F.softplus(-logits))
    assert "raised ZeroDivisionError" in message(lambda logits: 1 / 0)
    assert "expected a function" in check_answer("07.2", 0.69).message


def test_07_3_accepts_the_number_in_any_form_and_names_the_slips():
    for answer in (0.8, torch.tensor(0.8), np.float32(0.8), 4 / 5):
        assert check_answer("07.3", answer)
    assert "gap above 1.8" in check_answer("07.3", 0.2).message
    assert "distance between means" in check_answer("07.3", 0.3).message
    assert "answer for a = 1.5" in check_answer("07.3", 0.5).message
    assert "perfect match" in check_answer("07.3", 0.0).message
    assert "wholly outside" in check_answer("07.3", 1).message
    assert not check_answer("07.3", 0.65)


def correct_step(G, D, optimizer_G, optimizer_D, real, ideas):
    fake = G(ideas)
    loss_d = discriminator_loss(D(real), D(fake.detach()))
    optimizer_D.zero_grad()
    loss_d.backward()
    optimizer_D.step()
    loss_g = -F.logsigmoid(D(fake)).mean()
    optimizer_G.zero_grad()
    loss_g.backward()
    optimizer_G.step()


def zero_grad_first_step(G, D, optimizer_G, optimizer_D, real, ideas):
    """Another valid order: both zero_grads first; D's junk gradient from G's loss does not matter
    because D has already stepped."""
    optimizer_D.zero_grad()
    optimizer_G.zero_grad()
    fake = G(ideas)
    F.binary_cross_entropy_with_logits(D(real), torch.ones(len(real), 1)).add(
        F.binary_cross_entropy_with_logits(D(fake.detach()), torch.zeros(len(real), 1))
    ).backward()
    optimizer_D.step()
    F.binary_cross_entropy_with_logits(D(fake), torch.ones(len(real), 1)).backward()
    optimizer_G.step()


def seed_step(G, D, optimizer_G, optimizer_D, real, ideas):
    """The seed's order: both backward passes, then both steps."""
    fake = G(ideas)
    real_logits, fake_logits = D(real), D(fake)
    loss_g = generator_loss(fake_logits)
    loss_d = discriminator_loss(real_logits, fake_logits)
    optimizer_D.zero_grad()
    loss_d.backward(retain_graph=True)
    optimizer_G.zero_grad()
    loss_g.backward()
    optimizer_G.step()
    optimizer_D.step()


def stale_graph_step(G, D, optimizer_G, optimizer_D, real, ideas):
    """MorvanZhou's 2018 order: step D, then backward G's loss through the old D."""
    fake = G(ideas)
    fake_logits = D(fake)
    optimizer_D.zero_grad()
    discriminator_loss(D(real), fake_logits).backward(retain_graph=True)
    optimizer_D.step()
    optimizer_G.zero_grad()
    generator_loss(fake_logits).backward()
    optimizer_G.step()


def no_detach_step(G, D, optimizer_G, optimizer_D, real, ideas):
    fake = G(ideas)
    optimizer_D.zero_grad()
    discriminator_loss(D(real), D(fake)).backward()
    optimizer_D.step()
    optimizer_G.zero_grad()
    generator_loss(D(fake)).backward()
    optimizer_G.step()


def forgets(which):
    def step(G, D, optimizer_G, optimizer_D, real, ideas):
        fake = G(ideas)
        if which != "D":
            optimizer_D.zero_grad()
        discriminator_loss(D(real), D(fake.detach())).backward()
        optimizer_D.step()
        if which != "G":
            optimizer_G.zero_grad()
        generator_loss(D(fake)).backward()
        optimizer_G.step()

    return step


def test_07_4_accepts_the_correct_loop_in_its_valid_forms():
    assert check_answer("07.4", correct_step)
    assert check_answer("07.4", zero_grad_first_step)
    assert check_answer("07.4", gan_step)


def test_07_4_names_the_slips():
    seed = check_answer("07.4", seed_step)
    assert not seed and "D's optimizer never zeroes" not in seed.message
    assert "D's step see only D's loss" in seed.message
    stale = check_answer("07.4", stale_graph_step)
    assert not stale and "inplace operation" in stale.message and "again" in stale.message
    no_detach = check_answer("07.4", no_detach_step)
    assert not no_detach and "fake.detach()" in no_detach.message
    minimax = check_answer("07.4", lambda *a: gan_step(*a, loss="minimax"))
    assert not minimax and "minimax" in minimax.message
    assert "optimizer_D.zero_grad()" in check_answer("07.4", forgets("D")).message
    assert "optimizer_G.zero_grad()" in check_answer("07.4", forgets("G")).message
    assert "expected a function" in check_answer("07.4", None).message
    assert "changed no weights" in check_answer("07.4", lambda *arguments: None).message
