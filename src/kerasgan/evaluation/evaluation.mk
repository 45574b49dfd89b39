# help: Evaluation: make evaluate A=<folder|RUN> B=<folder|real|targets> DOMAIN=<digits|colour32|faces64|pix2pix>
# FID, KID, precision/recall/density/coverage on a feature network trained here (docs/evaluation.md).
DOMAIN ?=## evaluate: digits (28x28 grey), colour32 (32x32: CIFAR-10/emoji, Pikachu), faces64 (cartoon) or pix2pix
INCEPTION ?=## evaluate: classify_image_graph_def.pb (inception-2015-12-05.tgz): the official Inception FID
INCEPTION_SHA256 ?=## evaluate: refuse an INCEPTION file whose sha256 differs

.PHONY: evaluate
evaluate: | $(LEGACY_ENV) ## FID, KID, precision/recall/density/coverage of A against B: OUT_DIR/evaluation/<...>/evaluation.json (N= at most N images each)
	@[ -n '$(strip $(A))' ] && [ -n '$(strip $(DOMAIN))' ] || { echo "evaluate: give A=<folder|RUN> and DOMAIN=<digits|colour32|faces64|pix2pix>" >&2; exit 2; }
	$(LEGACY_RUN) evaluate --a '$(strip $(A))' --b '$(or $(strip $(B)),real)' --domain '$(strip $(DOMAIN))' --seed $(SEED) \
	  $(call opt,--n,$(N)) \
	  $(call opt,--inception,$(INCEPTION)) $(call opt,--inception-sha256,$(INCEPTION_SHA256))

EVAL_N ?=## *train (every pipeline): score N samples at each grid epoch (FID, KID, precision, recall, coverage; pix2pix + L1, PSNR, SSIM) into history.csv and summary.json; empty = off (each demo has its own default)
ifneq ($(strip $(EVAL_N)),)
export KERASGAN_EVAL_N := $(strip $(EVAL_N))
endif
