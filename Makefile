# Two commands for learners and CI: `make lab` and `make test`.
# `make lab` installs the runtime packages and JupyterLab; `make test` adds the test tools.
# Both create .venv on first use and reinstall when pyproject.toml or the lock changes: the
# package declares ranges, the lock (helpers/data/lock.txt) the exact versions installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

# A second numeric code path on the same machine, standing in for "another CPU":
# ATen's portable kernels instead of its AVX2/AVX-512 ones, MKL's reproducible
# path for matrix products, oneDNN's SSE4.1 kernels for convolutions. Every
# notebook must reproduce its stored outputs under both paths, and every claim
# about a long random run (marker `claims`) must hold on both: on this path each
# seed's training run is, in effect, another draw. The DCGAN's claims run on the
# native path only (SSE4.1 convolutions train it three times slower); `make paths`
# measures it, and everything else, on two more paths.
PORTABLE_NUMERICS := ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE ONEDNN_MAX_CPU_ISA=SSE41

.PHONY: lab test test-compat test-oldest test-newest compat-run notebooks book bench paths lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

LOCK := helpers/data/lock.txt

$(RUNTIME): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install -c $(LOCK) -e '.[lab]'
	touch $@

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install -c $(LOCK) -e '.[lab,dev]'
	touch $@

# Jupyter refuses to start as root unless told to; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(RUNTIME)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

test: $(DEV)
	$(BIN)/ruff check helpers tests notebooks benchmarks book conftest.py
	$(BIN)/pytest
	$(PORTABLE_NUMERICS) $(BIN)/pytest notebooks
	$(PORTABLE_NUMERICS) $(BIN)/pytest -m claims tests -k "not dcgan"

# The oldest and the newest PyTorch the package supports, each in a venv of its own, run the unit
# tests and every notebook through nbval. Oldest: torch $(OLDEST_TORCH) on Python 3.12, everything
# else at the lock. Newest: Python 3.13 and the newest release of everything the ranges admit
# (an empty constraints file overrides a machine's pip configuration that caps torch). Both are
# CUDA builds from the package index on Linux, 6 to 8 GB each once installed; pip's cache is off
# for them, or it would keep another 3 GB of wheels each. CI runs each after `make test` and
# removes its venv before the next (.ci/run), so the disk holds one at a time.
PYTHON_OLDEST ?= python3.12
PYTHON_NEWEST ?= python3.13
OLDEST_TORCH := 2.9.1
# Binder's and the Colab bootstrap's tests build environments of their own: once, in `make test`.
COMPAT_UNIT_TESTS := tests -m "not browser and not claims" \
  --ignore=tests/test_binder.py --ignore=tests/test_colab_bootstrap.py

.venv-oldest/.installed: pyproject.toml $(LOCK)
	rm -rf .venv-oldest
	$(PYTHON_OLDEST) -m venv .venv-oldest
	{ grep -v '^torch==' $(LOCK); echo 'torch==$(OLDEST_TORCH)'; } > .venv-oldest/constraints.txt
	PIP_NO_CACHE_DIR=1 .venv-oldest/bin/python -m pip install -q -c .venv-oldest/constraints.txt -e '.[lab,dev]'
	touch $@

.venv-newest/.installed: pyproject.toml
	rm -rf .venv-newest
	$(PYTHON_NEWEST) -m venv .venv-newest
	PIP_NO_CACHE_DIR=1 PIP_CONSTRAINT=/dev/null .venv-newest/bin/python -m pip install -q -e '.[lab,dev]'
	touch $@

test-compat: test-oldest test-newest

test-oldest: .venv-oldest/.installed
	@echo "== pip install -e . beside torch $(OLDEST_TORCH), with no lock, keeps that torch"
	@if PIP_CONSTRAINT=/dev/null .venv-oldest/bin/python -m pip install --dry-run -e . 2>/dev/null \
	    | grep '^Would install' | grep -q ' torch-'; then echo "pip would replace torch"; exit 1; fi
	$(MAKE) compat-run COMPAT_VENV=.venv-oldest

test-newest: .venv-newest/.installed
	$(MAKE) compat-run COMPAT_VENV=.venv-newest

compat-run:
	@echo "== $(COMPAT_VENV): $$($(COMPAT_VENV)/bin/python -c 'import sys, torch; print("Python", sys.version.split()[0], "torch", torch.__version__)')"
	$(COMPAT_VENV)/bin/pytest -q $(COMPAT_UNIT_TESTS)
	$(COMPAT_VENV)/bin/pytest -q notebooks

# "Restart kernel and run all" for every notebook, outputs written in place.
notebooks: $(DEV)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

# The book: every notebook as stored (never executed) and the reference pages, as a website in
# _build/html, built with warnings as errors; the first build fetches its JavaScript with npm.
# Preview: python3 -m http.server -d _build/html
book: $(DEV)
	$(BIN)/python -m book.build

# Time and memory of every notebook, the GAN recipes' race, the environment's size and
# install time; writes benchmarks/results.md and .json, exits 1 when a budget is exceeded.
bench: $(DEV)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Every notebook and every across-seed experiment on each numeric path; records the
# envelopes the notebooks print and reports tolerances that do not cover the spread.
paths: $(DEV)
	$(BIN)/python -m benchmarks.numeric_paths --record $(PATHS_ARGS)

# Record the test environment's exact versions as the lock, after changing one on purpose.
lock: $(DEV)
	{ sed -n '/^#/p' $(LOCK); $(BIN)/python -m pip freeze --exclude-editable \
	  | sed -E 's/^(torch==[^+]*)\+.*/\1/'; } > $(LOCK).new && mv $(LOCK).new $(LOCK)

clean:
	rm -rf $(VENV) .venv-oldest .venv-newest
