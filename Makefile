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
VENV ?= .venv## the legacy environment (Python 3.7, TF 1.14, Keras 2.1.2)
FLAVOUR ?= cpu## which lock the legacy environment installs: cpu or gpu
IMAGE ?= kerasgan## Docker image name prefix (RUNNER=docker)
RUNNER ?= $(shell docker image inspect "$(IMAGE):$$(docker/gpu-flavour)" >/dev/null 2>&1 && echo docker || echo local)## local or docker (default: docker when an engine answers and this machine's image exists)
PYTEST_ARGS ?=## extra arguments for pytest, e.g. -k shim
INGEST_PYTHON ?=## Python 3.10+ for .venv-ingest (default: python3.13 ... python3.10, then python3 on PATH)
INGEST_VENV ?= .venv-ingest## the ingestion environment for download/reshape (maintained Python, current Pillow)
KEYWORDS ?= ピカチュウ,Pikachu,ポケモン,Pokemon## download: comma-separated search keywords (one downloads/<keyword>/ each)
LIMIT ?= 10000## download: images kept per keyword
SOURCE ?= google## download: where image URLs come from: google, bing or urls (with URLS=)
URLS ?=## download: for SOURCE=urls, a text file with one image URL per line
CHROMEDRIVER ?=## download: chromedriver executable (default: chromedriver on PATH; never downloaded)
SEARCH_URL ?=## download: results page template with {query}, e.g. http://127.0.0.1:8000/search?q={query}
CA_BUNDLE ?=## download: PEM of extra CAs to trust for image URLs (a local HTTPS server's)
FILE_DEADLINE ?=## download: seconds for one image, retries included; a host still sending then fails as timeout (default 40)
KEYWORD_DEADLINE ?=## download: seconds for one keyword's downloads; URLs left then are recorded as keyword-deadline (default 1800)
SIZE ?=## reshape: side of the square JPEGs in reshaped/ (default 256); train: image side, a multiple of 8 (default 32): both the original's, so give SIZE to one stage at a time
DEDUPE ?= 0## reshape: drop near duplicates at perceptual-hash distance <= DEDUPE (off: keep them)
JOBS ?=## reshape: worker processes (default: all cores)

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
ifeq ($(RUNNER),docker)
LEGACY_ENV :=
INGEST_ENV :=
else
LEGACY_ENV := $(STAMP)
INGEST_ENV := $(INGEST_STAMP)
endif

# ---------------------------------------------------------------- help
.PHONY: help
help: ## list targets and variables
	@printf 'Usage: make <target> [VAR=value ...]\n\nTargets:\n'
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort -u \
	  | awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'
	@printf '\nVariables (current value):\n'
	@grep -hE '^[A-Z_]+ \?=.*## ' $(MAKEFILE_LIST) \
	  | sed -E 's/^([A-Z_]+) \?=.*## (.*)$$/\1\t\2/' \
	  | while IFS=$$'\t' read -r name text; do printf '  %-14s %s\n' "$$name" "$$text"; done

# ---------------------------------------------------------------- environment (issue: pinned legacy stack)
.PHONY: setup
setup: $(LEGACY_ENV) $(INGEST_ENV) ## create the environments and install the hashed locks (idempotent)

$(STAMP): $(LOCK)
	@py="$$(docker/find-python37 '$(PYTHON)')"; \
	if [ ! -x $(VENV)/bin/python ] || ! $(VENV)/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null; then \
	  echo "setup: creating $(VENV) from $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); fi
	$(VENV)/bin/python -m pip install --quiet --no-deps --require-hashes -r $(LOCK)
	@echo "$(abspath src)" > $(SITE)/kerasgan-src.pth
	@touch $@
	@echo "setup: $(VENV) matches $(LOCK)"

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

# ---------------------------------------------------------------- data pipeline (issue 4): download, reshape
.PHONY: download
download: $(INGEST_ENV) ## find image URLs for KEYWORDS (SOURCE) and fetch them into DATA_DIR/downloads/ (resumes)
	$(INGEST_RUN) download --source '$(SOURCE)' --keywords '$(KEYWORDS)' --limit '$(LIMIT)' \
	  $(if $(URLS),--urls '$(URLS)') $(if $(CHROMEDRIVER),--chromedriver '$(CHROMEDRIVER)') \
	  $(if $(SEARCH_URL),--search-url '$(SEARCH_URL)') $(if $(CA_BUNDLE),--ca-bundle '$(CA_BUNDLE)') \
	  $(if $(FILE_DEADLINE),--file-deadline '$(FILE_DEADLINE)') $(if $(KEYWORD_DEADLINE),--keyword-deadline '$(KEYWORD_DEADLINE)')

