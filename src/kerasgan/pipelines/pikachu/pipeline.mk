# help: Pikachu pipeline (seeds 000/001): make download reshape filter train generate; make demo
# The seeds' own command line: the plain verbs belong to this pipeline. Its code: this folder.

# ---------------------------------------------------------------- data stages (kerasgan.ingest)
KEYWORDS ?= ピカチュウ,Pikachu,ポケモン,Pokemon## download: comma-separated search keywords (one downloads/<keyword>/ each)
LIMIT ?= 10000## download: images kept per keyword
SOURCE ?= google## download: where image URLs come from: google, bing or urls (with URLS=)
URLS ?=## download: for SOURCE=urls, a text file with one image URL per line
CHROMEDRIVER ?=## download: chromedriver executable (default: chromedriver on PATH; never downloaded)
SEARCH_URL ?=## download: results page template with {query}, e.g. http://127.0.0.1:8000/search?q={query}
CA_BUNDLE ?=## download: PEM of extra CAs to trust for image URLs (a local HTTPS server's)
FILE_DEADLINE ?=## download: seconds for one image, retries included; a host still sending then fails as timeout (default 40)
KEYWORD_DEADLINE ?=## download: seconds for one keyword's downloads; URLs left then are recorded as keyword-deadline (default 1800)
RESHAPE_SIZE ?= 256## reshape: side of the square JPEGs in reshaped/ (the original: 256)
DEDUPE ?= 0## reshape: drop near duplicates at perceptual-hash distance <= DEDUPE (off: keep them)
JOBS ?=## reshape: worker processes (default: all cores)

.PHONY: download
download: $(INGEST_ENV) ## find image URLs for KEYWORDS (SOURCE) and fetch them into DATA_DIR/downloads/ (resumes)
	$(INGEST_RUN) download --source '$(SOURCE)' --keywords '$(KEYWORDS)' --limit '$(LIMIT)' \
	  $(if $(URLS),--urls '$(URLS)') $(if $(CHROMEDRIVER),--chromedriver '$(CHROMEDRIVER)') \
	  $(if $(SEARCH_URL),--search-url '$(SEARCH_URL)') $(if $(CA_BUNDLE),--ca-bundle '$(CA_BUNDLE)') \
	  $(if $(FILE_DEADLINE),--file-deadline '$(FILE_DEADLINE)') $(if $(KEYWORD_DEADLINE),--keyword-deadline '$(KEYWORD_DEADLINE)')

.PHONY: reshape
reshape: $(INGEST_ENV) ## square downloads/*/* into DATA_DIR/reshaped/<n>.jpg (RESHAPE_SIZE), report bad files and duplicates
	$(INGEST_RUN) reshape --size '$(RESHAPE_SIZE)' --dedupe '$(DEDUPE)' $(if $(JOBS),--jobs '$(JOBS)')

# ---- filter and label
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
FILTER_CODE := $(wildcard src/kerasgan/ingest/filter*.py) src/kerasgan/kit/determinism.py
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

# ---- GAN training
# Empty defaults here mean "the Python default" (kerasgan/pipelines/pikachu/train.py, DEFAULTS table).
# RUN, EPOCHS, SIZE (a multiple of 8), N, NICE, EPOCH (best, the default here) and DEMO_DIR:
# the Makefile's shared run variables.
DROPOUT ?=## train: SpatialDropout2D rate, not recoverable from the original (default 0.5)
DETERMINISTIC ?=## train: 1 = TF_CUDNN_DETERMINISTIC + tensorflow-determinism (GPU; CPU is exact anyway)
TRAIN_DIR ?=## train: folder of training images (default DATA_DIR/predicted/)

.PHONY: train generate
train: | $(LEGACY_ENV) ## train the Pikachu GAN into OUT_DIR/pikachu/<RUN>/ (same RUN again resumes it)
	$(LEGACY_RUN) train --seed $(SEED) $(call opt,--run,$(RUN)) $(call opt,--epochs,$(EPOCHS)) \
	  $(call opt,--save-every,$(SAVE_EVERY)) $(call opt,--nch,$(NCH)) \
	  $(call opt,--kernel,$(KERNEL)) $(call opt,--dropout,$(DROPOUT)) \
	  $(call opt,--size,$(SIZE)) $(call opt,--deterministic,$(DETERMINISTIC)) \
	  $(call opt,--train-dir,$(TRAIN_DIR))

generate: | $(LEGACY_ENV) ## sample a trained run into OUT_DIR/pikachu/<RUN>/samples/ (EPOCH=, N=, NICE=1)
	$(LEGACY_RUN) generate --seed $(SEED) $(call opt,--run,$(RUN)) $(call opt,--n,$(N)) \
	  $(call opt,--nice,$(NICE)) $(call opt,--epoch,$(EPOCH))

