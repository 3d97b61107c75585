import matplotlib.pyplot as plt
import numpy as np
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
    [
        ("2, 3", (2, 3)),
        ("(1,2)", (1, 2)),
        ("4 1 3", (4, 1, 3)),
        ("()", ()),
        ("[5]", (5,)),
        ("3,", (3,)),
        (" (3,) ", (3,)),
        ("torch.Size([3, 2])", (3, 2)),  # what print(x.shape) shows, pasted
        ("Size([3, 2])", (3, 2)),
        ("torch.Size([])", ()),
        ("torch.Size([5])", (5,)),
    ],
)
def test_parse_shape_reads_what_learners_type(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize(
    "text",
    ["３，２", "（3，2）", "3、2", "3\u30002", "［３，２］", "3 ，2"],
    ids=["full-width digits", "full-width brackets", "enumeration comma", "ideographic space",
         "full-width square brackets", "mixed"],
)
def test_parse_shape_reads_what_a_chinese_input_method_types(text):
    assert parse_shape(text) == (3, 2)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the box is empty: write sizes separated by commas, like '2, 3', or '()' for a "
         "scalar (a 0-d tensor)"),
        ("   ", "the box is empty"),
        ("3,,2", "in '3,,2' there is a comma with no size next to it"),
        (",3", "in ',3' there is a comma with no size next to it"),
        ("３，，２", "in '３，，２' there is a comma with no size next to it"),
        ("(3, 2", "in '(3, 2' the bracket '(' is not closed"),
        ("3, 2)", "in '3, 2)' the bracket ')' was never opened"),
        ("-1, 2", "-1 in '-1, 2' is not a size: sizes are whole numbers >= 0"),
        ("2.5", "2.5 in '2.5' is not a size: sizes are whole numbers"),
        ("2, x", "could not read '2, x' as a shape: 'x' is not a size"),
        ("3x2", "'3x2' is not a size; write sizes separated by commas"),
        ("1" + "0" * 20, "is too large: sizes stop at 2**63 - 1"),
        ("torch.Size([3, 2]", "could not read 'torch.Size([3, 2]' as a shape: type just the "
         "sizes, like '3, 2' (torch.Size([3, 2]) works too, with both brackets closed)"),
        ("torch.Size([3, -1])", "-1 in 'torch.Size([3, -1])' is not a size"),
    ],
)
def test_parse_shape_says_what_to_change(text, message):
    with pytest.raises(ValueError) as error:
        parse_shape(text)
    assert message in str(error.value)


def test_parse_shape_rejects_non_strings():
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


@pytest.mark.parametrize(
    "shape_b, error, message",
    [
        ("3, 1", TypeError, "got the text '3, 1': parse_shape('3, 1') reads it"),
        (torch.zeros(3, 1), TypeError, "got a tensor: pass its .shape"),
        (3, TypeError, "got the int 3: a 1-d shape is written (3,)"),
        ((3.0, 1), TypeError, "got (3.0, 1): every size must be an int"),
        ((None,), TypeError, "every size must be an int"),
        ({3: 1}, TypeError, "got dict"),
        ((-3, 1), ValueError, "sizes must be >= 0, got (-3, 1)"),
        ((2**63,), ValueError, "sizes must be at most 2**63 - 1"),
    ],
)
def test_explain_and_plot_say_what_a_shape_is(shape_b, error, message):
    for function in (explain_broadcast, plot_broadcast):
        with pytest.raises(error) as raised:
            function((2, 1), shape_b)
        text = str(raised.value)
        assert message in text
        if error is TypeError:
            assert text.startswith("shape_b must be a shape such as (3, 1)")


def test_shapes_may_hold_numpy_ints_and_torch_sizes():
    assert explain_broadcast((np.int64(2), 1), torch.Size([3])).endswith("broadcast to (2, 3)")


def test_plot_broadcast_refuses_more_dimensions_than_fit():
    open_figures = plt.get_fignums()
    with pytest.raises(ValueError, match="fits up to 12 dimensions, these shapes have 13"):
        plot_broadcast((1,) * 13, (2,))
    assert plt.get_fignums() == open_figures
    assert explain_broadcast((1,) * 13, (2,)).endswith("broadcast to " + str((1,) * 12 + (2,)))


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
    assert explorer.readout.value == (
        "shape A: could not read 'two' as a shape: 'two' is not a size; "
        "write sizes separated by commas, like '2, 3'"
    )
    assert repr(explorer) == f"BroadcastExplorer({explorer.readout.value})"


def test_an_invalid_entry_clears_the_picture_and_a_valid_one_brings_it_back():
    explorer = broadcast_explorer()
    explorer.box_b.value = "3,,1"
    assert explorer.readout.value.startswith("shape B: in '3,,1' there is a comma with no size")
    assert bytes(explorer.picture.value) == b""
    assert explorer.picture.layout.display == "none"
    explorer.box_b.value = "３，１"
    assert explorer.readout.value == "(1, 2) and (3, 1) broadcast to (3, 2)"
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")
    assert explorer.picture.layout.display is None


def test_an_empty_box_asks_for_a_shape_and_brackets_mean_a_scalar():
    explorer = broadcast_explorer("", "2, 3")
    assert explorer.readout.value.startswith("shape A: the box is empty")
    explorer.box_a.value = "()"
    assert explorer.readout.value == "() and (2, 3) broadcast to (2, 3)"


def test_the_readout_shows_typed_text_as_text_not_html():
    explorer = broadcast_explorer()
    explorer.box_a.value = "<b>2</b>"
    assert "&lt;b&gt;2&lt;/b&gt;" in explorer.readout.value
    assert "<b>" not in explorer.readout.value


def test_too_many_dimensions_get_the_verdict_without_a_picture():
    explorer = broadcast_explorer()
    explorer.box_a.value = ", ".join(["1"] * 13)
    assert explorer.readout.value == (
        f"{(1,) * 13} and (3, 1) broadcast to {(1,) * 11 + (3, 1)}. "
        "(No picture: it fits up to 12 dimensions, these shapes have 13.)"
    )
    assert bytes(explorer.picture.value) == b""
    explorer.box_a.value = ", ".join(["1"] * 12 + ["3"])
    explorer.box_b.value = "torch.Size([2, 5])"
    assert explorer.readout.value == (
        "cannot broadcast: at dim -1 the sizes are 3 and 5, and neither is 1. "
        "(No picture: it fits up to 12 dimensions, these shapes have 13.)"
    )


def test_twelve_dimensions_still_get_a_picture():
    explorer = broadcast_explorer(", ".join(["1"] * 12), "3")
    assert explorer.readout.value == f"{(1,) * 12} and (3,) broadcast to {(1,) * 11 + (3,)}"
    assert bytes(explorer.picture.value).startswith(b"\x89PNG")


def test_broadcast_explorer_rejects_tuples():
    with pytest.raises(TypeError, match=r"shape_a must be a str, got tuple \(1, 2\)"):
        broadcast_explorer((1, 2), (3, 1))
