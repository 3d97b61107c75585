"""Every public function and class of helpers, called with one bad argument at a time.

The rule (CONTRIBUTING, "How we write"): a bad argument ends in ``TypeError`` or ``ValueError``
whose message names the parameter; never in an error from deep inside torch, Python or
traitlets, and never in silence where the value cannot be meant. For each parameter of each
entry of ``VALID_CALLS`` (a call that works) the test substitutes, by the parameter's type hint:

- refused, with the parameter named: ``None`` where the hint does not allow it; a value of
  the wrong kind (a string for a number, a tensor or a flag, a number for a string or a
  tensor); a negative int (every int the helpers take is a count, a step, a seed or a class);
  NaN for a float; ``'gpu'`` for a device;
- refused with the parameter named, or accepted: an empty tensor and one of another rank,
  and an unknown string (refused by quoting it back counts as naming it: text a learner
  typed is answered that way).

A public callable that is neither in ``VALID_CALLS`` nor in ``EXEMPT`` fails the test, so a
new function cannot slip past the rule.
"""

import functools
import inspect
import math
import os
import sys
import tempfile
import types
import typing
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_helpers_api import PUBLIC  # noqa: E402

matplotlib.use("Agg")

EXEMPT = {
    # Records the helpers build and hand back; learners read them, never construct them.
    "helpers.feedback.Feedback": "a verdict check_* builds",
    "helpers.calibration.Reliability": "a record reliability builds",
    "helpers.classifier.SizePoint": "a record training_size_curve builds",
    "helpers.classifier.TrainingHistory": "a record train_classifier builds",
    "helpers.digits.DigitSplit": "a record split_digits builds",
    "helpers.graph.AutogradGraph": "a record trace_graph builds",
    "helpers.graph.GraphNode": "a record trace_graph builds",
    "helpers.measured.Envelope": "a record measured_across_seeds builds",
    "helpers.gan_recipe.GanTask": "a Protocol: a description of a task, never called",
    # The checkers themselves: tests/test_arguments.py calls each with bad values.
    **{name: "a checker of arguments (tests/test_arguments.py)"
       for name in PUBLIC if name.startswith("helpers.arguments.")},
    # ipywidgets' building blocks: traitlets validates their traits, and the tools built on
    # them answer bad values in their readout (tests/test_widgets.py).
    **{f"helpers.widgets.{name}": "a widget building block (tests/test_widgets.py)"
       for name in ("AnyButNone", "ExplainingIntSlider", "ExplainingLogSlider",
                    "ExplainingSelectionSlider", "ExplainingSlider", "ExplainingToggleButtons",
                    "Explorer", "RefusalMemory", "RefusingSelection")},
    "helpers.judge.main": "takes no arguments (python -m helpers.judge)",
    "helpers.judge.train_judge": "trains for a minute; its one argument, device, goes to "
                                 "new_classifier's checker, called here",
}


# --- the things a valid call needs, built once -----------------------------------------------


@functools.cache
def split():
    from helpers.digits import split_digits

    return split_digits(0)


def images():
    """Two test digits of each class."""
    from helpers.digits import subset_per_class

    return subset_per_class(*split().test, 2)[0]


def labels():
    from helpers.digits import subset_per_class

    return subset_per_class(*split().test, 2)[1]


@functools.cache
def judge():
    from helpers.judge import load_judge

    return load_judge("cpu")


@functools.cache
def painting_trainer():
    from helpers.gan_recipe import GanRecipe
    from helpers.gan_trainer import GanTrainer

    trainer = GanTrainer(GanRecipe(lr_g=1e-3, lr_d=1e-3, batch_size=8), seed=0)
    trainer.train(2, snapshot_every=1)
    return trainer


@functools.cache
def digit_task():
    from helpers.image_gan import DigitTask

    return DigitTask(conditional=True)


@functools.cache
def digit_trainer():
    from helpers.gan_trainer import GanTrainer
    from helpers.image_gan import DIGIT_RECIPE

    trainer = GanTrainer(DIGIT_RECIPE, seed=0, task=digit_task())
    trainer.train(1, snapshot_every=1)
    return trainer


def mlp():
    from helpers.digit_models import new_classifier

    return new_classifier("mlp", seed=0, device="cpu")


def axes():
    return plt.subplots()[1]


