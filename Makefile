# Two commands for learners and CI: `make lab` and `make test`.
# `make lab` installs the runtime packages only; `make test` adds the test tools.
# Both create .venv on first use and reinstall when pyproject.toml changes.
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

.PHONY: lab test notebooks book bench paths clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install -e '.[dev]'
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

clean:
	rm -rf $(VENV)
