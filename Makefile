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
FLAVOUR ?= cpu## which lock the legacy environment installs: cpu, gpu, or mkl (opt-in: intel-tensorflow 1.14, MKL-DNN; README Benchmarks)
IMAGE ?= kerasgan## Docker image name prefix (RUNNER=docker)
RUNNER ?= $(shell docker image inspect "$(IMAGE):$$(docker/gpu-flavour)" >/dev/null 2>&1 && echo docker || echo local)## local or docker (default: docker when an engine answers and this machine's image exists)
PYTEST_ARGS ?=## extra arguments for pytest, e.g. -k shim
INGEST_PYTHON ?=## Python 3.10+ for .venv-ingest (default: python3.13 ... python3.10, then python3 on PATH)
INGEST_VENV ?= .venv-ingest## the ingestion environment for download/reshape (maintained Python, current Pillow)
SYSTEM_PACKAGES ?= 1## setup: install the missing system packages of docker/system-packages (Chromium, chromedriver, emoji font; as root or by sudo -n); 0 = skip, you install them

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

# How a stage runs in the ingestion environment (download, reshape: untrusted web content; README "Security").
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
	  grep -hE '^[A-Z0-9_]+ \?=.*## ' "$$file" | sed -E 's/^([A-Z0-9_]+) \?=.*## (.*)$$/\1\t\2/' \
	    | while IFS=$$'\t' read -r name text; do printf '  %-24s %s\n' "$$name" "$$text"; done; \
	done

# ---------------------------------------------------------------- environment (issue: pinned legacy stack)
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

