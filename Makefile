# The two commands of the README: `make book` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pip install -e without setuptools' "Editable installation" notice (information only: the package is
# found through a meta path finder, so a folder named plainpress in the working directory could shadow it).
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet
# Debian packages the build needs (liblouis for the braille edition) and the tests need besides
# (installed with apt-get when run as root).
BOOK_DEBS := liblouis-bin liblouis-data
TEST_DEBS := $(BOOK_DEBS) poppler-utils chromium espeak-ng

.PHONY: book test lint format clean debian-packages book-debian-packages node-packages bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml setup.py | $(BIN)/python
	$(PIP_INSTALL) -e '.[bench]'
	touch $@ $(VENV)/.installed

book: $(VENV)/.installed book-debian-packages
	$(BIN)/python build.py build

book-debian-packages:
	@sh scripts/ensure-debian-packages.sh $(BOOK_DEBS)

debian-packages:
	@sh scripts/ensure-debian-packages.sh $(TEST_DEBS)

# Node packages pinned by package-lock.json (Ace by DAISY), reinstalled only when the lock file
# changed. --ignore-scripts: puppeteer must not download a browser (the tests use Debian's chromium).
node-packages:
	@if [ -f package-lock.json ] && [ ! node_modules/.package-lock.json -nt package-lock.json ]; then \
		command -v npm >/dev/null || { echo "The tests need Node 20 and npm (not Debian's nodejs 18)." >&2; exit 1; }; \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

test: $(VENV)/.installed-dev debian-packages node-packages
	$(BIN)/ruff check plainpress tests build.py
	$(BIN)/ruff format --check plainpress tests build.py
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check plainpress tests build.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff format plainpress tests build.py
	$(BIN)/ruff check --fix plainpress tests build.py

clean:
	rm -rf dist .dist-builds .dist.lock reports .pytest_cache .plainpress-cache

# The benchmark (benchmarks/README.md): not part of make test; about 30 minutes on 2 cores. pandoc 3 comes from
# pypandoc-binary (the bench extra), Typst from the typst package; the baseline commit gets its own worktree and venv.
bench: $(VENV)/.installed-bench debian-packages
	$(BIN)/python benchmarks/run.py
