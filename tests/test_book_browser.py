"""The book, read in a real browser: every page of the built site in headless Chromium, offline.

Builds the site with book/build.py (as ``make book`` does) into a temporary folder, serves it on
127.0.0.1, and opens every page: no console errors, no failed requests, no request to another
host, every image and every widget shown, math typeset, every internal link and anchor resolves,
the glossary's Chinese terms drawn with a CJK font, and search finds English and Chinese terms. On
failure the report names a screenshot of the page.

Marker ``browser``; needs Debian's ``chromium`` and a CJK font (``fonts-noto-cjk``), which
``.ci/run`` installs, and Node's ``npm`` the first time (book/build.py fetches the site's
JavaScript from the npm registry once).
"""

import functools
import html.parser
import http.server
import json
import re
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import require
from jupyterlab_session import FAILURE_ARTIFACTS
from playwright.sync_api import Page

from book.build import BUILD_DIR, NOTEBOOKS, build

pytestmark = pytest.mark.browser

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Font families that draw Chinese characters; the test accepts any of them.
CJK_FONT = re.compile(
    r"CJK|Han|Hei|Song|Ming|Kai|WenQuanYi|PingFang|Hiragino|YaHei|SimSun|Fallback"
)
# Chinese characters (CJK Unified Ideographs).
HANZI = re.compile(r"[\u4e00-\u9fff]")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The book, built from the committed notebooks as ``make book`` builds it."""
    if shutil.which("npm") is None and not any((BUILD_DIR / "npm").glob("*.tgz")):
        require("npm", "building the book needs Node's npm once: `sudo apt-get install npm`")
    return build(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def base_url(site) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture
def page(browser, base_url, request, tmp_path) -> Iterator[Page]:
    """A page that records what goes wrong while it loads, and refuses every other host."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error"
            and page.problems.append(f"console error: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda req: req.url.startswith(base_url)
            and page.problems.append(f"failed request: {req.url} ({req.failure})"))
    page.on("response", lambda response: response.status >= 400
            and page.problems.append(f"HTTP {response.status}: {response.url}"))

    def refuse_other_hosts(route):
        url = route.request.url
        if url.startswith((base_url, "data:", "blob:")):
            route.continue_()
        else:
            page.problems.append(f"request to another host: {url}")
            route.abort()

    context.route("**/*", refuse_other_hosts)

    def save_artifacts() -> str:
        screenshot = tmp_path / "screenshot.png"
        page.screenshot(path=screenshot, full_page=True)
        return f"screenshot: {screenshot}\npage: {page.url}"

    request.node.stash[FAILURE_ARTIFACTS] = save_artifacts
    yield page
    context.close()


def html_pages(site: Path) -> list[str]:
    return sorted(
        str(path.relative_to(site)) for path in site.rglob("*.html")
        if not path.relative_to(site).parts[0].startswith("_")
    )


def built_pages() -> list[str]:
    """The pages the build must make: one per notebook, the book's own pages, Sphinx's."""
    notebooks = [f"notebooks/{path.stem}.html" for path in sorted(NOTEBOOKS.glob("*.ipynb"))]
    own = ["index.html", "glossary.html", "promises.html", "benchmarks.html", "numeric_paths.html"]
    return sorted(notebooks + own + ["genindex.html", "search.html"])


def test_the_site_has_every_notebook_and_page(site):
    assert html_pages(site) == built_pages()


def open_page(page: Page, base_url: str, name: str) -> None:
    """Load ``name`` with every image fetched and MathJax and the widgets finished."""
    page.goto(base_url + name, wait_until="networkidle")
    page.evaluate("document.querySelectorAll('img[loading]').forEach(i => i.loading = 'eager')")
    page.wait_for_function(
        "() => !window.MathJax?.startup || window.MathJax.startup.promise.then(() => true)"
    )
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("name", built_pages())
def test_page_loads_offline_without_errors(page, base_url, name):
    open_page(page, base_url, name)
    broken = page.evaluate(
        "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
        ".map(i => i.src.slice(0, 80))"
    )
    assert page.problems == []
    assert broken == []
    math = page.locator(".math")
    typeset = page.locator(".math mjx-container")
    assert typeset.count() == math.count(), "every formula is typeset by MathJax"
    assert page.locator("mjx-merror").count() == 0, "no formula fails to parse"


def stored_widget_texts(notebook: Path) -> list[str]:
    """The text of every HTML widget (readouts, progress labels) as stored in the notebook."""
    state = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["widgets"]
    texts = []
    for model in state[WIDGET_STATE]["state"].values():
        if model["model_name"] == "HTMLModel" and model["state"]["value"].strip():
            texts.append(TextOf.text(model["state"]["value"]))
    return texts


