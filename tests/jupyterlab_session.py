"""A private JupyterLab server and the page-side checks test_browser.py runs in it."""

import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from offline_execution import offline_jupyter_env

# A fixture stores a callable here; conftest.py calls it when the test fails
# and adds what it returns (where the screenshot and log went) to the report.
FAILURE_ARTIFACTS = pytest.StashKey[Callable[[], str]]()

START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30

SERVER_CONFIG = {
    "ServerApp": {
        # Port 0: the OS picks a free port and the server writes it into its
        # runtime file, so two test runs on one machine never collide.
        "port": 0,
        "port_retries": 0,
        "ip": "127.0.0.1",
        "open_browser": False,
        # CI runs as root; the server refuses to start as root without this.
        "allow_root": True,
    },
    "LabApp": {
        # window.jupyterapp: lets the test run JupyterLab's own commands and read
        # the notebook model (execution counts, outputs, tags) from the page.
        "expose_app_in_browser": True,
        # No PyPI look-ups for the extension manager: the machine has no network.
        "extension_manager": "readonly",
    },
}

# User settings: "Never" fetch news (which also turns off the update check), so
# the "Would you like to get notified about official Jupyter news?" toast does
# not cover the page and no request leaves the machine.
LAB_SETTINGS = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false"}}


@dataclass(frozen=True)
class LabServer:
    url: str
    token: str
    log_path: Path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method == "POST" else None,
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook_url(self, name: str) -> str:
        # ?reset: a fresh workspace, so the previous test's notebook does not reopen.
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def shut_down_kernels(self) -> None:
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running_jupyterlab(root_dir: Path, home: Path) -> Iterator[LabServer]:
    """Start JupyterLab on loopback with a random port and token; always stop it.

    ``home`` holds the server's private Jupyter config, data, runtime,
    settings and workspace dirs and its log. Kernels inherit the server's
    environment, so the no-network guard is active in them.
    """
    token = secrets.token_urlsafe(24)
    env = offline_jupyter_env(home / "jupyter")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "lab-settings")
    for plugin, settings in LAB_SETTINGS.items():
        settings_file = home / "lab-settings" / f"{plugin}.jupyterlab-settings"
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_text(json.dumps(settings))
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "lab-workspaces")
    config_dir = Path(env["JUPYTER_CONFIG_DIR"])
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    runtime_dir = Path(env["JUPYTER_RUNTIME_DIR"])
    log_path = home / "jupyterlab.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab",
                f"--ServerApp.root_dir={root_dir}", f"--IdentityProvider.token={token}",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = None
    try:
        server = _wait_until_serving(process, runtime_dir, token, log_path)
        yield server
    finally:
        _stop(process, server)


def _wait_until_serving(
    process: subprocess.Popen, runtime_dir: Path, token: str, log_path: Path
) -> LabServer:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        # The server writes jpserver-<pid>.json, with the port it bound, once it listens.
        info_file = runtime_dir / f"jpserver-{process.pid}.json"
        if info_file.exists():
            port = json.loads(info_file.read_text())["port"]
            server = LabServer(f"http://127.0.0.1:{port}", token, log_path)
            try:
                server.api("GET", "status")
                return server
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.5)
    raise RuntimeError(
        f"JupyterLab did not start: exit code {process.poll()} (None: still starting after"
        f" {START_TIMEOUT_S} s); log {log_path}:\n{log_path.read_text(errors='replace')[-4000:]}"
    )


def _stop(process: subprocess.Popen, server: LabServer | None) -> None:
    """Ask the server to shut down (it stops its kernels too); kill it if it does not."""
    if process.poll() is not None:
        return
    if server is not None:
        try:
            server.api("POST", "shutdown")
            process.wait(STOP_TIMEOUT_S)
            return
        except (urllib.error.URLError, ConnectionError, subprocess.TimeoutExpired):
            pass
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
