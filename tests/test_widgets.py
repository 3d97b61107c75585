import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from helpers.widgets import READOUT_CLASS, Explorer, figure_to_png


class CountingExplorer(Explorer):
    def __init__(self):
        self.slider = widgets.IntSlider(value=1)
        super().__init__([self.slider])

    def update(self):
        figure, axes = plt.subplots()
        axes.plot([0, self.slider.value])
        self.show(f"value {self.slider.value}", figure)


def test_figure_to_png_returns_png_and_closes_the_figure():
    figure, _ = plt.subplots()
    before = len(plt.get_fignums())
    assert figure_to_png(figure).startswith(b"\x89PNG")
    assert len(plt.get_fignums()) == before - 1


def test_figure_to_png_rejects_non_figures():
    with pytest.raises(TypeError, match="matplotlib Figure"):
        figure_to_png("plot")


def test_explorer_refreshes_on_every_control_change():
    explorer = CountingExplorer()
    assert explorer.readout.value == "value 1"
    first_picture = explorer.picture.value
    explorer.slider.value = 7
    assert explorer.readout.value == "value 7"
    assert explorer.picture.value != first_picture
    assert READOUT_CLASS in explorer.readout._dom_classes
    assert repr(explorer) == "CountingExplorer(value 7)"


def test_explorer_requires_update_and_widget_controls():
    with pytest.raises(NotImplementedError, match="implement update"):
        Explorer([widgets.IntSlider()])
    with pytest.raises(TypeError, match="list of ipywidgets"):
        Explorer(["slider"])
