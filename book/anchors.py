"""Heading anchors of the book, made as JupyterLab makes them."""

import re


def jupyterlab_slug(heading: str) -> str:
    """"Key terms" -> "Key-terms", as JupyterLab does: a notebook's links to its headings then work
    both in JupyterLab and in the book (python -m book.build)."""
    return re.sub(r"\s+", "-", heading.strip())
