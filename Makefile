# Two commands: `make demo` runs the main job, `make test` runs every check; `make lab` opens
# the notebooks in JupyterLab without the development tools.
# Each creates its own virtual environment from the pinned lock files when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint typecheck pytest sample-data notebooks lessons lab lab-install clean

$(BIN)/.runtime: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . || $(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@

$(BIN)/.notebook: $(BIN)/.runtime requirements-notebook.lock
	$(BIN)/python -m pip install --quiet -r requirements-notebook.lock
	touch $@

demo: $(BIN)/.runtime
	$(BIN)/python -m genderbudget

# JupyterLab, papermill and the IPython kernel (requirements-notebook.lock), no development tools.
lab-install: $(BIN)/.notebook

# Open JupyterLab on the notebooks: the template for own data (egen_analys.ipynb) and the examples.
lab: lab-install
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks

lint: $(BIN)/.dev
	$(BIN)/ruff check genderbudget tests benchmarks
	$(BIN)/ruff format --check genderbudget tests benchmarks

typecheck: $(BIN)/.dev
	$(BIN)/mypy

pytest: $(BIN)/.dev
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# The inner loop while developing: pytest without the tests marked slow (notebooks, README,
# demo, calibration, large reference fits). `make test` still runs everything.
test-fast: $(BIN)/.dev
	$(BIN)/python -m pytest -q -m "not slow"

sample-data: $(BIN)/.runtime
	$(BIN)/python -m genderbudget.datasets

# Re-run every notebook and store its outputs (the tests compare the marked cells with them);
# the template ships with the package without its outputs (a test keeps the two equal).
notebooks: $(BIN)/.dev
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False notebooks/*.ipynb
	$(BIN)/jupyter nbconvert --to notebook --ClearOutputPreprocessor.enabled=True --output-dir genderbudget/templates notebooks/egen_analys.ipynb

# Each notebook as an HTML page for projection, from its stored outputs: no code, no cells
# tagged lesson-hide, nothing fetched from a network (written to lektioner/).
lessons: $(BIN)/.dev
	$(BIN)/python scripts/lessons.py lektioner

clean:
	rm -rf $(VENV)
