"""The GAN step, trained correctly, and its parts (notebooks 07 and 08).

``gan_step`` is the loop notebook 07 derives from the seed's broken one: D
learns on ``G(z).detach()`` and steps, then G's loss goes through the updated D
and G steps; no ``retain_graph``. D outputs a *logit*, and the losses take
logits (``binary_cross_entropy_with_logits``), which keeps them finite and
their gradients alive however sure D is. ``seed_loop_step`` keeps the seed's
step to be dissected. A run's choices are a ``GanRecipe`` and what it learns a
task (``helpers.gan_recipe``); ``helpers.gan_trainer.GanTrainer`` runs them, and
``helpers.gan_checkpoint`` saves and resumes it.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from helpers import arguments
from helpers.paintings import N_POINTS

N_IDEAS = 5
LOSSES = ("non_saturating", "minimax")
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "leaky_relu": lambda: nn.LeakyReLU(0.2)}

def _activation(name: str) -> nn.Module:
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]()


def build_generator(
    n_ideas: int = N_IDEAS,
    hidden: int = 128,
    n_out: int = N_POINTS,
    activation: str = "relu",
    bounded: bool = False,
) -> nn.Sequential:
    """G: ``n_ideas → hidden → activation → n_out`` (notebook 07).

    The defaults are the seed's G (ReLU, 15 outputs). ``bounded`` adds a final
    ``tanh``, so every output lies in (-1, 1): the convention for data scaled to
    [-1, 1].
    """
    for value, name in ((n_ideas, "n_ideas"), (hidden, "hidden"), (n_out, "n_out")):
        arguments.positive_int(value, name)
    arguments.flag(bounded, "bounded")
    layers = [nn.Linear(n_ideas, hidden), _activation(activation), nn.Linear(hidden, n_out)]
    if bounded:
        layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def build_discriminator(
    n_in: int = N_POINTS, hidden: int = 128, activation: str = "relu", sigmoid: bool = False
) -> nn.Sequential:
    """D: ``n_in → hidden → activation → 1``, a logit (notebook 07).

    ``sigmoid=True`` appends the seed's ``Sigmoid``, so D outputs a probability:
    notebook 07 dissects the seed's loop with it; the correct loop keeps the logit.
    """
    arguments.positive_int(n_in, "n_in")
    arguments.positive_int(hidden, "hidden")
    arguments.flag(sigmoid, "sigmoid")
    layers = [nn.Linear(n_in, hidden), _activation(activation), nn.Linear(hidden, 1)]
    if sigmoid:
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """``−mean log D(x) − mean log(1 − D(G(z)))`` from D's logits (notebook 07).

    With ``D = sigmoid(logit)``, ``−log D = softplus(−logit)`` and
    ``−log(1 − D) = softplus(logit)``: ``binary_cross_entropy_with_logits``
    computes both without ever forming ``log(0)``.
    """
    _logits(real_logits, "real_logits")
    _logits(fake_logits, "fake_logits")
    return F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits: torch.Tensor, loss: str = "non_saturating") -> torch.Tensor:
    """G's loss from D's logits on fakes (notebook 07).

    ``"non_saturating"``: ``−mean log D(G(z))``, whose gradient with respect to
    the logit is ``−(1 − D)``; ``"minimax"``: ``mean log(1 − D(G(z)))``, the term
    of the minimax game G minimises, whose gradient ``−D`` vanishes while D wins.
    """
    _logits(fake_logits, "fake_logits")
    if loss == "non_saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if loss == "minimax":
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def _logits(logits: object, name: str) -> torch.Tensor:
    """D's logits: a non-empty float tensor, one per sample (``(N, 1)`` or ``(N,)``)."""
    return arguments.tensor(logits, name, floating=True)


def _batch(values: object, name: str) -> torch.Tensor:
    """A batch of samples: a float tensor ``(N, features)`` with at least one row."""
    return arguments.tensor(values, name, dim=2, floating=True)


