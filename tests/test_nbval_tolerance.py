"""The tolerant comparison nbval uses for every notebook (tests/nbval_tolerance.py)."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbval_tolerance import declared_tolerance, snap_to_stored
from numeric_text import Tolerance, last_digit_unit, same_within_tolerance, split_numbers

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("stored, computed", [
    ("loss after 10 epochs 0.0077", "loss after 10 epochs 0.0076"),
    ("ratio 0.6226 .. 0.6226; 1/m² = 0.6226", "ratio 0.6227 .. 0.6227; 1/m² = 0.6227"),
    ("frac_between 0.91", "frac_between 0.92"),
    ("loss 4.842e+07", "loss 4.843e+07"),
    ("loss 4.842e+07", "loss 4.8425e+07"),
    ("shift -0.0001", "shift 0.0001"),
    ("tensor([[ 0.4963, -0.7682]])", "tensor([[ 0.4964, -0.7681]])"),
    ("tensor([ 0.0001, 1.0000])", "tensor([-0.0001,  1.0000])"),
    ("D(real) 0.50\nD(fake) 0.50", "D(real) 0.51\nD(fake) 0.49"),
    ("the sum is 0.5.", "the sum is 0.51."),
])
def test_numbers_within_a_couple_of_units_of_the_last_digit_agree(stored, computed):
    assert same_within_tolerance(stored, computed)


@pytest.mark.parametrize("stored, computed, why", [
    ("frac_between 0.91", "frac_between 0.94", "three units of the last digit"),
    ("relative difference 1.5e-06", "relative difference 2.0e-06", "five units"),
    ("loss 4.842e+07", "loss 4.846e+07", "four units"),
    ("shift -0.50", "shift 0.50", "a flipped sign"),
    ("meets all targets: True", "meets all targets: False", "a flipped boolean"),
    ("D(real) 0.50", "G(real) 0.50", "a changed word"),
    ("x  (100, 1000)", "x  (100, 1001)", "a changed shape: integers are exact"),
    ("Epoch:19, Loss:1.093e+06", "Epoch:18, Loss:1.093e+06", "a changed count"),
    ("values 0.1 0.2", "values 0.1 0.2 0.3", "the count of numbers changed"),
    ("RuntimeError: version 3002", "RuntimeError: version 3001", "an integer in an error"),
    ("loss 1.2e+03", "loss inf", "overflow is not a number close to the stored one"),
    ("dtype torch.float32", "dtype torch.float64", "digits inside a word are text"),
])
def test_anything_else_that_changed_still_fails(stored, computed, why):
    assert not same_within_tolerance(stored, computed), why


def test_numbers_are_read_where_they_stand_alone():
    pieces, numbers = split_numbers("w1 (1000, 100) float32 -0.5 1.5e-06; 2.13.0 end.")
    assert numbers == ["1000", "100", "-0.5", "1.5e-06", "2.13"]
    assert pieces[0] == "w1 (" and pieces[-1] == ".0 end."


@pytest.mark.parametrize("number, unit", [("0.7633", 1e-4), ("1.", 1.0), ("4.842e+07", 1e4),
                                          ("2.0e-06", 1e-7), ("-12.5", 0.1)])
def test_the_last_digit_unit_follows_how_the_number_was_printed(number, unit):
    assert last_digit_unit(number) == pytest.approx(unit)


def test_a_declared_tolerance_widens_only_the_numbers():
    wide = Tolerance(absolute=0.05)
    assert same_within_tolerance("frac_between 0.91", "frac_between 0.95", wide)
    assert not same_within_tolerance("frac_between 0.91", "frac_between 0.97", wide)
    assert not same_within_tolerance("ok 0.91", "MISSED 0.91", wide)
    relative = Tolerance(relative=0.1)
    assert same_within_tolerance("seconds 20.0", "seconds 21.9", relative)
    assert not same_within_tolerance("seconds 20.0", "seconds 22.5", relative)


def test_declared_tolerance_reads_cell_metadata_and_needs_a_reason():
    assert declared_tolerance({}) == Tolerance()
    metadata = {"numeric_tolerance": {"absolute": 0.02, "why": "3000 GAN steps"}}
    assert declared_tolerance(metadata) == Tolerance(absolute=0.02)
    for bad in ({"absolute": 0.02}, {"abs": 0.02, "why": "typo"}, 0.02):
        with pytest.raises(ValueError, match="numeric_tolerance"):
            declared_tolerance({"numeric_tolerance": bad})


def stream(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def result(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)


def test_snapping_replaces_only_texts_that_agree_and_leaves_the_rest_to_nbval():
    stored = [stream("loss 0.7633\n"), result("tensor(0.5000)"),
              nbformat.v4.new_output("error", ename="RuntimeError", evalue="version 3",
                                     traceback=[])]
    computed = [stream("loss 0.7634\n"), result("tensor(0.5100)"),
                nbformat.v4.new_output("error", ename="RuntimeError", evalue="version 4",
                                       traceback=[])]
    snapped = snap_to_stored(computed, stored, lambda text: text, Tolerance())
    assert snapped[0]["text"] == "loss 0.7633\n"
    assert snapped[1]["data"]["text/plain"] == "tensor(0.5100)"
    assert snapped[2]["evalue"] == "version 4"
    assert computed[0]["text"] == "loss 0.7634\n", "the computed outputs are not modified"


def test_snapping_pairs_outputs_by_kind_not_position():
    stored = [stream("a 0.10\n"), result("b 0.20")]
    computed = [result("b 0.21"), stream("a 0.11\n")]
    snapped = snap_to_stored(computed, stored, lambda text: text, Tolerance())
    assert snapped[0]["data"]["text/plain"] == "b 0.20"
    assert snapped[1]["text"] == "a 0.10\n"


def notebook_printing(stored: str, printed: str, metadata: dict | None = None) -> dict:
    cell = nbformat.v4.new_code_cell(f"print({printed!r})", metadata=metadata or {},
                                     execution_count=1, outputs=[stream(stored + "\n")])
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def run_readme_command(tmp_path: Path, notebooks: dict[str, dict]) -> subprocess.CompletedProcess:
    """README's one-notebook command, `.venv/bin/pytest notebooks/NAME.ipynb`, in a copy of
    the project that holds only its pytest set-up (linked) and the given notebooks."""
    for name in ("conftest.py", "pyproject.toml", "tests"):
        (tmp_path / name).symlink_to(REPO_ROOT / name)
    (tmp_path / "notebooks").mkdir()
    for name, notebook in notebooks.items():
        nbformat.write(notebook, tmp_path / "notebooks" / name)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
         *(f"notebooks/{name}" for name in notebooks)],
        cwd=tmp_path, capture_output=True, text=True,
    )


def test_readme_one_notebook_command_compares_with_tolerance(tmp_path):
    long_run = {"numeric_tolerance": {"absolute": 0.05, "why": "a long stochastic run"}}
    result = run_readme_command(tmp_path, {
        "a_within.ipynb": notebook_printing("frac_between 0.91", "frac_between 0.92"),
        "b_outside.ipynb": notebook_printing("frac_between 0.91", "frac_between 0.95"),
        "c_declared.ipynb": notebook_printing("frac_between 0.91", "frac_between 0.95", long_run),
        "d_word.ipynb": notebook_printing("targets met: True", "targets met: False"),
    })
    summary = result.stdout.splitlines()[-1]
    assert "2 failed, 2 passed" in summary, result.stdout[-3000:]
    failed = {line.split("::")[0] for line in result.stdout.splitlines()
              if line.startswith("FAILED")}
    assert failed == {"FAILED notebooks/b_outside.ipynb", "FAILED notebooks/d_word.ipynb"}
    assert "frac_between 0.95" in result.stdout, "nbval still reports the difference"
