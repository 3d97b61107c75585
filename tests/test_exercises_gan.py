"""Tests for the exercises of notebook 07 (ids 07.1 to 07.4): right answers in every valid
form pass, and typical wrong answers get feedback that names the slip."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers import check_answer, exercise_ids
from helpers.exercises.gan import _two_d_steps
from helpers.gan import discriminator_loss, gan_step, generator_loss

RIGHT_07_1 = -math.log(0.9) - math.log(0.8)


def test_all_exercises_are_registered():
    assert {"07.1", "07.2", "07.3", "07.4"} <= set(exercise_ids())


def test_07_1_accepts_every_form_of_the_number_and_a_rounding():
    for answer in (RIGHT_07_1, torch.tensor(RIGHT_07_1), np.float64(RIGHT_07_1),
                   np.array(RIGHT_07_1), 0.3285, 0.329, 0.33):
        assert check_answer("07.1", answer), answer
    wrong = check_answer("07.1", 0.4)
    assert not wrong and "0.328" not in wrong.message, "the answer is not given away"


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
    assert "targets label 0" in message(lambda logits: F.softplus(logits).mean())
    assert "gradient is" in message(lambda logits: F.binary_cross_entropy(
        torch.sigmoid(logits), torch.ones_like(logits)))
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


def two_d_steps(G, D, optimizer_G, optimizer_D, real, ideas):
    fake = G(ideas)
    for _ in range(2):
        loss_d = discriminator_loss(D(real), D(fake.detach()))
        optimizer_D.zero_grad()
        loss_d.backward()
        optimizer_D.step()
    loss_g = -F.logsigmoid(D(fake)).mean()
    optimizer_G.zero_grad()
    loss_g.backward()
    optimizer_G.step()


def two_d_steps_one_bce(G, D, optimizer_G, optimizer_D, real, ideas):
    """Also right: D's loss as one BCE over real and fake together (half the sum), and a fresh
    G(ideas) for G's half (G has not changed, so it is the same fake)."""
    both_labels = torch.cat([torch.ones(len(real), 1), torch.zeros(len(real), 1)])
    for _ in range(2):
        optimizer_D.zero_grad()
        logits = D(torch.cat([real, G(ideas).detach()]))
        F.binary_cross_entropy_with_logits(logits, both_labels).backward()
        optimizer_D.step()
    optimizer_G.zero_grad()
    F.binary_cross_entropy_with_logits(D(G(ideas)), torch.ones(len(ideas), 1)).backward()
    optimizer_G.step()


def shared_graph_step(G, D, optimizer_G, optimizer_D, real, ideas):
    """G's loss built before D's steps: backward then meets D's weights changed in place."""
    fake = G(ideas)
    fake_logits = D(fake)
    for _ in range(2):
        optimizer_D.zero_grad()
        discriminator_loss(D(real), D(fake.detach())).backward()
        optimizer_D.step()
    optimizer_G.zero_grad()
    generator_loss(fake_logits).backward()
    optimizer_G.step()


def steps_swapped(G, D, optimizer_G, optimizer_D, real, ideas):
    """Both backward passes, then both steps: fine on the first call, then it breaks."""
    fake = G(ideas)
    optimizer_D.zero_grad()
    discriminator_loss(D(real), D(fake.detach())).backward()
    optimizer_G.zero_grad()
    generator_loss(D(fake)).backward()
    optimizer_G.step()
    optimizer_D.step()


def test_07_4_accepts_every_valid_form_of_two_d_steps_then_g():
    assert check_answer("07.4", two_d_steps)
    assert check_answer("07.4", two_d_steps_one_bce)


