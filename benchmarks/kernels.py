"""Run a notebook in a fresh kernel: wall time, per-cell times, the kernel's peak memory."""

import asyncio
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.system import peak_rss_bytes

# What every notebook pays before its first idea: a kernel, torch, helpers, setup().
FLOOR_SOURCE = "import torch, helpers\nhelpers.setup()"
CELL_TIMEOUT_S = 600


@dataclass
class KernelRun:
    """One execution of a notebook in a fresh kernel.

    ``wall_s``: from asking for a kernel to the end of the last cell (kernel
    start-up included, shutdown not: what a learner waits for after "Restart
    Kernel and Run All Cells"). ``startup_s``: the kernel start-up part of it.
    ``cell_s``: each code cell's time, in notebook order. ``peak_rss_bytes``:
    ``VmHWM`` of the kernel process, read after the last cell.
    """

    wall_s: float
    startup_s: float
    cell_s: list[float] = field(default_factory=list)
    peak_rss_bytes: int = 0
    kernel_pid: int = 0
    profile: str | None = None


def floor_notebook() -> nbformat.NotebookNode:
    """A one-cell notebook that only imports torch and helpers and calls ``helpers.setup()``."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(FLOOR_SOURCE))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def _kernel_pid(client: NotebookClient) -> int:
    provisioner = getattr(client.km, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(
        getattr(provisioner, "process", None), "pid", None)
    if not pid:
        raise RuntimeError("cannot find the kernel's process id (not a local kernel?)")
    return int(pid)


_PROFILE_START = """\
import cProfile as _bench_cprofile
_bench_profile = _bench_cprofile.Profile()
get_ipython().events.register("pre_run_cell", lambda *_: _bench_profile.enable())
get_ipython().events.register("post_run_cell", lambda *_: _bench_profile.disable())
"""


def _profile_report(top: int) -> str:
    return f"""\
import io as _bench_io, pstats as _bench_pstats
_bench_profile.disable()
_bench_stream = _bench_io.StringIO()
_bench_stats = _bench_pstats.Stats(_bench_profile, stream=_bench_stream)
_bench_stats.sort_stats("cumulative").print_stats({top})
_bench_stats.sort_stats("tottime").print_stats({top})
print(_bench_stream.getvalue())
"""


async def _run(nb: nbformat.NotebookNode, cwd: Path, profile_top: int | None) -> KernelRun:
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        shutdown_kernel="immediate",  # the figures are taken; a graceful shutdown costs seconds
    )
    start = time.perf_counter()
    # The kernel's own stderr (a start-up warning per kernel) is noise here: cell errors
    # come back as messages, and a dead kernel raises DeadKernelError.
    async with client.async_setup_kernel(stderr=subprocess.DEVNULL):
        pid = _kernel_pid(client)
        startup = time.perf_counter() - start
        if profile_top:
            await client.kc.execute_interactive(_PROFILE_START, store_history=False)
        cell_s = []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell_start = time.perf_counter()
            await client.async_execute_cell(cell, index, execution_count=len(cell_s) + 1)
            cell_s.append(time.perf_counter() - cell_start)
        wall = time.perf_counter() - start
        peak = peak_rss_bytes(pid)
        profile = None
        if profile_top:
            chunks: list[str] = []

            def keep(msg: dict) -> None:
                if msg["msg_type"] == "stream":
                    chunks.append(msg["content"]["text"])

            await client.kc.execute_interactive(
                _profile_report(profile_top), store_history=False, output_hook=keep)
            profile = "".join(chunks)
    return KernelRun(wall_s=wall, startup_s=startup, cell_s=cell_s, peak_rss_bytes=peak,
                     kernel_pid=pid, profile=profile)


def run_notebook(path: Path | None, cwd: Path, profile_top: int | None = None) -> KernelRun:
    """Execute the notebook at ``path`` (the floor notebook when None) in a fresh kernel.

    Cells run in ``cwd``; a cell that raises fails the run with nbclient's
    ``CellExecutionError``, unless it is tagged ``raises-exception``. With
    ``profile_top``, the code cells run under cProfile and ``profile`` holds
    that many functions by cumulative time, then that many by own time.
    """
    nb = floor_notebook() if path is None else nbformat.read(path, as_version=4)
    return asyncio.run(_run(nb, cwd, profile_top))