.PHONY: reshape
reshape: $(INGEST_ENV) ## square downloads/*/* into DATA_DIR/reshaped/<n>.jpg (SIZE), report bad files and duplicates
	$(INGEST_RUN) reshape $(if $(SIZE),--size '$(SIZE)') --dedupe '$(DEDUPE)' $(if $(JOBS),--jobs '$(JOBS)')

# ---------------------------------------------------------------- tests
.PHONY: test
test: $(STAMP) $(INGEST_STAMP) $(TOOLS)/bin/uv ## run the test suite (creates the environments first if missing; hadolint from .venv-tools)
	$(VENV)/bin/python -m pytest tests --ignore tests/ingest $(PYTEST_ARGS)
	@# tests/ingest: download and reshape, in their own environment (exit 5: PYTEST_ARGS selected none there)
	$(INGEST_VENV)/bin/python -m pytest tests/ingest -p no:cacheprovider $(PYTEST_ARGS) || [ $$? -eq 5 ]

.PHONY: clean
clean: ## remove the environments (data/ and generated/ are never touched)
	rm -rf $(VENV) $(TOOLS) $(INGEST_VENV)

# ---- filter and label (issue 4)
TARGET ?= pikachu## filter/label: the wanted class, labeled/*/<TARGET>/ (the CNN's probability means "is TARGET")
CLASSES ?=## label: classes to click through, comma-separated (default: TARGET,others)
THRESHOLD ?= 0.99## filter: copy reshaped images with probability >= THRESHOLD to predicted/ (original: int(p*100) >= 99)
FILTER_EPOCHS ?= 100## filter: at most this many epochs (EarlyStopping, patience 3 on val_loss)
FILTER_STEPS ?= 100## filter: steps per epoch, batch 32
FILTER_MIN_IMAGES ?= 10## filter: refuse to train with fewer images in any labeled/<split>/<class>/
VALID_RATIO ?= 0.3## label: share of each class written to labeled/valids/ (the rest to trains/)
PORT ?= 8765## label: port of the labelling page on 127.0.0.1

FILTER_DATA := $(abspath $(DATA_DIR))
FILTER_MODEL := $(FILTER_DATA)/models/filter.h5
FILTER_SCORES := $(FILTER_DATA)/reports/filter_scores.csv
FILTER_CODE := $(wildcard src/kerasgan/filter*.py) src/kerasgan/determinism.py
# Fingerprints of each step's inputs (file list with sizes and times, plus the variables): rewritten
# only when they change, so Make retrains / rescores exactly when something it depends on changed.
FILTER_TRAIN_INPUTS := $(FILTER_DATA)/models/.filter-train.inputs
FILTER_SCORE_INPUTS := $(FILTER_DATA)/reports/.filter-score.inputs
filter_fingerprint = mkdir -p $(dir $@); \
	{ echo $(2); for d in $(1); do [ -d "$$d" ] && find "$$d" -type f ! -name '.*' -printf '%p %s %T@\n'; done | LC_ALL=C sort; } > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

.PHONY: filter filter-train filter-score label filter-inputs
filter: filter-train filter-score ## train the find-TARGET CNN on labeled/, then keep reshaped/ images with p >= THRESHOLD in predicted/

filter-train: $(FILTER_MODEL) ## train the filter CNN (labeled/ -> models/filter.h5, reports/filter_history.csv)

filter-score: $(FILTER_SCORES) ## score reshaped/ with the trained filter (-> predicted/, reports/filter_scores.csv, contact sheet)

filter-inputs: ## (internal) always check the fingerprints of the filter's inputs

$(FILTER_TRAIN_INPUTS): filter-inputs
	@$(call filter_fingerprint,'$(FILTER_DATA)/labeled/trains' '$(FILTER_DATA)/labeled/valids','TARGET=$(TARGET) SEED=$(SEED) FILTER_EPOCHS=$(FILTER_EPOCHS) FILTER_STEPS=$(FILTER_STEPS) FILTER_MIN_IMAGES=$(FILTER_MIN_IMAGES)')

$(FILTER_SCORE_INPUTS): filter-inputs
	@$(call filter_fingerprint,'$(FILTER_DATA)/reshaped','THRESHOLD=$(THRESHOLD)')

