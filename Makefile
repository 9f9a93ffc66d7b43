# Two commands on a fresh machine:  make run   (the bot, or the console chat without a token)
#                                   make test  (lint, types and the whole test suite)
# Both create .venv, install everything and build the index when needed.
# make test-fast runs the tests that need no model (seconds); make check runs ruff and mypy only.
# The storage tests also run on a PostgreSQL server the suite starts itself: make test needs its
# binaries (apt-get install -y postgresql; .ci/run installs them), make test-fast leaves those
# tests out when they are missing, and says so. The replica tests (model tier) also need nginx
# (apt-get install -y nginx; .ci/run installs it) and are skipped, saying so, without it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip's own chatter (resolver notes, index warnings) is not ours to show; errors still are.
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq
HAVE_POSTGRES := $(shell { command -v initdb || ls /usr/lib/postgresql/*/bin/initdb; } >/dev/null 2>&1 && echo yes)

.PHONY: run test test-fast check install index bench clean

run: $(STAMP)
	$(BIN)/policybot run

test: $(STAMP) index check
	$(BIN)/python -m pytest

test-fast: $(STAMP) check
ifeq ($(HAVE_POSTGRES),yes)
	$(BIN)/python -m pytest -m "not model"
else
	@echo "policybot: no PostgreSQL server binaries (apt-get install -y postgresql): its tests are left out"
	$(BIN)/python -m pytest -m "not model and not postgres"
endif

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
