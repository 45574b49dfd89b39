# kerasgan — the classic Keras GAN tutorials, runnable again.
# Make is the user interface: `make help` lists every target and variable.
# Each `## text` after a target or variable is its line in `make help`.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

# ---------------------------------------------------------------- variables
DATA_DIR ?= data## datasets: downloads/, reshaped/, labeled/, predicted/, models/, reports/
OUT_DIR ?= generated## results of runs: <pipeline>/<RUN>/
SEED ?= 0## the one seed behind every random source (also PYTHONHASHSEED)
PYTHON ?=## Python 3.7 interpreter for .venv (default: python3.7 on PATH, else newest pyenv 3.7.*)
VENV ?= $(if $(filter mkl,$(FLAVOUR)),.venv-mkl,.venv)## the legacy environment (Python 3.7, TF 1.14, Keras 2.1.2; FLAVOUR=mkl: .venv-mkl)
FLAVOUR ?= cpu## which lock the legacy environment installs: cpu, gpu, or mkl (opt-in: intel-tensorflow 1.14, MKL-DNN; docs/environment.md#the-mkl-dnn-flavour)
IMAGE ?= kerasgan## Docker image name prefix (RUNNER=docker)
RUNNER ?= $(shell docker image inspect "$(IMAGE):$$(docker/gpu-flavour)" >/dev/null 2>&1 && echo docker || echo local)## local or docker (default: docker when an engine answers and this machine's image exists)
# Probed once per make: the sub-makes (SUBMAKE below) get the answer on their command line.
RUNNER := $(RUNNER)
PYTEST_ARGS ?=## extra arguments for pytest, e.g. -k shim
INGEST_PYTHON ?=## Python 3.10+ for .venv-ingest and .venv-sweep (default: python3.13 ... python3.10, then python3 on PATH)
INGEST_VENV ?= .venv-ingest## the ingestion environment for download/reshape (maintained Python, current Pillow)
SYSTEM_PACKAGES ?= 1## setup: install the missing system packages of docker/system-packages (Chromium, chromedriver, emoji font; as root or by sudo -n); 0 = skip, you install them

# Run variables shared by every pipeline: one name, one meaning (empty: the pipeline's own default,
# the DEFAULTS table of its train.py).
RUN ?=## run name: OUT_DIR/<pipeline>/<RUN>/ (default: default); the same RUN again resumes it
EPOCHS ?=## *train: epochs in all (default: the original's); a larger value extends a finished run
EPOCH ?=## generate/test: which weights sample: last, best (lowest discriminator loss) or a kept epoch (default: the pipeline's)
N ?=## generate/arithmetic: number of samples (default: the pipeline's, mostly 100)
BATCH ?=## *train: batch size (default: the original's); dcgan-generate: samples kept
SIZE ?=## *train, pix2pix-preprocess: image side (default: the original's: Pikachu 32, pix2pix 256)
A ?=## evaluate: generated images (a folder, a run folder or a run name); fingerprint-compare: a manifest, run folder or DEMO_DIR
B ?=## evaluate: real images (a folder, real = the domain's own data (default), targets = pix2pix's); fingerprint-compare: the other manifest (default: docs/reproducibility-reference.json)
SAVE_EVERY ?=## train, adversarial-*-train, pix2pix-train: grid + metrics + checkpoint every N epochs (default: the original's: Pikachu 100, adversarial-* 1, pix2pix 5; their demos: adversarial-* 3, pix2pix 10)
NCH ?=## train, adversarial-cifar10-train: generator/discriminator channels nch (default: the original's: Pikachu 512, CIFAR-10 256)
KERNEL ?=## train, adversarial-cifar10-train, cartoon-train: convolution kernel side h (default: the original's: Pikachu 7, CIFAR-10 5, cartoon 5)
NICE ?=## generate: 1 = keep the samples the discriminator scores highest of 20x as many (keras-dcgan --nice)
DEMO_DIR ?= generated/demo## *-demo: where a demo writes everything (DATA_DIR=DEMO_DIR/data, OUT_DIR=DEMO_DIR)