def with_condition(inputs: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
    """``inputs`` with the one-hot ``condition`` appended as extra columns (notebook 08)."""
    _batch(inputs, "inputs")
    if condition is None:
        return inputs
    _batch(condition, "condition")
    if len(condition) != len(inputs):
        raise ValueError(f"condition must have one row per row of inputs ({len(inputs)}), "
                         f"got shape {tuple(condition.shape)}")
    return torch.cat([inputs, condition], dim=1)


def _check_step(generator: object, discriminator: object, optimizer_g: object,
                optimizer_d: object, real: object, ideas: object) -> None:
    for value, name in ((generator, "generator"), (discriminator, "discriminator")):
        arguments.instance(value, name, nn.Module, "a torch.nn.Module")
    for value, name in ((optimizer_g, "optimizer_g"), (optimizer_d, "optimizer_d")):
        arguments.instance(value, name, torch.optim.Optimizer, "a torch.optim.Optimizer")
    _batch(real, "real")
    _batch(ideas, "ideas")


def gan_step(
    generator: nn.Module,
    discriminator: nn.Module,
    optimizer_g: torch.optim.Optimizer,
    optimizer_d: torch.optim.Optimizer,
    real: torch.Tensor,
    ideas: torch.Tensor,
    loss: str = "non_saturating",
    condition: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """One correct GAN step, the loop notebook 07 derives from the seed's.

    D learns on ``G(ideas).detach()`` and steps; then G's ``loss`` goes through
    the updated D and G steps. A ``condition`` (notebook 08's one-hot labels) is
    appended to G's ideas and to every input of D. Returns D's loss, G's loss,
    and D's mean probability on the real and on the fake batch.
    """
    _check_step(generator, discriminator, optimizer_g, optimizer_d, real, ideas)
    arguments.one_of(loss, "loss", LOSSES)
    # with_condition checks the condition against ideas and real before any weight moves.
    fake = generator(with_condition(ideas, condition))
    real_logits = discriminator(with_condition(real, condition))
    fake_logits = discriminator(with_condition(fake.detach(), condition))  # D's lesson stops here
    loss_d = discriminator_loss(real_logits, fake_logits)
    optimizer_d.zero_grad()
    loss_d.backward()
    optimizer_d.step()

    loss_g = generator_loss(discriminator(with_condition(fake, condition)), loss)  # the new D
    optimizer_g.zero_grad()
    # inputs=: only G's gradients are computed; D's, which its next zero_grad would discard,
    # are skipped: the same numbers for G, less work in this backward.
    loss_g.backward(inputs=list(generator.parameters()))
    optimizer_g.step()
    d_real, d_fake = (torch.sigmoid(logits.detach()).mean()
                      for logits in (real_logits, fake_logits))
    return loss_d.detach(), loss_g.detach(), d_real, d_fake


def seed_loop_step(
    generator: nn.Module,
    discriminator: nn.Module,
    optimizer_g: torch.optim.Optimizer,
    optimizer_d: torch.optim.Optimizer,
    real: torch.Tensor,
    ideas: torch.Tensor,
) -> tuple[float, float]:
    """The seed's published step, typo fixed and nothing else, kept to be dissected (notebook 07).

    ``discriminator`` ends in a Sigmoid, as the seed's does. Both losses are built
    from one ``D(G(ideas))``, both ``backward`` calls run before both ``step`` calls,
    so D's step follows the sum of D's and G's gradients, and G's loss is the
    seed's ``−1/mean(log(1 − D(G(z))))``. Returns D's mean output on real and fake.
    """
    _check_step(generator, discriminator, optimizer_g, optimizer_d, real, ideas)
    G_paintings = generator(ideas)
    pro_artist0, pro_artist1 = discriminator(real), discriminator(G_paintings)
    G_loss = -1 / torch.mean(torch.log(1.0 - pro_artist1))
    D_loss = -torch.mean(torch.log(pro_artist0) + torch.log(1 - pro_artist1))
    optimizer_d.zero_grad()
    D_loss.backward(retain_graph=True)
    optimizer_g.zero_grad()
    G_loss.backward(retain_graph=True)
    optimizer_g.step()
    optimizer_d.step()
    return pro_artist0.mean().item(), pro_artist1.mean().item()


def ideal_losses() -> dict[str, float]:
    """D's and G's losses at the equilibrium D = 1/2 everywhere (notebook 07)."""
    return {"loss_d": 2 * math.log(2), "loss_g": math.log(2)}
