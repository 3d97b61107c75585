"""What a GAN run is made of: its recipe and its task (notebooks 07 and 08).

A ``GanRecipe`` holds the choices of a run (learning rates, loss, batch,
architecture, data scaling, EMA, schedule); a task says what is learnt: its
data, its networks and how to judge them (``GanTask``). ``PaintingTask`` is
notebook 07's paintings; notebook 08's digits are ``helpers.image_gan.DigitTask``.
``helpers.gan_trainer.GanTrainer`` runs a recipe on a task.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import torch
from torch import nn

from helpers import arguments
from helpers.gan import ACTIVATIONS, LOSSES, N_IDEAS, build_discriminator, build_generator
from helpers.paintings import N_POINTS, artist_work, from_unit_range, gan_quality, to_unit_range

if TYPE_CHECKING:
    from helpers.gan_trainer import GanTrainer

_EVALUATION_SEED = 12345


@dataclass(frozen=True)
class GanRecipe:
    """Everything that defines a training run but the task and the seed (notebook 07).

    ``lr_g``/``lr_d``: Adam learning rates; ``betas``: Adam's betas for both;
    ``loss``: G's loss, ``"non_saturating"`` or ``"minimax"``; ``batch_size``:
    real and fake samples per step; ``hidden``: width of both networks;
    ``activation``: G's hidden activation; ``scaled``: train in a space where
    every real value lies in [-1, 1] (the task maps data there and back);
    ``bounded``: G ends in ``tanh``; ``ema_decay``: evaluate with an exponential
    moving average of G's weights, with warm-up ``min(decay, (1 + t)/(10 + t))``;
    ``lr_decay_steps``: when set, both learning rates fall linearly to
    ``lr_final_fraction`` of their value over that many steps
    (``torch.optim.lr_scheduler.LinearLR``), then stay there.
    """

    lr_g: float
    lr_d: float
    betas: tuple[float, float] = (0.5, 0.999)
    loss: str = "non_saturating"
    batch_size: int = 64
    hidden: int = 128
    activation: str = "relu"
    scaled: bool = False
    bounded: bool = False
    ema_decay: float | None = None
    lr_decay_steps: int | None = None
    lr_final_fraction: float = 1.0

    def __post_init__(self) -> None:
        for name in ("lr_g", "lr_d"):
            arguments.number(getattr(self, name), name, minimum=0, strict=True)
        if (
            not isinstance(self.betas, tuple)
            or len(self.betas) != 2
            or not all(isinstance(b, int | float) and 0 <= b < 1 for b in self.betas)
        ):
            raise ValueError(f"betas must be a tuple of two numbers in [0, 1), got {self.betas!r}")
        arguments.one_of(self.loss, "loss", LOSSES)
        arguments.positive_int(self.batch_size, "batch_size")
        arguments.positive_int(self.hidden, "hidden")
        arguments.one_of(self.activation, "activation", ACTIVATIONS)
        arguments.flag(self.scaled, "scaled")
        arguments.flag(self.bounded, "bounded")
        if self.bounded and not self.scaled:
            raise ValueError("bounded=True needs scaled=True: a tanh output cannot reach raw "
                             "data outside [-1, 1]")
        if self.ema_decay is not None:
            arguments.number(self.ema_decay, "ema_decay", minimum=0, maximum=1, strict=True)
        if self.lr_decay_steps is not None:
            arguments.positive_int(self.lr_decay_steps, "lr_decay_steps")
        arguments.number(self.lr_final_fraction, "lr_final_fraction", minimum=0, maximum=1)
        if self.lr_final_fraction == 0:
            raise ValueError("lr_final_fraction must be above 0, got 0: the rate would end at 0")

    def describe(self) -> str:
        """One line for tables: the choices that differ between recipes."""
        lr = (f"{self.lr_g:g}" if self.lr_g == self.lr_d
              else f"G {self.lr_g:g} / D {self.lr_d:g}")
        if self.lr_decay_steps:
            lr += f" → {self.lr_g * self.lr_final_fraction:g} over {self.lr_decay_steps} steps"
        parts = [f"Adam lr {lr}", f"betas {self.betas}", self.loss.replace("_", "-"),
                 f"batch {self.batch_size}", f"{self.activation} hidden layers in G"]
        if self.scaled:
            parts.append("data scaled to [-1, 1]" + (", tanh output in G" if self.bounded else ""))
        if self.ema_decay:
            parts.append(f"EMA {self.ema_decay:g}")
        return ", ".join(parts)


# MorvanZhou's settings with the loop corrected: slow, the saturating minimax loss, raw data.
SEED_RECIPE = GanRecipe(lr_g=1e-4, lr_d=1e-4, betas=(0.9, 0.999), loss="minimax")
# The notebook's: data scaled to [-1, 1], a tanh G, large batches, a falling learning rate,
# and an exponential moving average of G's weights to draw with (notebook 07 measures each).
NOTEBOOK_STEPS = 2000
NOTEBOOK_RECIPE = GanRecipe(
    lr_g=2e-3, lr_d=2e-3, betas=(0.5, 0.999), batch_size=256, activation="tanh", scaled=True,
    ema_decay=0.999, lr_decay_steps=NOTEBOOK_STEPS, lr_final_fraction=0.1,
)


class GanTask(Protocol):
    """What a GAN learns: its data, its networks and how to judge them (notebook 07)."""

    name: str
    n_ideas: int
    n_classes: int

    def build(self, recipe: GanRecipe) -> tuple[nn.Module, nn.Module]: ...

    def sample(
        self, n: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor | None]: ...

    def encode(self, data: torch.Tensor, recipe: GanRecipe) -> torch.Tensor: ...

    def decode(self, samples: torch.Tensor, recipe: GanRecipe) -> torch.Tensor: ...

    def evaluate(
        self, trainer: "GanTrainer", n_samples: int, average: bool = True
    ) -> dict[str, float]: ...


class PaintingTask:
    """The 1-D paintings of notebook 07: ``artist_work``, judged by ``gan_quality``.

    With ``recipe.scaled``, D and G work on ``to_unit_range`` of the paintings,
    where every real value lies in [-1, 1]; ``decode`` maps G's output back.
    """

    name = "paintings"
    n_ideas = N_IDEAS
    n_classes = 0

    def build(self, recipe: GanRecipe) -> tuple[nn.Module, nn.Module]:
        """G and D for ``recipe``."""
        generator = build_generator(N_IDEAS, recipe.hidden, N_POINTS, recipe.activation,
                                    recipe.bounded)
        return generator, build_discriminator(N_POINTS, recipe.hidden)

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, None]:
        """``n`` real paintings, not yet in training space, and no labels."""
        return artist_work(n, generator=generator), None

    def encode(self, paintings: torch.Tensor, recipe: GanRecipe) -> torch.Tensor:
        """Paintings in the space D and G work in."""
        return to_unit_range(paintings) if recipe.scaled else paintings

    def decode(self, samples: torch.Tensor, recipe: GanRecipe) -> torch.Tensor:
        """G's output as paintings."""
        return from_unit_range(samples) if recipe.scaled else samples

    def evaluate(
        self, trainer: "GanTrainer", n_samples: int, average: bool = True
    ) -> dict[str, float]:
        """``gan_quality`` of ``n_samples`` fakes, and D's mean output on fresh real
        (``d_real``) and fake (``d_fake``) paintings."""
        rng = torch.Generator().manual_seed(_EVALUATION_SEED)
        fake = trainer.paint(trainer.ideas(n_samples, rng), average=average)
        real = artist_work(n_samples, generator=rng)
        with torch.no_grad():
            d_real, d_fake = (
                torch.sigmoid(trainer.discriminator(
                    self.encode(x, trainer.recipe).to(trainer.device))).mean().item()
                for x in (real, fake)
            )
        return {**gan_quality(fake), "d_real": d_real, "d_fake": d_fake}