# $(call opt,--flag,$(VAR)): `--flag 'value'` when VAR is set, nothing when empty (the Python default).
opt = $(if $(strip $(2)),$(1) '$(strip $(2))')
# A make inside a recipe: the runner already probed.
SUBMAKE = $(MAKE) --no-print-directory RUNNER=$(RUNNER)
# A demo's stages: everything under DEMO_DIR, run name demo. $(call demo_begin,<demo>) and
# $(call demo_end,<demo>,<pipeline>,<label>=<file in the run folder> ...) frame its recipe.
DEMO_OUT = $(abspath $(DEMO_DIR))
DEMO_DATA = $(DEMO_OUT)/data
DEMO_MAKE = $(SUBMAKE) DATA_DIR='$(DEMO_DATA)' OUT_DIR='$(DEMO_OUT)' RUN=demo
demo_begin = @mkdir -p '$(DEMO_DATA)'; date +%s > '$(DEMO_DATA)/.$(1)-started'
demo_end = @run='$(DEMO_OUT)/$(2)/demo'; \
  echo "$(1): done in $$(( $$(date +%s) - $$(cat '$(DEMO_DATA)/.$(1)-started') )) s (SEED=$(SEED))"; \
  $(foreach item,$(3),printf '%s: %-9s %s\n' '$(1)' '$(word 1,$(subst =, ,$(item)))' "$$run/$(word 2,$(subst =, ,$(item)))";)

export PYTHONHASHSEED := $(SEED)
export KERASGAN_DATA_DIR := $(abspath $(DATA_DIR))
export KERASGAN_OUT_DIR := $(abspath $(OUT_DIR))
export TF_CPP_MIN_LOG_LEVEL ?= 2

REQ := docker/requirements
LOCK := $(REQ)/legacy-$(FLAVOUR).txt
STAMP := $(VENV)/.installed-$(FLAVOUR)
TOOLS := .venv-tools
SITE = $(VENV)/lib/python3.7/site-packages

# How a stage runs in the legacy environment. RUNNER=docker replaces this (docker section below).
LEGACY_RUN = $(VENV)/bin/python -m kerasgan

# How a stage runs in the ingestion environment (download, reshape: untrusted web content; docs/security.md#two-environments).
INGEST_LOCK := $(REQ)/ingest.txt
INGEST_STAMP := $(INGEST_VENV)/.installed
INGEST_RUN = $(INGEST_VENV)/bin/python -m kerasgan

# What a stage needs before it can run: the local environments, or nothing on the host when the
# Docker images provide them (`make setup RUNNER=docker` builds those; see the docker section).
# The system packages (docker/system-packages) likewise: the images have them, so not with docker.
ifeq ($(RUNNER),docker)
LEGACY_ENV :=
INGEST_ENV :=
SYSTEM_ENV :=
else
LEGACY_ENV := $(STAMP)
INGEST_ENV := $(INGEST_STAMP)
SYSTEM_ENV := $(if $(filter 0,$(SYSTEM_PACKAGES)),,system-packages)
endif

# ---------------------------------------------------------------- help
.PHONY: help
help: ## list targets and variables, grouped by pipeline
	@printf 'Usage: make <target> [VAR=value ...]\n'
	@for file in $(MAKEFILE_LIST); do \
	  title=$$(sed -n 's/^# help: //p' "$$file" | head -n 1); \
	  printf '\n%s\n' "$${title:-Common: set-up, tests, Docker (variables shared by every pipeline)}"; \
	  grep -hE '^[a-zA-Z0-9_.-]+:.*## ' "$$file" | awk 'BEGIN {FS = ":.*## "} {printf "  %-24s %s\n", $$1, $$2}'; \
	  { grep -hE '^[A-Z0-9_]+ \?=.*## ' "$$file" || true; } | sed -E 's/^([A-Z0-9_]+) \?=.*## (.*)$$/\1\t\2/' \
	    | while IFS=$$'\t' read -r name text; do printf '  %-24s %s\n' "$$name" "$$text"; done; \
	done

# ---------------------------------------------------------------- environment: the pinned legacy stack
.PHONY: setup system-packages
setup: $(SYSTEM_ENV) $(LEGACY_ENV) $(INGEST_ENV) ## install missing system packages, create the environments and install the hashed locks (idempotent)

system-packages: ## install the missing system packages the pipelines need (docker/system-packages; root or sudo -n)
	@docker/system-packages

# Listed first, the check runs first; under -j the environments must also wait for it, so that a
# missing package stops setup (and demo) before any venv is created.
ifneq ($(filter setup demo %-demo,$(MAKECMDGOALS)),)
$(STAMP) $(INGEST_STAMP): | $(SYSTEM_ENV)
endif