$(FILTER_MODEL): $(FILTER_TRAIN_INPUTS) $(FILTER_CODE) | $(LEGACY_ENV)
	$(LEGACY_RUN) filter train --target '$(TARGET)' --seed $(SEED) --epochs $(FILTER_EPOCHS) \
	  --steps $(FILTER_STEPS) --min-images $(FILTER_MIN_IMAGES)

$(FILTER_SCORES): $(FILTER_MODEL) $(FILTER_SCORE_INPUTS) $(FILTER_CODE) | $(LEGACY_ENV)
	$(LEGACY_RUN) filter score --threshold $(THRESHOLD)

label: | $(LEGACY_ENV) ## local page (127.0.0.1:PORT) to click reshaped/ images into labeled/{trains,valids}/<class>/
	$(LEGACY_RUN) label --target '$(TARGET)' --classes '$(CLASSES)' --port $(PORT) --seed $(SEED) \
	  --valid-ratio $(VALID_RATIO)

# ---- GAN training (issue 5)
# Empty defaults here mean "the Python default" (kerasgan/pikachu_gan/train.py, DEFAULTS table).
RUN ?=## train/generate: run name, OUT_DIR/pikachu/<RUN>/ (default: default)
EPOCHS ?=## train: epochs in all; a larger value extends a finished run (default 50001, the original's)
SAVE_EVERY ?=## train: grid + metrics + checkpoint every N epochs (default 100, the original's)
NCH ?=## train: generator/discriminator channels (default 512; 16 or less for a quick try)
KERNEL ?=## train: kernel size h of every convolution (default 7)
DROPOUT ?=## train: SpatialDropout2D rate, not recoverable from the original (default 0.5)
DETERMINISTIC ?=## train: 1 = TF_CUDNN_DETERMINISTIC + tensorflow-determinism (GPU; CPU is exact anyway)
TRAIN_DIR ?=## train: folder of training images (default DATA_DIR/predicted/)
N ?=## generate: number of samples (default 100)
NICE ?=## generate: 1 = keep the N of 20xN samples the discriminator scores highest (keras-dcgan --nice)
EPOCH ?=## generate: best (lowest discriminator loss, default), last, or a kept grid epoch

gan_opt = $(if $(strip $(2)),$(1) '$(strip $(2))')

.PHONY: train generate
train: | $(LEGACY_ENV) ## train the Pikachu GAN into OUT_DIR/pikachu/<RUN>/ (same RUN again resumes it)
	$(LEGACY_RUN) train --seed $(SEED) $(call gan_opt,--run,$(RUN)) $(call gan_opt,--epochs,$(EPOCHS)) \
	  $(call gan_opt,--save-every,$(SAVE_EVERY)) $(call gan_opt,--nch,$(NCH)) \
	  $(call gan_opt,--kernel,$(KERNEL)) $(call gan_opt,--dropout,$(DROPOUT)) \
	  $(call gan_opt,--size,$(SIZE)) $(call gan_opt,--deterministic,$(DETERMINISTIC)) \
	  $(call gan_opt,--train-dir,$(TRAIN_DIR))

generate: | $(LEGACY_ENV) ## sample a trained run into OUT_DIR/pikachu/<RUN>/samples/ (EPOCH=, N=, NICE=1)
	$(LEGACY_RUN) generate --seed $(SEED) $(call gan_opt,--run,$(RUN)) $(call gan_opt,--n,$(N)) \
	  $(call gan_opt,--nice,$(NICE)) $(call gan_opt,--epoch,$(EPOCH))

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
  --env PYTHONHASHSEED --env KERASGAN_DATA_DIR --env KERASGAN_OUT_DIR --env TF_CPP_MIN_LOG_LEVEL --env KERASGAN_THREADS \
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

