# help: keras-adversarial book examples (seed 002 4.3): make adversarial-mnist-train|-generate|-demo, adversarial-cifar10-*
# bstriner/keras-adversarial's examples/example_gan.py (dense MNIST) and example_gan_cifar10.py, one room
# for both (src/kerasgan/pipelines/adversarial/). Outputs: OUT_DIR/adversarial-mnist|adversarial-cifar10/<RUN>/.
# Empty defaults mean "the Python default" (kerasgan/pipelines/adversarial/train.py, CONFIGS and DEFAULTS).

RUN ?=## adversarial-*: run name, OUT_DIR/<pipeline>/<RUN>/ (default: default)
EPOCHS ?=## adversarial-*-train: epochs in all (default 100, the originals'); a larger value extends a finished run
N ?=## adversarial-*-generate: number of samples (default 100)
EPOCH ?=## adversarial-*-generate: last (generator.h5, default) or best (lowest discriminator loss)
ADV_DATA ?=## adversarial-*-train: mnist|digits|FILE.npz (MNIST) or cifar10|emoji|FOLDER (CIFAR-10); default mnist / cifar10 (Keras download)
ADV_SAVE_EVERY ?=## adversarial-*-train: grid + checkpoint every N epochs (default 1: a grid per epoch, as the examples)
ADV_LIMIT ?=## adversarial-*-train: train on the first N images only (default 0: all)
ADV_PER_CLASS ?=## adversarial-cifar10-train: emoji data, augmented images per class of 10 (default 40)
ADV_HIDDEN ?=## adversarial-mnist-train: widest dense layer (default 1024, the original's)
ADV_NCH ?=## adversarial-cifar10-train: channels nch (default 256, the original's)
ADV_KERNEL ?=## adversarial-cifar10-train: kernel size h (default 5, the original's)
ADV_BN_AXIS ?=## adversarial-cifar10-train: channels (fixed, default) or rows (the original's axis=1 on TensorFlow)

adv_opt = $(if $(strip $(2)),$(1) '$(strip $(2))')
ADV_TRAIN_OPTS = --seed $(SEED) $(call adv_opt,--run,$(RUN)) $(call adv_opt,--epochs,$(EPOCHS)) \
  $(call adv_opt,--data,$(ADV_DATA)) $(call adv_opt,--save-every,$(ADV_SAVE_EVERY)) \
  $(call adv_opt,--limit,$(ADV_LIMIT)) $(call adv_opt,--per-class,$(ADV_PER_CLASS))
ADV_GENERATE_OPTS = --mode generate --seed $(SEED) $(call adv_opt,--run,$(RUN)) \
  $(call adv_opt,--n,$(N)) $(call adv_opt,--epoch,$(EPOCH))

.PHONY: adversarial-mnist-train adversarial-mnist-generate adversarial-mnist-report adversarial-mnist-demo
.PHONY: adversarial-cifar10-train adversarial-cifar10-generate adversarial-cifar10-report adversarial-cifar10-demo
adversarial-mnist-train: | $(LEGACY_ENV) ## train the dense MNIST GAN into OUT_DIR/adversarial-mnist/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) adversarial-mnist $(ADV_TRAIN_OPTS) $(call adv_opt,--hidden,$(ADV_HIDDEN))

adversarial-mnist-generate: | $(LEGACY_ENV) ## sample a MNIST run into OUT_DIR/adversarial-mnist/<RUN>/samples/ (N=, EPOCH=)
	$(LEGACY_RUN) adversarial-mnist $(ADV_GENERATE_OPTS)

adversarial-mnist-report: | $(LEGACY_ENV) ## write OUT_DIR/adversarial-mnist/<RUN>/report.html (RUN default: newest run)
	$(LEGACY_RUN) report --pipeline adversarial-mnist $(call adv_opt,--run,$(RUN))

adversarial-cifar10-train: | $(LEGACY_ENV) ## train the convolutional CIFAR-10 GAN into OUT_DIR/adversarial-cifar10/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) adversarial-cifar10 $(ADV_TRAIN_OPTS) $(call adv_opt,--nch,$(ADV_NCH)) \
	  $(call adv_opt,--kernel,$(ADV_KERNEL)) $(call adv_opt,--bn-axis,$(ADV_BN_AXIS))

