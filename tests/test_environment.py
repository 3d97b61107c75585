import random

import matplotlib as mpl
import numpy as np
import pytest
import torch

import helpers
from helpers.environment import SERIES_STYLE, TESTED_VERSIONS, resolve_seed, version_status


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


def test_setup_remembers_the_seed_for_the_helpers_that_draw():
    helpers.setup(7)
    assert helpers.session_seed() == 7
    assert resolve_seed(None) == 7 and resolve_seed(2) == 2
    helpers.setup()
    assert helpers.session_seed() == 0


def test_seeded_generator_follows_the_session_seed_and_keeps_streams_apart():
    def draw(**kwargs):
        return torch.rand(3, generator=helpers.seeded_generator(**kwargs))

    helpers.setup(1)
    first = draw()
    assert torch.equal(first, draw())
    assert not torch.equal(first, draw(stream=1))
    assert torch.equal(first, draw(seed=1))
    helpers.setup(2)
    assert not torch.equal(first, draw())
    helpers.setup()


@pytest.mark.parametrize("kwargs, error", [({"stream": -1}, ValueError),
                                           ({"stream": 1.0}, TypeError),
                                           ({"seed": "3"}, TypeError)])
def test_seeded_generator_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match="stream|seed"):
        helpers.seeded_generator(**kwargs)


def test_check_environment_reports_every_package(capsys):
    assert helpers.check_environment() is True
    lines = capsys.readouterr().out.splitlines()
    for package in TESTED_VERSIONS:
        assert any(line.startswith(package) and line.endswith("OK") for line in lines)
    assert lines[-1].startswith("Python ")


def test_check_environment_fails_only_on_a_missing_package(capsys):
    assert helpers.check_environment({"no-such-package-xyz": "1.0"}) is False
    assert "MISSING" in capsys.readouterr().out
    assert helpers.check_environment({"numpy": "999.0"}) is True
    assert "older: may work, untested" in capsys.readouterr().out


@pytest.mark.parametrize("installed, tested, status", [
    ("2.13.0+cpu", "2.13.0", "OK"),
    ("2.13.0", "2.13.0", "OK"),
    ("2.14.1", "2.13.0", "newer: should work, last digits may differ"),
    ("2.12.0", "2.13.0", "older: may work, untested"),
    (None, "2.13.0", "MISSING: `make lab` installs it"),
])
def test_version_status_names_the_tested_version_not_a_minimum(installed, tested, status):
    assert version_status(installed, tested) == status


def test_check_environment_rejects_a_list():
    with pytest.raises(TypeError, match="dict"):
        helpers.check_environment(["torch"])
