# SC-WRES reporting workbook. `make` (or `make help`) lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LA ?= norfolk
PERIOD ?=
AUDIENCE ?= public
AS_OF ?=
LAS ?=
PERIODS ?=
JOBS ?=
FORCE ?=
REGION ?=
N ?= 150
MODULES ?=
FORM ?= counts
STAFF ?=
CHROMIUM ?= /usr/bin/chromium
BY ?=
ON ?=

# User variables reach the commands only through the environment, read by Python as arguments, and never
# as text pasted into a shell line or Python source: LA='x"; rm -rf ~; echo "' stays one odd council name.
# $(value X) takes the text as typed, so make does not run a $(shell ...) inside it either; unexport stops
# make exporting the variables themselves (it would expand them to do so).
USER_VARS := LA PERIOD AUDIENCE AS_OF LAS PERIODS JOBS FORCE REGION N FORM STAFF CHROMIUM BY ON MODULES
unexport $(USER_VARS)
$(foreach v,$(USER_VARS),$(eval export SCWRES_ARG_$(v) := $$(value $(v))))
export SCWRES_ARG_FORCE := $(if $(filter 1 yes true,$(value FORCE)),1)

.PHONY: help report test lab clean lint data

help: ## list the targets
	@echo "SC-WRES reporting workbook"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: LA=<council> PERIOD=<yyyy> AUDIENCE=public|internal FORM=counts|records"
	@echo "           LAS=\"<council> ...\" PERIODS=\"<yyyy> ...\" JOBS=<n> FORCE=1 REGION=<region> N=<councils>"

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@echo "Setting up the environment in $(VENV) (first run only; a few minutes)..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name scwres --display-name "Python (SC-WRES)" >/dev/null
	@touch $@

report: $(STAMP) ## build one council's report: make report LA=norfolk [PERIOD=2024] [AUDIENCE=internal]
	$(PY) -m scwres report --la "$$SCWRES_ARG_LA" --period "$$SCWRES_ARG_PERIOD" --audience "$$SCWRES_ARG_AUDIENCE"

.PHONY: preview
preview: $(STAMP) ## rebuild one report on every saved change (commentary alone: seconds): make preview LA=norfolk [PERIOD=2024]
	$(PY) -m scwres preview --la "$$SCWRES_ARG_LA" --period "$$SCWRES_ARG_PERIOD" --audience "$$SCWRES_ARG_AUDIENCE"

.PHONY: pdf
pdf: $(STAMP) ## print the already-built report to an A4 PDF (page numbers, bookmarks): make pdf LA=norfolk [PERIOD=2024] [AUDIENCE=internal]
	$(PY) -m scwres pdf --la "$$SCWRES_ARG_LA" --period "$$SCWRES_ARG_PERIOD" --audience "$$SCWRES_ARG_AUDIENCE" \
	  --chromium "$$SCWRES_ARG_CHROMIUM"

.PHONY: signoff
signoff: $(STAMP) ## record the senior sponsors' sign-off of a public report: make signoff LA=norfolk PERIOD=2024 BY="<name, role>" [ON=yyyy-mm-dd]
	$(PY) -m scwres signoff --la "$$SCWRES_ARG_LA" --period "$$SCWRES_ARG_PERIOD" --by="$$SCWRES_ARG_BY" \
	  --on="$$SCWRES_ARG_ON"

.PHONY: update
update: $(STAMP) ## write an action plan progress update: make update LA=norfolk AS_OF=2023-02-28
	$(PY) -m scwres update --la "$$SCWRES_ARG_LA" --as-of "$$SCWRES_ARG_AS_OF"

.PHONY: template
template: $(STAMP) ## write a blank return workbook with drop-downs: make template LA=norfolk [FORM=records]
	$(PY) -m scwres template --la "$$SCWRES_ARG_LA" --form "$$SCWRES_ARG_FORM"

.PHONY: reports national bench synthetic
reports: $(STAMP) ## build every council and period in parallel, only what changed: [LAS="norfolk leeds"] [PERIODS=2024] [JOBS=2] [FORCE=1]
	$(PY) -m scwres reports --las "$$SCWRES_ARG_LAS" --periods "$$SCWRES_ARG_PERIODS" \
	  $${SCWRES_ARG_JOBS:+--jobs "$$SCWRES_ARG_JOBS"} $${SCWRES_ARG_FORCE:+--force}

national: $(STAMP) ## national roll-up with funnel plots: make national PERIOD=2024 [REGION=London]
	$(PY) -m scwres national --period "$$SCWRES_ARG_PERIOD" --region "$$SCWRES_ARG_REGION" \
	  $${SCWRES_ARG_JOBS:+--jobs "$$SCWRES_ARG_JOBS"}

bench: $(STAMP) ## ratios against the naive way: batch, make report, preview; N generated councils, memory (slow)
	$(PY) -m scwres bench --scale "$$SCWRES_ARG_N" $${SCWRES_ARG_JOBS:+--jobs "$$SCWRES_ARG_JOBS"}

.PHONY: fuzz bench-scale
fuzz: $(STAMP) ## mutate returns, params and action plans N times; a table of outcomes, crashes saved: make fuzz N=10000
	$(PY) tests/fuzz/fuzz.py --n "$$SCWRES_ARG_N" $${SCWRES_ARG_JOBS:+--jobs "$$SCWRES_ARG_JOBS"}

bench-scale: $(STAMP) ## time and memory of validation (200,000 rows) and suppression (many pay bands)
	$(PY) -m scwres bench-scale

.PHONY: mutate
mutate: $(STAMP) ## mutation testing of the modules that decide published figures (slow, not in make test): [MODULES="metrics/stats.py"]
	$(PY) -m scwres mutate --modules "$$SCWRES_ARG_MODULES" $${SCWRES_ARG_JOBS:+--jobs "$$SCWRES_ARG_JOBS"}

.PHONY: bench-records
bench-records: $(STAMP) ## time reading, checking and counting 200,000 staff records (STAFF=<n> to change)
	$(PY) -m scwres bench-records $${SCWRES_ARG_STAFF:+--staff "$$SCWRES_ARG_STAFF"}

synthetic: $(STAMP) ## write N generated councils to build/synthetic (raw/, params/): make synthetic N=150
	$(PY) -m scwres synthetic --n "$$SCWRES_ARG_N" --out build/synthetic

test: $(STAMP) ## run every test (unit, property, end-to-end, accessibility)
	$(PY) -m pytest -n 2

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab notebooks

data: $(STAMP) ## re-create the illustrative returns and params from the seeded generator
	$(PY) -m scwres data

lint: $(STAMP) ## ruff on the code and tests
	$(VENV)/bin/ruff check lib tests

clean: ## remove build outputs and reports (keeps the environment)
	rm -rf build reports
