"""The first code cell of every notebook installs `helpers` where it is missing (Colab, a Jupyter
without `make lab`), and leaves the torch already there in place.

A fresh venv stands in for Colab: torch and a Jupyter kernel, no `helpers`. Notebooks 00 and 01
run there to the end, their first cell installing the package from this checkout (through the
SERIES_HELPERS_SOURCE override, since the repository's address is still a placeholder). Needs the
package index for the package's dependencies, as Colab does.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from offline_execution import REPO_ROOT

NOTEBOOKS = [REPO_ROOT / "notebooks" / "00_start_here.ipynb",
             REPO_ROOT / "notebooks" / "01_tensors.ipynb"]

# Run inside the fresh venv: execute each notebook with its own kernel, as Jupyter would.
EXECUTE = textwrap.dedent("""
    import sys
    import nbformat
    from nbclient import NotebookClient

    for path in sys.argv[1:]:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=600, kernel_name="python3").execute()
        print("ran", path)
""")


def run(command: list[str], **kwargs) -> str:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(command[:4])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def colab_like(tmp_path_factory) -> Iterator[Path]:
    """A venv with the torch of this test run's environment, a kernel and nbclient: no helpers.

    Removed after the module's tests, as the Binder mirror is (tests/test_binder.py).
    """
    home = tmp_path_factory.mktemp("colab")
    venv.create(home / "venv", with_pip=True)
    python = home / "venv" / "bin" / "python"
    import torch

    torch_version = torch.__version__.split("+")[0]
    run([str(python), "-m", "pip", "install", "-q", f"torch=={torch_version}", "ipykernel",
         "nbclient", "nbformat"])
    yield python
    shutil.rmtree(home)


def installed(python: Path, distribution: str) -> str | None:
    probe = ("import importlib.metadata as m, sys\n"
             "try: print(m.version(sys.argv[1]))\n"
             "except m.PackageNotFoundError: print('-')")
    # Away from the checkout, whose tensors_to_gans.egg-info `python -c` would find in its cwd.
    version = run([str(python), "-c", probe, distribution], cwd=python.parent).strip()
    return None if version == "-" else version


def test_notebooks_install_helpers_and_keep_the_installed_torch(colab_like, tmp_path):
    assert installed(colab_like, "tensors-to-gans") is None
    torch_before = installed(colab_like, "torch")
    for notebook in NOTEBOOKS:
        (tmp_path / notebook.name).write_text(notebook.read_text(encoding="utf-8"))
    env = {**os.environ, "SERIES_HELPERS_SOURCE": REPO_ROOT.as_uri(),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    out = run([str(colab_like), "-c", EXECUTE, *[str(tmp_path / n.name) for n in NOTEBOOKS]],
              env=env, cwd=tmp_path, timeout=1200)
    assert out.splitlines() == [f"ran {tmp_path / n.name}" for n in NOTEBOOKS]
    assert installed(colab_like, "tensors-to-gans") is not None
    assert installed(colab_like, "torch") == torch_before


def test_the_bootstrap_does_nothing_where_helpers_is_installed():
    cell = next(
        "".join(c["source"]) for c in json.loads(NOTEBOOKS[0].read_text())["cells"]
        if c["cell_type"] == "code"
    )
    # In this environment `helpers` is installed, so the condition guarding the install is false.
    condition = cell.split("if ", 1)[1].split(":", 1)[0]
    check = f"import importlib.util\nprint({condition})"
    assert subprocess.run([sys.executable, "-c", check], capture_output=True,
                          text=True).stdout.strip() == "False"
