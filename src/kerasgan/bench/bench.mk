# help: Benchmarks: make bench
# Our code next to a plain reference doing the same work, case by case (kerasgan/bench/cases.py).
BENCH_EPOCHS ?=## bench: measured epochs of the full-size GAN cases, one per round, ours and reference alternating (default 2; ~4 min each here)
BENCH_CASES ?=## bench: comma-separated cases to run (default: all but the opt-in *-tfdefault and *-mkl ones; kerasgan/bench/cases.py)
BENCH_QUICK ?= 0## bench: 1 = tiny sizes, one step or two per case, opt-in cases too (what the tests run)
BENCH_THREADS ?=## bench: TF intra-op threads of every case (default: as make train, 1)

.PHONY: bench
bench: | $(LEGACY_ENV) ## time our trainers/stages vs plain reference loops: table + OUT_DIR/bench/<time>.json
	$(LEGACY_RUN) bench --quick '$(BENCH_QUICK)' --ingest-python '$(abspath $(INGEST_VENV))/bin/python' \
	  $(if $(strip $(BENCH_EPOCHS)),--epochs '$(strip $(BENCH_EPOCHS))') \
	  $(if $(strip $(BENCH_CASES)),--cases '$(strip $(BENCH_CASES))') \
	  $(if $(strip $(BENCH_THREADS)),--threads '$(strip $(BENCH_THREADS))')
