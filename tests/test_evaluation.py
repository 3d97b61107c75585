"""Predictions, accuracy, loss and the confusion matrix (helpers/evaluation.py)."""

import math

import pytest
import torch
import torch.nn.functional as F

from helpers.digit_models import DigitCNN, new_classifier
from helpers.evaluation import accuracy, confusion_matrix, evaluate, predict


def test_accuracy_counts_the_rows_whose_largest_logit_is_the_label():
    logits = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.5, 0.1, 0.2], [0.0, 0.0, 1.0]])
    labels = torch.tensor([0, 1, 2, 2])
    assert accuracy(logits, labels) == 0.75
    assert accuracy(logits.softmax(dim=1), labels) == 0.75


def test_accuracy_names_wrong_shapes_and_dtypes():
    logits = torch.zeros(4, 3)
    with pytest.raises(TypeError, match="torch.long"):
        accuracy(logits, torch.zeros(4))
    with pytest.raises(ValueError, match=r"shaped \(4,\), one class index per image, got \(4, 1\)"):
        accuracy(logits, torch.zeros(4, 1, dtype=torch.long))
    with pytest.raises(ValueError, match=r"logits \(images, classes\) must have 2 dimensions, "
                                         r"got shape \(3,\)"):
        accuracy(torch.zeros(3), torch.zeros(3, dtype=torch.long))


def test_predict_uses_eval_mode_no_graph_and_restores_the_mode(split):
    cnn = DigitCNN()
    cnn.train()
    logits = predict(cnn, split.val_images[:50], batch_size=16)
    assert cnn.training
    assert not logits.requires_grad
    cnn.eval()
    with torch.no_grad():
        assert torch.allclose(logits, cnn(split.val_images[:50]), atol=1e-6)
    with pytest.raises(ValueError, match=r"shaped \(N, 1, 8, 8\), got \(50, 64\)"):
        predict(cnn, split.val_images[:50].reshape(50, 64))


def test_evaluate_is_cross_entropy_and_accuracy(split):
    mlp = new_classifier("mlp", seed=0, device="cpu")
    loss, share = evaluate(mlp, *split.val)
    with torch.no_grad():
        logits = mlp(split.val_images)
    assert math.isclose(loss, F.cross_entropy(logits, split.val_labels).item(), rel_tol=1e-5)
    assert share == accuracy(logits, split.val_labels)


def test_confusion_matrix_rows_are_true_classes():
    labels = torch.tensor([0, 0, 1, 2, 2, 2])
    predicted = torch.tensor([0, 1, 1, 2, 0, 2])
    matrix = confusion_matrix(labels, predicted, n_classes=3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert matrix.sum() == 6 and matrix.trace() == 4
    with pytest.raises(ValueError, match=r"predicted must lie in 0..2, got 0..3"):
        confusion_matrix(labels, torch.tensor([0, 1, 1, 2, 3, 2]), n_classes=3)
    with pytest.raises(TypeError, match="torch.long"):
        confusion_matrix(labels, predicted.float(), n_classes=3)
