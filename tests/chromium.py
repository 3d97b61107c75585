"""Headless Chromium for the browser tests (test_browser.py, test_book_browser.py), as fixtures.

A plugin (the root conftest.py loads it), so it imports Playwright only when a test asks for a
browser: the quick unit tests collect without the browser tools. Debian's ``chromium`` package
drives the tests (``playwright install`` cannot download browsers on the CI machines); outside CI
they are skipped without it.
"""

import os
import shutil

import pytest

# This machine's network is closed: without these, Chromium keeps trying to
# reach Google's services at start-up and floods it with refused connections.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    """Whether the tests run in CI, where a missing system tool is a failure, not a skip."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def require(tool: str, message: str) -> None:
    """Fail in CI, skip elsewhere, with ``message``: .ci/run installs ``tool`` in CI."""
    if in_ci():
        pytest.fail(f"{message}; .ci/run installs {tool}, so CI must have it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The path of the system's Chromium."""
    path = shutil.which("chromium")
    if path is None:
        require(
            "chromium",
            "the browser tests need Debian's chromium: `sudo apt-get install chromium` "
            "(playwright install cannot download browsers here)",
        )
    return path


@pytest.fixture(scope="module")
def browser(chromium_executable):
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
