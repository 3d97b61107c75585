"""Notebooks 01-03's statements about random runs, re-checked for the seeds 0-9.

Notebook 03, section 6, draws x from ``helpers.seeded_generator(0)`` and says that
autograd's gradient of f(x) = x^2 e^x agrees with the hand-written f'(x)
(``torch.allclose``), that ``backward(ones_like(y))`` equals ``y.sum().backward()``
exactly, and that the printed gradients change with the seed. Notebook 01, section 4,
says ``torch.rand`` after ``helpers.setup(seed)`` prints the same numbers on every run.
"""

import pytest
import torch

import helpers

pytestmark = pytest.mark.claims

SEEDS = range(10)


def f(x):
    return x**2 * torch.exp(x)


def gradf(x):
    return 2 * x * torch.exp(x) + x**2 * torch.exp(x)


def _section_6_input(seed):
    return torch.randn(3, 4, generator=helpers.seeded_generator(0, seed=seed), requires_grad=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_03_autograd_agrees_with_the_hand_written_derivative(seed):
    x = _section_6_input(seed)
    y = f(x)
    y.backward(torch.ones_like(y))
    assert torch.allclose(x.grad, gradf(x))
    x_sum = x.detach().clone().requires_grad_()
    f(x_sum).sum().backward()
    assert torch.equal(x_sum.grad, x.grad)


def test_03_the_random_input_changes_with_the_seed():
    inputs = [_section_6_input(seed).detach() for seed in SEEDS]
    assert all(
        not torch.equal(inputs[i], inputs[j]) for i in SEEDS for j in SEEDS if i < j
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_01_rand_after_setup_repeats_for_a_seed_and_differs_between_seeds(seed):
    try:
        helpers.setup(seed)
        first = torch.rand(2, 3)
        helpers.setup(seed)
        again = torch.rand(2, 3)
        helpers.setup(seed + 10)
        other = torch.rand(2, 3)
    finally:
        helpers.setup(0)
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
