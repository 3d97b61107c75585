"""Build the book: the committed notebooks as a website, from their stored outputs.

``make book`` runs ``python -m book.build``. It stages the sources in ``_build/source`` (the
notebooks as stored, plus pages made from notebook 00's key-terms table, README, CONTRIBUTING's
benchmark section and the numeric-paths report), vendors the site's JavaScript from npm into
``_build/static`` (Node's ``npm`` fetches it once), and runs Sphinx with warnings as errors into
``_build/html``. Nothing is executed: every page shows what nbval compared. Preview with
``python -m http.server -d _build/html``.
"""

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BOOK_DIR = REPO_ROOT / "book"
BUILD_DIR = REPO_ROOT / "_build"
NOTEBOOKS = REPO_ROOT / "notebooks"

# Every notebook links its key terms to this heading of notebook 00; in the book they go to the
# glossary page made from that table.
KEY_TERMS_LINK = "00_start_here.ipynb#Key-terms"
GLOSSARY_PAGE = "glossary"


def markdown_cells(notebook: Path) -> list[str]:
    """The sources of a notebook's markdown cells, in order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the first pipe table in ``markdown``, each a list of stripped cells."""
    lines = [line.strip() for line in markdown.splitlines() if line.strip().startswith("|")]
    if len(lines) < 3:
        raise ValueError(f"expected a table with a header, a rule and rows; got {len(lines)} lines")
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def glossary_page(notebook00: Path) -> str:
    """MyST source of the glossary page: notebook 00's key-terms table, one entry per row, each
    under its English and its Chinese term, linked to the notebook that introduces it."""
    section = next(
        (cell for cell in markdown_cells(notebook00) if cell.startswith("## Key terms")), None
    )
    if section is None:
        raise ValueError(f"expected a '## Key terms' cell in {notebook00.name}; found none")
    first_in = {path.name.split("_")[0]: path.name for path in NOTEBOOKS.glob("*_*.ipynb")}
    entries = []
    for english, chinese, meaning, notebook in table_rows(section):
        if notebook not in first_in:
            raise ValueError(f"key term {english!r}: no notebook numbered {notebook!r}")
        ending = "" if meaning.endswith((".", "…")) else "."
        entries.append(
            f"{english}\n{chinese}\n  {meaning}{ending} First in "
            f"[notebook {notebook}](notebooks/{first_in[notebook]}).\n"
        )
    return (
        "# Glossary · 术语表\n\n"
        "Every key term of the series in English and Chinese (中文), with one line on what it means"
        " and the notebook that introduces it: the table of\n"
        "[notebook 00](notebooks/00_start_here.ipynb), which every notebook's key-terms link leads"
        " to.\n\n```{glossary}\n" + "\n".join(entries) + "```\n"
    )


def markdown_section(markdown: str, heading: str) -> str:
    """The body of the ``## heading`` section of ``markdown``, up to the next ``##`` heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    if match is None:
        raise ValueError(f"expected a '## {heading}' section; found none")
    return match.group(1).strip() + "\n"


def raise_headings(markdown: str, top_level: int) -> str:
    """``markdown`` with its headings shifted so the highest one is at ``top_level``."""
    levels = [len(hashes) for hashes in re.findall(r"^(#+) ", markdown, re.M)]
    if not levels:
        return markdown
    shift = top_level - min(levels)
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + shift) + " ", markdown, flags=re.M)


def page(title: str, body: str) -> str:
    """A MyST page: ``title`` as its heading, then ``body`` with its headings below it."""
    return f"# {title}\n\n{raise_headings(body, 2)}"


def notebook_for_book(notebook: Path) -> str:
    """The notebook as stored, with its key-terms links pointed at the glossary page."""
    text = notebook.read_text(encoding="utf-8")
    return text.replace(f"]({KEY_TERMS_LINK})", f"](../{GLOSSARY_PAGE}.md)")


def stage(source: Path) -> None:
    """Write every page of the book into ``source``."""
    if source.exists():
        shutil.rmtree(source)
    (source / "notebooks").mkdir(parents=True)
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        (source / "notebooks" / notebook.name).write_text(
            notebook_for_book(notebook), encoding="utf-8"
        )
    shutil.copy(BOOK_DIR / "index.md", source / "index.md")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    contributing = (REPO_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    pages = {
        GLOSSARY_PAGE: glossary_page(NOTEBOOKS / "00_start_here.ipynb"),
        "promises": page(
            "What the stored outputs promise",
            markdown_section(readme, "What the stored outputs promise"),
        ),
        "benchmarks": page("Benchmark", markdown_section(contributing, "Benchmark")),
        "numeric_paths": page(
            "Numeric paths",
            (REPO_ROOT / "benchmarks" / "numeric_paths.md").read_text(encoding="utf-8")
            .split("\n", 1)[1],
        ),
    }
    for name, text in pages.items():
        (source / f"{name}.md").write_text(text, encoding="utf-8")


def npm_integrity(tarball: Path) -> str:
    """The tarball's integrity string as npm records it (sha512, base64)."""
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def vendor(cache: Path, static: Path) -> None:
    """Fetch the pinned npm packages of book/vendor.json (once, into ``cache``), check their
    integrity, and unpack the folders the site serves into ``static``."""
    manifest = json.loads((BOOK_DIR / "vendor.json").read_text(encoding="utf-8"))
    cache.mkdir(parents=True, exist_ok=True)
    if static.exists():
        shutil.rmtree(static)
    for package in manifest["packages"]:
        spec = f"{package['name']}@{package['version']}"
        stem = package["name"].lstrip("@").replace("/", "-")
        tarball = cache / f"{stem}-{package['version']}.tgz"
        if not tarball.exists():
            subprocess.run(
                ["npm", "pack", spec, "--pack-destination", str(cache), "--silent"],
                check=True, stdout=subprocess.DEVNULL,
            )
        if npm_integrity(tarball) != package["integrity"]:
            tarball.unlink()
            raise RuntimeError(f"{spec}: the downloaded package does not match book/vendor.json")
        with tarfile.open(tarball) as archive:
            for inner, target in package["copy"].items():
                members = [m for m in archive.getmembers() if m.name.startswith(inner + "/")]
                for member in members:
                    member.name = member.name[len(inner) + 1:]
                archive.extractall(static / target, members=members, filter="data")


def build(work: Path = BUILD_DIR) -> Path:
    """Stage, vendor and build the book into ``work / "html"``; raise if Sphinx warns. The npm
    packages are cached in _build/npm whatever ``work`` is."""
    from sphinx.cmd.build import build_main

    source, static, output = work / "source", work / "static", work / "html"
    stage(source)
    vendor(BUILD_DIR / "npm", static)
    status = build_main([
        "-b", "html", "-E", "-W", "--keep-going", "-q",
        "-c", str(BOOK_DIR), "-D", f"html_static_path=static,{static}",
        str(source), str(output),
    ])
    if status != 0:
        raise RuntimeError(f"Sphinx reported warnings or errors (exit status {status})")
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=BUILD_DIR,
                        help="folder for the staged sources and the site (default: _build)")
    args = parser.parse_args()
    try:
        built = build(args.work.resolve())
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"book: {error}", file=sys.stderr)
        return 1
    print(f"book: built {built / 'index.html'}; preview with python -m http.server -d {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
