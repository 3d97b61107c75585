"""Run notebooks, or a Jupyter server, with the no-network guard in every kernel.

Shared by test_no_network.py, which proves the guard works inside a kernel,
and test_binder.py and test_browser.py, which run every notebook under it.
"""

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NO_NETWORK_DIR = Path(__file__).resolve().with_name("no_network")

# Generous per-cell limit: the GAN notebook trains for a while on a busy 2-core CI
# machine; a cell that hangs still fails instead of blocking the run forever.
CELL_TIMEOUT_S = 600


def offline_jupyter_env(jupyter_home: Path) -> dict[str, str]:
    """The current environment, plus the guard on PYTHONPATH and private Jupyter dirs.

    The private config, data and runtime dirs keep the user's own Jupyter
    settings and kernelspecs (a ``python3`` kernel in ``~/.local/share/jupyter``
    pointing at another Python, say) out of the test, and the test's files out
    of the user's home.
    """
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NO_NETWORK_DIR), env.get("PYTHONPATH")]))
    for name in ("config", "data", "runtime"):
        (jupyter_home / name).mkdir(parents=True, exist_ok=True)
        env[f"JUPYTER_{name.upper()}_DIR"] = str(jupyter_home / name)
    env.pop("JUPYTER_PATH", None)
    return env


def execute_offline(python: Path, notebook: Path, output_dir: Path) -> Path:
    """Execute ``notebook`` with ``python``'s nbconvert and kernel, no network allowed.

    nbconvert stops at the first error output of a cell not tagged
    ``raises-exception``, as nbval does. The notebook runs in its own folder, as
    in JupyterLab; the executed copy goes to ``output_dir``, so the stored
    notebook is untouched. Returns the executed copy.
    """
    result = subprocess.run(
        [
            str(python), "-m", "nbconvert", "--to", "notebook", "--execute",
            f"--ExecutePreprocessor.timeout={CELL_TIMEOUT_S}",
            f"--output-dir={output_dir}", str(notebook),
        ],
        env=offline_jupyter_env(output_dir / ".jupyter"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"{notebook.name} failed to execute with {python} and no network:\n"
        f"{result.stderr[-6000:]}"
    )
    return output_dir / notebook.name
