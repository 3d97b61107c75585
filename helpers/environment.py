"""Session set-up and environment report (introduced in notebook 00)."""

import platform
import random
import warnings
from importlib import metadata
from pathlib import Path

import matplotlib as mpl
import numpy as np
import torch
from IPython import get_ipython
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from helpers import arguments

DISTRIBUTION = "tensors-to-gans"
LOCK = Path(__file__).resolve().parent / "data" / "lock.txt"
# What the notebooks import, and JupyterLab, which `make lab` opens.
RUNTIME_PACKAGES = (
    "torch", "numpy", "matplotlib", "ipywidgets", "ipython", "tqdm", "packaging", "traitlets",
    "scipy", "scikit-learn", "jupyterlab",
)


def _locked_versions(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    return {package: pins[package] for package in RUNTIME_PACKAGES}


def _supported_ranges() -> dict[str, SpecifierSet]:
    try:
        requirements = [Requirement(line) for line in metadata.requires(DISTRIBUTION) or []]
    except metadata.PackageNotFoundError:
        return {}
    lab = {"extra": "lab"}
    return {
        canonicalize_name(r.name): r.specifier for r in requirements
        if r.marker is None or r.marker.evaluate(lab)
    }


# The versions the stored outputs come from (helpers/data/lock.txt, which `make lab` installs),
# and the ranges the package accepts (pyproject.toml). Inside a range, every notebook runs; the
# last digits of some numbers may differ from the stored ones.
TESTED_VERSIONS: dict[str, str] = _locked_versions(LOCK)
SUPPORTED_RANGES: dict[str, SpecifierSet] = _supported_ranges()

JIT_SCRIPT_DEPRECATION = r"`torch\.jit\.script` is deprecated"

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
    return arguments.integer(seed, name, minimum=0)


def setup(seed: int = 0) -> torch.device:
    """Make a notebook reproducible and return the device to compute on.

    Introduced in notebook 00; the second code cell of every notebook calls it (the first installs
    ``helpers`` where it is missing). Seeds ``random``, NumPy and torch, and remembers ``seed`` as
    the session's seed: every helper that draws at random (``seed_problem``, the trainers, the data
    splits) defaults to it, so changing the seed here changes every random experiment of the
    notebook (see ``session_seed``). Prints tensors with 4 decimals and no scientific notation;
    runs torch on one thread, because the order in which threads add partial sums changes the last
    digits of a float sum, and the series' stored outputs must match on a 1-CPU Binder and a
    2-core CI; applies the series' matplotlib style; silences the one warning newer PyTorch
    releases raise about their own internals (``torch.jit.script``'s deprecation, from inside
    ``torch.func``). In Jupyter it also shortens error reports to the exception and its message
    (IPython's "Minimal" mode): the "Common errors" cells are about the message, and a full
    traceback would show the paths of the machine that ran it (``%xmode Context`` brings it back).
    Returns the device to compute on: ``default_device()``.
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
    # torch >= 2.14 warns about its own use of torch.jit.script inside torch.func.jacfwd: a note
    # to PyTorch's developers, not to the learner, and it would differ between releases.
    warnings.filterwarnings("ignore", message=JIT_SCRIPT_DEPRECATION, category=FutureWarning)
    shell = get_ipython()
    if shell is not None:
        shell.InteractiveTB.set_mode("Minimal")
    return default_device()


def default_device() -> torch.device:
    """The machine's accelerator when PyTorch sees one, else the CPU (introduced in notebook 00).

    ``torch.accelerator`` answers for every kind PyTorch supports: an NVIDIA or AMD GPU
    (``cuda``), Apple silicon (``mps``), an Intel GPU (``xpu``). On one, float results differ
    from the CPU's in their last digits, and long random runs are other draws.
    """
    if torch.accelerator.is_available():
        return torch.accelerator.current_accelerator()
    return torch.device("cpu")


def describe_device(device: torch.device) -> str:
    """``device`` in words for the environment report (introduced in notebook 00)."""
    if not isinstance(device, torch.device):
        raise TypeError(f"device must be a torch.device, got {type(device).__name__}")
    if device.type == "cpu":
        return "cpu (no accelerator visible)"
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type


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


def _version(text: object, name: str) -> Version:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a version like '2.13.0', got {type(text).__name__}")
    try:
        return Version(text)
    except InvalidVersion:
        raise ValueError(f"{name} must be a version like '2.13.0', got {text!r}") from None


def version_status(installed: str | None, tested: str,
                   supported: SpecifierSet | str = "") -> str:
    """How an installed version compares with the tested one (introduced in notebook 00).

    "tested" for the release in the lock (a build label such as ``+cpu`` aside); "inside the
    supported range" when ``supported`` (a specifier such as ``">=2.9,<3"``) admits it; "outside
    the supported range"; or "MISSING".
    """
    want = _version(tested, "tested")
    have = None if installed is None else _version(installed, "installed")
    if not isinstance(supported, SpecifierSet | str):
        raise TypeError(f"supported must be a range like '>=2.9,<3' (a str or a SpecifierSet), "
                        f"got {type(supported).__name__}")
    try:
        supported = SpecifierSet(str(supported))
    except InvalidSpecifier:
        raise ValueError(f"supported must be a range like '>=2.9,<3', got {supported!r}") from None
    if have is None:
        return "MISSING: `make lab` installs it"
    if have.release == want.release:
        return "tested"
    if supported.contains(have, prereleases=True):
        return "inside the supported range, last digits may differ"
    return f"outside the supported range {_in_words(supported)}: may fail"


def _in_words(supported: SpecifierSet) -> str:
    """">=2.9,<3" rather than SpecifierSet's "<3,>=2.9": the lower bound first."""
    bounds = sorted((str(bound) for bound in supported), key=lambda bound: bound.startswith("<"))
    return ",".join(bounds) or "any"


def check_environment(tested_versions: dict[str, str] | None = None) -> bool:
    """Print one line per package the series uses and the machine; True when none is missing.

    Introduced in notebook 00. Each line gives the installed version, the version the series is
    tested with (helpers/data/lock.txt), the range the package supports (pyproject.toml) and
    ``version_status``'s verdict. ``tested_versions`` maps distribution names to versions and
    defaults to ``TESTED_VERSIONS``.
    """
    if tested_versions is None:
        tested_versions = TESTED_VERSIONS
    if not isinstance(tested_versions, dict):
        raise TypeError(
            f"tested_versions must be a dict of package -> version, "
            f"got {type(tested_versions).__name__}"
        )
    none_missing = True
    print(f"{'package':<12} {'installed':<14} {'tested':<10} {'supported':<12} status")
    for package, tested in tested_versions.items():
        installed = _installed_version(package)
        none_missing = none_missing and installed is not None
        supported = SUPPORTED_RANGES.get(canonicalize_name(package), SpecifierSet())
        status = version_status(installed, tested, supported)
        print(f"{package:<12} {installed or '-':<14} {tested:<10} {_in_words(supported):<12} "
              f"{status}")
    print(
        f"Python {platform.python_version()} | torch {torch.__version__} | "
        f"device {describe_device(default_device())} | torch threads {torch.get_num_threads()}"
    )
    return none_missing
