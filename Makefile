# Two commands on a fresh machine:  make run   (the bot, or the console chat without a token)
#                                   make test  (lint, types and the whole test suite)
# Both create .venv, install everything and build the index when needed.
# make test-fast runs the tests that need no model (seconds); make check runs ruff and mypy only.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip's own chatter (resolver notes, index warnings) is not ours to show; errors still are.
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq

.PHONY: run test test-fast check install index bench clean

run: $(STAMP)
	$(BIN)/policybot run

test: $(STAMP) index check
	$(BIN)/python -m pytest

test-fast: $(STAMP) check
	$(BIN)/python -m pytest -m "not model"

check: $(STAMP)
	$(BIN)/ruff check bot
	$(BIN)/ruff format --check bot
	$(BIN)/mypy

install: $(STAMP)

# Reinstall when the dependency list changes. torch is installed first, pinned, so pip takes the
# CPU build from local disk instead of resolving a CUDA build for sentence-transformers.
$(STAMP): pyproject.toml constraints.txt
	@echo "policybot: setting up $(VENV) (the first time takes a few minutes)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@echo "policybot: installing torch==2.13.0 (CPU build)…"
	@$(PIP) install torch==2.13.0
	@echo "policybot: installing policybot and its dependencies…"
	@$(PIP) install -c constraints.txt -e ".[dev]"
	@touch $(STAMP)
	@echo "policybot: $(VENV) is ready."

# Builds only when missing or stale (corpus, question bank, model or dictionaries changed).
index: $(STAMP)
	@$(BIN)/python scripts/build_index.py --if-needed

bench: $(STAMP) index
	$(BIN)/python scripts/bench.py --write-docs

clean:
	rm -rf $(VENV) index/current index/build-* index/.tmp-*
