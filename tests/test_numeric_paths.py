"""The numeric-paths tool (benchmarks/numeric_paths.py), on made-up notebooks and records."""

import os
import sys
from pathlib import Path

import torch

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import numeric_paths  # noqa: E402


def code_cell(text: str, **metadata) -> dict:
    return {"cell_type": "code", "metadata": metadata, "source": "",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


def notebook(*cells: dict) -> dict:
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# t"}, *cells]}


def test_paths_differ_and_the_portable_one_is_the_makefiles():
    paths = numeric_paths.PATHS
    assert list(paths) == ["native", "portable", "avx2", "two_threads"]
    assert paths["native"].env == {} and paths["native"].threads == 1
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    for name, value in paths["portable"].env.items():
        assert f"{name}={value}" in makefile
    assert paths["two_threads"].threads == 2


def test_a_path_environment_names_the_path_for_the_records(monkeypatch):
    monkeypatch.delenv(numeric_paths.PATH_VARIABLE, raising=False)
    assert numeric_paths.current_path() == "native"
    env = numeric_paths.path_environment(numeric_paths.PATHS["avx2"])
    assert env["MKL_CBWR"] == "AVX2" and env[numeric_paths.PATH_VARIABLE] == "avx2"
    assert env["PATH"] == os.environ["PATH"]
    monkeypatch.setenv(numeric_paths.PATH_VARIABLE, "avx2")
    assert numeric_paths.current_path() == "avx2"


def test_a_worker_of_the_two_thread_path_keeps_two_threads(monkeypatch):
    threads, setter = torch.get_num_threads(), torch.set_num_threads
    monkeypatch.setenv(numeric_paths.THREADS_VARIABLE, "2")
    try:
        numeric_paths.hold_thread_count()
        torch.set_num_threads(1)  # what helpers.setup() does
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads = setter
        torch.set_num_threads(threads)


def test_a_move_within_half_the_tolerance_passes_and_beyond_it_is_named():
    declared = {"absolute": 0.5, "why": "a long run"}
    stored = notebook(code_cell("loss 0.500\n"), code_cell("loss 0.500\n"),
                      code_cell("accuracy 86.4%\n", numeric_tolerance=declared))
    computed = notebook(code_cell("loss 0.501\n"), code_cell("loss 0.502\n"),
                        code_cell("accuracy 86.1%\n"))
    moved = numeric_paths.compare_cells(stored, computed)
    assert [entry["cell"] for entry in moved] == [1, 2, 3]
    assert moved[0]["numbers"][0]["allowed"] > 0.002
    problems = numeric_paths.too_tight({"nb": {"native": moved}})
    assert len(problems) == 2
    assert problems[0].startswith("nb code cell 2: a number moves by 0.002")
    assert problems[1].startswith("nb code cell 3: a number moves by 0.3")


def test_a_print_flushed_in_pieces_is_compared_whole():
    stored = notebook(code_cell("a 1.00\nb 2.00\n"))
    computed = notebook(code_cell("a 1.00\n"))
    computed["cells"][1]["outputs"].append({"output_type": "stream", "name": "stdout",
                                            "text": "b 2.00\n"})
    assert numeric_paths.compare_cells(stored, computed) == []


def test_changed_words_booleans_or_integers_are_reported_whatever_the_tolerance():
    stored = notebook(code_cell("met: True\n"), code_cell("epoch 12\n"),
                      code_cell("ignored 1\n", tags=["nbval-ignore-output"]))
    computed = notebook(code_cell("met: False\n"), code_cell("epoch 13\n"),
                        code_cell("ignored 2\n"))
    moved = numeric_paths.compare_cells(stored, computed)
    assert [(entry["cell"], entry["words_changed"]) for entry in moved] == [(1, True), (2, True)]
    problems = numeric_paths.too_tight({"nb": {"portable": moved}})
    assert problems == ["nb code cell 1: words or integers change on portable",
                        "nb code cell 2: words or integers change on portable"]


def test_the_seeds_section_gives_each_paths_range_and_the_largest_move_of_one_seed():
    by_path = {"native": [{"name": "x", "values": [1.0, 2.0]}],
               "portable": [{"name": "x", "values": [1.5, 2.0]}]}
    lines = numeric_paths.seeds_section(by_path)
    assert "| `x` | 1–2 | 1.5–2 | 0.5 |" in lines


def test_seconds_are_recorded_from_the_native_path_only():
    row = {"name": "classifier.mlp.train_seconds", "seeds": [0], "values": [1.0]}
    assert numeric_paths.keeps({**row, "path": "native"})
    assert not numeric_paths.keeps({**row, "path": "portable"})
    assert numeric_paths.keeps({**row, "name": "classifier.mlp.test_accuracy", "path": "avx2"})
