# help: keras-dcgan (seeds 002 4.2/003): make dcgan-train dcgan-generate [NICE=1]; make dcgan-demo
# jacobgil/keras-dcgan on MNIST. Its code: this folder. Outputs: OUT_DIR/dcgan/<RUN>/.
# Empty defaults mean "the Python default" (kerasgan/pipelines/dcgan/train.py, DEFAULTS table).
# RUN, EPOCHS, BATCH (--batch_size), NICE and DEMO_DIR: the Makefile's shared run variables.

DCGAN_DATA ?=## dcgan-train: mnist (Keras download into ~/.keras/datasets), digits (embedded, offline) or a path to mnist.npz (default mnist)
DCGAN_PATH ?=## dcgan-train: a folder of one's own images instead (grey, resized to 28x28; the fork's --path)
DCGAN_SAVE_EVERY ?=## dcgan-train: weights + checkpoint every N batches (default 10, the original's)
DCGAN_GRID_EVERY ?=## dcgan-train: <epoch>_<index>.png every N batches (default 20, the original's)
DCGAN_QUALITY_N ?=## dcgan-train: samples the digit classifier judges at each epoch's end (default 1000)
DCGAN_LOOP ?=## dcgan-train: ours (default: resumable, quality figures) or original (keras-dcgan's loop as written: no resume)

DCGAN_RUN_OPT = $(call opt,--run,$(RUN)) --seed $(SEED)

.PHONY: dcgan-train dcgan-generate dcgan-report dcgan-demo
dcgan-train: | $(LEGACY_ENV) ## train keras-dcgan into OUT_DIR/dcgan/<RUN>/ (same RUN again resumes it)
	$(LEGACY_RUN) dcgan --mode train $(DCGAN_RUN_OPT) $(call opt,--batch_size,$(BATCH)) \
	  $(call opt,--epochs,$(EPOCHS)) $(call opt,--data,$(DCGAN_DATA)) \
	  $(call opt,--path,$(DCGAN_PATH)) $(call opt,--save-every,$(DCGAN_SAVE_EVERY)) \
	  $(call opt,--grid-every,$(DCGAN_GRID_EVERY)) $(call opt,--quality-n,$(DCGAN_QUALITY_N)) \
	  $(call opt,--loop,$(DCGAN_LOOP))

dcgan-generate: | $(LEGACY_ENV) ## OUT_DIR/dcgan/<RUN>/generated_image.png from the latest weights (BATCH=, NICE=1)
	$(LEGACY_RUN) dcgan --mode generate $(DCGAN_RUN_OPT) $(call opt,--batch_size,$(BATCH)) \
	  $(if $(filter 1,$(strip $(NICE))),--nice)

dcgan-report: | $(LEGACY_ENV) ## write OUT_DIR/dcgan/<RUN>/report.html (RUN default: newest run)
	$(LEGACY_RUN) report --pipeline dcgan $(call opt,--run,$(RUN))

# `make dcgan-demo`: train on the embedded UCI digits (offline), generate plain and NICE, report;
# all in DEMO_DIR (OUT_DIR=DEMO_DIR, DATA_DIR=DEMO_DIR/data for the classifier). Measured on this
# 2-core machine shared with other jobs (one TF thread, as every run here): a batch of 32 takes
# 0.45-0.85 s, an epoch of the 1,797 digits (56 batches) 30-50 s with its checkpoints and quality
# figures; the classifier, two generates and the report ~70 s more. 6 epochs took 351 s, so the
# demo trains 4 (docs/dcgan.md#the-demo). In so few batches the samples are still blobs.
# 500 samples scored at each epoch's end (cost: docs/evaluation.md#what-it-costs); EPOCHS= and
# EVAL_N= on the command line replace the demo's 4 and 500.
dcgan-demo: | $(LEGACY_ENV) ## keras-dcgan offline on the embedded digits into DEMO_DIR/dcgan/demo/, plain + NICE samples, report (< 5 min)
	$(call demo_begin,dcgan-demo)
	$(DEMO_MAKE) DCGAN_DATA=digits dcgan-train BATCH=32 EPOCHS=$(or $(EPOCHS),4) EVAL_N=$(or $(EVAL_N),500)
	$(DEMO_MAKE) DCGAN_DATA=digits dcgan-generate BATCH=100
	$(DEMO_MAKE) DCGAN_DATA=digits dcgan-generate BATCH=100 NICE=1
	$(DEMO_MAKE) DCGAN_DATA=digits dcgan-report
	$(call demo_end,dcgan-demo,dcgan,report=report.html samples=samples/plain/generated_image.png nice=samples/nice/generated_image.png)
