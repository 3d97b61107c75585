"""A trained classifier's outputs and scores on images (notebook 06).

``predict`` runs a model in eval mode without building a graph; ``accuracy``,
``evaluate`` and ``confusion_matrix`` are what ``sklearn.metrics``
(``accuracy_score``, ``log_loss``, ``confusion_matrix``) compute in practice.
"""

import torch
import torch.nn.functional as F
from torch import nn

from helpers import arguments
from helpers.digits import N_CLASSES


def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 512) -> torch.Tensor:
    """The model's logits for ``images``, on the CPU, computed in eval mode (notebook 06).

    Runs under ``torch.inference_mode()`` in chunks of ``batch_size``, on the
    model's device, and puts the model back in the mode it was in.
    """
    arguments.instance(model, "model", nn.Module, "a torch.nn.Module")
    arguments.digit_images(images)
    arguments.positive_int(batch_size, "batch_size")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            logits = [model(chunk.to(device)).cpu() for chunk in images.split(batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(logits)


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The share of rows of ``logits`` whose largest entry is at the label (notebook 06).

    ``logits`` is ``(N, classes)``, one row per image; the predicted class is
    ``logits.argmax(dim=1)``. Probabilities give the same answer: softmax keeps
    the order within a row.
    """
    arguments.tensor(logits, "logits (images, classes)", dim=2)
    arguments.class_labels(labels, logits.shape[0])
    return (logits.argmax(dim=1) == labels.to(logits.device)).float().mean().item()


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """``(mean cross-entropy, accuracy)`` of ``model`` on ``images`` (notebook 06).

    In eval mode and without building a graph (see ``predict``).
    """
    logits = predict(model, images)
    arguments.class_labels(labels, logits.shape[0])
    return F.cross_entropy(logits, labels).item(), accuracy(logits, labels)


def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor,
                     n_classes: int = N_CLASSES) -> torch.Tensor:
    """Counts of (true class, predicted class) pairs, rows true, columns predicted (notebook 06).

    Entry ``[i, j]`` counts the images of class ``i`` predicted as ``j``; the
    diagonal holds the right answers. ``sklearn.metrics.confusion_matrix(labels,
    predicted)`` computes the same table.
    """
    arguments.positive_int(n_classes, "n_classes")
    arguments.tensor(labels, "labels", dim=1)
    arguments.class_labels(predicted, len(labels), "predicted")
    arguments.class_labels(labels, len(labels))
    for name, values in (("labels", labels), ("predicted", predicted)):
        if len(values) and not 0 <= int(values.min()) <= int(values.max()) < n_classes:
            raise ValueError(f"{name} must lie in 0..{n_classes - 1}, got "
                             f"{int(values.min())}..{int(values.max())}")
    pairs = labels.cpu() * n_classes + predicted.cpu()
    return torch.bincount(pairs, minlength=n_classes**2).reshape(n_classes, n_classes)
