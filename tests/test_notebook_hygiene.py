"""What a learner opening a committed notebook sees: run in order, clean, stable.

nbval proves the outputs come back identical; this proves they were produced by
"Restart kernel and run all", hold nothing machine-specific, and follow the
series' structure.
"""

import json
import re
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
# 03b builds an autograd engine between the graphs of 03 and the hand-written net of 04.
EXPECTED_NUMBERS = ["00", "01", "02", "03", "03b", "04", "05", "06", "07", "08"]

ANSI_COLOR = re.compile(r"\x1b\[[0-9;]*m")  # tracebacks are coloured; the colours hide paths
VOLATILE_OUTPUT = {
    "memory address": re.compile(r"0x[0-9a-fA-F]{6,}"),
    "absolute path": re.compile(r"(?<![\w.])/(?:tmp|root|home|work|Users|var/folders)/"),
    "ipykernel temp file": re.compile(r"ipykernel_\d+"),
    "timing": re.compile(r"\d+(?:\.\d+)?\s?(?:it/s|s/it)\b|\bWall time\b|\bCPU times\b"),
    "widget that failed to render": re.compile(r"Error displaying widget|model not found"),
}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def text_of(output: dict) -> str:
    parts = [output.get("text", "")]
    parts += [v for k, v in output.get("data", {}).items() if k.startswith("text/")]
    parts += [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
    text = "".join("".join(p) if isinstance(p, list) else p for p in parts)
    return ANSI_COLOR.sub("", text)


def number_of(path: Path) -> str:
    """"03b" for 03b_autograd_engine.ipynb."""
    return path.name.split("_", 1)[0]


def test_the_series_has_its_notebooks_in_order():
    assert [number_of(p) for p in NOTEBOOKS] == EXPECTED_NUMBERS
    assert all(re.fullmatch(r"\d\d[a-z]?_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request) -> dict:
    return load(request.param)


def test_format_and_kernel(notebook):
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


def test_cells_were_executed_in_order_from_a_fresh_kernel(notebook):
    counts = [c["execution_count"] for c in code_cells(notebook)]
    assert counts == list(range(1, len(counts) + 1))


def test_errors_only_where_a_cell_is_tagged_to_raise_and_always_there(notebook):
    for cell in code_cells(notebook):
        raised = any(o["output_type"] == "error" for o in cell["outputs"])
        assert raised == ("raises-exception" in tags(cell)), "".join(cell["source"])[:120]


def test_outputs_hold_nothing_that_changes_between_machines(notebook):
    for cell in code_cells(notebook):
        for output in cell["outputs"]:
            text = text_of(output)
            source = "".join(cell["source"])[:80]
            for what, pattern in VOLATILE_OUTPUT.items():
                assert not pattern.search(text), f"{what} in the output of: {source}"


def test_outputs_are_ignored_only_for_the_machine_report(notebook):
    for cell in code_cells(notebook):
        if "nbval-ignore-output" in tags(cell):
            assert "check_environment()" in "".join(cell["source"])


def test_first_code_cell_installs_helpers_where_missing_and_the_second_sets_up(notebook):
    bootstrap, setup = ("".join(cell["source"]) for cell in code_cells(notebook)[:2])
    assert "helpers.setup(" in setup
    # One bootstrap cell, the same everywhere, at the package's version (Colab, any Jupyter).
    first = "".join(code_cells(load(NOTEBOOKS[0]))[0]["source"])
    assert bootstrap == first
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f'"git+https://github.com/OWNER/REPO@v{version}"' in bootstrap
    assert 'if importlib.util.find_spec("helpers") is None:' in bootstrap
    assert '%pip install --quiet "tensors-to-gans @ {SOURCE}"' in bootstrap
    assert code_cells(notebook)[0]["outputs"] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_opens_in_colab_and_on_binder(path):
    title = "".join(load(path)["cells"][0]["source"])
    colab = "https://colab.research.google.com/github/OWNER/REPO/blob/HEAD/notebooks/"
    assert f"({colab}{path.name})" in title
    assert f"(https://mybinder.org/v2/gh/OWNER/REPO/HEAD?labpath=notebooks/{path.name})" in title


def test_learning_goals_come_first_and_a_summary_at_the_end(notebook):
    markdown = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert notebook["cells"][0]["cell_type"] == "markdown"
    assert re.search(r"learning goals", markdown[0], re.IGNORECASE)
    assert any(re.search(r"^#+ .*summary", m, re.IGNORECASE | re.MULTILINE) for m in markdown)


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=[p.stem for p in NOTEBOOKS[1:]])
def test_lessons_end_with_at_least_three_self_checked_exercises(path):
    sources = "".join("".join(c["source"]) for c in code_cells(load(path)))
    number = number_of(path)
    exercise_ids = set(re.findall(rf'check_answer\("({number}\.\d+)"', sources))
    assert len(exercise_ids) >= 3, exercise_ids


def test_volatile_patterns_catch_what_they_are_for():
    samples = {
        "memory address": "<MulBackward0 object at 0x7f3a2c1b9d30>",
        "absolute path": "/tmp/ipykernel_123/456.py:3: UserWarning",
        "ipykernel temp file": "File ipykernel_4242/1.py",
        "timing": "100%|██| 3000/3000 [00:04<00:00, 712.31it/s]",
        "widget that failed to render": "Error displaying widget: model not found",
    }
    for what, sample in samples.items():
        assert VOLATILE_OUTPUT[what].search(sample), what
    assert not any(p.search("tensor([0.3333, 4.0000])") for p in VOLATILE_OUTPUT.values())
    coloured_traceback = {"traceback": ["\x1b[36mFile \x1b[39m\x1b[32m/work/x/torch/nn.py:6"]}
    assert VOLATILE_OUTPUT["absolute path"].search(text_of(coloured_traceback))
