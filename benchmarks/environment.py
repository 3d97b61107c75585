"""The environment's figures: installed sizes, and the time of a fresh `pip install`."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def disk_usage_bytes(path: Path) -> int:
    """Bytes on disk under ``path``, as ``du -s`` counts them (hard links once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            st = os.lstat(os.path.join(root, name))
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
            total += st.st_blocks * 512
    return total + os.lstat(path).st_blocks * 512


def site_packages(venv: Path) -> Path:
    """The venv's site-packages folder."""
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise FileNotFoundError(f"no lib/python3*/site-packages under {venv}")
    return found[0]


def sizes(venv: Path) -> dict:
    """Installed size of the whole venv and of torch alone, in bytes."""
    torch_dir = site_packages(venv) / "torch"
    return {"venv": str(venv), "venv_bytes": disk_usage_bytes(venv),
            "torch_bytes": disk_usage_bytes(torch_dir)}


def _base_python() -> str:
    return getattr(sys, "_base_executable", None) or sys.executable


def _pip_cache_bytes(python: str) -> int:
    out = subprocess.run([python, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    path = Path(out.stdout.strip())
    return disk_usage_bytes(path) if out.returncode == 0 and path.is_dir() else 0


def timed_install(project: Path, spec: str = ".[dev]", workdir: Path | None = None) -> dict:
    """Time ``pip install -e <spec>`` of the project into a new venv, and size that venv.

    The pip cache is pip's default one. When the install grows the cache by more
    than 1 MB, the cache was cold: the install is repeated into a second new venv
    and that (warm-cache) time is reported, the cold one kept beside it.
    """
    attempts = []
    with tempfile.TemporaryDirectory(prefix="bench-venv-", dir=workdir) as tmp:
        for attempt in range(2):
            venv = Path(tmp) / f"venv{attempt}"
            start = time.perf_counter()
            subprocess.run([_base_python(), "-m", "venv", str(venv)], check=True)
            venv_s = time.perf_counter() - start
            python = str(venv / "bin" / "python")
            cache_before = _pip_cache_bytes(python)
            start = time.perf_counter()
            done = subprocess.run(
                [python, "-m", "pip", "install", "--quiet", "--editable", spec],
                cwd=project, capture_output=True, text=True,
            )
            install_s = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"pip install failed:\n{done.stdout}\n{done.stderr}")
            cache_growth = _pip_cache_bytes(python) - cache_before
            attempts.append({"venv_create_s": venv_s, "install_s": install_s,
                             "cache_growth_bytes": cache_growth,
                             "warm_cache": cache_growth <= 1_000_000})
            if attempts[-1]["warm_cache"]:
                break
            shutil.rmtree(venv)
        measured = sizes(venv)
    return {"command": f"pip install --editable '{spec}'", "attempts": attempts,
            "install_s": attempts[-1]["install_s"], "warm_cache": attempts[-1]["warm_cache"],
            "venv_bytes": measured["venv_bytes"], "torch_bytes": measured["torch_bytes"]}
