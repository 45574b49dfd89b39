# help: Fingerprints: a run's SHA-256s stage by stage, and where two runs part (docs/reproducibility.md)
# `make fingerprint` hashes every stage of a run in pipeline order (data stages first, then the
# GAN's grid epochs, final models and samples) with the machine that computed them, into the run
# folder's fingerprint.json. `make fingerprint-compare` names the first stage whose bytes differ.

# DEMO_DIR given on the command line: the demo's run and data. Else RUN: a name is the Pikachu run
# OUT_DIR/pikachu/<RUN> with DATA_DIR's stages; a path is any pipeline's run folder (DATA_DIR's
# stages only when it is a Pikachu run, OUT_DIR/pikachu/<name>).
ifeq ($(origin DEMO_DIR),command line)
FINGERPRINT_RUN = $(DEMO_OUT)/pikachu/demo
FINGERPRINT_DATA = $(DEMO_DATA)
else
FINGERPRINT_RUN = $(if $(findstring /,$(RUN)),$(abspath $(RUN)),$(KERASGAN_OUT_DIR)/pikachu/$(or $(strip $(RUN)),default))
FINGERPRINT_DATA = $(if $(filter pikachu,$(notdir $(patsubst %/,%,$(dir $(FINGERPRINT_RUN))))),$(KERASGAN_DATA_DIR))
endif
# A DEMO_DIR stands for its run folder.
fingerprint_manifest = $(if $(wildcard $(1)/pikachu/demo/fingerprint.json),$(1)/pikachu/demo,$(1))

.PHONY: fingerprint fingerprint-compare
fingerprint: | $(LEGACY_ENV) ## write RUN's (or DEMO_DIR's) stage SHA-256s and machine facts to its fingerprint.json
	$(VENV)/bin/python -m kerasgan fingerprint write --run '$(FINGERPRINT_RUN)' \
	  $(if $(FINGERPRINT_DATA),--data '$(FINGERPRINT_DATA)')

fingerprint-compare: | $(LEGACY_ENV) ## name the first stage whose bytes differ between A and B, and how the machines differ (exit 1)
	@[ -n '$(A)' ] || { echo "fingerprint-compare: give A=<manifest, run folder or DEMO_DIR>" >&2; exit 2; }
	$(VENV)/bin/python -m kerasgan fingerprint compare '$(call fingerprint_manifest,$(A))' '$(call fingerprint_manifest,$(or $(strip $(B)),docs/reproducibility-reference.json))'
