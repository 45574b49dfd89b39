# help: Fingerprints: a run's SHA-256s stage by stage, and where two runs part (docs/reproducibility.md)
# `make fingerprint` hashes every stage of a run in pipeline order (data stages first, then the
# GAN's grid epochs, final models and samples) with the machine that computed them, into the run
# folder's fingerprint.json. `make fingerprint-compare` names the first stage whose bytes differ.
FINGERPRINT_PIPELINE ?= pikachu## fingerprint: the pipeline of RUN (its data stages are hashed for pikachu only)
A ?=## fingerprint-compare: a manifest, a run folder or a DEMO_DIR (its pikachu/demo/fingerprint.json)
B ?= docs/reproducibility-reference.json## fingerprint-compare: the other one (default: the published reference demo)

# DEMO_DIR given on the command line: the demo's run and data; else OUT_DIR/<pipeline>/<RUN>
# with DATA_DIR (RUN may also be a run folder's path).
ifeq ($(origin DEMO_DIR),command line)
FINGERPRINT_RUN = $(DEMO_OUT)/pikachu/demo
FINGERPRINT_DATA = $(DEMO_DATA)
else
FINGERPRINT_RUN = $(if $(findstring /,$(RUN)),$(abspath $(RUN)),$(KERASGAN_OUT_DIR)/$(FINGERPRINT_PIPELINE)/$(or $(strip $(RUN)),default))
FINGERPRINT_DATA = $(if $(filter pikachu,$(FINGERPRINT_PIPELINE)),$(KERASGAN_DATA_DIR))
endif
# A DEMO_DIR stands for its run folder.
fingerprint_manifest = $(if $(wildcard $(1)/pikachu/demo/fingerprint.json),$(1)/pikachu/demo,$(1))

.PHONY: fingerprint fingerprint-compare
fingerprint: | $(LEGACY_ENV) ## write RUN's (or DEMO_DIR's) stage SHA-256s and machine facts to its fingerprint.json
	$(VENV)/bin/python -m kerasgan fingerprint write --run '$(FINGERPRINT_RUN)' \
	  $(if $(FINGERPRINT_DATA),--data '$(FINGERPRINT_DATA)')

fingerprint-compare: | $(LEGACY_ENV) ## name the first stage whose bytes differ between A and B, and how the machines differ (exit 1)
	@[ -n '$(A)' ] || { echo "fingerprint-compare: give A=<manifest, run folder or DEMO_DIR>" >&2; exit 2; }
	$(VENV)/bin/python -m kerasgan fingerprint compare '$(call fingerprint_manifest,$(A))' '$(call fingerprint_manifest,$(B))'