# ---- demo and report
# `make demo`: every stage, offline, on an embedded corpus. The colour emoji of Debian's
# fonts-noto-color-emoji are rendered into DEMO_DIR/data/demo-corpus/, served by a local image
# search on loopback (demo-search: HTTP results page, HTTPS images), downloaded by the real
# download stage (headless Chromium), reshaped, labelled from the shipped src/kerasgan/demo/labels.csv
# (yellow smiley faces = TARGET "smiley", the rest "others"), filtered, trained on, sampled and
# reported. Everything goes to DEMO_DIR (never DATA_DIR/OUT_DIR). The settings below keep the whole
# run within 5 minutes on a 2-core CPU (272 s measured; CI allows 15 on a loaded machine).
DEMO_KEYWORDS ?= face,smiling,heart,moon## demo: what the demo searches its emoji corpus for
DEMO_EPOCHS ?= 2001## demo: GAN epochs (the original: 50001)
DEMO_NCH ?= 64## demo: GAN channels (the original: 512)
DEMO_EVAL_N ?= 200## demo: EVAL_N, samples scored at each grid epoch (cost: docs/evaluation.md#what-it-costs)
FONT ?=## demo: NotoColorEmoji.ttf (default: the system's copy, fonts-noto-color-emoji)
# Fixed demo settings, and why (measured on this 2-core machine): the filter as the original but at
# most 30 epochs; it is trained briefly, so less sure than the original's: at 0.99 it keeps about a
# quarter of the smileys, at 0.9 nearly all and almost nothing else. The GAN's time per epoch is
# mostly per-batch overhead at this size, so NCH 64 costs about what 16 or 32 do and learns faces
# sooner; KERNEL 3 (the original's 7 is ~4x slower). EPOCH=last: in so short a run the
# discriminator's loss is lowest in the first epochs, so `best` would sample from noise.
DEMO_THRESHOLD := 0.9
DEMO_FILTER := FILTER_EPOCHS=30
DEMO_GAN := KERNEL=3 SAVE_EVERY=100 NICE=1 N=100 EPOCH=last
PIKACHU_DEMO_MAKE = $(DEMO_MAKE) TARGET=smiley THRESHOLD=$(DEMO_THRESHOLD) $(DEMO_FILTER) $(DEMO_GAN) \
  EPOCHS=$(DEMO_EPOCHS) NCH=$(DEMO_NCH)
# The search server runs on this machine (loopback) while the download stage runs.
DEMO_SEARCH = $(VENV)/bin/python -m kerasgan demo-search --corpus '$(KERASGAN_DATA_DIR)/demo-corpus'

.PHONY: demo demo-corpus demo-download demo-label report
demo: setup ## the whole pipeline offline on the embedded emoji corpus into DEMO_DIR, then its report (~5 min, 2 CPU cores)
	$(call demo_begin,demo)
	$(PIKACHU_DEMO_MAKE) demo-corpus
	$(PIKACHU_DEMO_MAKE) demo-download
	$(PIKACHU_DEMO_MAKE) reshape
	$(PIKACHU_DEMO_MAKE) demo-label
	$(PIKACHU_DEMO_MAKE) filter
	$(PIKACHU_DEMO_MAKE) train EVAL_N=$(DEMO_EVAL_N)
	$(PIKACHU_DEMO_MAKE) generate
	$(PIKACHU_DEMO_MAKE) report
	$(DEMO_MAKE) fingerprint DEMO_DIR='$(DEMO_DIR)'
	$(call demo_end,demo,pikachu,report=report.html samples=samples/grid.png timelapse=timelapse.gif fingerprint=fingerprint.json)
	@echo "demo: data      $(DEMO_DATA)/"

demo-corpus: | $(LEGACY_ENV) ## render the emoji font into DATA_DIR/demo-corpus/ (images + index.csv; once)
	$(LEGACY_RUN) demo-corpus $(if $(FONT),--font '$(FONT)')

demo-download: | $(STAMP) $(INGEST_ENV) ## `make download` from the local emoji search (DEMO_KEYWORDS) into DATA_DIR/downloads/
	$(DEMO_SEARCH) -- $(SUBMAKE) download SOURCE=google KEYWORDS='$(DEMO_KEYWORDS)' \
	  SEARCH_URL='{search_url}' CA_BUNDLE='{ca}'

demo-label: | $(LEGACY_ENV) ## DATA_DIR/labeled/ from the shipped demo labels (smiley/others, 30+50 train, 12+20 valid)
	$(LEGACY_RUN) demo-label --seed $(SEED)

report: | $(LEGACY_ENV) ## write OUT_DIR/pikachu/<RUN>/report.html: counts, curves, grids, samples (RUN default: newest run)
	$(LEGACY_RUN) report $(if $(strip $(RUN)),--run '$(strip $(RUN))')
