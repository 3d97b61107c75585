"""Shared pytest plumbing: one torch thread, and failure artifacts (screenshot, server log)."""

import importlib.util
import os
import sys
from pathlib import Path

import pytest
import torch
from jupyterlab_session import FAILURE_ARTIFACTS

import helpers

# The quick unit tests must collect in an environment without the browser tools (a learner's own
# Python, say); in CI a missing Playwright is an error, which collecting the file then reports.
if importlib.util.find_spec("playwright") is None and not os.environ.get("CI"):
    collect_ignore = ["test_browser.py", "test_book_browser.py"]


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """Run torch on one thread, as helpers.setup() does in every notebook: the claims tests then
    train exactly what the notebooks train, and tiny networks train far faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    if os.environ.get("SERIES_TORCH_THREADS", "1") != "1":
        # The numeric path `two_threads` (benchmarks/numeric_paths.py) asks how the claims
        # fare when every run splits its sums over more threads.
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from benchmarks.numeric_paths import hold_thread_count

        hold_thread_count()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def session_seed_3():
    """The session seed a notebook's first cell would set with helpers.setup(3)."""
    previous = helpers.session_seed()
    helpers.setup(3)
    yield
    helpers.setup(previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    save_artifacts = item.stash.get(FAILURE_ARTIFACTS, None)
    if report.when == "call" and report.failed and save_artifacts is not None:
        report.sections.append(("failure artifacts", save_artifacts()))
    return report


@pytest.fixture(scope="session")
def split():
    """Notebook 06's split of the digits, as the judge was trained on it."""
    from helpers.digits import split_digits

    return split_digits(0)


@pytest.fixture
def same_weights():
    """Whether two networks hold equal parameters, tensor for tensor."""

    def same(a: torch.nn.Module, b: torch.nn.Module) -> bool:
        return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))

    return same
