"""The digits as a GAN task (helpers/image_gan.py) and their pictures and tools
(helpers/digit_gan_plots.py)."""

import dataclasses
import math

import matplotlib
import pytest
import torch

from helpers.digit_gan_plots import (
    DigitPicker,
    mosaic,
    plot_digit_dashboard,
    plot_samples,
    snapshot_picture,
    snapshot_readout,
)
from helpers.digits import split_digits
from helpers.gan_recipe import GanRecipe
from helpers.gan_scores import judge_outputs
from helpers.gan_trainer import GanTrainer
from helpers.image_gan import DCGAN_RECIPE, DIGIT_RECIPE, DigitTask

matplotlib.use("Agg")
SMALL = GanRecipe(lr_g=3e-3, lr_d=3e-3, batch_size=16, hidden=16, scaled=True, bounded=True,
                  ema_decay=0.9)


@pytest.fixture(scope="module")
def conditional_trainer():
    trainer = GanTrainer(SMALL, seed=0, task=DigitTask(conditional=True))
    trainer.train(20, snapshot_every=10)
    return trainer


def test_the_task_trains_on_the_judges_training_split_and_keeps_its_test_digits_apart():
    task, split = DigitTask(), split_digits(0)
    assert torch.equal(task.images, split.train_images.reshape(-1, 64))
    assert torch.equal(task.validation_images, split.val_images)
    assert torch.equal(task.test_images, split.test_images)
    real, labels = task.sample(5, torch.Generator().manual_seed(0))
    assert real.shape == (5, 64) and labels is None
    _, labels = DigitTask(conditional=True).sample(5, torch.Generator().manual_seed(0))
    assert labels.shape == (5,) and labels.dtype == torch.int64


def test_pixels_are_scaled_to_minus_one_one_and_back():
    task = DigitTask()
    scaled = task.encode(task.images, DIGIT_RECIPE)
    assert scaled.min() == -1 and scaled.max() == 1
    assert torch.equal(task.decode(scaled, DIGIT_RECIPE).flatten(1), task.images)
    assert task.decode(torch.full((2, 64), 3.0), DIGIT_RECIPE).max() == 1, "clamped for the judge"


@pytest.mark.parametrize("options, name, g_in, d_in", [
    ({}, "digits", 32, 64), ({"conditional": True}, "digits_conditional", 42, 74),
])
def test_the_mlp_networks_read_ideas_and_labels_and_d_outputs_a_logit(options, name, g_in, d_in):
    task = DigitTask(**options)
    G, D = task.build(DIGIT_RECIPE)
    assert task.name == name
    assert G(torch.randn(3, g_in)).shape == (3, 64)
    assert G(100 * torch.randn(3, g_in)).abs().max() <= 1, "G ends in tanh"
    assert D(torch.randn(3, d_in)).shape == (3, 1)


def test_the_dcgan_reads_and_writes_rows_of_64_pixels():
    task = DigitTask(architecture="dcgan")
    G, D = task.build(DIGIT_RECIPE)
    assert task.name == "digits_dcgan"
    assert G(torch.randn(4, 32)).shape == (4, 64) and D(torch.randn(4, 64)).shape == (4, 1)
    assert any(isinstance(m, torch.nn.ConvTranspose2d) for m in G)


def test_the_dcgans_moving_average_mixes_batch_norm_statistics_and_keeps_its_counter_integer():
    recipe = dataclasses.replace(DCGAN_RECIPE, batch_size=8)
    trainer = GanTrainer(recipe, seed=0, task=DigitTask(architecture="dcgan"))
    trainer.train(1)
    first = [buffer.clone() for buffer in trainer.generator.buffers()]
    trainer.train(1)
    beta = min(recipe.ema_decay, 2 / 11)  # (1 + t) / (10 + t) with t = 1 update so far
    averages = dict(trainer.sampler.named_buffers())
    assert any(name.endswith("num_batches_tracked") for name in averages)
    for (name, average), before, now in zip(averages.items(), first, trainer.generator.buffers(),
                                            strict=True):
        mixed = beta * before + (1 - beta) * now
        assert average.dtype == now.dtype, f"{name} changed type"
        assert torch.equal(average, mixed.to(now.dtype)), name


