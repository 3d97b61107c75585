# Two commands for learners and CI: `make lab` and `make test`.
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: lab test notebooks bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

# Jupyter refuses to start as root unless told to; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(INSTALLED)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

test: $(INSTALLED)
	$(BIN)/ruff check helpers tests notebooks
	$(BIN)/pytest

# "Restart kernel and run all" for every notebook, outputs written in place.
notebooks: $(INSTALLED)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

# Time and memory of every notebook, the GAN recipes' race, the environment's size and
# install time; writes benchmarks/results.md and .json, exits 1 when a budget is exceeded.
bench: $(INSTALLED)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV)
