"""The book's staging (book/build.py): the pages it makes from the notebooks, README and reports.

The site itself is built and read in a browser by test_book_browser.py.
"""

import json

import pytest

from book.build import (
    GLOSSARY_PAGE,
    KEY_TERMS_LINK,
    NOTEBOOKS,
    REPO_ROOT,
    glossary_page,
    markdown_cells,
    markdown_section,
    notebook_for_book,
    npm_integrity,
    page,
    raise_headings,
    stage,
    table_rows,
)


def test_table_rows_reads_the_body_of_a_pipe_table():
    table = "intro\n\n| a | b |\n| --- | --- |\n| 1 | x `y` |\n| 2 | z |\n\nafter"
    assert table_rows(table) == [["1", "x `y`"], ["2", "z"]]


def test_table_rows_refuses_text_without_a_table():
    with pytest.raises(ValueError, match="expected a table"):
        table_rows("no table here")


def test_glossary_has_every_key_term_of_notebook_00_in_english_and_chinese():
    glossary = glossary_page(NOTEBOOKS / "00_start_here.ipynb")
    assert "```{glossary}\ntensor\n张量\n  an n-dimensional array" in glossary
    assert "backpropagation\n反向传播\n" in glossary
    # One entry per row of the table, each linked to the notebook that introduces the term.
    section = next(cell for cell in markdown_cells(NOTEBOOKS / "00_start_here.ipynb")
                   if cell.startswith("## Key terms"))
    assert glossary.count("First in [notebook") == len(table_rows(section))
    assert "First in [notebook 03b](notebooks/03b_autograd_engine.ipynb)." in glossary
    assert "…." not in glossary


def test_glossary_refuses_a_notebook_without_key_terms(tmp_path):
    notebook = tmp_path / "00_empty.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": ["# Hi"]}]}))
    with pytest.raises(ValueError, match="'## Key terms'"):
        glossary_page(notebook)


def test_markdown_section_stops_at_the_next_section():
    text = "# T\n\n## One\nfirst\n### Sub\nmore\n## Two\nsecond\n"
    assert markdown_section(text, "One") == "first\n### Sub\nmore\n"
    assert markdown_section(text, "Two") == "second\n"
    with pytest.raises(ValueError, match="'## Three'"):
        markdown_section(text, "Three")


def test_headings_are_shifted_below_the_page_title():
    assert raise_headings("### A\ntext\n#### B\n", 2) == "## A\ntext\n### B\n"
    assert raise_headings("no headings\n", 2) == "no headings\n"
    assert page("Title", "### A\n").startswith("# Title\n\n## A\n")


def test_notebooks_reach_the_glossary_and_are_otherwise_unchanged():
    notebook = NOTEBOOKS / "01_tensors.ipynb"
    stored = notebook.read_text(encoding="utf-8")
    assert f"]({KEY_TERMS_LINK})" in stored
    staged = notebook_for_book(notebook)
    assert KEY_TERMS_LINK not in staged
    assert staged == stored.replace(f"]({KEY_TERMS_LINK})", f"](../{GLOSSARY_PAGE}.md)")


def test_stage_writes_every_notebook_and_page(tmp_path):
    stage(tmp_path)
    staged = sorted(path.name for path in (tmp_path / "notebooks").iterdir())
    assert staged == sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
    pages = {path.stem for path in tmp_path.glob("*.md")}
    assert pages == {"index", GLOSSARY_PAGE, "promises", "benchmarks", "numeric_paths"}
    promises = (tmp_path / "promises.md").read_text(encoding="utf-8")
    assert promises.startswith("# What the stored outputs promise\n\n")
    assert "**rounding-level**" in promises
    benchmarks = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "\n## Notebooks: fresh kernel each" in benchmarks


def test_index_lists_every_notebook_in_order():
    index = (REPO_ROOT / "book" / "index.md").read_text(encoding="utf-8")
    listed = [line for line in index.splitlines() if line.startswith("notebooks/")]
    assert listed == [f"notebooks/{path.stem}" for path in sorted(NOTEBOOKS.glob("*.ipynb"))]


def test_npm_integrity_is_npms_sha512(tmp_path):
    tarball = tmp_path / "package.tgz"
    tarball.write_bytes(b"abc")
    # sha512("abc"), base64, as `npm view <package> dist.integrity` prints it.
    assert npm_integrity(tarball) == (
        "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="
    )
