"""GANs, trained correctly and reproducibly (notebooks 07 and 08).

``gan_step`` is the loop notebook 07 derives from the seed's broken one: D
learns on ``G(z).detach()`` and steps, then G's loss goes through the updated D
and G steps; no ``retain_graph``. D outputs a *logit*, and the losses take
logits (``binary_cross_entropy_with_logits``), which keeps them finite and
their gradients alive however sure D is. A ``GanRecipe`` holds the choices of a
run (learning rates, loss, batch, architecture, data scaling, EMA, schedule), a
task (``PaintingTask`` here, the digits of notebook 08 in ``helpers.image_gan``)
says what is learnt, and ``GanTrainer`` runs them: every random draw comes from
its own seeded ``torch.Generator``, so a run is reproducible, and a checkpoint
(weights, optimizers, schedulers, EMA, step, that generator's state, history)
resumes it bit for bit.
"""

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.lr_scheduler import LinearLR
from torch.optim.swa_utils import AveragedModel
from tqdm.auto import tqdm

from helpers.environment import resolve_seed, seeded_generator
from helpers.paintings import N_POINTS, artist_work, from_unit_range, gan_quality, to_unit_range

N_IDEAS = 5
LOSSES = ("non_saturating", "minimax")
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "leaky_relu": lambda: nn.LeakyReLU(0.2)}
HISTORY_KEYS = ("loss_d", "loss_g", "d_real", "d_fake")
SNAPSHOT_SIZE = 1000
EVALUATION_SAMPLES = 10_000
_EVALUATION_SEED = 12345
# seeded_generator's streams of a training run: one per purpose, so the real batches, the
# initial weights and the fixed ideas are unrelated draws (a shared stream made the first
# batch an affine copy of G's first weights).
INIT_STREAM = 701
DATA_STREAM = 702
FIXED_IDEAS_STREAM = 703


def _check_positive_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


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
        _check_positive_int(value, name)
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
    _check_positive_int(n_in, "n_in")
    _check_positive_int(hidden, "hidden")
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
    return F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits)
    ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits: torch.Tensor, loss: str = "non_saturating") -> torch.Tensor:
    """G's loss from D's logits on fakes (notebook 07).

    ``"non_saturating"``: ``−mean log D(G(z))``, whose gradient with respect to
    the logit is ``−(1 − D)``; ``"minimax"``: ``mean log(1 − D(G(z)))``, the term
    of the minimax game G minimises, whose gradient ``−D`` vanishes while D wins.
    """
    if loss == "non_saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if loss == "minimax":
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def with_condition(inputs: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
    """``inputs`` with the one-hot ``condition`` appended as extra columns (notebook 08)."""
    return inputs if condition is None else torch.cat([inputs, condition], dim=1)


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
    fake = generator(with_condition(ideas, condition))
    real_logits = discriminator(with_condition(real, condition))
    fake_logits = discriminator(with_condition(fake.detach(), condition))  # D's lesson stops here
    loss_d = discriminator_loss(real_logits, fake_logits)
    optimizer_d.zero_grad()
    loss_d.backward()
    optimizer_d.step()

    loss_g = generator_loss(discriminator(with_condition(fake, condition)), loss)  # the new D
    optimizer_g.zero_grad()
    loss_g.backward()
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
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if (
            not isinstance(self.betas, tuple)
            or len(self.betas) != 2
            or not all(isinstance(b, int | float) and 0 <= b < 1 for b in self.betas)
        ):
            raise ValueError(f"betas must be a tuple of two numbers in [0, 1), got {self.betas!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        _check_positive_int(self.batch_size, "batch_size")
        _check_positive_int(self.hidden, "hidden")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, "
                             f"got {self.activation!r}")
        if self.bounded and not self.scaled:
            raise ValueError("bounded=True needs scaled=True: a tanh output cannot reach raw "
                             "data outside [-1, 1]")
        if self.ema_decay is not None and not 0 < self.ema_decay < 1:
            raise ValueError(f"ema_decay must be in (0, 1) or None, got {self.ema_decay!r}")
        if self.lr_decay_steps is not None:
            _check_positive_int(self.lr_decay_steps, "lr_decay_steps")
        if not 0 < self.lr_final_fraction <= 1:
            raise ValueError(
                f"lr_final_fraction must be in (0, 1], got {self.lr_final_fraction!r}"
            )

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


def _warm_ema(decay: float) -> Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]:
    """EMA update with warm-up: early, untrained weights are not averaged in for long."""

    def update(average: torch.Tensor, current: torch.Tensor, count: torch.Tensor) -> torch.Tensor:
        beta = min(decay, (1 + count.item()) / (10 + count.item()))
        return beta * average + (1 - beta) * current

    return update


