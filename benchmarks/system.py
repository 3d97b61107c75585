"""Readings from /proc: a process's peak resident memory, the machine, the load."""

import os
import platform
from pathlib import Path

PROC = Path("/proc")


def peak_rss_bytes(pid: int, proc: Path = PROC) -> int:
    """Peak resident set size ("high water mark", ``VmHWM``) of a live process, in bytes.

    The kernel keeps this maximum for the life of the process, so reading it
    just before the process ends gives its peak without sampling.
    """
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        raise ValueError(f"pid must be a positive int, got {pid!r}")
    status = proc / str(pid) / "status"
    try:
        text = status.read_text()
    except FileNotFoundError:
        raise ProcessLookupError(f"no process {pid}: {status} does not exist") from None
    return parse_vm_field(text, "VmHWM")


def parse_vm_field(status_text: str, field: str) -> int:
    """Bytes of a ``VmXXX:  1234 kB`` line of ``/proc/<pid>/status``."""
    for line in status_text.splitlines():
        name, _, value = line.partition(":")
        if name == field:
            number, _, unit = value.strip().partition(" ")
            if unit.strip() != "kB":
                raise ValueError(f"unexpected unit in {line!r}")
            return int(number) * 1024
    raise ValueError(f"{field} not found in the process status")


def cpu_model(proc: Path = PROC) -> str:
    """The CPU's model name from /proc/cpuinfo (``platform.processor()`` otherwise)."""
    try:
        for line in (proc / "cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_total_bytes(proc: Path = PROC) -> int | None:
    """Total RAM from /proc/meminfo, or None where it cannot be read."""
    try:
        return parse_vm_field((proc / "meminfo").read_text(), "MemTotal")
    except (OSError, ValueError):
        return None


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    """What the figures were measured on: CPU, cores, RAM, OS, Python and torch."""
    from importlib import metadata

    try:
        torch_version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch_version = None
    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "memory_bytes": memory_total_bytes(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch_version,
    }
