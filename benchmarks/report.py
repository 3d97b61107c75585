"""Markdown for CONTRIBUTING's benchmark section: the machine, the notebooks, the GAN race, the
environment, the budgets."""

import importlib

from benchmarks.budgets import MB, SEED_PARTS, Check

GB = 1_000_000_000


def machine_line(machine: dict) -> str:
    """One line that says what the figures were measured on."""
    memory = machine.get("memory_bytes")
    ram = f", {memory / 2**30:.0f} GiB RAM" if memory else ""
    cores = machine["usable_cpus"]
    if machine.get("logical_cpus") and machine["logical_cpus"] != cores:
        cores = f"{cores} of {machine['logical_cpus']}"
    return (f"{machine['cpu']}, {cores} cores{ram}, {machine['os']}, "
            f"Python {machine['python']}, torch {machine['torch']}")


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A Markdown table; ``align`` has one letter per column, l or r."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return ["| " + " | ".join(r) + " |" for r in [header, rule, *rows]]


def _seconds(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def notebooks_section(results: dict) -> list[str]:
    notebooks, series = results["notebooks"], results["series"]
    rows = []
    for nb in notebooks:
        if nb.get("error"):
            rows.append([f"`{nb['name']}`", "failed", "", "", ""])
            continue
        cells = sorted(enumerate(nb["cell_median_s"], 1), key=lambda c: -c[1])[:2]
        rows.append([
            f"`{nb['name']}`", _seconds(nb["median_s"]), _seconds(nb["floor_median_s"]),
            f"{nb['peak_rss_max_bytes'] / MB:.0f}",
            ", ".join(f"{i}: {t:.1f} s" for i, t in cells),
        ])
    total, floor = series.get("total_s"), series.get("floor_s")
    ratio = f" ({total / floor:.2f}× the floor)" if total and floor else ""
    rows.append(["**series**", f"**{_seconds(total)}**", f"**{_seconds(floor)}**",
                 f"{series['peak_rss_max_bytes'] / MB:.0f}" if series.get("peak_rss_max_bytes")
                 else "", ratio.strip(" ()")])
    return [
        f"### Notebooks: fresh kernel each, median of {results['repeats']} "
        + ("runs" if results["repeats"] > 1 else "run"),
        "",
        *_table(["notebook", "time (s)", "floor (s)", "kernel peak RSS (MB)",
                 "slowest code cells"], rows, "lrrrl"),
        "",
        "Time: from asking for a kernel to the end of the last cell. Floor: a fresh kernel that "
        "only runs `import torch, helpers` and `helpers.setup()`, run beside each notebook. "
        "Peak RSS: the kernel process's `VmHWM` (1 MB = 10⁶ bytes), largest of the runs. "
        "Slowest code cells: numbered among code cells, median times; cell 1 imports and "
        "calls `helpers.setup()`.",
    ]


def environment_section(env: dict) -> list[str]:
    rows, notes = [], []
    for install in env["installs"]:
        rows.append([f"{install['target']}: venv, installed size",
                     f"{install['venv_bytes'] / GB:.2f} GB"])
        if install.get("command"):
            cache = "warm" if install["warm_cache"] else "cold"  # cold: see results.json
            rows.append([f"{install['target']}: `{install['command']}` into a new venv "
                         f"({cache} pip cache)", f"{install['install_s']:.0f} s"])
            cold = [a for a in install["attempts"] if not a["warm_cache"]]
            growth = install["attempts"][-1]["cache_growth_bytes"] / MB
            notes.append(f"The timed `{install['target']}` install grew pip's cache by "
                         f"{growth:.0f} MB" + (f", after a first install "
                                               f"({cold[0]['install_s']:.0f} s) had filled it."
                                               if cold else "."))
    rows.append(["torch alone", f"{env['installs'][0]['torch_bytes'] / GB:.2f} GB"])
    note = " ".join(["Sizes: 1 GB = 10⁹ bytes of disk blocks, as `du` counts them.", *notes])
    return ["### Environment", "", *_table(["", ""], rows, "lr"), "", note]


def budgets_section(checks: list[Check]) -> list[str]:
    rows = [[c.name, c.measured, c.limit, "ok" if c.ok else "**EXCEEDED**"] for c in checks]
    held = sum(c.ok for c in checks)
    return [f"### Budgets: {held} of {len(checks)} hold", "",
            *_table(["budget", "measured", "limit", ""], rows, "lrrl")]


def render(results: dict, checks: list[Check]) -> str:
    """The report's body for ``results`` (no title); parts that were skipped are left out."""
    load = results.get("load_average_start")
    lines = [
        f"Measured by `{results['command']}` on {results['date']}: "
        f"{machine_line(results['machine'])}; torch on 1 thread, as `helpers.setup()` sets it."
        + (f" Load average at the start: {load[0]:.2f}." if load else ""),
    ]
    if results.get("notebooks"):
        lines += ["", *notebooks_section(results)]
    for part in SEED_PARTS:
        if results.get(part):
            lines += ["", *importlib.import_module(f"benchmarks.{part}").section(results[part])]
    if results.get("environment"):
        lines += ["", *environment_section(results["environment"])]
    lines += ["", *budgets_section(checks)]
    return "\n".join(lines) + "\n"


TABLE_START = "<!-- benchmarks:start (written by `make bench`; edit benchmarks/, not here) -->"
TABLE_END = "<!-- benchmarks:end -->"


def replace_between_markers(text: str, body: str) -> str | None:
    """``text`` with what lies between the table markers replaced by ``body``.

    None when the markers are not both there, once each and in order: then the
    file is left alone.
    """
    if text.count(TABLE_START) != 1 or text.count(TABLE_END) != 1:
        return None
    if text.index(TABLE_END) < text.index(TABLE_START):
        return None
    head, rest = text.split(TABLE_START)
    _, tail = rest.split(TABLE_END)
    return f"{head}{TABLE_START}\n{body.rstrip()}\n{TABLE_END}{tail}"
