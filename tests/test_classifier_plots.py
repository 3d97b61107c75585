"""Digit grids, mistakes, curves and the training-size explorer (helpers/classifier_plots.py)."""


import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

from helpers.classifier import (
    SizePoint,
)
from helpers.classifier_plots import (
    TrainingSizeExplorer,
    plot_confusion_matrix,
    plot_curves,
    plot_digits,
    plot_mistakes,
)
from helpers.widgets import READOUT_CLASS

matplotlib.use("Agg")



def test_plot_digits_titles_labels_and_marks_mistakes(split):
    images, labels = split.val_images[:12], split.val_labels[:12]
    figure = plot_digits(images, labels, columns=6, title="some digits")
    assert isinstance(figure, Figure) and len(figure.axes) == 12
    assert figure.axes[0].get_title() == str(int(labels[0]))
    predicted = labels.clone()
    predicted[1] = (labels[1] + 1) % 10
    marked = plot_digits(images, labels, predicted, columns=6)
    assert marked.axes[1].get_title() == f"{int(labels[1])}→{int(predicted[1])}"
    assert marked.axes[1].title.get_color() == "#d62728"
    assert marked.axes[0].title.get_color() == "black"
    with pytest.raises(ValueError, match="at least one image"):
        plot_digits(images[:0])
    plt.close("all")


def test_plot_confusion_matrix_writes_the_counts():
    matrix = torch.tensor([[5, 1], [0, 4]])
    figure = plot_confusion_matrix(matrix, title="val")
    assert sorted(text.get_text() for text in figure.axes[0].texts) == ["1", "4", "5"]
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(torch.zeros(2, 3))
    plt.close("all")


def test_plot_curves_one_line_per_curve_and_the_mark():
    figure = plot_curves({"train": [1.0, 0.5, 0.2], "val": [1.1, 0.7, 0.9]}, ylabel="loss",
                         mark_epoch=2, log_scale=True)
    ax = figure.axes[0]
    assert len(ax.lines) == 3 and ax.get_yscale() == "log"
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    with pytest.raises(ValueError, match="non-empty dict"):
        plot_curves({}, ylabel="loss")
    plt.close("all")


def test_plot_mistakes_shows_the_wrong_ones_in_a_figure_of_fixed_size(split):
    images, labels = split.val_images[:30], split.val_labels[:30]
    predicted = labels.clone()
    predicted[[1, 4]] = (labels[[1, 4]] + 1) % 10
    figure = plot_mistakes(images, labels, predicted, max_images=5, title="wrong")
    assert len(figure.axes) == 5
    titled = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert titled == [f"{int(labels[i])}→{int(predicted[i])}" for i in (1, 4)]
    none = plot_mistakes(images, labels, labels, max_images=5, title="wrong")
    assert none._suptitle.get_text() == "wrong: no mistakes"
    many = plot_mistakes(images, labels, (labels + 1) % 10, max_images=5, title="wrong")
    assert many._suptitle.get_text() == "wrong (the first 5 of 30)"
    assert {tuple(f.get_size_inches()) for f in (figure, none, many)} == {
        tuple(figure.get_size_inches())}
    plt.close("all")


def test_the_size_explorer_reads_out_the_chosen_size_and_refuses_others():
    points = [SizePoint(5, 50, 1.0, 0.82), SizePoint(10, 100, 1.0, 0.875),
              SizePoint(None, 1078, 0.999, 0.983)]
    explorer = TrainingSizeExplorer(points)
    assert repr(explorer) == ("TrainingSizeExplorer(50 images (5 per class): training accuracy "
                              "100.0%, validation 82.0%, gap 18.0 points)")
    assert READOUT_CLASS in explorer.readout._dom_classes
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    explorer.slider.value = 1078
    assert "1078 images (the whole training set)" in explorer.readout.value
    assert "gap 1.6 points" in explorer.readout.value
    explorer.slider.value = 300
    assert explorer.slider.value == 1078
    assert explorer.readout.value.startswith(
        "300 is not one of the sizes on the slider (50, 100, 1078), so it stays at 1078. ")
    explorer.slider.index = 7
    assert explorer.readout.value.startswith("index 7 is not one of the sizes")
    explorer.slider.index = 1
    assert explorer.readout.value.startswith("100 images (10 per class)")
    explorer.slider.value = "100"
    # The readout's text keeps the quotes a learner typed, not their HTML escapes.
    assert explorer.readout.value.startswith("'100' is not one of the sizes on the slider")
    for request, said in [(None, "None"), (float("nan"), "nan")]:
        explorer.slider.value = request
        assert explorer.readout.value.startswith(f"{said} is not one of the sizes")
    for index in (float("nan"), "2", None):
        explorer.slider.index = index
        assert explorer.readout.value.startswith(f"index {index!r} is not one of the sizes")
    explorer.slider.label = "abc"
    assert explorer.readout.value.startswith("label 'abc' is not one of the sizes")
    assert explorer.slider.value == 100
    with pytest.raises(TypeError, match="non-empty list of SizePoint"):
        TrainingSizeExplorer([])
    plt.close("all")
