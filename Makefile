# Pages in raw/ -> interim/*.parquet -> processed/*.parquet.
# Each stage target depends on files, so `make` after `make` does no work and a
# changed page reruns only the stages downstream of it (and, inside each stage,
# only the documents that changed).

SHELL := /bin/bash
.DEFAULT_GOAL := all

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

RAW ?= raw
GOLD ?= eval/gold/dev
EXPORTS ?= exports
CORRECTIONS ?= corrections.csv
REPORTS ?= reports
INTERIM ?= interim
PROCESSED ?= processed
WORKERS ?=
EXECUTOR ?= local
ARGS = --raw "$(RAW)" --interim "$(INTERIM)" --processed "$(PROCESSED)" --corrections "$(CORRECTIONS)"
RUN_ARGS = $(ARGS) --executor $(EXECUTOR) $(if $(WORKERS),--workers $(WORKERS))

# Start time of this make invocation, for the summary's "time taken".
export PIPELINE_STARTED := $(shell date +%s.%N)

PKG_SRC := $(shell find pipeline -type f \( -name '*.py' -o -path '*/data/*' \) -not -path '*/__pycache__/*')
MANIFEST := $(INTERIM)/raw-manifest.tsv

.PHONY: all help install ingest language extract normalise run summary status eval export lab test lint bench bench-html notebooks clean FORCE

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

# link applies the user's corrections: editing them reruns link only
$(PROCESSED)/documents.parquet: $(INTERIM)/mentions.parquet $(wildcard $(CORRECTIONS))
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

eval: all ## Score processed/ against gold annotations: make eval [GOLD=DIR RAW=DIR] [VERBOSE=1]
	$(PY) -m pipeline eval $(ARGS) --gold "$(GOLD)" $(if $(VERBOSE),--verbose)

test: $(STAMP) ## Run the tests
	$(PY) -m pytest

lint: $(STAMP) ## ruff check and format check
	$(PY) -m ruff check pipeline tests
	$(PY) -m ruff format --check pipeline tests

bench: $(STAMP) ## Throughput, memory and re-run figures on a generated corpus (one JSON line)
	$(PY) -m pipeline.bench

bench-html: $(STAMP) ## Main-text extraction on the external HTML benchmark
	$(PY) -m pipeline.bench_html

export: $(PROCESSED)/documents.parquet ## processed/ as CSV (UTF-8 with BOM) and one tables.xlsx in EXPORTS (default exports/)
	$(PY) -m pipeline export $(ARGS) --out "$(EXPORTS)"

notebooks: $(PROCESSED)/documents.parquet ## Run the notebooks on processed/ into reports/*.html (offline HTML)
	$(PY) -m pipeline.reports --processed "$(PROCESSED)" --interim "$(INTERIM)" --out "$(REPORTS)"

LAB_STAMP := $(VENV)/.lab-installed
$(LAB_STAMP): requirements-lab.lock | $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-lab.lock
	$(PY) -m ipykernel install --sys-prefix --name ngo-pages-pipeline --display-name "Python (ngo-pages-pipeline)"
	@touch $@

lab: $(LAB_STAMP) ## Open the notebooks in JupyterLab with the project's kernel (installs the optional lab extra once)
	PIPELINE_PROCESSED="$(abspath $(PROCESSED))" PIPELINE_INTERIM="$(abspath $(INTERIM))" \
	$(VENV)/bin/jupyter lab notebooks/ --ServerApp.ip=127.0.0.1 --LabApp.news_url=None \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean: ## Remove interim/ and processed/ (never raw/)
	rm -rf "$(INTERIM)" "$(PROCESSED)"

FORCE:
