# help: Notebooks: one Jupyter notebook per tutorial in notebooks/; make notebook
# Jupyter runs in the legacy environment (.venv, Python 3.7), so the kernel is the pinned stack and
# a notebook's cells call the same functions as the make targets (kerasgan.notebook.run). Its
# packages come from their own hashed lock, docker/requirements/notebook.txt (compiled with the
# legacy lock as constraints: no pin of the legacy stack moves), installed on first use.

NOTEBOOK_PORT ?= 8888## notebook: port of Jupyter on 127.0.0.1 (a busy port is an error, not moved)
NOTEBOOK_TOKEN ?=## notebook: login token (default: a fresh random one, printed in the URL)

NOTEBOOK_LOCK := $(REQ)/notebook.txt
NOTEBOOK_STAMP := $(VENV)/.installed-notebook
# The notebooks' kernel runs download/reshape/pix2pix-square in .venv-ingest, as the targets do.
NOTEBOOK_ENV = KERASGAN_INGEST_PYTHON='$(abspath $(INGEST_VENV))/bin/python'
# Jupyter refuses to start as root unless told (CI and containers run as root).
NOTEBOOK_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

$(NOTEBOOK_STAMP): $(NOTEBOOK_LOCK) $(STAMP)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r $(NOTEBOOK_LOCK)
	@touch $@
	@echo "setup: $(VENV) has the notebook extras of $(NOTEBOOK_LOCK)"

# The test suite executes every notebook (tests/test_notebooks.py), so it needs them too.
test: $(NOTEBOOK_STAMP)

.PHONY: notebook
notebook: $(NOTEBOOK_STAMP) $(INGEST_STAMP) ## start Jupyter Notebook on 127.0.0.1:NOTEBOOK_PORT with a token, in notebooks/ (kernel: .venv)
	@token='$(NOTEBOOK_TOKEN)'; token="$${token:-$$($(VENV)/bin/python -c 'import secrets; print(secrets.token_hex(24))')}"; \
	  echo "notebook: http://127.0.0.1:$(NOTEBOOK_PORT)/tree?token=$$token (DATA_DIR=$(KERASGAN_DATA_DIR), OUT_DIR=$(KERASGAN_OUT_DIR), SEED=$(SEED))"; \
	  exec env $(NOTEBOOK_ENV) $(VENV)/bin/python -m notebook --no-browser --ip 127.0.0.1 \
	    --port $(NOTEBOOK_PORT) --NotebookApp.port_retries=0 --NotebookApp.token="$$token" \
	    --notebook-dir '$(CURDIR)/notebooks' $(NOTEBOOK_ROOT)

lock: lock-notebook
.PHONY: lock-notebook
lock-notebook: $(TOOLS)/bin/uv ## regenerate docker/requirements/notebook.txt (Jupyter for Python 3.7, constrained by legacy-cpu.txt)
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple -c $(REQ)/legacy-cpu.txt \
	  $(REQ)/notebook.in -o $(REQ)/notebook.txt
