# Pages in raw/ -> interim/*.parquet -> processed/*.parquet.
# Each stage target depends on files, so `make` after `make` does no work and a
# changed page reruns only the stages downstream of it (and, inside each stage,
# only the documents that changed).

SHELL := /bin/bash
.DEFAULT_GOAL := all

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

RAW ?= raw
REPORTS ?= reports
INTERIM ?= interim
PROCESSED ?= processed
WORKERS ?=
EXECUTOR ?= local
ARGS = --raw "$(RAW)" --interim "$(INTERIM)" --processed "$(PROCESSED)"
RUN_ARGS = $(ARGS) --executor $(EXECUTOR) $(if $(WORKERS),--workers $(WORKERS))

# Start time of this make invocation, for the summary's "time taken".
export PIPELINE_STARTED := $(shell date +%s.%N)

PKG_SRC := $(shell find pipeline -type f \( -name '*.py' -o -path '*/data/*' \) -not -path '*/__pycache__/*')
MANIFEST := $(INTERIM)/raw-manifest.tsv

.PHONY: all help install ingest language extract normalise run summary status eval test lint bench bench-html notebooks clean FORCE

all: $(PROCESSED)/documents.parquet ## Set up (first time) and run every stage on raw/, then print a summary
	@$(PY) -m pipeline summary $(ARGS)

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

install: $(STAMP) ## Create .venv and install the pinned dependencies and models (hash-checked)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# The list of files in raw/ with sizes and times; rewritten only when it changes,
# so that ingest runs only when raw/ did.
$(MANIFEST): FORCE | $(STAMP)
	@test -d "$(RAW)" || { echo "raw directory $(RAW) does not exist: create it or pass RAW=DIR" >&2; exit 2; }
	@mkdir -p "$(INTERIM)"
	@find "$(RAW)" \( -type f -o -type l \) -printf '%P\t%s\t%T@\n' | LC_ALL=C sort > "$@.tmp"
	@if cmp -s "$@.tmp" "$@"; then rm -f "$@.tmp"; else mv "$@.tmp" "$@"; fi

$(INTERIM)/documents.parquet: $(MANIFEST) $(PKG_SRC)
	$(PY) -m pipeline ingest $(ARGS)

$(INTERIM)/segments.parquet: $(INTERIM)/documents.parquet
	$(PY) -m pipeline language $(RUN_ARGS)

$(INTERIM)/mentions.parquet: $(INTERIM)/segments.parquet
	$(PY) -m pipeline extract $(RUN_ARGS)

$(PROCESSED)/documents.parquet: $(INTERIM)/mentions.parquet
	$(PY) -m pipeline normalise $(ARGS)

ingest: $(STAMP) ## Stage 1: raw pages into interim/documents.parquet
	$(PY) -m pipeline ingest $(ARGS)

language: $(STAMP) ## Stage 2: segments and their languages into interim/segments.parquet
	$(PY) -m pipeline language $(RUN_ARGS)

extract: $(STAMP) ## Stage 3: NER, dates and figures into interim/mentions.parquet
	$(PY) -m pipeline extract $(RUN_ARGS)

normalise: $(STAMP) ## Stages 4 and 5: resolve (entities per document), link (across documents) into processed/
	$(PY) -m pipeline normalise $(ARGS)

run: $(STAMP) ## All stages in one process, without make's file checks
	$(PY) -m pipeline run $(RUN_ARGS)

status: $(STAMP) ## What is in raw/ against what has been processed
	@$(PY) -m pipeline status $(ARGS)

eval: all ## Score processed/ against the development gold (VERBOSE=1 lists missed and spurious items)
	$(PY) -m pipeline eval $(ARGS) $(if $(VERBOSE),--verbose)

test: $(STAMP) ## Run the tests
	$(PY) -m pytest

lint: $(STAMP) ## ruff check and format check
	$(PY) -m ruff check pipeline tests
	$(PY) -m ruff format --check pipeline tests

bench: $(STAMP) ## Throughput, memory and re-run figures on a generated corpus (one JSON line)
	$(PY) -m pipeline.bench

bench-html: $(STAMP) ## Main-text extraction on the external HTML benchmark
	$(PY) -m pipeline.bench_html

notebooks: $(PROCESSED)/documents.parquet ## Run the notebooks on processed/ into reports/*.html (offline HTML)
	$(PY) -m pipeline.reports --processed "$(PROCESSED)" --interim "$(INTERIM)" --out "$(REPORTS)"

clean: ## Remove interim/ and processed/ (never raw/)
	rm -rf "$(INTERIM)" "$(PROCESSED)"

FORCE:
