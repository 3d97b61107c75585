"""The 1-D GAN of notebook 07: networks, recipes, a correct trainer, checkpoints.

``GanTrainer`` runs the loop notebook 07 derives from the seed's broken one:
D learns on ``G(z).detach()`` and steps, then G's loss goes through the updated
D and G steps; no ``retain_graph``. Every random draw of a run comes from the
trainer's own seeded ``torch.Generator``, so a run is reproducible, and a
checkpoint (weights, both optimizers, step, that generator's state, history)
resumes it exactly.
"""

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from helpers.paintings import N_POINTS, artist_work, gan_quality

N_IDEAS = 5
LOSSES = ("non_saturating", "minimax")
HISTORY_KEYS = ("loss_d", "loss_g", "d_real", "d_fake")
SNAPSHOT_SIZE = 256
_EVALUATION_SEED = 12345


def _check_positive_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def build_generator(n_ideas: int = N_IDEAS, hidden: int = 128) -> nn.Sequential:
    """G as in the seed: ``n_ideas → hidden → ReLU → 15`` (notebook 07)."""
    _check_positive_int(n_ideas, "n_ideas")
    _check_positive_int(hidden, "hidden")
    return nn.Sequential(nn.Linear(n_ideas, hidden), nn.ReLU(), nn.Linear(hidden, N_POINTS))


def build_discriminator(hidden: int = 128) -> nn.Sequential:
    """D as in the seed: ``15 → hidden → ReLU → 1 → Sigmoid``, a probability (notebook 07)."""
    _check_positive_int(hidden, "hidden")
    return nn.Sequential(
        nn.Linear(N_POINTS, hidden), nn.ReLU(), nn.Linear(hidden, 1), nn.Sigmoid()
    )


def discriminator_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """``−mean log D(x) − mean log(1 − D(G(z)))``: D's binary cross-entropy (notebook 07)."""
    return F.binary_cross_entropy(d_real, torch.ones_like(d_real)) + F.binary_cross_entropy(
        d_fake, torch.zeros_like(d_fake)
    )


