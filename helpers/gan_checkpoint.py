"""Checkpoints of a ``GanTrainer``: written atomically, read safely (notebook 07).

A checkpoint holds everything a run needs to go on as if it had never stopped:
both networks' weights, both optimizers, the schedulers, the moving average of
G, the step count, the data generator's state, the history and the snapshots,
all as plain tensors, numbers, lists and dicts, so ``torch.load(...,
weights_only=True)`` reads it without running any code from the file.
"""

import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from helpers import arguments
from helpers.gan_recipe import GanRecipe

if TYPE_CHECKING:
    from helpers.gan_trainer import GanTrainer


def _check_trainer(trainer: object) -> None:
    from helpers.gan_trainer import GanTrainer  # gan_trainer imports this module

    arguments.instance(trainer, "trainer", GanTrainer, "a GanTrainer")


def _check_state(state: object) -> dict:
    return arguments.instance(state, "state", dict, "a checkpoint's state (a dict)")


def trainer_state(trainer: "GanTrainer") -> dict:
    """Everything needed to resume ``trainer`` (``GanTrainer.state_dict``, notebook 07)."""
    _check_trainer(trainer)
    return {
        "task": trainer.task.name,
        "recipe": asdict(trainer.recipe),
        "seed": trainer.seed,
        "step_count": trainer.step_count,
        "generator": trainer.generator.state_dict(),
        "discriminator": trainer.discriminator.state_dict(),
        "optimizer_g": trainer.optimizer_g.state_dict(),
        "optimizer_d": trainer.optimizer_d.state_dict(),
        "schedulers": [scheduler.state_dict() for scheduler in trainer.schedulers],
        "ema": trainer.ema.state_dict() if trainer.ema is not None else None,
        "rng_state": trainer.rng.get_state(),
        "history": {key: list(values) for key, values in trainer.history.items()},
        "snapshots": dict(trainer.snapshots),
    }


def write_atomically(state: dict, path: str | os.PathLike) -> None:
    """``torch.save(state)`` to ``path`` so that an interrupted save leaves the previous
    file intact (notebook 07).

    The file is written under a temporary name in the same folder, flushed to disk,
    then renamed over ``path``: a rename is atomic.
    """
    _check_state(state)
    path = Path(arguments.instance(path, "path", str | os.PathLike, "a str or a path"))
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(state, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(path: str | os.PathLike, task_name: str) -> dict:
    """The checkpoint at ``path``, read with ``weights_only=True``, checked to come from a run
    on the task named ``task_name`` (notebook 07)."""
    arguments.instance(path, "path", str | os.PathLike, "a str or a path")
    arguments.text(task_name, "task_name")
    state = torch.load(Path(path), map_location="cpu", weights_only=True)
    if state["task"] != task_name:
        raise ValueError(f"the checkpoint was trained on {state['task']!r}, not on task_name "
                         f"{task_name!r}: pass the task it was trained on")
    return state


def recipe_of(state: dict) -> GanRecipe:
    """The recipe a checkpoint was trained with (notebook 07)."""
    recipe = dict(_check_state(state)["recipe"])
    recipe["betas"] = tuple(recipe["betas"])
    return GanRecipe(**recipe)


def restore(trainer: "GanTrainer", state: dict) -> None:
    """Put ``state`` into a trainer freshly built with the checkpoint's recipe and seed
    (``GanTrainer.load``, notebook 07)."""
    _check_trainer(trainer)
    _check_state(state)
    trainer.generator.load_state_dict(state["generator"])
    trainer.discriminator.load_state_dict(state["discriminator"])
    trainer.optimizer_g.load_state_dict(state["optimizer_g"])
    trainer.optimizer_d.load_state_dict(state["optimizer_d"])
    for scheduler, scheduler_state in zip(trainer.schedulers, state["schedulers"], strict=True):
        scheduler.load_state_dict(scheduler_state)
    if trainer.ema is not None:
        trainer.ema.load_state_dict(state["ema"])
    trainer.rng.set_state(state["rng_state"])
    trainer.step_count = state["step_count"]
    trainer.history = {key: list(values) for key, values in state["history"].items()}
    trainer.snapshots = dict(state["snapshots"])
