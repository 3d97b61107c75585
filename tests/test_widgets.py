import math

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


class FailingExplorer(Explorer):
    """Draws for even values; for odd ones its update raises, as a learner's function may."""

    def __init__(self):
        self.slider = widgets.IntSlider(value=2)
        super().__init__([self.slider])

    def update(self):
        if self.slider.value % 2:
            raise ValueError(f"odd value <{self.slider.value}>")
        figure, axes = plt.subplots()
        axes.plot([0, self.slider.value])
        self.show(f"value {self.slider.value}", figure)


def test_an_update_that_raises_becomes_a_readout_message_and_clears_the_picture():
    explorer = FailingExplorer()
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    explorer.slider.value = 3  # no exception reaches the caller
    assert explorer.readout.value == "could not update: ValueError: odd value &lt;3&gt;"
    assert bytes(explorer.picture.value) == b""
    assert explorer.picture.layout.display == "none"
    explorer.slider.value = 4
    assert explorer.readout.value == "value 4"
    assert explorer.picture.layout.display is None


def test_show_without_a_figure_clears_the_picture():
    explorer = CountingExplorer()
    explorer.show("nothing to draw", None)
    assert explorer.readout.value == "nothing to draw"
    assert bytes(explorer.picture.value) == b""


def test_explaining_sliders_keep_a_valid_value_and_remember_the_request():
    from helpers.widgets import ExplainingLogSlider, ExplainingSlider

    told = []
    slider = ExplainingSlider(value=1.0, min=0.0, max=2.0)
    slider.on_refused = lambda: told.append(slider.refused)
    slider.value = 5.0
    assert slider.value == 2.0 and slider.refused == 5.0
    slider.value = 9.0  # already at the edge: no change event, so the slider says it itself
    assert told == [9.0]
    slider.value = float("nan")
    assert slider.value == 2.0 and math.isnan(slider.refused)
    slider.refused = None
    slider.value = 1.5
    assert slider.value == 1.5 and slider.refused is None
    rates = ExplainingLogSlider(value=1e-6, base=10, min=-9, max=-5)
    rates.value = 1.0
    assert rates.value == 1e-5 and rates.refused == 1.0


@pytest.mark.parametrize("requested, remembered", [
    (None, "None"), ("0.5", "'0.5'"), (True, "True"), ([1], "[1]"),
])
def test_explaining_sliders_keep_their_value_for_what_is_not_a_number(requested, remembered):
    from helpers.widgets import ExplainingIntSlider, ExplainingLogSlider, ExplainingSlider

    for slider in (ExplainingSlider(value=1.0, min=0.0, max=2.0),
                   ExplainingIntSlider(value=1, min=0, max=2),
                   ExplainingLogSlider(value=1e-6, base=10, min=-9, max=-5)):
        before = slider.value
        told = []
        slider.on_refused = lambda slider=slider, told=told: told.append(slider.refused)
        slider.value = requested
        assert slider.value == before and told == [remembered]


def test_the_int_slider_takes_whole_floats_and_refuses_fractions():
    from helpers.widgets import ExplainingIntSlider

    slider = ExplainingIntSlider(value=0, min=0, max=20)
    slider.value = 3.0
    assert slider.value == 3 and type(slider.value) is int and slider.refused is None
    slider.value = 2.5
    assert slider.value == 3 and slider.refused == 2.5
    slider.value = float("inf")
    assert slider.value == 20 and type(slider.value) is int


@pytest.mark.parametrize("kind", ["slider", "buttons"])
@pytest.mark.parametrize("attribute, requested, remembered", [
    ("value", 300, "300"), ("value", "250", "'250'"), ("value", True, "True"),
    ("value", None, "None"), ("value", float("nan"), "nan"),
    ("index", float("nan"), "index nan"), ("index", "2", "index '2'"),
    ("index", None, "index None"), ("index", 3, "index 3"), ("index", -1, "index -1"),
    ("label", "abc", "label 'abc'"),
])
def test_selections_keep_their_choice_and_remember_the_request(kind, attribute, requested,
                                                               remembered):
    from helpers.widgets import ExplainingSelectionSlider, ExplainingToggleButtons

    widget_class = ExplainingSelectionSlider if kind == "slider" else ExplainingToggleButtons
    selection = widget_class(options=[250, 500, 1000], value=500)
    setattr(selection, attribute, requested)
    assert (selection.value, selection.index, selection.label) == (500, 1, "500")
    assert selection.refused == remembered
    assert selection.refusal_notice("sizes") == (
        f"{remembered} is not one of the sizes (250, 500, 1000), so it stays at 500. ")
    assert selection.refused is None and selection.refusal_notice("sizes") == ""
    selection.index = 2
    assert selection.value == 1000 and selection.refused is None