def gan_pair():
    from helpers.gan import build_discriminator, build_generator

    generator, discriminator = build_generator(), build_discriminator()
    return (generator, discriminator, torch.optim.Adam(generator.parameters()),
            torch.optim.Adam(discriminator.parameters()), torch.rand(8, 15), torch.randn(8, 5))


def seed_gan_pair():
    from helpers.gan import build_discriminator

    generator, _, optimizer_g, _, real, ideas = gan_pair()
    discriminator = build_discriminator(sigmoid=True)
    return (generator, discriminator, optimizer_g, torch.optim.Adam(discriminator.parameters()),
            real, ideas)


def two_layer():
    from helpers.training import seed_problem

    return seed_problem(8, 6, 5, 3, seed=0)


def history():
    return {key: [0.5, 0.4, 0.3] for key in ("loss_d", "loss_g", "d_real", "d_fake")}


def size_points():
    from helpers.classifier import SizePoint

    return [SizePoint(5, 50, 1.0, 0.8), SizePoint(None, 1078, 0.99, 0.97)]


def class_logits():
    return torch.randn(len(labels()), 10, generator=torch.Generator().manual_seed(0))


def reliability_table():
    from helpers.calibration import reliability

    return reliability(class_logits(), labels())


def linear_batches():
    return [(torch.randn(4, 3), torch.randn(4, 1))]


def linear_model():
    return nn.Linear(3, 1)


def seed_range():
    from helpers.measured import SeedRange

    return SeedRange("test.figure", (0, 1), (1.0, 2.0))


def graph_output():
    x = torch.tensor(2.0, requires_grad=True)
    return (x - 1) * (x - 2)


def square(x: torch.Tensor) -> torch.Tensor:
    return x ** 2


def checkpoint_state():
    return painting_trainer().state_dict()


def fresh_painting_trainer():
    from helpers.gan_recipe import GanRecipe
    from helpers.gan_trainer import GanTrainer

    return GanTrainer(GanRecipe(lr_g=1e-3, lr_d=1e-3, batch_size=8), seed=0)


