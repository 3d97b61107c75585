"""The shared checkers of arguments (helpers/arguments.py)."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers import arguments


def test_flag_takes_only_true_or_false():
    assert arguments.flag(True, "bounded") is True
    for value in ("yes", 1, None, np.bool_(True)):
        with pytest.raises(TypeError, match="bounded must be True or False, got"):
            arguments.flag(value, "bounded")


def test_integer_and_positive_int_refuse_floats_bools_and_small_values():
    assert arguments.integer(0, "step", minimum=0) == 0
    assert arguments.positive_int(3, "epochs") == 3
    with pytest.raises(ValueError, match="step must be at least 0, got -1"):
        arguments.integer(-1, "step", minimum=0)
    for value in (2.0, True, "3", None):
        with pytest.raises(TypeError, match="epochs must be a positive int, got"):
            arguments.positive_int(value, "epochs")
    with pytest.raises(ValueError, match="epochs must be a positive int, got 0"):
        arguments.positive_int(0, "epochs")


def test_number_refuses_nan_infinity_and_values_outside_its_bounds():
    assert arguments.number(np.float32(0.5), "lr") == 0.5
    with pytest.raises(ValueError, match="rel_tol must be a finite number, got nan"):
        arguments.number(math.nan, "rel_tol")
    with pytest.raises(ValueError, match="lr must be a finite number, got inf"):
        arguments.number(math.inf, "lr")
    with pytest.raises(ValueError, match="lr must be above 0, got 0"):
        arguments.number(0, "lr", minimum=0, strict=True)
    with pytest.raises(ValueError, match="decay must be above 0 and below 1, got 1"):
        arguments.number(1.0, "decay", minimum=0, maximum=1, strict=True)
    with pytest.raises(ValueError, match="share must be at most 1, got 1.5"):
        arguments.number(1.5, "share", maximum=1)
    with pytest.raises(TypeError, match="lr must be a number, got str '0.1'"):
        arguments.number("0.1", "lr")


def test_text_instance_function_and_one_of_say_what_was_expected():
    assert arguments.text("t", "title") == "t"
    with pytest.raises(TypeError, match="title must be a str, got int 42"):
        arguments.text(42, "title")
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module, got str 'net'"):
        arguments.instance("net", "model", torch.nn.Module, "a torch.nn.Module")
    with pytest.raises(TypeError, match="loss_fn must be a function, got NoneType None"):
        arguments.function(None, "loss_fn")
    assert arguments.one_of("mlp", "kind", ("mlp", "cnn")) == "mlp"
    with pytest.raises(ValueError, match=r"kind must be one of \['cnn', 'mlp'\], got str 'rnn'"):
        arguments.one_of("rnn", "kind", ("mlp", "cnn"))
    with pytest.raises(ValueError, match="kind must be one of"):
        arguments.one_of(["unhashable"], "kind", {"mlp": 1})


def test_tensor_checks_type_rank_columns_rows_and_dtype():
    batch = torch.zeros(4, 3)
    assert arguments.tensor(batch, "real", dim=2, columns=3, floating=True) is batch
    with pytest.raises(TypeError, match="real must be a torch.Tensor, got list"):
        arguments.tensor([1.0], "real")
    with pytest.raises(ValueError, match=r"real must have 2 dimensions, got shape \(8,\)"):
        arguments.tensor(torch.zeros(8), "real", dim=2)
    with pytest.raises(ValueError, match=r"real must have 15 columns, got shape \(4, 3\)"):
        arguments.tensor(batch, "real", columns=15)
    with pytest.raises(ValueError, match=r"real must have at least 1 row, got shape \(0, 3\)"):
        arguments.tensor(batch[:0], "real")
    with pytest.raises(TypeError, match="real must hold floating-point numbers, got torch.int64"):
        arguments.tensor(torch.zeros(2, dtype=torch.long), "real", floating=True)
    long_list = list(range(30))
    with pytest.raises(TypeError, match=r"got list \[0, 1, 2.*\.\.\.$"):
        arguments.tensor(long_list, "real")


def test_device_reads_names_and_refuses_unknown_ones():
    assert arguments.device("cpu") == torch.device("cpu")
    assert arguments.device(torch.device("cpu")) == torch.device("cpu")
    assert arguments.device(None) == arguments.device(str(arguments.device(None)))
    with pytest.raises(ValueError, match="device must name a device such as 'cpu'.*got 'gpu'"):
        arguments.device("gpu")
    with pytest.raises(TypeError, match="device must be None, a torch.device or a name"):
        arguments.device(0)


def test_digit_images_and_class_labels_describe_the_expected_shapes():
    images = torch.zeros(3, 1, 8, 8)
    assert arguments.digit_images(images) is images
    with pytest.raises(ValueError, match=r"images must be shaped \(N, 1, 8, 8\), got \(3, 64\)"):
        arguments.digit_images(images.flatten(1))
    with pytest.raises(ValueError, match="images must hold at least one image"):
        arguments.digit_images(images[:0])
    with pytest.raises(TypeError, match="images must be a float tensor"):
        arguments.digit_images(images.long())
    labels = torch.zeros(3, dtype=torch.long)
    assert arguments.class_labels(labels, 3) is labels
    with pytest.raises(TypeError, match=r"labels must hold class indices as torch.long"):
        arguments.class_labels(labels.float(), 3)
    with pytest.raises(ValueError, match=r"labels must be shaped \(3,\), one class index per "
                                         r"image, got \(3, 1\)"):
        arguments.class_labels(labels[:, None], 3)
    with pytest.raises(TypeError, match="predicted must be a torch.Tensor of class indices"):
        arguments.class_labels(Path("x"), 3, "predicted")