# ---- demo and report (issue 6)
# `make demo`: every stage, offline, on an embedded corpus. The colour emoji of Debian's
# fonts-noto-color-emoji are rendered into DEMO_DIR/data/demo-corpus/, served by a local image
# search on loopback (demo-search: HTTP results page, HTTPS images), downloaded by the real
# download stage (headless Chromium), reshaped, labelled from the shipped src/kerasgan/demo_labels.csv
# (yellow smiley faces = TARGET "smiley", the rest "others"), filtered, trained on, sampled and
# reported. Everything goes to DEMO_DIR (never DATA_DIR/OUT_DIR). The settings below keep the whole
# run within 15 minutes on a 2-core CPU.
DEMO_DIR ?= generated/demo## demo: where everything goes (DATA_DIR=DEMO_DIR/data, OUT_DIR=DEMO_DIR)
DEMO_KEYWORDS ?= face,smiling,heart,moon## demo: what the demo searches its emoji corpus for
DEMO_EPOCHS ?= 2001## demo: GAN epochs (the original: 50001)
DEMO_NCH ?= 64## demo: GAN channels (the original: 512)
FONT ?=## demo: NotoColorEmoji.ttf (default: the system's copy, fonts-noto-color-emoji)
# Fixed demo settings, and why (measured on this 2-core machine): the filter as the original but at
# most 30 epochs; it is trained briefly, so less sure than the original's: at 0.99 it keeps about a
# quarter of the smileys, at 0.9 nearly all and almost nothing else. The GAN's time per epoch is
# mostly per-batch overhead at this size, so NCH 64 costs about what 16 or 32 do and learns faces
# sooner; KERNEL 3 (the original's 7 is ~4x slower). EPOCH=last: in so short a run the
# discriminator's loss is lowest in the first epochs, so `best` would sample from noise.
DEMO_RUN := demo
DEMO_THRESHOLD := 0.9
DEMO_FILTER := FILTER_EPOCHS=30
DEMO_GAN := KERNEL=3 SAVE_EVERY=100 NICE=1 N=100 EPOCH=last
DEMO_DATA := $(abspath $(DEMO_DIR))/data
DEMO_MAKE = $(MAKE) --no-print-directory DATA_DIR='$(DEMO_DATA)' OUT_DIR='$(abspath $(DEMO_DIR))' \
  RUN=$(DEMO_RUN) TARGET=smiley THRESHOLD=$(DEMO_THRESHOLD) $(DEMO_FILTER) $(DEMO_GAN) \
  EPOCHS=$(DEMO_EPOCHS) NCH=$(DEMO_NCH)
# The search server runs on this machine (loopback) while the download stage runs.
DEMO_SEARCH = $(VENV)/bin/python -m kerasgan demo-search --corpus '$(KERASGAN_DATA_DIR)/demo-corpus'

.PHONY: demo demo-corpus demo-download demo-label report
demo: setup ## the whole pipeline offline on the embedded emoji corpus into DEMO_DIR, then its report (~15 min, 2 CPU cores)
	@mkdir -p '$(DEMO_DATA)'; date +%s > '$(DEMO_DATA)/.demo-started'
	$(DEMO_MAKE) demo-corpus
	$(DEMO_MAKE) demo-download
	$(DEMO_MAKE) reshape
	$(DEMO_MAKE) demo-label
	$(DEMO_MAKE) filter
	$(DEMO_MAKE) train
	$(DEMO_MAKE) generate
	$(DEMO_MAKE) report
	@run='$(abspath $(DEMO_DIR))/pikachu/$(DEMO_RUN)'; \
	  echo "demo: done in $$(( $$(date +%s) - $$(cat '$(DEMO_DATA)/.demo-started') )) s (SEED=$(SEED))"; \
	  echo "demo: report   $$run/report.html"; \
	  echo "demo: samples  $$run/samples/grid.png"; \
	  echo "demo: timelapse $$run/timelapse.gif"; \
	  echo "demo: data     $(DEMO_DATA)/"

demo-corpus: | $(LEGACY_ENV) ## render the emoji font into DATA_DIR/demo-corpus/ (images + index.csv; once)
	$(LEGACY_RUN) demo-corpus $(if $(FONT),--font '$(FONT)')

demo-download: | $(STAMP) $(INGEST_ENV) ## `make download` from the local emoji search (DEMO_KEYWORDS) into DATA_DIR/downloads/
	$(DEMO_SEARCH) -- $(MAKE) --no-print-directory download SOURCE=google KEYWORDS='$(DEMO_KEYWORDS)' \
	  SEARCH_URL='{search_url}' CA_BUNDLE='{ca}'

demo-label: | $(LEGACY_ENV) ## DATA_DIR/labeled/ from the shipped demo labels (smiley/others, 30+50 train, 12+20 valid)
	$(LEGACY_RUN) demo-label --seed $(SEED)

report: | $(LEGACY_ENV) ## write OUT_DIR/pikachu/<RUN>/report.html: counts, curves, grids, samples (RUN default: newest run)
	$(LEGACY_RUN) report $(if $(strip $(RUN)),--run '$(strip $(RUN))')