# Each entry: a function giving (args, kwargs) of a call that works.
VALID_CALLS = {
    "helpers.broadcasting.BroadcastExplorer": lambda: (("1, 2", "3, 1"), {}),
    "helpers.broadcasting.broadcast_explorer": lambda: (("1, 2", "3, 1"), {}),
    "helpers.broadcasting.explain_broadcast": lambda: (((1, 2), (3, 1)), {}),
    "helpers.broadcasting.parse_shape": lambda: (("2, 3",), {}),
    "helpers.broadcasting.plot_broadcast": lambda: (((1, 2), (3, 1)), {}),
    "helpers.checks.check_function": lambda: (
        (square, square, [torch.tensor(2.0)]), {"slips": [(lambda x: 2 * x, "doubled")]}),
    "helpers.checks.check_number": lambda: (
        (2.0, 2.0), {"rel_tol": 1e-4, "abs_tol": 1e-6, "slips": {4.0: "doubled"},
                     "reveal": True}),
    "helpers.shape_checks.check_shape": lambda: (((2, 3), (2, 3)), {}),
    "helpers.checks.check_tensor": lambda: (
        (torch.ones(2), torch.ones(2)), {"rtol": 1e-5, "atol": 1e-6, "exact_dtype": False}),
    "helpers.checks.is_number": lambda: ((2.0, 2.0), {"rel_tol": 1e-4}),
    "helpers.shape_checks.shape_meant": lambda: (((2, 3), (2, 3)), {}),
    "helpers.shape_checks.shape_verdict": lambda: (((2, 3), (3, 2), "shape (2, 3)"), {}),
    "helpers.classifier.Recipe": lambda: ((), {"epochs": 2, "lr": 1e-2, "weight_decay": 1e-2,
                                              "batch_size": 64}),
    "helpers.calibration.expected_calibration_error": lambda: (
        (class_logits(), labels()), {"bins": 5}),
    "helpers.calibration.fit_temperature": lambda: ((class_logits(), labels()), {}),
    "helpers.calibration.plot_reliability": lambda: (
        ({"t": reliability_table()},), {"title": "t"}),
    "helpers.calibration.reliability": lambda: ((class_logits(), labels()), {"bins": 5}),
    "helpers.classifier.train_classifier": lambda: (
        (mlp(), (images(), labels()), (images(), labels())),
        {"epochs": 1, "optimizer": None, "scheduler": None, "batch_size": 4, "patience": 1,
         "seed": 0, "progress": False}),
    "helpers.classifier.train_recipe": lambda: (
        ("mlp", split()), {"recipe": _tiny_recipe(), "seed": 0, "device": "cpu",
                           "progress": False}),
    "helpers.classifier.training_size_curve": lambda: (
        (split(),), {"per_class": (1, None), "kind": "mlp", "recipe": _tiny_recipe(),
                     "seed": 0, "device": "cpu"}),
    "helpers.classifier_plots.TrainingSizeExplorer": lambda: ((size_points(),), {}),
    "helpers.classifier_plots.plot_confusion_matrix": lambda: (
        (torch.eye(10, dtype=torch.long),), {"title": "t"}),
    "helpers.classifier_plots.plot_curves": lambda: (
        ({"train": [1.0, 0.5]},), {"ylabel": "loss", "title": "t", "mark_epoch": 1,
                                   "log_scale": False}),
    "helpers.classifier_plots.plot_digits": lambda: (
        (images(), labels(), labels()), {"columns": 4, "title": "t"}),
    "helpers.classifier_plots.plot_mistakes": lambda: (
        (images(), labels(), labels().flip(0)), {"max_images": 4, "columns": 4, "title": "t"}),
    "helpers.digit_gan_plots.DigitPicker": lambda: ((digit_trainer(),), {"digit": 3}),
    "helpers.digit_gan_plots.draw_digits": lambda: (
        (axes(), images()), {"columns": 4, "title": "t"}),
    "helpers.digit_gan_plots.mosaic": lambda: ((images(), 4), {}),
    "helpers.digit_gan_plots.plot_digit_dashboard": lambda: ((digit_trainer(),), {}),
    "helpers.digit_gan_plots.plot_samples": lambda: ((images(),), {"columns": 4, "title": "t"}),
    "helpers.digit_gan_plots.snapshot_picture": lambda: ((0, images()), {}),
    "helpers.digit_gan_plots.snapshot_readout": lambda: ((digit_task(),), {}),
    "helpers.digit_models.DigitCNN": lambda: ((), {"dropout": 0.25}),
    "helpers.digit_models.DigitMLP": lambda: ((), {"hidden": 8}),
    "helpers.digit_models.new_classifier": lambda: (("mlp",), {"seed": 0, "device": "cpu"}),
    "helpers.digits.load_digits": lambda: ((), {}),
    "helpers.digits.split_digits": lambda: ((0, (0.6, 0.2, 0.2)), {}),
    "helpers.digits.subset_per_class": lambda: ((images(), labels(), 1), {}),
    "helpers.environment.check_environment": lambda: ((), {"tested_versions": {"torch": "0"}}),
    "helpers.environment.default_device": lambda: ((), {}),
    "helpers.environment.describe_device": lambda: ((torch.device("cpu"),), {}),
    "helpers.environment.resolve_seed": lambda: ((3,), {}),
    "helpers.environment.seeded_generator": lambda: ((1, 0), {}),
    "helpers.environment.session_seed": lambda: ((), {}),
    "helpers.environment.setup": lambda: ((0,), {}),
    "helpers.environment.version_status": lambda: (("2.13.0", "2.13.0", ">=2.9,<3"), {}),
    "helpers.evaluation.accuracy": lambda: ((torch.eye(10)[labels()], labels()), {}),
    "helpers.evaluation.confusion_matrix": lambda: ((labels(), labels(), 10), {}),
    "helpers.evaluation.evaluate": lambda: ((mlp(), images(), labels()), {}),
    "helpers.evaluation.predict": lambda: ((mlp(), images(), 4), {}),
    "helpers.frechet_bias.extrapolated_frechet": lambda: (({10: [2.0], 20: [1.5]},), {}),
    "helpers.frechet_bias.frechet_by_sample_size": lambda: (
        (torch.randn(12, 3), torch.randn(10, 3), [4, 12]),
        {"draws": 2, "generator": torch.Generator()}),
    "helpers.frechet_bias.plot_frechet_bias": lambda: (
        ({10: [2.0], 20: [1.5]},), {"title": "t"}),
    "helpers.gan.build_discriminator": lambda: ((15, 8, "relu", False), {}),
    "helpers.gan.build_generator": lambda: ((5, 8, 15, "relu", False), {}),
    "helpers.gan.discriminator_loss": lambda: ((torch.randn(8, 1), torch.randn(8, 1)), {}),
    "helpers.gan.gan_step": lambda: (
        gan_pair(), {"loss": "non_saturating", "condition": None}),
    "helpers.gan.generator_loss": lambda: ((torch.randn(8, 1),), {"loss": "minimax"}),
    "helpers.gan.ideal_losses": lambda: ((), {}),
    "helpers.gan.seed_loop_step": lambda: (seed_gan_pair(), {}),
    "helpers.gan.with_condition": lambda: ((torch.randn(4, 5), torch.eye(10)[:4]), {}),
    "helpers.gan_checkpoint.read": lambda: ((_saved_checkpoint(), "paintings"), {}),
    "helpers.gan_checkpoint.recipe_of": lambda: ((checkpoint_state(),), {}),
    "helpers.gan_checkpoint.restore": lambda: (
        (fresh_painting_trainer(), checkpoint_state()), {}),
    "helpers.gan_checkpoint.trainer_state": lambda: ((painting_trainer(),), {}),
    "helpers.gan_checkpoint.write_atomically": lambda: (
        (checkpoint_state(), _checkpoint_path()), {}),
    "helpers.gan_plots.LiveView": lambda: (
        (painting_trainer(),), {"redraw_every": 10, "label": "view", "picture": None}),
    "helpers.gan_plots.SnapshotExplorer": lambda: ((painting_trainer().snapshots,), {}),
    "helpers.gan_plots.draw_history": lambda: ((axes(), axes(), history()), {"window": 2}),
    "helpers.gan_plots.draw_paintings": lambda: (
        (axes(), torch.rand(4, 15)), {"title": "t", "max_curves": 2, "color": "red"}),
    "helpers.gan_plots.plot_dashboard": lambda: ((painting_trainer(),), {}),
    "helpers.gan_plots.plot_history": lambda: ((history(),), {"window": 2}),
    "helpers.gan_plots.plot_paintings": lambda: (
        (torch.rand(4, 15),), {"title": "t", "max_curves": 2, "color": "red"}),
    "helpers.gan_plots.plot_snapshot_paintings": lambda: ((0, torch.rand(4, 15)), {}),
    "helpers.gan_plots.plot_snapshots": lambda: ((painting_trainer().snapshots, [0, 1]), {}),
    "helpers.gan_plots.snapshot_readout": lambda: ((0, torch.rand(4, 15)), {}),
    "helpers.gan_recipe.GanRecipe": lambda: (
        (), {"lr_g": 1e-3, "lr_d": 1e-3, "betas": (0.5, 0.999), "loss": "non_saturating",
             "batch_size": 8, "hidden": 8, "activation": "relu", "scaled": True,
             "bounded": True, "ema_decay": 0.9, "lr_decay_steps": 10,
             "lr_final_fraction": 0.5}),
    "helpers.gan_recipe.PaintingTask": lambda: ((), {}),
    "helpers.gan_scores.check_images": lambda: ((images(),), {}),
    "helpers.gan_scores.class_entropy": lambda: ((torch.full((4, 10), 0.1),), {}),
    "helpers.gan_scores.confident_share": lambda: ((torch.full((4, 10), 0.1),), {}),
    "helpers.gan_scores.frechet_distance": lambda: (
        (torch.randn(20, 3), torch.randn(20, 3)), {}),
    "helpers.gan_scores.judge_outputs": lambda: ((judge(), images()), {}),
    "helpers.gan_scores.judge_scores": lambda: (
        (judge(), images(), torch.randn(20, 64)), {}),
    "helpers.gan_scores.requested_class_accuracy": lambda: ((judge(), images(), labels()), {}),
    "helpers.gan_trainer.GanTrainer": lambda: (
        (_tiny_gan_recipe(),), {"seed": 0, "device": "cpu", "task": None}),
    "helpers.graph.draw_graph": lambda: ((graph_output(),), {"names": None, "title": "t"}),
    "helpers.graph.trace_graph": lambda: ((graph_output(),), {"names": None}),
    "helpers.image_gan.DigitTask": lambda: ((), {"conditional": False,
                                                "architecture": "mlp"}),
    "helpers.judge.load_judge": lambda: (("cpu",), {}),
    "helpers.loss_curves.LearningRateExplorer": lambda: (
        two_layer(), {"epochs": 3, "learning_rate": 1e-6}),
    "helpers.loss_curves.describe_run": lambda: ((1e-6, [3.0, 2.0, 1.0]), {}),
    "helpers.loss_curves.plot_loss_curves": lambda: (
        ({"run": [3.0, 2.0]},), {"title": "t", "log_scale": True}),
    "helpers.measured.SeedRange": lambda: (
        ("test.figure", (0, 1), (1.0, 2.0)), {"command": "make bench", "path": "native"}),
    "helpers.measured.measured_across_seeds": lambda: (
        ("digit_gan.unconditional.class_entropy",), {}),
    "helpers.measured.print_measured": lambda: (
        ({"entropy": ("digit_gan.unconditional.class_entropy", 3)},), {}),
    "helpers.measured.record_across_seeds": lambda: (
        (seed_range(),), {"path": _measured_copy()}),
    "helpers.paintings.artist_work": lambda: ((4,), {"generator": torch.Generator()}),
    "helpers.paintings.from_unit_range": lambda: ((torch.rand(4, 15),), {}),
    "helpers.paintings.gan_quality": lambda: ((torch.rand(50, 15),), {}),
    "helpers.paintings.lower_bound": lambda: ((torch.rand(15),), {}),
    "helpers.paintings.meets_targets": lambda: (
        ({"frac_between": 1.0, "a_ks": 0.01, "fit_rmse": 0.01},), {}),
    "helpers.paintings.to_unit_range": lambda: ((torch.rand(4, 15),), {}),
    "helpers.paintings.upper_bound": lambda: ((torch.rand(15),), {}),
    "helpers.sample_quality.nearest_distances": lambda: (
        (torch.rand(4, 3), torch.rand(5, 3)), {}),
    "helpers.sample_quality.precision_recall": lambda: (
        (torch.rand(6, 3), torch.rand(5, 3)), {"k": 2}),
    "helpers.tangent.TangentExplorer": lambda: ((square, 1.0, (-1.0, 2.0), "x²"), {}),
    "helpers.tangent.tangent_explorer": lambda: ((square, 1.0, (-1.0, 2.0), "x²"), {}),
    "helpers.uncertainty.bootstrap_interval": lambda: (
        (torch.tensor([1, 0, 1, 1]),), {"confidence": 0.9, "resamples": 50, "seed": 0}),
    "helpers.uncertainty.cross_validate": lambda: (
        ("mlp", split()), {"folds": 2, "recipe": _tiny_recipe(), "seed": 0, "device": "cpu"}),
    "helpers.uncertainty.wilson_interval": lambda: ((3, 4), {"confidence": 0.9}),
    "helpers.training.fit": lambda: (
        (linear_model(), nn.functional.mse_loss, torch.optim.SGD(linear_model().parameters()),
         linear_batches(), 1), {"progress": False}),
    "helpers.training.seed_problem": lambda: ((8, 6, 5, 3), {"seed": 0}),
    "helpers.training.train_by_hand": lambda: ((*two_layer(), 1e-6, 2), {}),
    "helpers.training.two_layer_gradients": lambda: (two_layer(), {}),
    "helpers.widgets.figure_to_png": lambda: ((plt.figure(),), {}),
}


