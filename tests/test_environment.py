import random

import matplotlib as mpl
import numpy as np
import pytest
import torch

import helpers
from helpers.environment import REQUIREMENTS, SERIES_STYLE


def test_setup_seeds_every_generator_the_same_way():
    helpers.setup(3)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    helpers.setup(3)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_setup_fixes_threads_printing_and_style():
    torch.set_num_threads(2)
    device = helpers.setup()
    assert torch.get_num_threads() == 1
    assert str(torch.tensor([1 / 3, 1e-5])) == "tensor([0.3333, 0.0000])"
    assert mpl.rcParams["figure.dpi"] == SERIES_STYLE["figure.dpi"]
    assert device.type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_setup_shortens_error_reports_in_ipython():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        helpers.setup()
        assert shell.InteractiveTB.mode == "Minimal"
    finally:
        InteractiveShell.clear_instance()


@pytest.mark.parametrize("seed, error", [(1.5, TypeError), ("0", TypeError), (True, TypeError),
                                         (-1, ValueError)])
def test_setup_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        helpers.setup(seed)


def test_check_environment_reports_every_package(capsys):
    assert helpers.check_environment() is True
    lines = capsys.readouterr().out.splitlines()
    for package in REQUIREMENTS:
        assert any(line.startswith(package) and line.endswith("OK") for line in lines)
    assert lines[-1].startswith("Python ")


def test_check_environment_fails_on_missing_or_old_packages(capsys):
    assert helpers.check_environment({"no-such-package-xyz": "1.0"}) is False
    assert "FAIL (missing)" in capsys.readouterr().out
    assert helpers.check_environment({"numpy": "999.0"}) is False
    assert "FAIL (too old)" in capsys.readouterr().out


def test_check_environment_rejects_a_list():
    with pytest.raises(TypeError, match="dict"):
        helpers.check_environment(["torch"])