@pytest.mark.parametrize("options, error, message", [
    ({"conditional": 1}, TypeError, "bool"),
    ({"architecture": "resnet"}, ValueError, "architecture must be one of"),
    ({"conditional": True, "architecture": "dcgan"}, ValueError, "MLP networks"),
])
def test_bad_task_options_are_refused(options, error, message):
    with pytest.raises(error, match=message):
        DigitTask(**options)


def test_the_conditional_trainer_scores_the_requested_classes(conditional_trainer):
    scores = conditional_trainer.evaluate(100)
    assert set(scores) == {"confident_share", "class_entropy", "frechet_distance",
                           "requested_accuracy"}
    assert 0 <= scores["requested_accuracy"] <= 1
    assert conditional_trainer.snapshots[20].shape == (1000, 1, 8, 8)
    with pytest.raises(ValueError, match="conditional: pass labels"):
        conditional_trainer.paint(torch.zeros(2, 32))


def test_scores_use_the_validation_digits_and_the_test_digits_only_on_request(
        conditional_trainer, monkeypatch):
    """Every score and choice of notebook 08 compares with the validation digits; the test digits
    give one number, test_frechet_distance, from the very fakes evaluate scores."""
    task = conditional_trainer.task
    judge = task.judge()
    assert torch.equal(task.reference_features(), judge_outputs(judge, task.validation_images)[1])
    assert torch.equal(task.test_features(), judge_outputs(judge, task.test_images)[1])
    validation = conditional_trainer.evaluate(200)["frechet_distance"]
    test = task.test_frechet_distance(conditional_trainer, 200)
    assert test != validation
    monkeypatch.setattr(task, "test_features", task.reference_features)
    assert task.test_frechet_distance(conditional_trainer, 200) == validation, "the same fakes"
    with pytest.raises(ValueError, match="n_samples must be at least 2, got 1"):
        task.test_frechet_distance(conditional_trainer, 1)


class _Painting:
    """Stands in for a trainer whose G paints what ``picture(ideas, labels)`` returns."""

    def __init__(self, picture):
        self.picture = picture

    def ideas(self, n, generator):
        return torch.randn(n, 32, generator=generator)

    def paint(self, ideas, labels=None, *, average=True):
        return self.picture(ideas, labels)


def test_a_copier_sits_at_zero_distance_and_an_untrained_g_covers_little():
    task = DigitTask()
    training = task.images.reshape(-1, 1, 8, 8)
    copier = task.copying_and_variety(_Painting(lambda ideas, labels: training[:len(ideas)]))
    assert copier["nearest_pixel_ratio"] == 0 and copier["nearest_feature_ratio"] == 0
    untrained = task.copying_and_variety(GanTrainer(DIGIT_RECIPE, seed=0, task=task))
    assert set(untrained) == {"precision", "recall", "nearest_pixel_ratio",
                              "nearest_feature_ratio"}
    assert untrained["recall"] < 0.05 < copier["recall"]
    assert untrained["nearest_pixel_ratio"] > 1


def test_within_class_recall_compares_each_digit_with_as_many_real_ones(conditional_trainer):
    task = conditional_trainer.task

    def held_out_digits(ideas, labels):
        return task.validation_images[task.validation_labels == labels[0]][:len(ideas)]

    generated, held_out = task.within_class_recall(_Painting(held_out_digits))
    assert generated.shape == held_out.shape == (10,)
    assert torch.equal(generated, held_out), "G painting the validation digits scores as they do"
    assert ((held_out > 0.5) & (held_out <= 1)).all()
    barely_trained, _ = task.within_class_recall(conditional_trainer)
    assert (barely_trained < held_out).all()
    with pytest.raises(ValueError, match="needs a conditional task"):
        DigitTask().within_class_recall(conditional_trainer)


def test_a_digit_checkpoint_resumes_with_its_task(tmp_path, conditional_trainer):
    conditional_trainer.save(tmp_path / "digits.pt")
    with pytest.raises(ValueError, match="trained on 'digits_conditional'"):
        GanTrainer.load(tmp_path / "digits.pt")
    loaded = GanTrainer.load(tmp_path / "digits.pt", task=DigitTask(conditional=True))
    assert loaded.step_count == 20
    assert all(torch.equal(p, q) for p, q in zip(loaded.sampler.parameters(),
                                                 conditional_trainer.sampler.parameters(),
                                                 strict=True))


