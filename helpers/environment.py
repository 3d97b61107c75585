"""Session set-up and environment report (introduced in notebook 00)."""

import platform
import random
from importlib import metadata

import matplotlib as mpl
import numpy as np
import torch
from IPython import get_ipython
from packaging.version import Version

# The versions the series is tested with (pyproject.toml pins them). Older or newer
# versions may work; nbval's stored outputs are only promised for these.
TESTED_VERSIONS: dict[str, str] = {
    "torch": "2.13.0",
    "numpy": "2.4.6",
    "matplotlib": "3.11.2",
    "ipywidgets": "8.1.9",
    "ipython": "9.18.1",
    "tqdm": "4.70.1",
    "packaging": "26.3",
    "traitlets": "5.16.1",
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


_session = {"seed": 0}


def _check_seed(seed: object, name: str = "seed") -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{name} must be an int, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"{name} must be >= 0, got {seed}")
    return seed


def setup(seed: int = 0) -> torch.device:
    """Make a notebook reproducible and return the device to compute on.

    Introduced in notebook 00; the first code cell of every notebook calls it.
    Seeds ``random``, NumPy and torch, and remembers ``seed`` as the session's
    seed: every helper that draws at random (``seed_problem``, the trainers,
    the data splits) defaults to it, so changing the seed here changes every
    random experiment of the notebook (see ``session_seed``). Prints tensors with 4 decimals and no
    scientific notation; runs torch on one thread, because the order in which
    threads add partial sums changes the last digits of a float sum, and the
    series' stored outputs must match on a 1-CPU Binder and a 2-core CI; applies
    the series' matplotlib style. In Jupyter it also shortens error reports to
    the exception and its message (IPython's "Minimal" mode): the "Common
    errors" cells are about the message, and a full traceback would show the
    paths of the machine that ran it (``%xmode Context`` brings it back).
    Returns ``cuda`` when a GPU is visible.
    """
    _session["seed"] = _check_seed(seed)
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


def session_seed() -> int:
    """The seed of the last ``setup(seed)`` call, 0 before any (introduced in notebook 00).

    Helpers whose ``seed`` argument is left as ``None`` use it.
    """
    return _session["seed"]


def resolve_seed(seed: int | None) -> int:
    """``seed`` itself, or the session's seed when it is None (introduced in notebook 00).

    The one rule every helper that draws at random follows; a bad seed raises
    ``TypeError`` or ``ValueError``.
    """
    return session_seed() if seed is None else _check_seed(seed)


def seeded_generator(stream: int = 0, seed: int | None = None) -> torch.Generator:
    """A private CPU ``torch.Generator`` for one random experiment (introduced in notebook 00).

    Seeded from the session's seed (or ``seed``) and ``stream``, a number that
    keeps two experiments of one notebook apart. Different (seed, stream) pairs
    give unrelated streams: NumPy's ``SeedSequence`` mixes the two numbers.
    """
    stream = _check_seed(stream, "stream")
    entropy = np.random.SeedSequence([resolve_seed(seed), stream]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(entropy))


def _installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def version_status(installed: str | None, tested: str) -> str:
    """How an installed version compares with the tested one (introduced in notebook 00).

    "OK" for the same release (a build label such as ``+cpu`` aside), "MISSING",
    or a word on what a newer or older release means for the series.
    """
    if installed is None:
        return "MISSING: `make lab` installs it"
    have, want = Version(installed).release, Version(tested).release
    if have == want:
        return "OK"
    if have > want:
        return "newer: should work, last digits may differ"
    return "older: may work, untested"


def check_environment(tested_versions: dict[str, str] | None = None) -> bool:
    """Print one line per package the series uses and the machine; True when none is missing.

    Introduced in notebook 00. Each line gives the installed version, the
    version the series is tested with, and ``version_status``'s verdict.
    ``tested_versions`` maps distribution names to versions and defaults to
    ``TESTED_VERSIONS``.
    """
    if tested_versions is None:
        tested_versions = TESTED_VERSIONS
    if not isinstance(tested_versions, dict):
        raise TypeError(
            f"tested_versions must be a dict of package -> version, "
            f"got {type(tested_versions).__name__}"
        )
    none_missing = True
    print(f"{'package':<12} {'installed':<14} {'tested with':<12} status")
    for package, tested in tested_versions.items():
        installed = _installed_version(package)
        none_missing = none_missing and installed is not None
        status = version_status(installed, tested)
        print(f"{package:<12} {installed or '-':<14} {tested:<12} {status}")
    if torch.cuda.is_available():
        device = f"cuda ({torch.cuda.get_device_name(0)})"
    else:
        device = "cpu (no CUDA GPU visible)"
    print(
        f"Python {platform.python_version()} | torch {torch.__version__} | "
        f"device {device} | torch threads {torch.get_num_threads()}"
    )
    return none_missing
