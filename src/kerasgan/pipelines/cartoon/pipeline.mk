# help: Cartoon Set DCGAN (seed 002): make cartoon-download cartoon-train cartoon-arithmetic ATTR=glasses; make cartoon-demo
# 64x64 DCGAN + encoder + latent attribute arithmetic (kerasgan/pipelines/cartoon/, docs/cartoon.md).
# Empty defaults mean "the Python default" (cartoon/train.py, DEFAULTS table). RUN, N, BATCH and DEMO_DIR: the Makefile's shared run variables.

ARCHIVE ?=## cartoon-download: URL, local .tgz or folder (default: cartoonset10k.tgz from Google's bucket)
CARTOON_SET ?=## cartoon-*: synthetic (drawn here, offline) or a folder of csX.png + csX.csv (default: what cartoon-download recorded)
CARTOON_SYNTHETIC_N ?=## cartoon-*: faces in the synthetic set (default 2000)
GAN_EPOCHS ?=## cartoon-train: DCGAN epochs (default 25)
ENCODER_EPOCHS ?=## cartoon-train: encoder epochs after the GAN (default 10)
CARTOON_NF ?=## cartoon-train: base filters (default 64: z 100 -> 4x4x512 -> ... -> 64x64x3)
CARTOON_KERNEL ?=## cartoon-train: convolution kernel side (default 5, the DCGAN paper's code; the demo's 4 is PyTorch's DCGAN)
CARTOON_JOINT ?=## cartoon-train: weight of |G(E(x)) - x| in G's loss while the GAN trains, E alongside (default 0: the seed's order)
CARTOON_RECONSTRUCTION ?=## cartoon-train: pixel loss of G(E(x)) against x, l1 or l2 (default l1)
CARTOON_AVERAGE ?=## cartoon-train: decay of G's weight average, which replaces G after the GAN's last epoch (default 0: none)
ATTR ?= glasses## cartoon-arithmetic: glasses, facial_hair or name=variant (hair_color=3)
SCALE ?=## cartoon-arithmetic: multiple of the attribute vector (default 1.0)
INVERSION ?=## cartoon-arithmetic: encoder (E(x), the seed's) or projection (E(x) refined by Adam on the pixel error; both reported)
PROJECT_STEPS ?=## cartoon-arithmetic: projection's Adam steps (default 200)
IMAGES ?=## cartoon-interpolate: two image names csA,csB (default: two chosen by SEED)

CARTOON_SET_OPT = $(call opt,--set,$(CARTOON_SET)) $(call opt,--synthetic-n,$(CARTOON_SYNTHETIC_N)) --seed $(SEED)
CARTOON_RUN_OPT = $(call opt,--run,$(RUN)) --seed $(SEED)

.PHONY: cartoon-download cartoon-prepare cartoon-train cartoon-classifier cartoon-generate cartoon-arithmetic cartoon-interpolate cartoon-report
cartoon-download: | $(INGEST_ENV) ## fetch (resumably) and safely extract the Cartoon Set into DATA_DIR/cartoon/ (ARCHIVE=url|file|folder)
	$(INGEST_RUN) cartoon-download $(call opt,--archive,$(ARCHIVE))

cartoon-prepare: | $(INGEST_ENV) ## decode the set's PNG + CSV pairs once to 64x64 (DATA_DIR/cartoon/prepared/; broken pairs named and skipped)
	$(INGEST_RUN) cartoon-prepare $(CARTOON_SET_OPT)

cartoon-train: cartoon-prepare | $(LEGACY_ENV) ## train the DCGAN, then the encoder, into OUT_DIR/cartoon/<RUN>/ (same RUN resumes)
	$(LEGACY_RUN) cartoon-train $(CARTOON_SET_OPT) $(call opt,--run,$(RUN)) \
	  $(call opt,--gan-epochs,$(GAN_EPOCHS)) $(call opt,--encoder-epochs,$(ENCODER_EPOCHS)) \
	  $(call opt,--nf,$(CARTOON_NF)) $(call opt,--kernel,$(CARTOON_KERNEL)) \
	  $(call opt,--batch-size,$(BATCH)) $(call opt,--joint,$(CARTOON_JOINT)) \
	  $(call opt,--reconstruction,$(CARTOON_RECONSTRUCTION)) $(call opt,--average,$(CARTOON_AVERAGE))

cartoon-classifier: cartoon-prepare | $(LEGACY_ENV) ## train the ATTR classifier that judges cartoon-arithmetic (else its first run does): DATA_DIR/models/
	$(LEGACY_RUN) cartoon-classifier $(CARTOON_SET_OPT) --attr '$(ATTR)'

