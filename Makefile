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
RUNNER ?= $(shell docker image inspect $(IMAGE):cpu >/dev/null 2>&1 && echo docker || echo local)## local or docker (default: docker when an engine answers and the image exists)
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
SIZE ?=## reshape: side of the square RGB JPEGs in reshaped/ (default 256, the original's)
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
setup: $(STAMP) $(INGEST_STAMP) ## create the environments and install the hashed locks (idempotent)

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
env-check: $(STAMP) ## print versions, GPU and CUDA/cuDNN; fail if anything drifts from the lock
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
download: $(INGEST_STAMP) ## find image URLs for KEYWORDS (SOURCE) and fetch them into DATA_DIR/downloads/ (resumes)
	$(INGEST_RUN) download --source '$(SOURCE)' --keywords '$(KEYWORDS)' --limit '$(LIMIT)' \
	  $(if $(URLS),--urls '$(URLS)') $(if $(CHROMEDRIVER),--chromedriver '$(CHROMEDRIVER)') \
	  $(if $(SEARCH_URL),--search-url '$(SEARCH_URL)') $(if $(CA_BUNDLE),--ca-bundle '$(CA_BUNDLE)')

.PHONY: reshape
reshape: $(INGEST_STAMP) ## square downloads/*/* into DATA_DIR/reshaped/<n>.jpg (SIZE), report bad files and duplicates
	$(INGEST_RUN) reshape $(if $(SIZE),--size '$(SIZE)') --dedupe '$(DEDUPE)' $(if $(JOBS),--jobs '$(JOBS)')

# ---------------------------------------------------------------- tests
.PHONY: test
test: $(STAMP) ## run the test suite (creates the environments first if missing)
	$(VENV)/bin/python -m pytest tests $(PYTEST_ARGS)

.PHONY: clean
clean: ## remove the environments (data/ and generated/ are never touched)
	rm -rf $(VENV) $(TOOLS)

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

$(FILTER_MODEL): $(FILTER_TRAIN_INPUTS) $(FILTER_CODE) | $(STAMP)
	$(LEGACY_RUN) filter train --target '$(TARGET)' --seed $(SEED) --epochs $(FILTER_EPOCHS) \
	  --steps $(FILTER_STEPS) --min-images $(FILTER_MIN_IMAGES)

$(FILTER_SCORES): $(FILTER_MODEL) $(FILTER_SCORE_INPUTS) $(FILTER_CODE) | $(STAMP)
	$(LEGACY_RUN) filter score --threshold $(THRESHOLD)

label: | $(STAMP) ## local page (127.0.0.1:PORT) to click reshaped/ images into labeled/{trains,valids}/<class>/
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
SIZE ?=## train: image side, a multiple of 8 (default 32, the original's)
DETERMINISTIC ?=## train: 1 = TF_CUDNN_DETERMINISTIC + tensorflow-determinism (GPU; CPU is exact anyway)
TRAIN_DIR ?=## train: folder of training images (default DATA_DIR/predicted/)
N ?=## generate: number of samples (default 100)
NICE ?=## generate: 1 = keep the N of 20xN samples the discriminator scores highest (keras-dcgan --nice)
EPOCH ?=## generate: best (lowest discriminator loss, default), last, or a kept grid epoch

gan_opt = $(if $(strip $(2)),$(1) '$(strip $(2))')

.PHONY: train generate
train: | $(STAMP) ## train the Pikachu GAN into OUT_DIR/pikachu/<RUN>/ (same RUN again resumes it)
	$(LEGACY_RUN) train --seed $(SEED) $(call gan_opt,--run,$(RUN)) $(call gan_opt,--epochs,$(EPOCHS)) \
	  $(call gan_opt,--save-every,$(SAVE_EVERY)) $(call gan_opt,--nch,$(NCH)) \
	  $(call gan_opt,--kernel,$(KERNEL)) $(call gan_opt,--dropout,$(DROPOUT)) \
	  $(call gan_opt,--size,$(SIZE)) $(call gan_opt,--deterministic,$(DETERMINISTIC)) \
	  $(call gan_opt,--train-dir,$(TRAIN_DIR))

generate: | $(STAMP) ## sample a trained run into OUT_DIR/pikachu/<RUN>/samples/ (EPOCH=, N=, NICE=1)
	$(LEGACY_RUN) generate --seed $(SEED) $(call gan_opt,--run,$(RUN)) $(call gan_opt,--n,$(N)) \
	  $(call gan_opt,--nice,$(NICE)) $(call gan_opt,--epoch,$(EPOCH))