ifeq ($(FLAVOUR),mkl)
# Opt-in: legacy-cpu.txt with intel-tensorflow (overlay lock legacy-mkl.txt) in its own VENV.
$(STAMP): $(REQ)/legacy-cpu.txt $(LOCK) docker/install-mkl docker/kerasgan-startup.pth
	docker/install-mkl "$$(docker/find-python37 '$(PYTHON)')" $(VENV) $(REQ)/legacy-cpu.txt $(LOCK)
	@echo "$(abspath src)" > $(SITE)/kerasgan-src.pth
	@cp docker/kerasgan-startup.pth $(SITE)/kerasgan-startup.pth
	@touch $@
	@echo "setup: $(VENV) matches $(REQ)/legacy-cpu.txt with $(LOCK)"
else
$(STAMP): $(LOCK) docker/kerasgan-startup.pth
	@py="$$(docker/find-python37 '$(PYTHON)')"; \
	if [ ! -x $(VENV)/bin/python ] || ! $(VENV)/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null; then \
	  echo "setup: creating $(VENV) from $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); fi
	$(VENV)/bin/python -m pip install --quiet --no-deps --require-hashes -r $(LOCK)
	@echo "$(abspath src)" > $(SITE)/kerasgan-src.pth
	@cp docker/kerasgan-startup.pth $(SITE)/kerasgan-startup.pth
	@touch $@
	@echo "setup: $(VENV) matches $(LOCK)"
endif

# $(call maintained_venv,<venv>,<lock>): a venv on a maintained Python (INGEST_PYTHON, 3.10+) with
# the hashed lock and this checkout's src/ on its path: .venv-ingest and .venv-sweep.
define maintained_venv
	@py="$$(docker/find-python-ingest '$(INGEST_PYTHON)')"; \
	if [ ! -x $(1)/bin/python ] || ! $(1)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
	   || { [ -n '$(INGEST_PYTHON)' ] && [ "$$($$py -c 'import sys; print(sys.version)')" != "$$($(1)/bin/python -c 'import sys; print(sys.version)')" ]; }; then \
	  echo "setup: creating $(1) from $$py"; rm -rf $(1); "$$py" -m venv $(1); fi
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r $(2)
	@site="$$($(1)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"; \
	  echo "$(abspath src)" > "$$site/kerasgan-src.pth"
	@touch $(1)/.installed
	@echo "setup: $(1) matches $(2)"
endef

$(INGEST_STAMP): $(INGEST_LOCK) docker/find-python-ingest
	$(call maintained_venv,$(INGEST_VENV),$(INGEST_LOCK))

.PHONY: env-check
env-check: $(LEGACY_ENV) ## print versions, GPU and CUDA/cuDNN; fail if anything drifts from the lock
	$(LEGACY_RUN) env-check --lock $(LOCK)

# ---------------------------------------------------------------- tests
.PHONY: test
test: $(STAMP) $(INGEST_STAMP) $(TOOLS)/bin/uv ## run the test suite (creates the environments first if missing; hadolint from .venv-tools)
	$(VENV)/bin/python -m pytest tests --ignore tests/ingest $(PYTEST_ARGS)
	@# tests/ingest: download and reshape, in their own environment (exit 5: PYTEST_ARGS selected none there)
	$(INGEST_VENV)/bin/python -m pytest tests/ingest -p no:cacheprovider $(PYTEST_ARGS) || [ $$? -eq 5 ]

.PHONY: clean
clean: ## remove the environments (data/ and generated/ are never touched)
	rm -rf $(VENV) $(TOOLS) $(INGEST_VENV)

# ---------------------------------------------------------------- Docker, locks, wheelhouse
include docker/docker.mk

# ---------------------------------------------------------------- pipelines
# One include per pipeline, from its own folder: its `make <pipeline>-<verb>` targets and variables
# (kerasgan/pipelines/__init__.py lists the pipelines). Pikachu first: the seeds' plain verbs.
PIPELINE_MAKEFILES := src/kerasgan/pipelines/pikachu/pipeline.mk \
  $(filter-out src/kerasgan/pipelines/pikachu/pipeline.mk,$(sort $(wildcard src/kerasgan/pipelines/*/pipeline.mk)))
include $(PIPELINE_MAKEFILES)

# ---------------------------------------------------------------- benchmarks
include src/kerasgan/bench/bench.mk

# ---------------------------------------------------------------- notebooks
include src/kerasgan/notebook/notebook.mk

# ---------------------------------------------------------------- evaluation
include src/kerasgan/evaluation/evaluation.mk

# ---------------------------------------------------------------- sweeps
include src/kerasgan/sweep/sweep.mk

# ---------------------------------------------------------------- fingerprints
include src/kerasgan/kit/fingerprint.mk
