import pytest
import torch
from matplotlib.figure import Figure

from helpers.broadcasting import (
    broadcast_explorer,
    explain_broadcast,
    parse_shape,
    plot_broadcast,
)


@pytest.mark.parametrize(
    "text, shape",
    [("2, 3", (2, 3)), ("(1,2)", (1, 2)), ("4 1 3", (4, 1, 3)), ("", ()), ("[5]", (5,))],
)
def test_parse_shape_reads_what_learners_type(text, shape):
    assert parse_shape(text) == shape


def test_parse_shape_rejects_non_numbers_and_non_strings():
    with pytest.raises(ValueError, match="could not read '2, x'"):
        parse_shape("2, x")
    with pytest.raises(TypeError, match="must be a str"):
        parse_shape((2, 3))


def test_explain_broadcast_lines_shapes_up_from_the_right():
    table = explain_broadcast((1, 2), (3, 1)).splitlines()
    assert table[0].split() == ["dim", "-2", "-1"]
    assert table[3].split() == ["result", "3", "2"]
    assert table[-1] == "(1, 2) and (3, 1) broadcast to (3, 2)"
    assert explain_broadcast((5, 1, 4), (3, 1)).splitlines()[2].split() == ["B", "-", "3", "1"]


def test_explain_broadcast_agrees_with_torch_on_many_pairs():
    shapes = [(), (1,), (3,), (2, 1), (1, 3), (2, 3), (4, 1, 3), (0,)]
    for a in shapes:
        for b in shapes:
            verdict = explain_broadcast(a, b).splitlines()[-1]
            try:
                result = (torch.zeros(a) + torch.zeros(b)).shape
            except RuntimeError:
                assert verdict.startswith("cannot broadcast")
            else:
                assert verdict.endswith(f"broadcast to {tuple(result)}")


def test_explain_broadcast_names_the_rightmost_clash():
    assert explain_broadcast((2, 3), (3, 2)).splitlines()[-1] == (
        "cannot broadcast: at dim -1 the sizes are 3 and 2, and neither is 1"
    )


def test_explain_broadcast_rejects_bad_shapes():
    with pytest.raises(TypeError, match="shape_b must be a tuple of non-negative ints"):
        explain_broadcast((2,), "3")


def test_plot_broadcast_draws_one_box_per_size():
    figure = plot_broadcast((5, 1, 4), (3, 1))
    assert isinstance(figure, Figure)
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert {"1→3", "1→4", "(1)→5", "5", "3", "4", "result"} <= set(labels)


def test_broadcast_explorer_updates_its_readout_when_a_box_changes():
    explorer = broadcast_explorer()
    assert explorer.readout.value == "(1, 2) and (3, 1) broadcast to (3, 2)"
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    explorer.box_b.value = "2, 5"
    assert explorer.readout.value.startswith("cannot broadcast: at dim -1 the sizes are 2 and 5")
    explorer.box_a.value = "two"
    assert explorer.readout.value == "could not read 'two' as a shape: write sizes like '2, 3'"
    assert repr(explorer) == f"BroadcastExplorer({explorer.readout.value})"


def test_broadcast_explorer_rejects_tuples():
    with pytest.raises(TypeError, match="typed text"):
        broadcast_explorer((1, 2), (3, 1))
