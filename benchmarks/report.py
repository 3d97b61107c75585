"""Markdown for README: the machine, the notebooks, the GAN race, the environment, the budgets."""

from benchmarks.budgets import MB, Check

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


def _recipe_text(recipe: dict) -> str:
    betas = ", ".join(f"{b:g}" for b in recipe["betas"])
    lr = (f"{recipe['lr_g']:g}" if recipe["lr_g"] == recipe["lr_d"]
          else f"G {recipe['lr_g']:g} / D {recipe['lr_d']:g}")
    return f"Adam lr {lr}, betas ({betas}), {recipe['loss'].replace('_', '-')} loss"


def gan_section(gan: dict) -> list[str]:
    nb, seed = gan["runs"]["notebook"][0], gan["runs"]["seed"][0]

    def steps(run: dict, key: str = "steps_to_target") -> str:
        if run[key] is None:
            return f"not within {run['steps_run']}"
        return str(run[key])

    def at(run: dict, key: str) -> str:
        return f"{run['final'][key]:.3f}"

    rows = [
        ["recipe", _recipe_text(nb["recipe"]), _recipe_text(seed["recipe"])],
        ["batch size", str(nb["recipe"]["batch_size"]), str(seed["recipe"]["batch_size"])],
        ["training speed (steps/s)", f"{nb['steps_per_s']:.0f}", f"{seed['steps_per_s']:.0f}"],
        ["steps to the quality targets (first check that meets them)", steps(nb), steps(seed)],
        [f"steps after which every check to {gan['max_steps']} meets them",
         steps(nb, "steps_to_stay"), steps(seed, "steps_to_stay")],
        ["training time to the targets (s)", _seconds(nb["train_s_to_target"]),
         _seconds(seed["train_s_to_target"])],
        [f"evaluation time, every {gan['eval_every']} steps (s)", f"{nb['eval_s']:.2f}",
         f"{seed['eval_s']:.2f}"],
    ]
    rows += [[f"{key} at the last evaluation", at(nb, key), at(seed, key)]
             for key in ("frac_between", "a_mean", "a_std", "d_real", "d_fake")]
    n_steps, s_steps = nb["steps_to_target"], seed["steps_to_target"]
    if n_steps and s_steps:
        verdict = (f"The seed's recipe needs **{s_steps / n_steps:.1f}×** the notebook "
                   f"recipe's steps to first meet the targets ({s_steps} vs {n_steps}).")
        n_stay, s_stay = nb["steps_to_stay"], seed["steps_to_stay"]
        if n_stay and s_stay:
            verdict += (f" A GAN oscillates, so the table also gives the step from which the "
                        f"targets hold at every later check: {s_stay} vs {n_stay} "
                        f"({s_stay / n_stay:.1f}×).")
    elif n_steps:
        verdict = (f"The seed's recipe never meets the targets within {seed['steps_run']} steps "
                   f"(more than {seed['steps_run'] / n_steps:.1f}× the notebook recipe's "
                   f"{n_steps}).")
    else:
        verdict = f"The notebook's recipe does not meet the targets within {nb['steps_run']} steps."
    lines = [
        f"### GAN: notebook recipe vs seed recipe (seed {nb['seed']}, one run)",
        "",
        *_table(["", "notebook recipe", "seed recipe (MorvanZhou, loop corrected)"], rows, "lrr"),
        "",
        verdict + " Targets: frac_between ≥ 0.90, |a_mean − 1.5| ≤ 0.05, 0.25 ≤ a_std ≤ 0.35, "
        f"D(real) and D(fake) within 0.05 of 0.5, checked with `gan_quality` every "
        f"{gan['eval_every']} steps (at most {gan['max_steps']}); evaluation time is not "
        "training time.",
    ]
    if len(gan["seeds"]) > 1:
        def per_seed(name: str) -> str:
            return ", ".join(str(r["steps_to_target"] or f">{r['steps_run']}")
                             for r in gan["runs"][name])
        lines += ["", f"Other seeds ({', '.join(map(str, gan['seeds']))}): steps to the targets "
                  f"{per_seed('notebook')} (notebook recipe) vs {per_seed('seed')} (seed recipe)."]
    return lines


def environment_section(env: dict) -> list[str]:
    rows = [
        ["venv, installed size", f"{env['venv_bytes'] / GB:.2f} GB"],
        ["torch alone", f"{env['torch_bytes'] / GB:.2f} GB"],
    ]
    install = env.get("install")
    if install:
        cache = "warm" if install["warm_cache"] else "cold"  # cold: see results.json
        rows.append([f"`{install['command']}` into a new venv ({cache} pip cache)",
                     f"{install['install_s']:.0f} s"])
    note = f"Sizes: {env['sizes_of']}; 1 GB = 10⁹ bytes of disk blocks, as `du` counts them."
    if install:
        cold = [a for a in install["attempts"] if not a["warm_cache"]]
        growth = install["attempts"][-1]["cache_growth_bytes"] / MB
        note += (f" The timed install grew pip's cache by {growth:.0f} MB"
                 + (f", after a first install ({cold[0]['install_s']:.0f} s) had filled it."
                    if cold else "."))
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
    if results.get("gan"):
        lines += ["", *gan_section(results["gan"])]
    if results.get("environment"):
        lines += ["", *environment_section(results["environment"])]
    lines += ["", *budgets_section(checks)]
    return "\n".join(lines) + "\n"


README_START = "<!-- benchmarks:start (written by `make bench`; edit benchmarks/, not here) -->"
README_END = "<!-- benchmarks:end -->"


def replace_between_markers(text: str, body: str) -> str | None:
    """``text`` with what lies between the README markers replaced by ``body``.

    None when the markers are not both there, once each and in order: then the
    README is left alone.
    """
    if text.count(README_START) != 1 or text.count(README_END) != 1:
        return None
    if text.index(README_END) < text.index(README_START):
        return None
    head, rest = text.split(README_START)
    _, tail = rest.split(README_END)
    return f"{head}{README_START}\n{body.rstrip()}\n{README_END}{tail}"
