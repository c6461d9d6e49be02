# Two commands on a fresh machine: `make archive` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: archive test lint bench install clean fixtures

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ocr]'
	touch $(STAMP)

install: $(STAMP)

archive: $(STAMP)
	$(BIN)/bulletins ingest corpus/ --db archive.db

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check extract normalize archive tests bench
	$(BIN)/ruff format --check extract normalize archive tests bench
	$(BIN)/mypy extract normalize archive

# Regenerate the committed fixtures (needs LibreOffice and CJK fonts: see tests/fixtures/).
fixtures: $(STAMP)
	$(BIN)/python -m tests.fixtures.build
	$(BIN)/python -m tests.fixtures.build_pdf
	$(BIN)/python -m tests.fixtures.build_scan

# All parts: 30 minutes on 2 cores shared at load average 10 (about a third alone).
# `make bench PARTS="startup ingest"` runs some (parts: startup ingest pages names pdf ocr), BENCH_BULLETINS=300 a smaller corpus.
bench: $(STAMP)
	$(BIN)/python -m bench $(PARTS)

clean:
	rm -rf $(VENV) archive.db archive.db-wal archive.db-shm *.egg-info
