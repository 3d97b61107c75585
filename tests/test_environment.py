import random
import warnings
from importlib import metadata

import matplotlib as mpl
import numpy as np
import pytest
import torch
from packaging.specifiers import SpecifierSet

import helpers
import helpers.arguments
from helpers.environment import (
    SERIES_STYLE,
    SUPPORTED_RANGES,
    TESTED_VERSIONS,
    describe_device,
    resolve_seed,
    version_status,
)


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
    assert device == helpers.default_device()


def test_default_device_is_the_cpu_where_no_accelerator_exists(monkeypatch):
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: False)
    assert helpers.default_device() == torch.device("cpu")
    assert helpers.setup() == torch.device("cpu")


@pytest.mark.parametrize("kind", ["cuda", "mps", "xpu"])
def test_default_device_is_whatever_accelerator_torch_reports(monkeypatch, kind):
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "current_accelerator", lambda: torch.device(kind))
    assert helpers.default_device() == torch.device(kind)
    # The classifiers and the judge of notebooks 06 and 08 default to the same device.
    assert helpers.arguments.device(None) == torch.device(kind)


def test_describe_device_names_the_cpu_and_other_kinds():
    assert describe_device(torch.device("cpu")) == "cpu (no accelerator visible)"
    assert describe_device(torch.device("mps")) == "mps"
    with pytest.raises(TypeError, match="torch.device"):
        describe_device("cpu")


def test_setup_silences_only_torchs_warning_about_its_own_jit_script():
    helpers.setup()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        helpers.setup()
        warnings.warn("`torch.jit.script` is deprecated. Please switch to `torch.compile`.",
                      FutureWarning, stacklevel=1)
        warnings.warn("something else is deprecated", FutureWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else is deprecated"]


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
    for package, tested in TESTED_VERSIONS.items():
        # "tested" in the locked environment; the compatibility venvs (make test-compat) get
        # the verdict their versions deserve.
        status = version_status(metadata.version(package), tested, SUPPORTED_RANGES[package])
        assert status in ("tested", "inside the supported range, last digits may differ")
        assert any(line.startswith(package) and line.endswith(status) for line in lines)
    torch_line = next(line for line in lines if line.startswith("torch "))
    assert ">=2.9,<3" in torch_line
    assert lines[-1].startswith("Python ")


def test_check_environment_fails_only_on_a_missing_package(capsys):
    assert helpers.check_environment({"no-such-package-xyz": "1.0"}) is False
    assert "MISSING" in capsys.readouterr().out
    assert helpers.check_environment({"numpy": "999.0"}) is True
    assert "outside the supported range" not in capsys.readouterr().out


@pytest.mark.parametrize("installed, tested, supported, status", [
    ("2.13.0+cpu", "2.13.0", ">=2.9,<3", "tested"),
    ("2.13.0", "2.13.0", ">=2.9,<3", "tested"),
    ("2.14.1", "2.13.0", ">=2.9,<3", "inside the supported range, last digits may differ"),
    ("2.9.1", "2.13.0", SpecifierSet(">=2.9,<3"),
     "inside the supported range, last digits may differ"),
    ("2.8.0", "2.13.0", ">=2.9,<3", "outside the supported range >=2.9,<3: may fail"),
    ("3.0.0", "2.13.0", ">=2.9,<3", "outside the supported range >=2.9,<3: may fail"),
    ("3.0.0", "2.13.0", "", "inside the supported range, last digits may differ"),
    (None, "2.13.0", ">=2.9,<3", "MISSING: `make lab` installs it"),
])
def test_version_status_says_tested_inside_or_outside_the_range(installed, tested, supported,
                                                                status):
    assert version_status(installed, tested, supported) == status


@pytest.mark.parametrize("installed, tested, supported, error, message", [
    ("2.13.0", 2.13, ">=2.9", TypeError, "tested must be a version like '2.13.0', got float"),
    ("bogus", "2.13.0", ">=2.9", ValueError, "installed must be a version like '2.13.0', got "
                                             "'bogus'"),
    ("2.13.0", "2.13.0", "about 2.9", ValueError, "supported must be a range like '>=2.9,<3', "
                                                  "got 'about 2.9'"),
    ("2.13.0", "2.13.0", 2.9, TypeError, "supported must be a range like"),
])
def test_version_status_refuses_what_is_not_a_version(installed, tested, supported, error,
                                                      message):
    with pytest.raises(error, match=message):
        version_status(installed, tested, supported)


def test_check_environment_rejects_a_list():
    with pytest.raises(TypeError, match="dict"):
        helpers.check_environment(["torch"])
