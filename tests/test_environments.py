"""The environment files agree with each other and with what the code imports: pyproject.toml
declares ranges, helpers/data/lock.txt the exact tested set, environment.yml mirrors the lock."""

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from helpers.environment import LOCK, RUNTIME_PACKAGES, SUPPORTED_RANGES, TESTED_VERSIONS

ROOT = Path(__file__).resolve().parents[1]


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pinned(requirements: list[str]) -> dict[str, Version]:
    pins = {}
    for line in requirements:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line}: pin exact versions"
        pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


def lock_pins() -> dict[str, Version]:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    return pinned([line for line in lines if line.strip() and not line.startswith("#")])


def runtime_pins() -> dict[str, Version]:
    """The lock's versions of what the notebooks and `make lab` need."""
    return {name: version for name, version in lock_pins().items() if name in RUNTIME_PACKAGES}


def runtime_ranges() -> dict[str, Requirement]:
    requirements = pyproject()["project"]["dependencies"]
    requirements += pyproject()["project"]["optional-dependencies"]["lab"]
    return {canonicalize_name(Requirement(line).name): Requirement(line) for line in requirements}


def conda_environment(path: Path = ROOT / "environment.yml") -> dict:
    return yaml.safe_load(path.read_text())


def conda_pip_pins() -> dict[str, Version]:
    (pip_section,) = [d for d in conda_environment()["dependencies"] if isinstance(d, dict)]
    return pinned([line for line in pip_section["pip"] if not line.startswith("-")])


def test_binder_environment_is_identical_to_the_root_one():
    assert (ROOT / "binder/environment.yml").read_bytes() == (ROOT / "environment.yml").read_bytes()


def test_conda_environment_pins_python_and_the_same_versions_as_the_lock():
    conda = conda_environment()["dependencies"]
    assert "python=3.11" in conda
    conda_pins = conda_pip_pins()
    assert set(conda_pins) == set(runtime_pins())
    for name, version in runtime_pins().items():
        assert conda_pins[name].public == version.public, name


def test_torch_is_pinned_exactly_and_cpu_only_for_conda_and_binder():
    assert runtime_pins()["torch"] == Version("2.13.0")
    assert conda_pip_pins()["torch"].local == "cpu"
    (pip_section,) = [d for d in conda_environment()["dependencies"] if isinstance(d, dict)]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in pip_section["pip"]


def test_tested_versions_reported_by_check_environment_are_the_lock():
    assert {canonicalize_name(n): Version(v) for n, v in TESTED_VERSIONS.items()} == runtime_pins()
    assert set(runtime_pins()) == set(RUNTIME_PACKAGES)


def test_the_package_declares_ranges_that_admit_the_lock():
    ranges = runtime_ranges()
    assert set(ranges) == set(RUNTIME_PACKAGES)
    for name, requirement in ranges.items():
        assert any(bound.operator == ">=" for bound in requirement.specifier), f"{name}: no minimum"
        assert requirement.specifier.contains(runtime_pins()[name]), f"the lock's {name} is outside"
    # The oldest torch make test-compat runs, up to the next major release.
    assert ranges["torch"].specifier == SpecifierSet(">=2.9,<3")
    # What check_environment reports is what the installed package declares.
    assert SUPPORTED_RANGES == {name: r.specifier for name, r in ranges.items()}


def test_every_dependency_in_the_lock_is_a_pin_that_satisfies_pyproject():
    locked = lock_pins()
    dev = pinned(pyproject()["project"]["optional-dependencies"]["dev"])
    for name, version in dev.items():
        assert locked[name] == version, name
    assert {"nbval", "pytest", "ruff", "playwright", "sphinx"} <= set(dev)
    assert "tensors-to-gans" not in locked, "the project itself is installed editable, not locked"


def test_binder_post_build_installs_the_package_editable():
    post_build = ROOT / "binder/postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"pip install .*--editable \.", post_build.read_text())


def imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def code_we_ship() -> dict[str, str]:
    sources = {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "helpers").rglob("*.py")}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        code = [
            "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        ]
        sources[str(notebook.relative_to(ROOT))] = "\n".join(
            line for cell in code for line in cell.splitlines()
            if not line.lstrip().startswith(("%", "!"))
        )
    return sources


def test_every_imported_package_is_declared_in_pyproject_and_environment_yml():
    distributions = packages_distributions()
    declared_pyproject = set(runtime_ranges())
    declared_conda = set(conda_pip_pins())
    for path, source in code_we_ship().items():
        for module in imported_modules(source) - set(sys.stdlib_module_names) - {"helpers"}:
            names = {canonicalize_name(d) for d in distributions.get(module, [module])}
            assert names & declared_pyproject, f"{path} imports {module}: not in pyproject.toml"
            assert names & declared_conda, f"{path} imports {module}: not in environment.yml"


def test_the_import_scan_sees_notebook_and_helper_imports():
    sources = code_we_ship()
    assert "torch" in imported_modules(sources["helpers/environment.py"])
    assert imported_modules("import a.b\nfrom c.d import e\nfrom . import f") == {"a", "c"}


def test_the_unit_tests_collect_without_the_browser_tools():
    """A learner's own environment may lack Playwright: the quick tests must still collect."""
    hide_playwright = (
        "import sys; sys.modules['playwright'] = None; import pytest; "
        "sys.exit(pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', 'tests']))"
    )
    env = {name: value for name, value in os.environ.items() if name != "CI"}
    done = subprocess.run([sys.executable, "-c", hide_playwright], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "tests collected" in done.stdout