def generator_loss(d_fake: torch.Tensor, loss: str = "non_saturating") -> torch.Tensor:
    """G's loss from D's verdicts on fakes (notebook 07).

    ``"non_saturating"``: ``−mean log D(G(z))``; ``"minimax"``: ``mean log(1 − D(G(z)))``,
    the term of the minimax game G minimises, whose gradient vanishes while D wins.
    """
    if loss == "non_saturating":
        return F.binary_cross_entropy(d_fake, torch.ones_like(d_fake))
    if loss == "minimax":
        return -F.binary_cross_entropy(d_fake, torch.zeros_like(d_fake))
    raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def gan_step(
    generator: nn.Module,
    discriminator: nn.Module,
    optimizer_g: torch.optim.Optimizer,
    optimizer_d: torch.optim.Optimizer,
    real: torch.Tensor,
    ideas: torch.Tensor,
    loss: str = "non_saturating",
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """One correct GAN step, the loop notebook 07 derives from the seed's.

    D learns on ``G(ideas).detach()`` and steps; then G's ``loss`` goes
    through the updated D and G steps. Returns D's loss, G's loss, and D's mean
    output on the real and on the fake batch.
    """
    fake = generator(ideas)
    d_real = discriminator(real)
    d_fake = discriminator(fake.detach())  # D's lesson must not reach G
    loss_d = discriminator_loss(d_real, d_fake)
    optimizer_d.zero_grad()
    loss_d.backward()
    optimizer_d.step()

    loss_g = generator_loss(discriminator(fake), loss)  # through the new D
    optimizer_g.zero_grad()
    loss_g.backward()
    optimizer_g.step()
    return loss_d, loss_g, d_real.mean(), d_fake.mean()


@dataclass(frozen=True)
class GanRecipe:
    """Everything that defines a training run but the seed (introduced in notebook 07).

    ``lr_g``/``lr_d``: Adam learning rates; ``betas``: Adam's betas for both;
    ``loss``: G's loss, ``"non_saturating"`` or ``"minimax"``; ``batch_size``:
    real and fake paintings per step; ``hidden``: width of both networks;
    ``lr_decay_steps``: when set, both learning rates fall linearly to
    ``lr_final_fraction`` of their value over that many steps, then stay there.
    """

    lr_g: float
    lr_d: float
    betas: tuple[float, float] = (0.9, 0.999)
    loss: str = "non_saturating"
    batch_size: int = 64
    hidden: int = 128
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
        if self.lr_decay_steps is not None:
            _check_positive_int(self.lr_decay_steps, "lr_decay_steps")
        if not 0 < self.lr_final_fraction <= 1:
            raise ValueError(
                f"lr_final_fraction must be in (0, 1], got {self.lr_final_fraction!r}"
            )

    def lr_factor(self, step: int) -> float:
        """The learning-rate multiplier at ``step`` (1.0 without a schedule)."""
        if self.lr_decay_steps is None:
            return 1.0
        progress = min(step / self.lr_decay_steps, 1.0)
        return 1.0 - (1.0 - self.lr_final_fraction) * progress


# The notebook's default: a faster Adam with a short memory for D's moving target.
NOTEBOOK_RECIPE = GanRecipe(lr_g=5e-4, lr_d=5e-4, betas=(0.5, 0.999), loss="non_saturating")
# MorvanZhou's settings with the loop corrected: slow, and the saturating minimax loss.
SEED_RECIPE = GanRecipe(lr_g=1e-4, lr_d=1e-4, betas=(0.9, 0.999), loss="minimax", batch_size=64)


class GanTrainer:
    """Train G against D with a recipe, reproducibly and resumably (notebook 07).

    ``train(steps)`` continues from ``step_count`` and appends one entry per
    step to each list of ``history`` (``loss_d``, ``loss_g``, and ``d_real``,
    ``d_fake``: D's mean output on the real and fake batch of that step).
    ``snapshots`` maps a step to G's paintings for a fixed batch of ideas.
    """

    def __init__(
        self, recipe: GanRecipe, seed: int = 0, device: torch.device | str | None = None
    ) -> None:
        if not isinstance(recipe, GanRecipe):
            raise TypeError(f"recipe must be a GanRecipe, got {type(recipe).__name__}")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be an int >= 0, got {seed!r}")
        self.recipe = recipe
        self.seed = seed
        self.device = torch.device(device if device is not None else "cpu")
        # Initialise from the seed without touching the caller's global RNG.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.generator = build_generator(N_IDEAS, recipe.hidden).to(self.device)
            self.discriminator = build_discriminator(recipe.hidden).to(self.device)
        self.optimizer_g = torch.optim.Adam(
            self.generator.parameters(), lr=recipe.lr_g, betas=recipe.betas
        )
        self.optimizer_d = torch.optim.Adam(
            self.discriminator.parameters(), lr=recipe.lr_d, betas=recipe.betas
        )
        self.rng = torch.Generator().manual_seed(seed)
        self.fixed_ideas = torch.randn(
            SNAPSHOT_SIZE, N_IDEAS, generator=torch.Generator().manual_seed(seed + 1)
        )
        self.step_count = 0
        self.history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
        self.snapshots: dict[int, torch.Tensor] = {}

    def ideas(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` random ideas ``z ~ N(0, I)``, drawn on the CPU, moved to the device."""
        return torch.randn(n, N_IDEAS, generator=generator or self.rng).to(self.device)

    def paint(self, ideas: torch.Tensor) -> torch.Tensor:
        """G's paintings for ``ideas``, without a graph, on the CPU."""
        with torch.no_grad():
            return self.generator(ideas.to(self.device)).cpu()

    def snapshot(self) -> None:
        """Store G's paintings of the fixed ideas under the current step."""
        self.snapshots[self.step_count] = self.paint(self.fixed_ideas)

    def _step(self) -> None:
        recipe = self.recipe
        for optimizer, lr in ((self.optimizer_g, recipe.lr_g), (self.optimizer_d, recipe.lr_d)):
            for group in optimizer.param_groups:
                group["lr"] = lr * recipe.lr_factor(self.step_count)
        real = artist_work(recipe.batch_size, generator=self.rng).to(self.device)
        ideas = self.ideas(recipe.batch_size)
        measured = gan_step(
            self.generator, self.discriminator, self.optimizer_g, self.optimizer_d,
            real, ideas, recipe.loss,
        )
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
        snapshot at the same steps) G's paintings of the fixed ideas are stored
        in ``snapshots`` and ``on_snapshot(self)`` is called, e.g. to redraw a
        live view. ``progress`` shows a tqdm bar.
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

    def evaluate(self, n_samples: int = 1000) -> dict[str, float]:
        """``gan_quality`` of ``n_samples`` fakes, plus D's mean output on fresh
        real (``d_real``) and fake (``d_fake``) paintings (notebook 07).

        Draws from its own fixed seed, so evaluating twice gives the same
        numbers and never changes the course of training.
        """
        _check_positive_int(n_samples, "n_samples")
        rng = torch.Generator().manual_seed(_EVALUATION_SEED)
        fake = self.paint(self.ideas(n_samples, rng))
        real = artist_work(n_samples, generator=rng)
        with torch.no_grad():
            d_real = self.discriminator(real.to(self.device)).mean().item()
            d_fake = self.discriminator(fake.to(self.device)).mean().item()
        return {**gan_quality(fake), "d_real": d_real, "d_fake": d_fake}

    def state_dict(self) -> dict:
        """Everything needed to resume: plain tensors, numbers, lists and dicts."""
        return {
            "recipe": asdict(self.recipe),
            "seed": self.seed,
            "step_count": self.step_count,
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "optimizer_g": self.optimizer_g.state_dict(),
            "optimizer_d": self.optimizer_d.state_dict(),
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
        cls, path: str | os.PathLike, device: torch.device | str | None = None
    ) -> "GanTrainer":
        """Rebuild a trainer from ``save``'s file with ``weights_only=True`` (notebook 07)."""
        state = torch.load(Path(path), map_location="cpu", weights_only=True)
        recipe = dict(state["recipe"])
        recipe["betas"] = tuple(recipe["betas"])
        trainer = cls(GanRecipe(**recipe), seed=state["seed"], device=device)
        trainer.generator.load_state_dict(state["generator"])
        trainer.discriminator.load_state_dict(state["discriminator"])
        trainer.optimizer_g.load_state_dict(state["optimizer_g"])
        trainer.optimizer_d.load_state_dict(state["optimizer_d"])
        trainer.rng.set_state(state["rng_state"])
        trainer.step_count = state["step_count"]
        trainer.history = {key: list(values) for key, values in state["history"].items()}
        trainer.snapshots = dict(state["snapshots"])
        return trainer


def ideal_losses() -> dict[str, float]:
    """D's and G's losses at the equilibrium D = 1/2 everywhere (notebook 07)."""
    return {"loss_d": 2 * math.log(2), "loss_g": math.log(2)}
