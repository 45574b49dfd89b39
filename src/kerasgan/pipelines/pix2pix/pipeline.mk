# help: pix2pix chimera (seed 004): make pix2pix-preprocess pix2pix-train pix2pix-test; make pix2pix-demo
# Edges -> image with a U-Net and a 70x70 PatchGAN (kerasgan/pipelines/pix2pix/, README "pix2pix").
# Empty defaults mean "the Python default" (pix2pix/train.py, DEFAULTS table).

INPUT ?=## pix2pix-preprocess/-test: folder of images (untrusted: decoded with reshape's limits)
PHASE ?= train## pix2pix-preprocess: train or test, the folder DATA_DIR/pix2pix/<PHASE>/
RUN ?=## train/test: run name, OUT_DIR/<pipeline>/<RUN>/ (default: default)
EPOCHS ?=## train: epochs in all; lr constant for the first half, then linearly to 0 (pix2pix default 200)
SIZE ?=## pix2pix: image side, a power of two >= 32 (default 256; U-Net depth = log2 SIZE)
LOSS ?=## pix2pix-train: GAN loss lsgan (the seed's pick, default), vanilla or wgangp
MODE_SEEKING ?=## pix2pix-train: 1 = MSGAN's mode-seeking term (noise z concatenated to the input)
NGF ?=## pix2pix-train: generator/discriminator base channels (default 64, the reference's)
EPOCH ?=## test: latest (default) or a kept epoch

p2p_opt = $(if $(strip $(2)),$(1) '$(strip $(2))')
P2P_SIZE = $(or $(strip $(SIZE)),256)

.PHONY: pix2pix-preprocess
pix2pix-preprocess: | $(INGEST_ENV) $(LEGACY_ENV) ## INPUT images -> DATA_DIR/pix2pix/<PHASE>/ image|edges pairs (auto-Canny, SIZE squares)
	@test -n '$(INPUT)' || { echo "pix2pix-preprocess: give INPUT=<folder of images>" >&2; exit 2; }
	$(INGEST_RUN) pix2pix-square --input '$(abspath $(INPUT))' --phase '$(PHASE)' --size '$(P2P_SIZE)'
	$(LEGACY_RUN) pix2pix-preprocess --phase '$(PHASE)'

.PHONY: pix2pix-train
pix2pix-train: | $(LEGACY_ENV) ## train pix2pix on DATA_DIR/pix2pix/train/ into OUT_DIR/pix2pix/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) pix2pix-train --seed $(SEED) $(call p2p_opt,--run,$(RUN)) \
	  $(call p2p_opt,--epochs,$(EPOCHS)) $(call p2p_opt,--size,$(SIZE)) $(call p2p_opt,--loss,$(LOSS)) \
	  $(call p2p_opt,--mode-seeking,$(MODE_SEEKING)) $(call p2p_opt,--ngf,$(NGF))

.PHONY: pix2pix-test
pix2pix-test: | $(LEGACY_ENV) ## result pages OUT_DIR/pix2pix/<RUN>/test_<EPOCH>/index.html + index.md (INPUT=dir: preprocess it as PHASE=test first)
	$(if $(strip $(INPUT)),$(MAKE) --no-print-directory pix2pix-preprocess INPUT='$(INPUT)' PHASE=test)
	$(LEGACY_RUN) pix2pix-test $(call p2p_opt,--run,$(RUN)) $(call p2p_opt,--epoch,$(EPOCH))
