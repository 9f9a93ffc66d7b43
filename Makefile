# Two commands on a fresh machine:  make run   (the bot, or the console chat without a token)
#                                   make test  (the test suite)
# Both create .venv, install everything and build the index when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install index bench clean

run: $(STAMP)
	$(BIN)/policybot run

test: $(STAMP) index
	$(BIN)/python -m pytest

install: $(STAMP)

# Reinstall when the dependency list changes. torch is installed first, pinned, so pip takes the
# CPU build from local disk instead of resolving a CUDA build for sentence-transformers.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Builds only when missing or stale (corpus, model or dictionaries changed).
index: $(STAMP)
	$(BIN)/python scripts/build_index.py --if-needed

bench: $(STAMP) index
	$(BIN)/python scripts/bench.py --write-docs

clean:
	rm -rf $(VENV) index/current index/build-* index/.tmp-*
