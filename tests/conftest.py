"""Shared pytest plumbing: failure artifacts (screenshot, server log) in the report."""

import pytest
from jupyterlab_session import FAILURE_ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    save_artifacts = item.stash.get(FAILURE_ARTIFACTS, None)
    if report.when == "call" and report.failed and save_artifacts is not None:
        report.sections.append(("failure artifacts", save_artifacts()))
    return report