class GanTrainer:
    """Train G against D with a recipe, reproducibly and resumably (notebook 07).

    ``train(steps)`` continues from ``step_count`` and appends one entry per
    step to each list of ``history`` (``loss_d``, ``loss_g``, and ``d_real``,
    ``d_fake``: D's mean probability on the real and fake batch of that step).
    ``snapshots`` maps a step to the sampler's output for fixed ideas, in data
    space. ``seed`` defaults to the session's seed (``helpers.setup``).
    """

    def __init__(
        self,
        recipe: GanRecipe,
        seed: int | None = None,
        device: torch.device | str | None = None,
        task: GanTask | None = None,
    ) -> None:
        if not isinstance(recipe, GanRecipe):
            raise TypeError(f"recipe must be a GanRecipe, got {type(recipe).__name__}")
        self.recipe = recipe
        self.seed = resolve_seed(seed)
        self.task = task if task is not None else PaintingTask()
        self.device = torch.device(device if device is not None else "cpu")
        # Initialise from the seed without touching the caller's global RNG.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seeded_generator(INIT_STREAM, self.seed).initial_seed())
            generator, discriminator = self.task.build(recipe)
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.optimizer_g = torch.optim.Adam(
            self.generator.parameters(), lr=recipe.lr_g, betas=recipe.betas
        )
        self.optimizer_d = torch.optim.Adam(
            self.discriminator.parameters(), lr=recipe.lr_d, betas=recipe.betas
        )
        self.schedulers = []
        if recipe.lr_decay_steps is not None:
            self.schedulers = [
                LinearLR(optimizer, 1.0, recipe.lr_final_fraction, recipe.lr_decay_steps)
                for optimizer in (self.optimizer_g, self.optimizer_d)
            ]
        self.ema = None
        if recipe.ema_decay is not None:
            self.ema = AveragedModel(self.generator, avg_fn=_warm_ema(recipe.ema_decay),
                                     use_buffers=True)
        self.rng = seeded_generator(DATA_STREAM, self.seed)
        self.fixed_ideas = torch.randn(SNAPSHOT_SIZE, self.task.n_ideas,
                                       generator=seeded_generator(FIXED_IDEAS_STREAM, self.seed))
        self.fixed_labels = None
        if self.task.n_classes:
            self.fixed_labels = torch.arange(SNAPSHOT_SIZE) % self.task.n_classes
        self.step_count = 0
        self.history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
        self.snapshots: dict[int, torch.Tensor] = {}

    @property
    def sampler(self) -> nn.Module:
        """The G that draws: the moving average of G's weights when the recipe keeps one."""
        return self.ema.module if self.ema is not None else self.generator

    def ideas(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` random ideas ``z ~ N(0, I)``, drawn on the CPU, moved to the device."""
        return torch.randn(n, self.task.n_ideas, generator=generator or self.rng).to(self.device)

    def one_hot(self, labels: torch.Tensor | None) -> torch.Tensor | None:
        """Class labels as one-hot rows on the device, for a conditional task (notebook 08)."""
        if labels is None:
            return None
        return F.one_hot(labels, self.task.n_classes).float().to(self.device)

    def paint(
        self, ideas: torch.Tensor, labels: torch.Tensor | None = None, *, average: bool = True
    ) -> torch.Tensor:
        """The sampler's output for ``ideas`` (and ``labels``), in data space, on the CPU.

        ``average=False`` draws with G itself instead of the moving average of its weights.
        """
        if self.task.n_classes and labels is None:
            raise ValueError(
                f"this task is conditional: pass labels in 0..{self.task.n_classes - 1}")
        sampler = self.sampler if average else self.generator
        training = sampler.training
        sampler.eval()  # batch norm, where a G has it, uses its running statistics to draw
        try:
            with torch.no_grad():
                samples = sampler(with_condition(ideas.to(self.device), self.one_hot(labels)))
        finally:
            sampler.train(training)
        return self.task.decode(samples.cpu(), self.recipe)

    def snapshot(self) -> None:
        """Store the sampler's output for the fixed ideas under the current step."""
        self.snapshots[self.step_count] = self.paint(self.fixed_ideas, self.fixed_labels)

    def _step(self) -> None:
        recipe = self.recipe
        real, labels = self.task.sample(recipe.batch_size, self.rng)
        real = self.task.encode(real, recipe).to(self.device)
        ideas = self.ideas(recipe.batch_size)
        measured = gan_step(
            self.generator, self.discriminator, self.optimizer_g, self.optimizer_d,
            real, ideas, recipe.loss, self.one_hot(labels),
        )
        if self.ema is not None:
            self.ema.update_parameters(self.generator)
        for scheduler in self.schedulers:
            scheduler.step()
        self.step_count += 1
        for key, value in zip(HISTORY_KEYS, measured, strict=True):
            self.history[key].append(value.item())

    def train(
        self,
        steps: int,
        *,
        snapshot_every: int | None = None,
        on_snapshot: Callable[["GanTrainer"], None] | None = None,
        progress: bool = False,
    ) -> None:
        """Run ``steps`` more training steps (notebook 07).

        Every ``snapshot_every`` steps (counted from step 0, so resumed runs
        snapshot at the same steps) the sampler's output for the fixed ideas is
        stored in ``snapshots`` and ``on_snapshot(self)`` is called, e.g. to
        redraw a live view. ``progress`` shows a tqdm bar.
        """
        _check_positive_int(steps, "steps")
        if snapshot_every is not None:
            _check_positive_int(snapshot_every, "snapshot_every")
            if self.step_count not in self.snapshots and self.step_count % snapshot_every == 0:
                self.snapshot()
        for _ in tqdm(range(steps), desc="training", disable=not progress):
            self._step()
            if snapshot_every is not None and self.step_count % snapshot_every == 0:
                self.snapshot()
                if on_snapshot is not None:
                    on_snapshot(self)

    def evaluate(
        self, n_samples: int = EVALUATION_SAMPLES, *, average: bool = True
    ) -> dict[str, float]:
        """The task's quality figures on ``n_samples`` fresh fakes (notebook 07).

        Draws from its own fixed seed, so evaluating twice gives the same
        numbers and never changes the course of training. ``average=False``
        judges G itself instead of the moving average of its weights.
        """
        _check_positive_int(n_samples, "n_samples")
        return self.task.evaluate(self, n_samples, average)

    def state_dict(self) -> dict:
        """Everything needed to resume: plain tensors, numbers, lists and dicts."""
        return {
            "task": self.task.name,
            "recipe": asdict(self.recipe),
            "seed": self.seed,
            "step_count": self.step_count,
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "optimizer_g": self.optimizer_g.state_dict(),
            "optimizer_d": self.optimizer_d.state_dict(),
            "schedulers": [scheduler.state_dict() for scheduler in self.schedulers],
            "ema": self.ema.state_dict() if self.ema is not None else None,
            "rng_state": self.rng.get_state(),
            "history": {key: list(values) for key, values in self.history.items()},
            "snapshots": dict(self.snapshots),
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write a checkpoint atomically (notebook 07).

        The file is written under a temporary name in the same folder, flushed
        to disk, then renamed over ``path``: a rename is atomic, so an
        interrupted save leaves the previous checkpoint intact.
        """
        path = Path(path)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as file:
                torch.save(self.state_dict(), file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        device: torch.device | str | None = None,
        task: GanTask | None = None,
    ) -> "GanTrainer":
        """Rebuild a trainer from ``save``'s file with ``weights_only=True`` (notebook 07).

        ``task`` must be the task the checkpoint was trained on (the paintings
        by default).
        """
        state = torch.load(Path(path), map_location="cpu", weights_only=True)
        task = task if task is not None else PaintingTask()
        if state["task"] != task.name:
            raise ValueError(f"the checkpoint was trained on {state['task']!r}, "
                             f"not {task.name!r}: pass the task it was trained on")
        recipe = dict(state["recipe"])
        recipe["betas"] = tuple(recipe["betas"])
        trainer = cls(GanRecipe(**recipe), seed=state["seed"], device=device, task=task)
        trainer.generator.load_state_dict(state["generator"])
        trainer.discriminator.load_state_dict(state["discriminator"])
        trainer.optimizer_g.load_state_dict(state["optimizer_g"])
        trainer.optimizer_d.load_state_dict(state["optimizer_d"])
        for scheduler, scheduler_state in zip(trainer.schedulers, state["schedulers"],
                                              strict=True):
            scheduler.load_state_dict(scheduler_state)
        if trainer.ema is not None:
            trainer.ema.load_state_dict(state["ema"])
        trainer.rng.set_state(state["rng_state"])
        trainer.step_count = state["step_count"]
        trainer.history = {key: list(values) for key, values in state["history"].items()}
        trainer.snapshots = dict(state["snapshots"])
        return trainer


def ideal_losses() -> dict[str, float]:
    """D's and G's losses at the equilibrium D = 1/2 everywhere (notebook 07)."""
    return {"loss_d": 2 * math.log(2), "loss_g": math.log(2)}