cartoon-generate: | $(LEGACY_ENV) ## N faces from the run's generator: OUT_DIR/cartoon/<RUN>/samples/grid.png
	$(LEGACY_RUN) cartoon-generate $(CARTOON_RUN_OPT) $(call opt,--n,$(N)) $(call opt,--epoch,$(EPOCH))

cartoon-arithmetic: | $(LEGACY_ENV) ## imgs_base.png, imgs_<ATTR>_avg.png (+SCALE v), _sub (-SCALE v) and the flip share, in <RUN>/arithmetic/<ATTR>/
	$(LEGACY_RUN) cartoon-arithmetic $(CARTOON_RUN_OPT) --attr '$(ATTR)' $(call opt,--scale,$(SCALE)) $(call opt,--n,$(N)) \
	  $(call opt,--inversion,$(INVERSION)) $(call opt,--steps,$(PROJECT_STEPS))

cartoon-interpolate: | $(LEGACY_ENV) ## G between two images' latents: OUT_DIR/cartoon/<RUN>/interpolate/<a>_<b>.png (IMAGES=csA,csB)
	$(LEGACY_RUN) cartoon-interpolate $(CARTOON_RUN_OPT) $(call opt,--images,$(IMAGES)) $(call opt,--epoch,$(EPOCH))

cartoon-report: | $(LEGACY_ENV) ## write OUT_DIR/cartoon/<RUN>/report.html: grids, flip share, recovery error, losses
	$(LEGACY_RUN) report --pipeline cartoon $(call opt,--run,$(RUN))

# ---- demo: offline on the synthetic set (drawn here), smaller networks so that it ends in < 5 min
# on 2 cores (docs/cartoon.md#the-demo has the measured figures).
CARTOON_DEMO_N ?= 1500## cartoon-demo: synthetic faces
CARTOON_DEMO_NF ?= 16## cartoon-demo: base filters (the full DCGAN's 64 is ~6x slower per image here)
CARTOON_DEMO_GAN_EPOCHS ?= 14## cartoon-demo: DCGAN epochs (batch 16: ~1,300 steps)
CARTOON_DEMO_ENCODER_EPOCHS ?= 2## cartoon-demo: encoder epochs after the GAN (E already trains alongside it: CARTOON_DEMO_JOINT)
CARTOON_DEMO_JOINT ?= 60## cartoon-demo: CARTOON_JOINT of the demo (G also learns to redraw the real faces E encodes)
CARTOON_DEMO_RECONSTRUCTION ?= l2## cartoon-demo: CARTOON_RECONSTRUCTION of the demo
CARTOON_DEMO_AVERAGE ?= 0.99## cartoon-demo: CARTOON_AVERAGE of the demo
CARTOON_DEMO_PROJECT_STEPS ?= 50## cartoon-demo: projection steps (the arithmetic reports the encoder and the projection; 100 flip the same share here)
# The demo scores 200 samples at each grid epoch (cost: docs/evaluation.md#what-it-costs); EVAL_N= replaces it.
CARTOON_DEMO_MAKE = $(DEMO_MAKE) CARTOON_SET=synthetic CARTOON_SYNTHETIC_N=$(CARTOON_DEMO_N)

# The glasses judge trains on the second core while cartoon-train starts (make -j2).
.PHONY: cartoon-demo
cartoon-demo: setup ## synthetic faces -> DCGAN + encoder (NF 16, kernel 4, batch 16, joint) -> add/remove glasses (encoder and projection) with the flip shares -> report, offline (< 5 min)
	$(call demo_begin,cartoon-demo)
	$(CARTOON_DEMO_MAKE) -j2 cartoon-classifier cartoon-train ATTR=glasses CARTOON_NF=$(CARTOON_DEMO_NF) CARTOON_KERNEL=4 BATCH=16 \
	  GAN_EPOCHS=$(CARTOON_DEMO_GAN_EPOCHS) ENCODER_EPOCHS=$(CARTOON_DEMO_ENCODER_EPOCHS) CARTOON_JOINT=$(CARTOON_DEMO_JOINT) \
	  CARTOON_RECONSTRUCTION=$(CARTOON_DEMO_RECONSTRUCTION) CARTOON_AVERAGE=$(CARTOON_DEMO_AVERAGE) \
	  EVAL_N=$(or $(EVAL_N),200)
	$(CARTOON_DEMO_MAKE) cartoon-arithmetic ATTR=glasses N=16 INVERSION=projection PROJECT_STEPS=$(CARTOON_DEMO_PROJECT_STEPS)
	$(CARTOON_DEMO_MAKE) cartoon-interpolate
	$(CARTOON_DEMO_MAKE) cartoon-generate N=64
	$(CARTOON_DEMO_MAKE) cartoon-report
	$(call demo_end,cartoon-demo,cartoon,report=report.html base=arithmetic/glasses/imgs_base.png glasses=arithmetic/glasses/imgs_glasses_avg.png)
