# help: pix2pix chimera (seed 004): make pix2pix-preprocess pix2pix-train pix2pix-test; make pix2pix-demo
# Edges -> image with a U-Net and a 70x70 PatchGAN (kerasgan/pipelines/pix2pix/, docs/pix2pix.md).
# Empty defaults mean "the Python default" (pix2pix/train.py, DEFAULTS table). RUN, EPOCHS (lr constant
# for the first half, then linearly to 0), SIZE (a power of two >= 32; U-Net depth log2 SIZE), EPOCH
# (pix2pix-test: latest or a kept epoch) and DEMO_DIR: the Makefile's shared run variables.

INPUT ?=## pix2pix-preprocess/-test: folder of images (untrusted: decoded with reshape's limits)
PHASE ?= train## pix2pix-preprocess: train or test, the folder DATA_DIR/pix2pix/<PHASE>/
LOSS ?=## pix2pix-train: GAN loss lsgan (the seed's pick, default), vanilla or wgangp
MODE_SEEKING ?=## pix2pix-train: 1 = MSGAN's mode-seeking term (noise z concatenated to the input)
NGF ?=## pix2pix-train: generator/discriminator base channels (default 64, the reference's)

P2P_SIZE = $(or $(strip $(SIZE)),256)

.PHONY: pix2pix-preprocess
pix2pix-preprocess: | $(INGEST_ENV) $(LEGACY_ENV) ## INPUT images -> DATA_DIR/pix2pix/<PHASE>/ image|edges pairs (auto-Canny, SIZE squares)
	@test -n '$(INPUT)' || { echo "pix2pix-preprocess: give INPUT=<folder of images>" >&2; exit 2; }
	$(INGEST_RUN) pix2pix-square --input '$(abspath $(INPUT))' --phase '$(PHASE)' --size '$(P2P_SIZE)'
	$(LEGACY_RUN) pix2pix-preprocess --phase '$(PHASE)'

.PHONY: pix2pix-train
pix2pix-train: | $(LEGACY_ENV) ## train pix2pix on DATA_DIR/pix2pix/train/ into OUT_DIR/pix2pix/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) pix2pix-train --seed $(SEED) $(call opt,--run,$(RUN)) \
	  $(call opt,--epochs,$(EPOCHS)) $(call opt,--size,$(SIZE)) $(call opt,--loss,$(LOSS)) \
	  $(call opt,--mode-seeking,$(MODE_SEEKING)) $(call opt,--ngf,$(NGF)) \
	  $(call opt,--save-every,$(SAVE_EVERY))

.PHONY: pix2pix-test
pix2pix-test: | $(LEGACY_ENV) ## result pages OUT_DIR/pix2pix/<RUN>/test_<EPOCH>/index.html + index.md (INPUT=dir: preprocess it as PHASE=test first)
	$(if $(strip $(INPUT)),$(SUBMAKE) pix2pix-preprocess INPUT='$(INPUT)' PHASE=test)
	$(LEGACY_RUN) pix2pix-test $(call opt,--run,$(RUN)) $(call opt,--epoch,$(EPOCH))

.PHONY: pix2pix-report
pix2pix-report: | $(LEGACY_ENV) ## write OUT_DIR/pix2pix/<RUN>/report.html: data, losses, strips, result pages
	$(LEGACY_RUN) report --pipeline pix2pix $(call opt,--run,$(RUN))

# ---- demo: the seed's animals from Noto Color Emoji (kerasgan/pipelines/pix2pix/demo.py), offline.
# Settings chosen by measuring this 2-core machine (docs/pix2pix.md#the-demo): SIZE 64 (U-Net depth 6),
# NGF 16 (the reference's 64 is ~10x slower per epoch here; more epochs beat more channels in a few
# minutes), 9 animals x 400 epochs (~0.3 s each here at NGF 16), lsgan, a grid every 10th epoch with
# the 9 outputs scored there (every 5th, the reference's save_epoch_freq, would put the scoring over
# its 10% budget: docs/evaluation.md#what-it-costs). NGF=, EPOCHS=, SAVE_EVERY= and EVAL_N= on the
# command line replace them.
P2P_DEMO_MAKE = $(DEMO_MAKE) SIZE=64 NGF=$(or $(NGF),16) LOSS=lsgan MODE_SEEKING=0 EPOCHS=$(or $(EPOCHS),400) \
  SAVE_EVERY=$(or $(SAVE_EVERY),10) EPOCH=latest

.PHONY: pix2pix-demo
pix2pix-demo: setup ## emoji animals -> preprocess -> train (64 px) -> chimera test pages -> report, offline (~5 min, 2 cores)
	$(call demo_begin,pix2pix-demo)
	$(P2P_DEMO_MAKE) pix2pix-demo-data
	$(P2P_DEMO_MAKE) pix2pix-preprocess INPUT='$(DEMO_DATA)/pix2pix-emoji/train' PHASE=train
	$(P2P_DEMO_MAKE) pix2pix-train EVAL_N=$(or $(EVAL_N),9)
	$(P2P_DEMO_MAKE) pix2pix-test INPUT='$(DEMO_DATA)/pix2pix-emoji/test'
	$(P2P_DEMO_MAKE) pix2pix-report
	$(call demo_end,pix2pix-demo,pix2pix,report=report.html test=test_latest/index.html)

.PHONY: pix2pix-demo-data
pix2pix-demo-data: | $(LEGACY_ENV) ## render the demo's 9 animals and 4 chimeras from Noto Color Emoji into DATA_DIR/pix2pix-emoji/
	$(LEGACY_RUN) pix2pix-demo-data $(if $(FONT),--font '$(FONT)')
