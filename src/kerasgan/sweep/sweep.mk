# help: Sweeps: a grid of settings x seeds on Dask, a local cluster by default (docs/sweeps.md)
# The driver and the workers run in .venv-sweep (a maintained Python with Dask); every point is an
# ordinary `make <pipeline>-train` in this checkout, in the legacy environment or the Docker image.

SWEEP ?=## sweep, sweep-report: the sweep file, e.g. sweeps/pix2pix-losses.yaml (results: OUT_DIR/sweeps/<stem>/)
SWEEP_DRY ?=## sweep: 1 = print the points, their run folders and make commands; train nothing
SWEEP_ADDRESS ?=## sweep, sweep-worker: a running Dask scheduler, tcp://host:8786 (default: a local cluster)
SWEEP_THREADS ?= 1## sweep, sweep-worker: CPU threads per run; workers here = cores / SWEEP_THREADS (one per GPU with GPUs)

SWEEP_VENV := .venv-sweep
SWEEP_LOCK := $(REQ)/sweep.txt
SWEEP_STAMP := $(SWEEP_VENV)/.installed
SWEEP_PORT := 8786
SWEEP_RUN = $(SWEEP_VENV)/bin/python -m kerasgan
# Settings of this machine that its points should see too, when given on the command line.
SWEEP_FORWARD = $(foreach v,RUNNER FLAVOUR IMAGE,$(if $(filter command line,$(origin $(v))),$(v)=$($(v))))
SWEEP_WORKER = $(SWEEP_VENV)/bin/dask worker '$(SWEEP_ADDRESS)' --nthreads 1 --no-dashboard
SWEEP_LOCAL_WORKERS = $(shell $(SWEEP_VENV)/bin/python -c \
  'from kerasgan.sweep.engine import local_workers; print(local_workers($(SWEEP_THREADS))[0])')

setup: $(SWEEP_STAMP)
test: | $(SWEEP_STAMP)

$(SWEEP_STAMP): $(SWEEP_LOCK) docker/find-python-ingest
	$(call maintained_venv,$(SWEEP_VENV),$(SWEEP_LOCK))

.PHONY: sweep sweep-report sweep-score sweep-scheduler sweep-worker sweep-lock
sweep: | $(SWEEP_STAMP) $(LEGACY_ENV) ## run every point of SWEEP (skips finished ones, resumes stopped ones), then sweep-report
	@test -n '$(SWEEP)' || { echo "sweep: give SWEEP=sweeps/<name>.yaml" >&2; exit 2; }
	$(SWEEP_RUN) sweep --sweep '$(SWEEP)' --threads '$(SWEEP_THREADS)' \
	  $(if $(filter 1,$(SWEEP_DRY)),--dry) $(if $(SWEEP_ADDRESS),--address '$(SWEEP_ADDRESS)') \
	  $(if $(strip $(SWEEP_FORWARD)),--forward '$(strip $(SWEEP_FORWARD))')
	$(if $(filter 1,$(SWEEP_DRY)),,$(LEGACY_RUN) sweep-report --sweep '$(SWEEP)')

sweep-report: | $(LEGACY_ENV) ## OUT_DIR/sweeps/<stem>/report.html: mean and 95% interval over seeds per group, every seed, plots
	@test -n '$(SWEEP)' || { echo "sweep-report: give SWEEP=sweeps/<name>.yaml" >&2; exit 2; }
	$(LEGACY_RUN) sweep-report --sweep '$(SWEEP)'

sweep-score: | $(LEGACY_ENV) ## FID, KID, precision/recall of point RUN's last generator: OUT_DIR/sweeps/<stem>/scores/<RUN>.json (sweep files with score:)
	@test -n '$(SWEEP)' && test -n '$(RUN)' || { echo "sweep-score: give SWEEP=<file> and RUN=<point>" >&2; exit 2; }
	$(LEGACY_RUN) sweep-score --sweep '$(SWEEP)' --run '$(RUN)'

sweep-scheduler: | $(SWEEP_STAMP) ## start a Dask scheduler on this machine (port 8786) for SWEEP_ADDRESS=tcp://<this host>:8786
	$(SWEEP_VENV)/bin/dask scheduler --port '$(SWEEP_PORT)' --no-dashboard

sweep-worker: | $(SWEEP_STAMP) $(LEGACY_ENV) ## join SWEEP_ADDRESS: one worker per GPU (each sees its own), else cores / SWEEP_THREADS; a point at a time each
	@test -n '$(SWEEP_ADDRESS)' || { echo "sweep-worker: give SWEEP_ADDRESS=tcp://<scheduler>:8786" >&2; exit 2; }
	gpus=$$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true); \
	if [ "$${gpus:-0}" -gt 0 ]; then \
	  for i in $$(seq 0 $$((gpus - 1))); do CUDA_VISIBLE_DEVICES=$$i $(SWEEP_WORKER) --nworkers 1 --name "$$(hostname)-gpu$$i" & done; wait; \
	else $(SWEEP_WORKER) --nworkers '$(SWEEP_LOCAL_WORKERS)' --name "$$(hostname)"; fi

lock: sweep-lock
sweep-lock: $(TOOLS)/bin/uv
	$(TOOLS)/bin/uv pip compile --quiet --universal --python-version 3.10 \
	  --generate-hashes --index-url https://pypi.org/simple $(REQ)/sweep.in -o $(REQ)/sweep.txt
