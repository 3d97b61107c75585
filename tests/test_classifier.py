"""The training loop, the recipe and the training-size curve (helpers/classifier.py)."""

import math

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from helpers.classifier import (
    RECIPE,
    Recipe,
    TrainingHistory,
    _shuffled_batches,
    train_classifier,
    train_recipe,
    training_size_curve,
)
from helpers.digit_models import DigitMLP, new_classifier
from helpers.digits import subset_per_class
from helpers.evaluation import evaluate


def test_training_history_best_epoch_and_time_to_an_accuracy():
    history = TrainingHistory(val_loss=[0.9, 0.4, 0.5], val_accuracy=[0.8, 0.96, 0.97],
                              seconds=[0.1, 0.2, 0.3])
    assert history.best_epoch == 2 and history.stopped_after == 3
    assert history.seconds_to(0.97) == 0.3 and history.seconds_to(0.99) is None
    with pytest.raises(ValueError, match="no epoch"):
        TrainingHistory().best_epoch  # noqa: B018 (the property raises)


def test_batches_are_those_of_a_shuffling_data_loader_with_the_same_generator():
    dataset = TensorDataset(torch.arange(70.0).reshape(35, 2), torch.arange(35) % 10)
    ours = _shuffled_batches(dataset, 8, torch.Generator().manual_seed(3))
    usual = DataLoader(dataset, batch_size=8, shuffle=True,
                       generator=torch.Generator().manual_seed(3))
    for _ in range(2):  # a second epoch draws a new order from the same generator
        pairs = list(zip(ours, usual, strict=True))
        assert [len(labels) for (_, labels), _ in pairs] == [8, 8, 8, 8, 3]
        for (images, labels), (usual_images, usual_labels) in pairs:
            assert torch.equal(images, usual_images) and torch.equal(labels, usual_labels)


def test_train_classifier_learns_and_records_every_epoch(split):
    model = new_classifier("mlp", seed=0, device="cpu")
    history = train_classifier(model, split.train, split.val, epochs=3, seed=0)
    for values in (history.train_loss, history.train_accuracy, history.val_loss,
                   history.val_accuracy, history.lr, history.seconds):
        assert len(values) == 3
    assert history.val_loss[-1] < history.val_loss[0]
    assert history.val_accuracy[-1] > 0.85
    assert history.lr == [1e-3] * 3  # the default AdamW, no schedule
    assert history.seconds == sorted(history.seconds)


def test_train_classifier_is_reproducible_per_seed(split, same_weights):
    small = subset_per_class(*split.train, 5)
    runs = []
    for seed in (1, 1, 2):
        model = new_classifier("cnn", seed=0, device="cpu")
        train_classifier(model, small, split.val, epochs=2, batch_size=10, seed=seed)
        runs.append(model)
    assert same_weights(runs[0], runs[1])  # batch order and dropout from the seed
    assert not same_weights(runs[0], runs[2])


def test_scheduler_steps_after_every_batch(split):
    model = new_classifier("mlp", seed=0, device="cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    small = subset_per_class(*split.train, 4)  # 40 images: 4 batches of 10 per epoch
    history = train_classifier(model, small, split.val, epochs=2, optimizer=optimizer,
                               scheduler=scheduler, batch_size=10, seed=0)
    assert history.lr == pytest.approx([0.1 * 0.5**4, 0.1 * 0.5**8])


def test_patience_stops_early_and_restores_the_best_epoch(split):
    small = subset_per_class(*split.train, 10)

    def run(patience):
        model = new_classifier("mlp", seed=0, device="cpu", hidden=512)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
        history = train_classifier(model, small, split.val, epochs=60, optimizer=optimizer,
                                   batch_size=100, patience=patience, seed=0)
        return model, history

    _, full = run(None)
    stopped_model, stopped = run(5)
    assert stopped.best_epoch == full.best_epoch  # the same run until it stops
    assert stopped.stopped_after == full.best_epoch + 5 < 60
    assert stopped.val_loss == full.val_loss[:stopped.stopped_after]
    restored_loss, _ = evaluate(stopped_model, *split.val)
    assert math.isclose(restored_loss, min(full.val_loss), rel_tol=1e-6)


def test_train_classifier_checks_its_arguments(split):
    model = DigitMLP()
    with pytest.raises(TypeError, match=r"train must be a pair \(images, labels\)"):
        train_classifier(model, split.train_images, split.val, epochs=1)
    with pytest.raises(TypeError, match="train labels must hold class indices as torch.long"):
        train_classifier(model, (split.train_images, split.train_labels.float()), split.val,
                         epochs=1)
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        train_classifier(model, split.train, split.val, epochs=0)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        train_classifier(model, split.train, split.val, epochs=1, optimizer="adam")


def test_train_recipe_checks_its_arguments(split):
    with pytest.raises(TypeError, match="split must be a DigitSplit"):
        train_recipe("cnn", split.train)
    with pytest.raises(TypeError, match="recipe must be a Recipe"):
        train_recipe("cnn", split, {"epochs": 1})
    assert RECIPE == Recipe(epochs=40, lr=1e-2, weight_decay=1e-2, batch_size=64)


def test_training_size_curve_trains_the_recipe_on_growing_subsets(split):
    small = Recipe(epochs=20, lr=1e-2, weight_decay=1e-2, batch_size=64)
    points = training_size_curve(split, per_class=(2, 20), recipe=small, seed=0)
    assert [(p.per_class, p.images) for p in points] == [(2, 20), (20, 200)]
    assert points[0].train_accuracy == 1.0  # 20 images are easily memorised
    assert points[1].val_accuracy > points[0].val_accuracy
    assert points[0].gap == points[0].train_accuracy - points[0].val_accuracy
    with pytest.raises(TypeError, match="split must be a DigitSplit"):
        training_size_curve(split.train)