def _tiny_recipe():
    from helpers.classifier import Recipe

    return Recipe(epochs=1, batch_size=256)


def _tiny_gan_recipe():
    from helpers.gan_recipe import GanRecipe

    return GanRecipe(lr_g=1e-3, lr_d=1e-3, batch_size=8)


@functools.cache
def _scratch_folder() -> tempfile.TemporaryDirectory:
    # Held for the whole session (the cache keeps it alive), removed when Python exits.
    return tempfile.TemporaryDirectory(prefix="bad-arguments-")


def _scratch() -> Path:
    return Path(_scratch_folder().name)


def _checkpoint_path() -> Path:
    return _scratch() / "checkpoint.pt"


@functools.cache
def _saved_checkpoint() -> Path:
    path = _scratch() / "saved.pt"
    painting_trainer().save(path)
    return path


def _measured_copy() -> Path:
    path = _scratch() / "measured.json"
    path.write_text("{}")
    return path


# --- bad values from type hints ----------------------------------------------------------------


def _hint_parts(hint: object) -> tuple[object, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return typing.get_args(hint)
    return (hint,)


def _is(part: object, kind: type) -> bool:
    origin = typing.get_origin(part) or part
    return isinstance(origin, type) and issubclass(origin, kind)


def bad_values(parameter: inspect.Parameter, hint: object, valid: object):
    """``(label, value, must_refuse)`` for one parameter."""
    parts = _hint_parts(hint)
    optional = type(None) in parts or parameter.default is None
    if not optional and hint is not object:
        yield "None", None, True
    if any(part is bool for part in parts):
        yield "a string for a flag", "yes", True
        return
    if any(_is(part, torch.device) for part in parts):
        yield "an unknown device", "gpu", True
    if any(part is int for part in parts) and not any(part is float for part in parts):
        yield "a string for an int", "3", True
        yield "a float for an int", 2.5, True
        yield "a negative int", -1, True
    elif any(part is float for part in parts):
        yield "a string for a number", "0.1", True
        yield "NaN", math.nan, True
    if any(_is(part, torch.Tensor) for part in parts) and isinstance(valid, torch.Tensor):
        yield "a string for a tensor", "tensor", True
        if valid.dim() > 0:
            yield "an empty tensor", valid[:0], False
        yield "a tensor of another rank", valid.unsqueeze(0), False
    if any(part is str for part in parts) and not any(_is(p, torch.device) for p in parts):
        yield "a number for a string", 42, True
        if not any(_is(p, os.PathLike) for p in parts):  # a new file name is a valid path
            yield "an unknown string", "bogus", False
    if any(_is(part, nn.Module) or _is(part, torch.optim.Optimizer) for part in parts):
        yield "a string for a module or optimizer", "model", True


def _hints(obj: object) -> dict[str, object]:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        return typing.get_type_hints(target)
    except NameError:
        return {name: p.annotation for name, p in inspect.signature(target).parameters.items()}


def cases():
    for name in sorted(VALID_CALLS):
        obj = PUBLIC[name]
        signature = inspect.signature(obj)
        hints = _hints(obj)
        args, kwargs = VALID_CALLS[name]()
        bound = signature.bind(*args, **kwargs)
        for parameter in signature.parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            valid = bound.arguments.get(parameter.name, parameter.default)
            hint = hints.get(parameter.name, parameter.annotation)
            for label, value, must_refuse in bad_values(parameter, hint, valid):
                yield pytest.param(name, parameter.name, value, must_refuse,
                                   id=f"{name}-{parameter.name}-{label}")


def test_every_public_callable_is_called_here_or_exempt_with_a_reason():
    missing = sorted(set(PUBLIC) - set(VALID_CALLS) - set(EXEMPT)
                     - {n for n in PUBLIC if n.startswith("helpers.exercises.")})
    assert not missing, f"add a valid call to VALID_CALLS (or a reason to EXEMPT): {missing}"
    assert not set(VALID_CALLS) - set(PUBLIC), "VALID_CALLS names a callable that is gone"


@pytest.mark.parametrize("name", sorted(VALID_CALLS))
def test_the_valid_call_works(name):
    args, kwargs = VALID_CALLS[name]()
    PUBLIC[name](*args, **kwargs)
    plt.close("all")


@pytest.mark.parametrize(("name", "parameter", "value", "must_refuse"), list(cases()))
def test_a_bad_argument_is_refused_by_name(name, parameter, value, must_refuse):
    args, kwargs = VALID_CALLS[name]()
    bound = inspect.signature(PUBLIC[name]).bind(*args, **kwargs)
    bound.arguments[parameter] = value
    try:
        PUBLIC[name](*bound.args, **bound.kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        # Text a learner typed (a shape, a version) is answered by quoting it back.
        quoted = isinstance(value, str) and repr(value) in message
        assert quoted or parameter.replace("_", " ") in message.replace("_", " "), (
            f"{type(error).__name__} does not name {parameter!r}: {error}")
    else:
        assert not must_refuse, f"{parameter}={value!r} was accepted"
    finally:
        plt.close("all")
