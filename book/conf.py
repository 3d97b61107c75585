"""Sphinx configuration of the book: the committed notebooks rendered from their stored outputs.

`python -m book.build` (`make book`) stages the sources, vendors the JavaScript into _build/static
(so no page requests another host) and runs Sphinx with this file.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The slug function below is named by its import path (Sphinx pickles the configuration).
sys.path.insert(0, str(REPO_ROOT))

project = "From Tensors to GANs"
author = "the From Tensors to GANs authors"
copyright = "2026, the From Tensors to GANs authors"
language = "en"

extensions = ["myst_nb"]
root_doc = "index"

# The notebooks are shown exactly as stored and tested by nbval: never executed here.
nb_execution_mode = "off"
nb_merge_streams = True
# Widget views render from the widget state stored in each notebook, with the widget manager
# served by the site itself (vendored from npm by book/build.py), not from a CDN.
nb_ipywidgets_js = {"widgets/embed.js": {}}
mathjax_path = "mathjax/tex-mml-chtml.js"

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

myst_heading_slug_func = "book.anchors.jupyterlab_slug"

# The site's own files; book/build.py adds the folder of JavaScript it vendors from npm.
html_static_path = ["static"]
# Deferred, so it runs after MathJax 3 has replaced window.MathJax and before the widget manager
# renders the widgets (on DOMContentLoaded).
html_js_files = [("mathjax2-hub.js", {"priority": 501, "defer": "defer"})]
html_css_files = ["book.css"]
html_favicon = "static/favicon.svg"
# Without a stored choice the theme logs an error and falls back to "auto"; say "auto" outright.
html_context = {"default_mode": "auto"}

html_theme = "sphinx_book_theme"
html_title = "From Tensors to GANs"
html_last_updated_fmt = None
# OWNER/REPO: the placeholder of README's Binder badge, until the public repository is known.
html_theme_options = {
    "repository_url": "https://github.com/OWNER/REPO",
    "repository_branch": "HEAD",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_source_button": False,
    "use_edit_page_button": False,
    "use_issues_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
}
