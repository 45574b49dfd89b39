# help: Benchmarks (issue 13): make bench
# Our code next to a plain reference doing the same work, case by case (kerasgan/bench/cases.py).
BENCH_EPOCHS ?=## bench: measured epochs of the full-size GAN cases (default 2: ~10 minutes on 2 cores)
BENCH_CASES ?=## bench: comma-separated cases to run (default: all; see kerasgan/bench/cases.py)
BENCH_QUICK ?= 0## bench: 1 = tiny sizes, one or two steps per case (seconds; what the tests run)
BENCH_THREADS ?=## bench: TF intra-op threads of every case (default: as make train, 1)

.PHONY: bench
bench: | $(LEGACY_ENV) ## time our trainers/stages vs plain reference loops: table + OUT_DIR/bench/<time>.json
	$(VENV)/bin/python -m kerasgan bench --quick '$(BENCH_QUICK)' --ingest-python '$(abspath $(INGEST_VENV))/bin/python' \
	  $(if $(strip $(BENCH_EPOCHS)),--epochs '$(strip $(BENCH_EPOCHS))') \
	  $(if $(strip $(BENCH_CASES)),--cases '$(strip $(BENCH_CASES))') \
	  $(if $(strip $(BENCH_THREADS)),--threads '$(strip $(BENCH_THREADS))')