def test_a_mosaic_tiles_images_with_gaps():
    images = torch.ones(12, 1, 8, 8)
    tiled = mosaic(images, columns=5)
    assert tiled.shape == (3 * 9 + 1, 5 * 9 + 1)
    assert tiled.sum() == 12 * 64, "every pixel once, gaps and empty tiles blank"
    with pytest.raises(ValueError, match="columns must be a positive int"):
        mosaic(images, columns=0)
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\)"):
        plot_samples(torch.ones(3, 8, 8))


def test_pictures_and_readouts(conditional_trainer):
    assert len(plot_digit_dashboard(conditional_trainer).axes) == 3
    assert snapshot_picture(10, conditional_trainer.snapshots[10]).axes[0].get_title() == (
        "samples at step 10")
    readout = snapshot_readout(conditional_trainer.task)(10, conditional_trainer.snapshots[10])
    assert readout.startswith("step 10 | confident ") and "Fréchet distance" in readout
    with pytest.raises(TypeError, match="GanTrainer"):
        plot_digit_dashboard("trainer")
    with pytest.raises(TypeError, match="DigitTask"):
        snapshot_readout("digits")


def test_the_digit_picker_reads_back_what_the_judge_sees(conditional_trainer):
    picker = DigitPicker(conditional_trainer, digit=7)
    assert picker.readout.value.startswith("asked for 7, path 0, t = 0.00: the judge reads ")
    picker.walk.value = 0.5
    picker.path.value = 3
    assert "path 3, t = 0.50" in picker.readout.value
    assert bytes(picker.picture.value).startswith(b"\x89PNG")
    ends = picker.ideas_along_path(3, torch.tensor([0.0, 1.0]))
    middle = picker.ideas_along_path(3, torch.tensor([0.5]))[0]
    torch.testing.assert_close(middle, (ends[0] + ends[1]) * math.cos(math.pi / 4))


@pytest.mark.parametrize("control, requested, kept, notice", [
    ("walk", float("nan"), 0.0, "walk nan is not a number from 0 to 1, so t = 0.00. "),
    ("walk", None, 0.0, "walk None is not a number from 0 to 1, so t = 0.00. "),
    ("walk", "0.5", 0.0, "walk '0.5' is not a number from 0 to 1, so t = 0.00. "),
    ("walk", -0.5, 0.0, "walk -0.5 is not a number from 0 to 1, so t = 0.00. "),
    ("walk", 2, 1.0, "walk 2 is not a number from 0 to 1, so t = 1.00. "),
    ("walk", float("inf"), 1.0, "walk inf is not a number from 0 to 1, so t = 1.00. "),
    ("path", -1, 0, "path -1 is not a whole number from 0 to 20, so path 0. "),
    ("path", 21, 20, "path 21 is not a whole number from 0 to 20, so path 20. "),
    ("path", 10**6, 20, "path 1000000 is not a whole number from 0 to 20, so path 20. "),
    ("path", float("nan"), 0, "path nan is not a whole number from 0 to 20, so path 0. "),
    ("path", 2.5, 0, "path 2.5 is not a whole number from 0 to 20, so path 0. "),
    ("digit", 10, 3, "10 is not a digit 0-9, so it stays 3. "),
    ("digit", -1, 3, "-1 is not a digit 0-9, so it stays 3. "),
    ("digit", "3", 3, "'3' is not a digit 0-9, so it stays 3. "),
    ("digit", None, 3, "None is not a digit 0-9, so it stays 3. "),
])
def test_the_digit_picker_answers_bad_values_in_its_readout(conditional_trainer, control,
                                                             requested, kept, notice):
    picker = DigitPicker(conditional_trainer)
    getattr(picker, control).value = requested
    assert getattr(picker, control).value == kept
    assert picker.readout.value.startswith(notice)
    assert "the judge reads" in picker.readout.value
    assert bytes(picker.picture.value).startswith(b"\x89PNG")
    picker.path.value = 1
    assert picker.readout.value.startswith("asked for 3, path 1")


@pytest.mark.parametrize("digit, error", [(10, ValueError), (-1, ValueError), ("3", ValueError),
                                          (None, ValueError), (True, ValueError)])
def test_the_digit_picker_names_the_digits_it_offers(conditional_trainer, digit, error):
    with pytest.raises(error, match="one of the digits 0-9"):
        DigitPicker(conditional_trainer, digit=digit)
    with pytest.raises(TypeError, match="conditional DigitTask"):
        DigitPicker(GanTrainer(SMALL, task=DigitTask()))