adversarial-cifar10-generate: | $(LEGACY_ENV) ## sample a CIFAR-10 run into OUT_DIR/adversarial-cifar10/<RUN>/samples/ (N=, EPOCH=)
	$(LEGACY_RUN) adversarial-cifar10 $(ADV_GENERATE_OPTS)

adversarial-cifar10-report: | $(LEGACY_ENV) ## write OUT_DIR/adversarial-cifar10/<RUN>/report.html (RUN default: newest run)
	$(LEGACY_RUN) report --pipeline adversarial-cifar10 $(call adv_opt,--run,$(RUN))

# Demos: offline on the embedded data, into DEMO_DIR/<pipeline>/demo/, then the report; each under
# 5 minutes on this 2-core machine (one TF thread, as every run here; measured times: docs/adversarial.md#the-demos).
# MNIST: the original's full-size models on the 1,797 UCI digits (~4 s per epoch).
# CIFAR-10: the 400 augmented emoji (10 classes); nch 32 instead of 256 (the original's size takes
# ~10x as long per epoch), kernel 5 and everything else as the original.
ADV_DEMO_MNIST_EPOCHS ?= 30## adversarial-mnist-demo: epochs on the embedded digits (the original: 100 on MNIST)
ADV_DEMO_CIFAR10_EPOCHS ?= 60## adversarial-cifar10-demo: epochs on the embedded emoji (the original: 100 on CIFAR-10)
ADV_DEMO_MAKE = $(MAKE) --no-print-directory DATA_DIR='$(abspath $(DEMO_DIR))/data' \
  OUT_DIR='$(abspath $(DEMO_DIR))' RUN=demo

adversarial-mnist-demo: | $(LEGACY_ENV) ## the dense MNIST GAN offline on the embedded digits into DEMO_DIR/adversarial-mnist/demo/ + report (< 5 min)
	@mkdir -p '$(abspath $(DEMO_DIR))'; date +%s > '$(abspath $(DEMO_DIR))/.adversarial-mnist-demo-started'
	$(ADV_DEMO_MAKE) adversarial-mnist-train ADV_DATA=digits EPOCHS=$(ADV_DEMO_MNIST_EPOCHS)
	$(ADV_DEMO_MAKE) adversarial-mnist-generate N=100
	$(ADV_DEMO_MAKE) adversarial-mnist-report
	@run='$(abspath $(DEMO_DIR))/adversarial-mnist/demo'; \
	  echo "adversarial-mnist-demo: done in $$(( $$(date +%s) - $$(cat '$(abspath $(DEMO_DIR))/.adversarial-mnist-demo-started') )) s (SEED=$(SEED))"; \
	  echo "adversarial-mnist-demo: report  $$run/report.html"; \
	  echo "adversarial-mnist-demo: samples $$run/samples/grid.png"

adversarial-cifar10-demo: | $(LEGACY_ENV) ## the CIFAR-10 GAN offline on 10 classes of emoji into DEMO_DIR/adversarial-cifar10/demo/ + report (< 5 min)
	@mkdir -p '$(abspath $(DEMO_DIR))'; date +%s > '$(abspath $(DEMO_DIR))/.adversarial-cifar10-demo-started'
	$(ADV_DEMO_MAKE) adversarial-cifar10-train ADV_DATA=emoji ADV_NCH=32 EPOCHS=$(ADV_DEMO_CIFAR10_EPOCHS)
	$(ADV_DEMO_MAKE) adversarial-cifar10-generate N=100
	$(ADV_DEMO_MAKE) adversarial-cifar10-report
	@run='$(abspath $(DEMO_DIR))/adversarial-cifar10/demo'; \
	  echo "adversarial-cifar10-demo: done in $$(( $$(date +%s) - $$(cat '$(abspath $(DEMO_DIR))/.adversarial-cifar10-demo-started') )) s (SEED=$(SEED))"; \
	  echo "adversarial-cifar10-demo: report  $$run/report.html"; \
	  echo "adversarial-cifar10-demo: samples $$run/samples/grid.png"
