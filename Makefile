# A thin front to `pipeline`: the pipeline itself knows, per stage and per
# document, what is done (interim/state/), so make never decides from file
# times. `make` runs every stage that has work to do; `make <stage>` runs that
# stage and the stages it needs before it; a second `make` does no work.

SHELL := /bin/bash
.DEFAULT_GOAL := all

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

RAW ?= raw
REPORTS ?= reports
INTERIM ?= interim
PROCESSED ?= processed
GOLD ?= eval/gold/dev
EXPORTS ?= exports
CORRECTIONS ?= corrections.csv
WORKERS ?=
EXECUTOR ?= local
ORGANISATION ?=
ARGS = --raw "$(RAW)" --interim "$(INTERIM)" --processed "$(PROCESSED)" --corrections "$(CORRECTIONS)"
RUN_ARGS = $(ARGS) --executor $(EXECUTOR) $(if $(WORKERS),--workers $(WORKERS))

STAGES := ingest language extract resolve link

.PHONY: all help install $(STAGES) normalise run status eval export lab test lint bench bench-html notebooks clean

all: $(STAMP) ## Set up (first time) and run every stage on raw/, then print a summary
	$(PY) -m pipeline run $(RUN_ARGS)

help: ## List the targets
	@awk -F ':.*## ' '/^[a-zA-Z_ -]+:.*## / { printf "%-14s%s\n", $$1, $$2 }' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv and install the pinned dependencies and models (hash-checked)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

ingest: $(STAMP) ## Stage 1: raw pages into interim/documents.parquet
	$(PY) -m pipeline ingest $(RUN_ARGS)

language: $(STAMP) ## Stage 2 (and 1): segments and their languages into interim/segments.parquet
	$(PY) -m pipeline language $(RUN_ARGS)

extract: $(STAMP) ## Stage 3 (and before): NER, dates and figures into interim/mentions.parquet
	$(PY) -m pipeline extract $(RUN_ARGS)

resolve: $(STAMP) ## Stage 4 (and before): each document's entities into interim/resolved/
	$(PY) -m pipeline resolve $(RUN_ARGS)

link: $(STAMP) ## Stage 5 (and before): organisations across documents; publishes processed/
	$(PY) -m pipeline link $(RUN_ARGS)

normalise: link ## The same as link (its former name)

run: all ## The same as all

status: $(STAMP) ## What is in raw/ against what has been processed
	@$(PY) -m pipeline status $(ARGS)

eval: all ## Score processed/ against gold annotations: make eval [GOLD=DIR RAW=DIR] [VERBOSE=1]
	$(PY) -m pipeline eval $(ARGS) --gold "$(GOLD)" $(if $(VERBOSE),--verbose)

export: all ## processed/ as CSV (UTF-8 with BOM) and one tables.xlsx in EXPORTS (default exports/)
	$(PY) -m pipeline export $(ARGS) --out "$(EXPORTS)"

test: $(STAMP) ## Run the tests
	$(PY) -m pytest

lint: $(STAMP) ## ruff check and format check
	$(PY) -m ruff check pipeline tests
	$(PY) -m ruff format --check pipeline tests

bench: $(STAMP) ## Throughput, memory and re-run figures on a generated corpus (one JSON line)
	$(PY) -m pipeline.bench

bench-html: $(STAMP) ## Main-text extraction on the external HTML benchmark
	$(PY) -m pipeline.bench_html

notebooks: all ## Run the notebooks on processed/ into reports/*.html (offline HTML; ORGANISATION=name or org_id for 03-organisation)
	$(PY) -m pipeline.reports --processed "$(PROCESSED)" --interim "$(INTERIM)" --out "$(REPORTS)" \
		$(if $(ORGANISATION),--organisation "$(ORGANISATION)")

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
