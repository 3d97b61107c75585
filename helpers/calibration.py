"""Whether a classifier's probabilities mean what they say, and temperature scaling
(notebook 06).

A model is *calibrated* (校准) when, of the images it labels with confidence
0.9, nine in ten are right. ``reliability`` bins the top-class confidences as
``sklearn.calibration.calibration_curve`` does (bins closed on the right);
``expected_calibration_error`` weighs each bin's gap by its share of images;
``fit_temperature`` fits one number $T$ that divides the logits (Guo et al.,
2017), by ``torch.optim.LBFGS`` on the negative log-likelihood.
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from helpers import arguments


@dataclass(frozen=True)
class Reliability:
    """Per confidence bin: its edges, how many images fell in it, their mean top-class
    confidence and the share of them the model got right (notebook 06). Empty bins hold
    NaN confidence and accuracy."""

    edges: torch.Tensor
    counts: torch.Tensor
    confidence: torch.Tensor
    accuracy: torch.Tensor


def _logits_and_labels(logits: object, labels: object) -> tuple[torch.Tensor, torch.Tensor]:
    logits = arguments.tensor(logits, "logits", dim=2, floating=True)
    if logits.shape[1] < 2:
        raise ValueError(f"logits must have a column per class (2 or more), "
                         f"got shape {tuple(logits.shape)}")
    return logits, arguments.class_labels(labels, len(logits))


def reliability(logits: torch.Tensor, labels: torch.Tensor, bins: int = 10) -> Reliability:
    """The reliability table of ``logits`` (N, classes) against ``labels`` in ``bins`` equal
    bins of top-class confidence (notebook 06)."""
    logits, labels = _logits_and_labels(logits, labels)
    bins = arguments.positive_int(bins, "bins")
    probabilities = logits.double().softmax(dim=1)
    confidence, predicted = probabilities.max(dim=1)
    hits = (predicted == labels).double()
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    which = torch.bucketize(confidence, edges[1:-1])
    counts = torch.bincount(which, minlength=bins)
    sums = torch.zeros(bins, dtype=torch.float64)
    mean_confidence = sums.index_add(0, which, confidence) / counts
    mean_accuracy = sums.index_add(0, which, hits) / counts
    return Reliability(edges, counts, mean_confidence, mean_accuracy)


def expected_calibration_error(logits: torch.Tensor, labels: torch.Tensor,
                               bins: int = 10) -> float:
    """$\\sum_b \\frac{n_b}{N}\\,|\\mathrm{accuracy}_b - \\mathrm{confidence}_b|$ over the bins
    of ``reliability`` (notebook 06): 0 for a calibrated model."""
    table = reliability(logits, labels, bins)
    filled = table.counts > 0
    weights = table.counts[filled].double() / table.counts.sum()
    gaps = (table.accuracy[filled] - table.confidence[filled]).abs()
    return float((weights * gaps).sum())


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature $T$ that minimises the cross-entropy of ``logits / T`` on ``labels``
    (notebook 06). Fit it on validation digits; it never changes which class wins."""
    logits, labels = _logits_and_labels(logits, labels)
    logits = logits.detach().double()
    log_temperature = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_temperature], lr=0.5, max_iter=100,
                                  line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(logits / log_temperature.exp(), labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    return log_temperature.exp().item()


def plot_reliability(tables: dict[str, Reliability], title: str = "") -> Figure:
    """Reliability diagrams side by side, one per named table (notebook 06): each bin's
    accuracy against its mean confidence, the diagonal where they agree, and how many
    images each bin holds."""
    arguments.instance(tables, "tables", dict, "a dict from names to Reliability tables")
    if not tables:
        raise ValueError("tables must name at least one Reliability table, got an empty dict")
    for name, table in tables.items():
        arguments.text(name, "a table's name")
        arguments.instance(table, f"tables[{name!r}]", Reliability, "a Reliability table")
    arguments.text(title, "title")
    figure, axes = plt.subplots(1, len(tables), figsize=(3.4 * len(tables), 3.3), squeeze=False)
    for ax, (name, table) in zip(axes[0], tables.items(), strict=True):
        filled = (table.counts > 0).numpy()
        edges = table.edges.numpy()
        centres = (edges[:-1] + edges[1:]) / 2
        accuracy = table.accuracy.numpy()[filled]
        ax.bar(centres[filled], accuracy, width=0.9 * (edges[1] - edges[0]), color="#1f77b4",
               label="accuracy in the bin")
        ax.plot([0, 1], [0, 1], color="gray", linestyle="--", label="calibrated")
        ax.plot(table.confidence.numpy()[filled], accuracy, "o", color="#d62728",
                markersize=4, label="(mean confidence, accuracy)")
        for x, height, count in zip(centres[filled], accuracy, table.counts.numpy()[filled],
                                    strict=True):
            ax.annotate(str(count), (x, min(height, 0.88) + 0.03), ha="center", fontsize=7)
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="top-class confidence", title=name)
    axes[0, 0].set_ylabel("accuracy")
    axes[0, 0].legend(fontsize=7, loc="upper left")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
