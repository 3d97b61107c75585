"""``GanTrainer``: a recipe run on a task, reproducibly and resumably (notebooks 07 and 08).

Every random draw comes from its own seeded ``torch.Generator``, one stream per
purpose (initial weights, real batches and ideas, the fixed ideas of the
snapshots), so a run is the same whatever ran before it; G is drawn from an
exponential moving average of its weights when the recipe keeps one; a
checkpoint (``helpers.gan_checkpoint``) resumes the run bit for bit.
"""

import os
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.lr_scheduler import LinearLR
from torch.optim.swa_utils import AveragedModel
from tqdm.auto import tqdm

from helpers import arguments, gan_checkpoint
from helpers.environment import resolve_seed, seeded_generator
from helpers.gan import gan_step, with_condition
from helpers.gan_recipe import GanRecipe, GanTask, PaintingTask

HISTORY_KEYS = ("loss_d", "loss_g", "d_real", "d_fake")
SNAPSHOT_SIZE = 1000
EVALUATION_SAMPLES = 10_000
# seeded_generator's streams of a training run: one per purpose, so the real batches, the
# initial weights and the fixed ideas are unrelated draws (a shared stream made the first
# batch an affine copy of G's first weights).
INIT_STREAM = 701
DATA_STREAM = 702
FIXED_IDEAS_STREAM = 703


def _warm_ema(
    decay: float,
) -> Callable[[list[torch.Tensor], list[torch.Tensor], torch.Tensor], None]:
    """EMA update with warm-up: early, untrained weights are not averaged in for long.

    One ``torch._foreach_*`` call per operation for all of G's tensors (``AveragedModel``'s
    ``multi_avg_fn``), as ``get_ema_multi_avg_fn`` does: the same arithmetic as
    ``beta * average + (1 - beta) * current`` tensor by tensor, without a Python loop per step.
    """

    def update(averages: list[torch.Tensor], currents: list[torch.Tensor],
               count: torch.Tensor) -> None:
        averaged = count.item()
        beta = min(decay, (1 + averaged) / (10 + averaged))
        # Not in place: the buffers include batch norm's integer num_batches_tracked (the DCGAN),
        # which a float product cannot be written into; copy_ casts the result back.
        mixed = torch._foreach_mul(averages, beta)
        torch._foreach_add_(mixed, torch._foreach_mul(currents, 1 - beta))
        torch._foreach_copy_(averages, mixed)

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
        self.device = arguments.device(device) if device is not None else torch.device("cpu")
        # Initialise from the seed without touching the caller's global RNG.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seeded_generator(INIT_STREAM, self.seed).initial_seed())
            generator, discriminator = self.task.build(recipe)
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        # foreach: one call per operation for all tensors instead of a Python loop over them;
        # on the CPU the same numbers as the default, in less time.
        self.optimizer_g = torch.optim.Adam(
            self.generator.parameters(), lr=recipe.lr_g, betas=recipe.betas, foreach=True
        )
        self.optimizer_d = torch.optim.Adam(
            self.discriminator.parameters(), lr=recipe.lr_d, betas=recipe.betas, foreach=True
        )
        self.schedulers = []
        if recipe.lr_decay_steps is not None:
            self.schedulers = [
                LinearLR(optimizer, 1.0, recipe.lr_final_fraction, recipe.lr_decay_steps)
                for optimizer in (self.optimizer_g, self.optimizer_d)
            ]
        self.ema = None
        if recipe.ema_decay is not None:
            self.ema = AveragedModel(self.generator, multi_avg_fn=_warm_ema(recipe.ema_decay),
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
        arguments.positive_int(n, "n")
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
        arguments.flag(average, "average")
        arguments.tensor(ideas, "ideas", dim=2, columns=self.task.n_ideas, floating=True)
        classes = self.task.n_classes
        if classes and labels is None:
            raise ValueError(f"this task is conditional: pass labels in 0..{classes - 1}")
        if labels is not None:
            if not classes:
                raise ValueError("labels must be None: this task is not conditional")
            arguments.class_labels(labels, len(ideas))
            if not ((labels >= 0) & (labels < classes)).all():
                raise ValueError(f"labels must lie in 0..{classes - 1} for this conditional task")
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
        arguments.positive_int(steps, "steps")
        arguments.flag(progress, "progress")
        if on_snapshot is not None:
            arguments.function(on_snapshot, "on_snapshot")
        if snapshot_every is not None:
            arguments.positive_int(snapshot_every, "snapshot_every")
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
        arguments.positive_int(n_samples, "n_samples")
        arguments.flag(average, "average")
        return self.task.evaluate(self, n_samples, average)

    def state_dict(self) -> dict:
        """Everything needed to resume: plain tensors, numbers, lists and dicts."""
        return gan_checkpoint.trainer_state(self)

    def save(self, path: str | os.PathLike) -> None:
        """Write a checkpoint atomically (notebook 07; ``helpers.gan_checkpoint``)."""
        gan_checkpoint.write_atomically(self.state_dict(), path)

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
        task = task if task is not None else PaintingTask()
        state = gan_checkpoint.read(path, task.name)
        trainer = cls(gan_checkpoint.recipe_of(state), seed=state["seed"], device=device,
                      task=task)
        gan_checkpoint.restore(trainer, state)
        return trainer
