"""Session set-up and environment report (introduced in notebook 00)."""

import platform
import random
from importlib import metadata

import matplotlib as mpl
import numpy as np
import torch
from IPython import get_ipython
from packaging.version import Version

# Minimum versions: the ones the series is tested with (pyproject.toml pins them).
REQUIREMENTS: dict[str, str] = {
    "torch": "2.13.0",
    "numpy": "2.4.6",
    "matplotlib": "3.11.2",
    "ipywidgets": "8.1.9",
    "ipython": "9.18.1",
    "tqdm": "4.70.1",
    "packaging": "26.3",
    "jupyterlab": "4.6.6",
}

SERIES_STYLE: dict[str, object] = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
}


def setup(seed: int = 0) -> torch.device:
    """Make a notebook reproducible and return the device to compute on.

    Introduced in notebook 00; the first code cell of every notebook calls it.
    Seeds ``random``, NumPy and torch; prints tensors with 4 decimals and no
    scientific notation; runs torch on one thread, because the order in which
    threads add partial sums changes the last digits of a float sum, and the
    series' stored outputs must match on a 1-CPU Binder and a 2-core CI; applies
    the series' matplotlib style. In Jupyter it also shortens error reports to
    the exception and its message (IPython's "Minimal" mode): the "Common
    errors" cells are about the message, and a full traceback would show the
    paths of the machine that ran it (``%xmode Context`` brings it back).
    Returns ``cuda`` when a GPU is visible.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.set_printoptions(precision=4, sci_mode=False)
    np.set_printoptions(precision=4, suppress=True)
    mpl.rcdefaults()
    mpl.rcParams.update(SERIES_STYLE)
    shell = get_ipython()
    if shell is not None:
        shell.InteractiveTB.set_mode("Minimal")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_environment(requirements: dict[str, str] | None = None) -> bool:
    """Print one line per required package and the machine; True when all is well.

    Introduced in notebook 00. Each line gives the installed version, the
    minimum the series needs, and OK or FAIL (missing / too old). ``requirements`` maps
    distribution names to minimum versions and defaults to ``REQUIREMENTS``.
    """
    if requirements is None:
        requirements = REQUIREMENTS
    if not isinstance(requirements, dict):
        raise TypeError(
            f"requirements must be a dict of package -> minimum version, "
            f"got {type(requirements).__name__}"
        )
    all_ok = True
    print(f"{'package':<12} {'installed':<14} {'minimum':<10} status")
    for package, minimum in requirements.items():
        installed = _installed_version(package)
        if installed is None:
            status = "FAIL (missing)"
        elif Version(installed) < Version(minimum):
            status = "FAIL (too old)"
        else:
            status = "OK"
        all_ok = all_ok and status == "OK"
        print(f"{package:<12} {installed or '-':<14} {minimum:<10} {status}")
    if torch.cuda.is_available():
        device = f"cuda ({torch.cuda.get_device_name(0)})"
    else:
        device = "cpu (no CUDA GPU visible)"
    print(
        f"Python {platform.python_version()} | torch {torch.__version__} | "
        f"device {device} | torch threads {torch.get_num_threads()}"
    )
    return all_ok