def test_07_4_names_the_slips():
    one_d_step = check_answer("07.4", gan_step)
    assert not one_d_step and "D learnt once" in one_d_step.message
    stale = check_answer("07.4", shared_graph_step)
    assert not stale and "inplace operation" in stale.message and "again" in stale.message
    swapped = check_answer("07.4", steps_swapped)
    assert not swapped and "should see only D's loss" in swapped.message

    def variant(**change):
        return lambda *arguments: _two_d_steps(*arguments, **change)

    expected = {
        "share one gradient": variant(zero_d=False),
        "optimizer_G.zero_grad()": variant(zero_g=False),
        "optimizer_D.step() is missing": variant(step_d=False),
        "optimizer_G.step() is missing": variant(step_g=False),
        "minimax": variant(loss="minimax"),
        "G stepped before D learnt": variant(g_first=True),
    }
    for words, answer in expected.items():
        verdict = check_answer("07.4", answer)
        assert not verdict and words in verdict.message, (words, verdict.message)
    assert "expected a function" in check_answer("07.4", None).message
    assert "body still `...`" in check_answer("07.4", lambda *arguments: None).message


def test_07_2_accepts_a_float64_loss_and_names_the_shape_of_an_unreduced_one():
    assert check_answer("07.2", lambda logits: -F.logsigmoid(logits.double()).mean())
    verdict = check_answer("07.2", lambda logits: -F.logsigmoid(logits))
    assert not verdict
    assert "a tensor of shape (3, 1)" in verdict.message and ".mean()" in verdict.message


def d_without_detach(G, D, optimizer_G, optimizer_D, real, ideas):
    """D's loss through G itself (retain_graph keeps G's graph for G's loss)."""
    fake = G(ideas)
    for _ in range(2):
        optimizer_D.zero_grad()
        discriminator_loss(D(real), D(fake)).backward(retain_graph=True)
        optimizer_D.step()
    optimizer_G.zero_grad()
    generator_loss(D(fake)).backward()
    optimizer_G.step()


def d_on_fresh_fakes(G, D, optimizer_G, optimizer_D, real, ideas):
    """D's loss on a fresh G(ideas) that is not detached."""
    for _ in range(2):
        optimizer_D.zero_grad()
        discriminator_loss(D(real), D(G(ideas))).backward()
        optimizer_D.step()
    optimizer_G.zero_grad()
    generator_loss(D(G(ideas))).backward()
    optimizer_G.step()


@pytest.mark.parametrize("answer", [d_without_detach, d_on_fresh_fakes])
def test_07_4_says_when_a_right_result_ran_ds_backward_through_g(answer):
    verdict = check_answer("07.4", answer)
    assert verdict
    assert verdict.message.startswith("correct result, but D's backward also ran through G")
    assert "ran through G" not in check_answer("07.4", two_d_steps).message
    assert check_answer("07.4", written_step())


def written_step(*, d_loop_optimizer="D", swap_labels=False, zero_between=False,
                 d_backward=True, g_backward=True):
    """Two D steps then one G step as a learner writes them, with one of the typical slips."""
    def train_step(G, D, optimizer_G, optimizer_D, real, ideas):
        fake = G(ideas)
        for _ in range(2):
            if not zero_between:
                optimizer_D.zero_grad()
            first, second = D(real), D(fake.detach())
            loss_d = discriminator_loss(second, first) if swap_labels else \
                discriminator_loss(first, second)
            if d_backward:
                loss_d.backward()
            if zero_between:
                optimizer_D.zero_grad()
            (optimizer_G if d_loop_optimizer == "G" else optimizer_D).step()
        if not zero_between:
            optimizer_G.zero_grad()
        loss_g = generator_loss(D(fake))
        if g_backward:
            loss_g.backward()
        if zero_between:
            optimizer_G.zero_grad()
        optimizer_G.step()

    return train_step


@pytest.mark.parametrize(("answer", "words"), [
    (written_step(d_loop_optimizer="G"),
     "optimizer_G.step() ran before G's loss went backward, inside D's loop"),
    (written_step(swap_labels=True), "D's labels are swapped"),
    (written_step(zero_between=True), "zero_grad() between"),
    (written_step(d_backward=False), "D's loss.backward() is missing"),
    (written_step(d_backward=False, g_backward=False), "no backward() ran"),
])
def test_07_4_names_the_slip_that_was_made(answer, words):
    verdict = check_answer("07.4", answer)
    assert not verdict
    assert words in verdict.message
