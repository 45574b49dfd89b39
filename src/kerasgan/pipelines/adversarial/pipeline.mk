# help: keras-adversarial book examples (seed 002 4.3): make adversarial-mnist-train|-generate|-demo, adversarial-cifar10-*
# bstriner/keras-adversarial's examples/example_gan.py (dense MNIST) and example_gan_cifar10.py, one room
# for both (src/kerasgan/pipelines/adversarial/). Outputs: OUT_DIR/adversarial-mnist|adversarial-cifar10/<RUN>/.
# Empty defaults mean "the Python default" (kerasgan/pipelines/adversarial/train.py, CONFIGS and DEFAULTS).
# RUN, EPOCHS, N, EPOCH (last or best) and DEMO_DIR: the Makefile's shared run variables.

ADV_DATA ?=## adversarial-*-train: mnist|digits|FILE.npz (MNIST) or cifar10|emoji|FOLDER (CIFAR-10); default mnist / cifar10 (Keras download)
ADV_LIMIT ?=## adversarial-*-train: train on the first N images only (default 0: all)
ADV_PER_CLASS ?=## adversarial-cifar10-train: emoji data, augmented images per class of 10 (default 40)
ADV_HIDDEN ?=## adversarial-mnist-train: widest dense layer (default 1024, the original's)
ADV_BN_AXIS ?=## adversarial-cifar10-train: channels (fixed, default) or rows (the original's axis=1 on TensorFlow)

ADV_TRAIN_OPTS = --seed $(SEED) $(call opt,--run,$(RUN)) $(call opt,--epochs,$(EPOCHS)) \
  $(call opt,--data,$(ADV_DATA)) $(call opt,--save-every,$(SAVE_EVERY)) \
  $(call opt,--limit,$(ADV_LIMIT)) $(call opt,--per-class,$(ADV_PER_CLASS))
ADV_GENERATE_OPTS = --mode generate --seed $(SEED) $(call opt,--run,$(RUN)) \
  $(call opt,--n,$(N)) $(call opt,--epoch,$(EPOCH))

.PHONY: adversarial-mnist-train adversarial-mnist-generate adversarial-mnist-report adversarial-mnist-demo
.PHONY: adversarial-cifar10-train adversarial-cifar10-generate adversarial-cifar10-report adversarial-cifar10-demo
adversarial-mnist-train: | $(LEGACY_ENV) ## train the dense MNIST GAN into OUT_DIR/adversarial-mnist/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) adversarial-mnist $(ADV_TRAIN_OPTS) $(call opt,--hidden,$(ADV_HIDDEN))

adversarial-mnist-generate: | $(LEGACY_ENV) ## sample a MNIST run into OUT_DIR/adversarial-mnist/<RUN>/samples/ (N=, EPOCH=)
	$(LEGACY_RUN) adversarial-mnist $(ADV_GENERATE_OPTS)

adversarial-mnist-report: | $(LEGACY_ENV) ## write OUT_DIR/adversarial-mnist/<RUN>/report.html (RUN default: newest run)
	$(LEGACY_RUN) report --pipeline adversarial-mnist $(call opt,--run,$(RUN))

adversarial-cifar10-train: | $(LEGACY_ENV) ## train the convolutional CIFAR-10 GAN into OUT_DIR/adversarial-cifar10/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) adversarial-cifar10 $(ADV_TRAIN_OPTS) $(call opt,--nch,$(NCH)) \
	  $(call opt,--kernel,$(KERNEL)) $(call opt,--bn-axis,$(ADV_BN_AXIS))

adversarial-cifar10-generate: | $(LEGACY_ENV) ## sample a CIFAR-10 run into OUT_DIR/adversarial-cifar10/<RUN>/samples/ (N=, EPOCH=)
	$(LEGACY_RUN) adversarial-cifar10 $(ADV_GENERATE_OPTS)

adversarial-cifar10-report: | $(LEGACY_ENV) ## write OUT_DIR/adversarial-cifar10/<RUN>/report.html (RUN default: newest run)
	$(LEGACY_RUN) report --pipeline adversarial-cifar10 $(call opt,--run,$(RUN))

# Demos: offline on the embedded data, into DEMO_DIR/<pipeline>/demo/, then the report; each under
# 5 minutes on this 2-core machine (one TF thread, as every run here; measured times: docs/adversarial.md#the-demos).
# MNIST: the original's full-size models on the 1,797 UCI digits (~4 s per epoch).
# CIFAR-10: the 400 augmented emoji (10 classes); nch 32 instead of 256 (the original's size takes
# ~10x as long per epoch), kernel 5 and everything else as the original.
# Their epochs (the original: 100 each), a grid, checkpoint and scores every 3rd epoch (the original's
# grid of every epoch, scored, costs 10-16% of their training: docs/evaluation.md#what-it-costs) and
# the samples scored; EPOCHS=, SAVE_EVERY= and EVAL_N= on the command line replace them.

adversarial-mnist-demo: | $(LEGACY_ENV) ## the dense MNIST GAN offline on the embedded digits into DEMO_DIR/adversarial-mnist/demo/ + report (< 5 min)
	$(call demo_begin,adversarial-mnist-demo)
	$(DEMO_MAKE) adversarial-mnist-train ADV_DATA=digits EPOCHS=$(or $(EPOCHS),30) \
	  SAVE_EVERY=$(or $(SAVE_EVERY),3) EVAL_N=$(or $(EVAL_N),500)
	$(DEMO_MAKE) adversarial-mnist-generate N=100
	$(DEMO_MAKE) adversarial-mnist-report
	$(call demo_end,adversarial-mnist-demo,adversarial-mnist,report=report.html samples=samples/grid.png)

adversarial-cifar10-demo: | $(LEGACY_ENV) ## the CIFAR-10 GAN offline on 10 classes of emoji into DEMO_DIR/adversarial-cifar10/demo/ + report (< 5 min)
	$(call demo_begin,adversarial-cifar10-demo)
	$(DEMO_MAKE) adversarial-cifar10-train ADV_DATA=emoji NCH=32 EPOCHS=$(or $(EPOCHS),60) \
	  SAVE_EVERY=$(or $(SAVE_EVERY),3) EVAL_N=$(or $(EVAL_N),100)
	$(DEMO_MAKE) adversarial-cifar10-generate N=100
	$(DEMO_MAKE) adversarial-cifar10-report
	$(call demo_end,adversarial-cifar10-demo,adversarial-cifar10,report=report.html samples=samples/grid.png)