class TextOf(html.parser.HTMLParser):
    """The text a browser shows for an HTML fragment, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)

    @classmethod
    def text(cls, fragment: str) -> str:
        parser = cls()
        parser.feed(fragment)
        return " ".join("".join(parser.parts).split())


WIDGET_NOTEBOOKS = [
    path for path in sorted(NOTEBOOKS.glob("*.ipynb"))
    if WIDGET_VIEW in path.read_text(encoding="utf-8")
]


@pytest.mark.parametrize("notebook", WIDGET_NOTEBOOKS, ids=lambda path: path.stem)
def test_every_widget_shows_its_stored_state(page, base_url, notebook):
    open_page(page, base_url, f"notebooks/{notebook.stem}.html")
    views = page.locator(f'.cell_output:has(> script[type="{WIDGET_VIEW}"])')
    assert views.count() > 0
    for index in range(views.count()):
        view = views.nth(index)
        assert view.locator(".jupyter-widgets").count() > 0, f"widget view {index} not rendered"
        note = view.evaluate("node => getComputedStyle(node, '::after').content")
        assert "launch the notebook" in note
    shown = " ".join(page.locator(".cell_output .jupyter-widgets").all_inner_texts()).split()
    shown = " ".join(shown)
    for text in stored_widget_texts(notebook):
        assert text in shown
    widget_images = page.locator(".cell_output .jupyter-widgets img")
    assert widget_images.evaluate_all(
        "images => images.every(i => i.complete && i.naturalWidth > 0)"
    )


class Anchors(html.parser.HTMLParser):
    """The ids a page defines and the links it makes (href of a, src of img and script)."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        link = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
        if link:
            self.links.append(link)


def test_every_internal_link_and_anchor_resolves(site):
    parsed = {}
    for path in (site / name for name in html_pages(site)):
        parser = Anchors()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path] = parser
    unresolved = []
    for path in sorted(parsed):
        for link in parsed[path].links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = path
            if parts.path:
                target = (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                unresolved.append(f"{path.relative_to(site)}: {link} (no such file)")
            elif parts.fragment and target in parsed:
                if urllib.parse.unquote(parts.fragment) not in parsed[target].ids:
                    unresolved.append(f"{path.relative_to(site)}: {link} (no such anchor)")
    assert unresolved == []


def test_links_to_other_hosts_are_only_the_expected_ones(site):
    """Launch buttons, the repository and the documentation pages the notebooks cite: links
    a reader may follow, never a resource a page loads."""
    expected = re.compile(
        r"https://(mybinder\.org|colab\.research\.google\.com|github\.com|pytorch\.org)/"
    )
    outside = set()
    for path in site.rglob("*.html"):
        parser = Anchors()
        parser.feed(path.read_text(encoding="utf-8"))
        outside |= {link for link in parser.links if re.match(r"(https?:)?//", link)}
    assert {link for link in outside if not expected.match(link)} == set()


def test_every_notebook_page_launches_and_keeps_its_solutions_collapsed(site):
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        text = (site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        path = f"notebooks/{notebook.name}"
        assert f"https://mybinder.org/v2/gh/OWNER/REPO/HEAD?urlpath=lab/tree/{path}" in text
        assert f"https://colab.research.google.com/github/OWNER/REPO/blob/HEAD/{path}" in text
        stored = notebook.read_text(encoding="utf-8")
        if "<details>" in stored:
            assert "<details><summary>Solutions</summary>" in text, notebook.name


@pytest.fixture(scope="module")
def cjk_font() -> None:
    fc_list = shutil.which("fc-list")
    listed = fc_list and subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True,
                                        text=True).stdout.strip()
    if not listed:
        require("fonts-noto-cjk", "the glossary test needs a CJK font: "
                "`sudo apt-get install fonts-noto-cjk`")


def test_glossary_draws_chinese_terms_with_a_cjk_font(cjk_font, page, base_url):
    open_page(page, base_url, "glossary.html")
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    terms = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": "dl.glossary dt"})
    chinese = 0
    for node in terms["nodeIds"]:
        text = session.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        if not HANZI.search(TextOf.text(text)):
            continue
        chinese += 1
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        families = [font["familyName"] for font in fonts]
        assert any(CJK_FONT.search(family) for family in families), (TextOf.text(text), families)
    assert chinese >= 30


@pytest.mark.parametrize("query", ["backward", "反向传播"])
def test_search_finds_english_and_chinese_terms(page, base_url, query):
    page.goto(base_url + "search.html?q=" + urllib.parse.quote(query), wait_until="networkidle")
    page.wait_for_function(
        "() => /Search finished/.test(document.querySelector('#search-results')?.innerText)"
    )
    found = page.locator("#search-results li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(link.startswith("glossary.html") for link in found)
    assert len(found) >= 3
    assert page.problems == []