$(INGEST_STAMP): $(INGEST_LOCK) docker/find-python-ingest
	@py="$$(docker/find-python-ingest '$(INGEST_PYTHON)')"; \
	if [ ! -x $(INGEST_VENV)/bin/python ] || ! $(INGEST_VENV)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
	   || { [ -n '$(INGEST_PYTHON)' ] && [ "$$($$py -c 'import sys; print(sys.version)')" != "$$($(INGEST_VENV)/bin/python -c 'import sys; print(sys.version)')" ]; }; then \
	  echo "setup: creating $(INGEST_VENV) from $$py"; rm -rf $(INGEST_VENV); "$$py" -m venv $(INGEST_VENV); fi
	$(INGEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r $(INGEST_LOCK)
	@site="$$($(INGEST_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"; \
	  echo "$(abspath src)" > "$$site/kerasgan-src.pth"
	@touch $@
	@echo "setup: $(INGEST_VENV) matches $(INGEST_LOCK)"

.PHONY: env-check
env-check: $(LEGACY_ENV) ## print versions, GPU and CUDA/cuDNN; fail if anything drifts from the lock
	$(LEGACY_RUN) env-check --lock $(LOCK)

.PHONY: lock
lock: $(TOOLS)/bin/uv ## regenerate the hashed locks from docker/requirements/*.in
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple $(REQ)/legacy-cpu.in -o $(REQ)/legacy-cpu.txt
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple -c $(REQ)/legacy-cpu.txt \
	  $(REQ)/legacy-gpu.in -o $(REQ)/legacy-gpu.txt
	$(TOOLS)/bin/uv pip compile --quiet --universal --python-version 3.10 \
	  --generate-hashes --index-url https://pypi.org/simple $(REQ)/ingest.in -o $(REQ)/ingest.txt

$(TOOLS)/bin/uv: $(REQ)/tools.txt
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes -r $(REQ)/tools.txt
	@touch $@

# ---------------------------------------------------------------- tests
.PHONY: test
test: $(STAMP) $(INGEST_STAMP) $(TOOLS)/bin/uv ## run the test suite (creates the environments first if missing; hadolint from .venv-tools)
	$(VENV)/bin/python -m pytest tests --ignore tests/ingest $(PYTEST_ARGS)
	@# tests/ingest: download and reshape, in their own environment (exit 5: PYTEST_ARGS selected none there)
	$(INGEST_VENV)/bin/python -m pytest tests/ingest -p no:cacheprovider $(PYTEST_ARGS) || [ $$? -eq 5 ]

.PHONY: clean
clean: ## remove the environments (data/ and generated/ are never touched)
	rm -rf $(VENV) $(TOOLS) $(INGEST_VENV)

# ---------------------------------------------------------------- docker (issue 3)
# Images (docker/Dockerfile.*): cpu, gpu (CUDA 10.0, GPUs up to Turing), gpu-current (NGC TF1 base,
# Ampere and newer; unverified here) and ingest. Every install is offline from docker/wheelhouse.
DOCKER ?= docker## container engine client (RUNNER=docker, docker-test)
DOCKER_FLAVOUR ?= $(shell docker/gpu-flavour)## image for this machine: cpu, gpu (compute capability <= 7.5) or gpu-current (>= 8.0); default from nvidia-smi
DOCKER_FLAVOUR := $(DOCKER_FLAVOUR)
DOCKER_USER ?= $(shell id -u):$(shell id -g)## uid:gid the containers run as, so what they write is owned by you
DOCKER_TEST_IMAGE ?= kerasgan-ci## image name prefix of docker-test's images (never $(IMAGE): RUNNER's default stays as it was)
LOCKS ?= $(DOCKER_LOCK_$(DOCKER_FLAVOUR)) $(if $(wildcard $(REQ)/ingest.txt),ingest)## locks `make wheelhouse` downloads (default: those of this machine's images)

WHEELHOUSE := docker/wheelhouse
DOCKER_LOCK_cpu := legacy-cpu
DOCKER_LOCK_gpu := legacy-gpu
DOCKER_LOCK_gpu-current := ngc-py38
# Each lock's target interpreter and newest glibc (manylinux_2_N) of its image's base.
WHEEL_PY_bootstrap := 3.7
WHEEL_PY_legacy-cpu := 3.7
WHEEL_PY_legacy-gpu := 3.7
WHEEL_PY_ngc-py38 := 3.8
WHEEL_PY_ingest := 3.12
WHEEL_GLIBC_bootstrap := 17
WHEEL_GLIBC_legacy-cpu := 17
WHEEL_GLIBC_legacy-gpu := 17
WHEEL_GLIBC_ngc-py38 := 31
WHEEL_GLIBC_ingest := 36
wheel_abi = cp$(subst .,,$(1))$(if $(filter 3.7,$(1)),m)
wheel_platforms = --platform manylinux1_x86_64 --platform manylinux2010_x86_64 --platform manylinux2014_x86_64 \
  $(foreach n,$(shell seq 5 $(1)),--platform manylinux_2_$(n)_x86_64)
# BuildKit when the buildx plugin is there, else the classic builder (the Dockerfiles work with both).
DOCKER_BUILD = DOCKER_BUILDKIT=$$($(DOCKER) buildx version >/dev/null 2>&1 && echo 1 || echo 0) $(DOCKER) build

# The runner: a stage as the invoking user, DATA_DIR and OUT_DIR mounted at their host paths (created
# first, so the engine does not create them as root) and the working directory the same as here, so
# paths in recipes mean the same inside; the host's locks mounted so env-check compares the image with
# the lock as it is now; the GPU passed through for the gpu images.
DOCKER_RUN = mkdir -p "$(KERASGAN_DATA_DIR)" "$(KERASGAN_OUT_DIR)" && $(DOCKER) run --rm --init \
  --user $(DOCKER_USER) $(if $(filter gpu%,$(DOCKER_FLAVOUR)),--gpus all) \
  --env PYTHONHASHSEED --env KERASGAN_DATA_DIR --env KERASGAN_OUT_DIR --env TF_CPP_MIN_LOG_LEVEL --env KERASGAN_THREADS --env KERASGAN_INTER_THREADS \
  --mount type=bind,src="$(KERASGAN_DATA_DIR)",dst="$(KERASGAN_DATA_DIR)" \
  --mount type=bind,src="$(KERASGAN_OUT_DIR)",dst="$(KERASGAN_OUT_DIR)" \
  --mount type=bind,src="$(CURDIR)/$(REQ)",dst="$(CURDIR)/$(REQ)",readonly --workdir "$(CURDIR)"

ifeq ($(RUNNER),docker)
LEGACY_RUN = $(DOCKER_RUN) $(IMAGE):$(DOCKER_FLAVOUR) python -m kerasgan
INGEST_RUN = $(DOCKER_RUN) $(IMAGE):ingest python -m kerasgan
LOCK := $(REQ)/$(DOCKER_LOCK_$(DOCKER_FLAVOUR)).txt
setup: docker-image
endif

.PHONY: wheelhouse
wheelhouse: $(foreach l,bootstrap $(LOCKS),$(WHEELHOUSE)/$(l)/.complete) ## download the locks' files (hash-checked) into docker/wheelhouse/<lock>/ for offline image builds

$(WHEELHOUSE)/%/.complete: $(REQ)/%.txt
	@mkdir -p $(@D)
	PIP_CONFIG_FILE=/dev/null python3 -m pip download --isolated --quiet --disable-pip-version-check \
	  --no-deps --require-hashes --index-url https://pypi.org/simple --dest $(@D) \
	  --python-version $(WHEEL_PY_$*) --implementation cp --abi $(call wheel_abi,$(WHEEL_PY_$*)) \
	  $(call wheel_platforms,$(WHEEL_GLIBC_$*)) -r $<
	@touch $@

.PHONY: docker-image
docker-image: ## build $(IMAGE):$(DOCKER_FLAVOUR) for this machine (and $(IMAGE):ingest once its lock exists)
	@if [ "$(DOCKER_FLAVOUR)" = cpu ]; then echo "docker-image: no NVIDIA GPU found (nvidia-smi): building the CPU image $(IMAGE):cpu"; \
	 else echo "docker-image: NVIDIA GPU found: building $(IMAGE):$(DOCKER_FLAVOUR)"; fi
	@$(MAKE) --no-print-directory wheelhouse LOCKS="$(DOCKER_LOCK_$(DOCKER_FLAVOUR)) $(if $(wildcard $(REQ)/ingest.txt),ingest)"
	$(DOCKER_BUILD) -f docker/Dockerfile.$(DOCKER_FLAVOUR) --target runtime -t $(IMAGE):$(DOCKER_FLAVOUR) .
	$(if $(wildcard $(REQ)/ingest.txt),$(DOCKER_BUILD) -f docker/Dockerfile.ingest --target runtime -t $(IMAGE):ingest .)

.PHONY: docker-suite
docker-suite: ## run the legacy test suite (all but tests/ingest and test_pipeline.py, which need .venv-ingest too) in $(IMAGE):$(DOCKER_FLAVOUR)-test through the runner (docker-test builds it)
	$(DOCKER_RUN) $(IMAGE):$(DOCKER_FLAVOUR)-test python -m pytest -p no:cacheprovider \
	  --basetemp "$(KERASGAN_OUT_DIR)/docker-test/pytest" /app/tests --ignore /app/tests/ingest \
	  --ignore /app/tests/test_pipeline.py $(PYTEST_ARGS)

.PHONY: docker-probe
docker-probe: ## write a file into DATA_DIR/$$PROBE/ and OUT_DIR/docker-test/probe/ through the runner (docker-test's ownership check)
	$(DOCKER_RUN) $(IMAGE):$(DOCKER_FLAVOUR) python -c 'import os, pathlib; \
	  dirs = [pathlib.Path(os.environ["KERASGAN_DATA_DIR"], "$(PROBE)"), pathlib.Path(os.environ["KERASGAN_OUT_DIR"], "docker-test", "probe")]; \
	  [d.mkdir(parents=True, exist_ok=True) or (d / "written-in-container.txt").write_text("probe") for d in dirs]'

.PHONY: docker-test
docker-test: ## CI proof: Dockerfile.cpu on a stand-in base; env-check and the suite inside as a non-root user; host ownership checked
	docker/docker-test

.PHONY: lint
lint: $(TOOLS)/bin/uv ## hadolint over every Dockerfile
	$(TOOLS)/bin/hadolint docker/Dockerfile.*

lock: lock-docker
.PHONY: lock-docker
lock-docker: $(TOOLS)/bin/uv ## regenerate the docker locks: bootstrap (pip), ngc-py38 (gpu-current), tools (uv, hadolint)
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --generate-hashes --index-url https://pypi.org/simple \
	  $(REQ)/bootstrap.in -o $(REQ)/bootstrap.txt
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.8 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple --no-emit-package numpy \
	  $(REQ)/ngc-py38.in -o $(REQ)/ngc-py38.txt
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes --index-url https://pypi.org/simple \
	  $(REQ)/tools.in -o $(REQ)/tools.txt

# ---------------------------------------------------------------- pipelines
# One include per pipeline, from its own folder: its `make <pipeline>-<verb>` targets and variables
# (kerasgan/pipelines/__init__.py lists the pipelines). Pikachu first: the seeds' plain verbs.
PIPELINE_MAKEFILES := src/kerasgan/pipelines/pikachu/pipeline.mk \
  $(filter-out src/kerasgan/pipelines/pikachu/pipeline.mk,$(sort $(wildcard src/kerasgan/pipelines/*/pipeline.mk)))
include $(PIPELINE_MAKEFILES)

# ---------------------------------------------------------------- benchmarks (issue 13)
include src/kerasgan/bench/bench.mk

# ---------------------------------------------------------------- notebooks (issue 14)
include src/kerasgan/notebook/notebook.mk

# ---------------------------------------------------------------- fingerprints
include src/kerasgan/kit/fingerprint.mk
