"""Binder builds the intended environment, and that environment runs every notebook offline.

There is no Docker engine on the CI machines, so repo2docker (the tool Binder
builds with) only renders its build here: ``--no-build --no-run`` prints the
Dockerfile it would build. The closest this machine gets to a Binder launch is
a mirror of that environment: a fresh venv with the same pins, the package
installed by running ``binder/postBuild``, and every notebook executed in it
with the no-network guard active (which also proves the notebooks need no
network once the environment is installed).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from offline_execution import REPO_ROOT, execute_offline
from packaging.requirements import Requirement

BINDER = REPO_ROOT / "binder"
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
PYTORCH_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def binder_environment() -> dict:
    return yaml.safe_load((BINDER / "environment.yml").read_text())


def binder_pip_lines() -> list[str]:
    (pip_section,) = [d for d in binder_environment()["dependencies"] if isinstance(d, dict)]
    return pip_section["pip"]


@pytest.fixture(scope="module")
def repo2docker_render() -> subprocess.CompletedProcess:
    """What repo2docker would build for this repository: Dockerfile on stdout, choices on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--no-run", str(REPO_ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_repo2docker_builds_the_conda_environment_from_binder_environment_yml(
    repo2docker_render,
):
    (python_pin,) = [d for d in binder_environment()["dependencies"] if str(d).startswith("python")]
    assert f"Building conda environment for {python_pin}" in repo2docker_render.stderr
    dockerfile = repo2docker_render.stdout
    assert "COPY --chown=0:0 src/binder/environment.yml ${REPO_DIR}/binder/environment.yml" in (
        dockerfile
    )
    assert '${MAMBA_EXE} env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in (
        dockerfile
    )


def test_repo2docker_runs_post_build_once_the_repository_is_copied(repo2docker_render):
    dockerfile = repo2docker_render.stdout
    assert "RUN ./binder/postBuild" in dockerfile
    # postBuild installs the package from the repository, so it must come after the copy.
    assert dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/") < dockerfile.index(
        "RUN ./binder/postBuild"
    )


def test_the_torch_binder_installs_is_a_cpu_only_build(repo2docker_render):
    """The build installs binder/environment.yml's pip section; torch there is the +cpu wheel.

    ``torch==2.13.0+cpu`` can only be satisfied by a wheel with the local
    version label ``cpu``, which PyTorch publishes on its CPU index alone; no
    other line may pull in CUDA libraries.
    """
    (env_file,) = re.findall(r'env update -p \S+ --file "([^"]+)"', repo2docker_render.stdout)
    assert REPO_ROOT / env_file == BINDER / "environment.yml"
    lines = binder_pip_lines()
    assert PYTORCH_CPU_INDEX in lines
    requirements = [Requirement(line) for line in lines if not line.startswith("-")]
    (torch,) = [r for r in requirements if r.name == "torch"]
    (pin,) = torch.specifier
    assert pin.operator == "==" and pin.version.endswith("+cpu")
    cuda_packages = [r.name for r in requirements if re.match(r"nvidia-|.*cuda", r.name)]
    assert cuda_packages == []


@pytest.fixture(scope="module")
def binder_mirror_python(tmp_path_factory) -> Iterator[Path]:
    """Python of a fresh venv built as Binder builds its environment; returns its interpreter.

    pip gets exactly the lines of binder/environment.yml's pip section, the
    PyTorch CPU index included. Where that host is unreachable (the CI
    machines have no network but their package registries), pip skips it and
    takes the same ``torch==2.13.0+cpu`` wheel from the machine's configured
    indexes; on a machine with internet access it
    downloads it from PyTorch's index, as Binder does. pip's cache is used
    (``pytest --durations`` shows the build time as the setup of the first
    test that uses it). Then ``binder/postBuild`` itself runs, with the venv
    first on PATH, as Binder runs it with its conda environment first on PATH.
    The venv (over a GB) is removed after the module's tests: pytest keeps its
    temporary folders, and CI's disk must still hold two CUDA builds of torch.
    """
    pip_arguments = [word for line in binder_pip_lines() for word in shlex.split(line)]

    venv = tmp_path_factory.mktemp("binder_mirror") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # pip asks every index about every package; one try each keeps an unreachable
    # index from costing its retry back-off a hundred times over.
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--retries", "0", *pip_arguments],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", VIRTUAL_ENV=str(venv))
    post_build = subprocess.run(
        [str(BINDER / "postBuild")], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert post_build.returncode == 0, post_build.stdout[-3000:] + post_build.stderr[-3000:]
    yield python
    shutil.rmtree(venv)


def test_binder_mirror_has_the_cpu_build_of_torch_and_the_helpers_package(binder_mirror_python):
    probe = (
        "import torch, helpers; "
        "print(torch.__version__, torch.version.cuda, helpers.__file__)"
    )
    # Run outside the repository, so `import helpers` can only find the installed package.
    result = subprocess.run(
        [str(binder_mirror_python), "-c", probe],
        cwd=binder_mirror_python.parent, capture_output=True, text=True, check=True,
    )
    version, cuda, helpers_file = result.stdout.split()
    assert version.endswith("+cpu") and cuda == "None"
    assert Path(helpers_file) == REPO_ROOT / "helpers" / "__init__.py"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_binder_mirror_runs_the_notebook_with_no_network(binder_mirror_python, notebook, tmp_path):
    execute_offline(binder_mirror_python, notebook, tmp_path)
