# help: Docker images, hashed locks and the wheelhouse: make docker-image docker-test lock wheelhouse lint
# Included by the Makefile. Images (docker/Dockerfile.*), the locks under docker/requirements/ and
# the offline wheelhouse: what `make setup` and RUNNER=docker use, kept out of the everyday targets.

.PHONY: lock
lock: $(TOOLS)/bin/uv ## regenerate the hashed locks from docker/requirements/*.in
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple $(REQ)/legacy-cpu.in -o $(REQ)/legacy-cpu.txt
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple -c $(REQ)/legacy-cpu.txt \
	  $(REQ)/legacy-gpu.in -o $(REQ)/legacy-gpu.txt
	$(TOOLS)/bin/uv pip compile --quiet --universal --python-version 3.10 \
	  --generate-hashes --index-url https://pypi.org/simple $(REQ)/ingest.in -o $(REQ)/ingest.txt

$(TOOLS)/bin/uv: $(REQ)/tools.txt
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes -r $(REQ)/tools.txt
	@touch $@

# Images (docker/Dockerfile.*): cpu, gpu (CUDA 10.0, GPUs up to Turing), gpu-current (NGC TF1 base,
# Ampere and newer; unverified here) and ingest. Every install is offline from docker/wheelhouse.
DOCKER ?= docker## container engine client (RUNNER=docker, docker-test)
DOCKER_FLAVOUR ?= $(shell docker/gpu-flavour)## image for this machine: cpu, gpu (compute capability <= 7.5) or gpu-current (>= 8.0); default from nvidia-smi
DOCKER_FLAVOUR := $(DOCKER_FLAVOUR)
DOCKER_USER ?= $(shell id -u):$(shell id -g)## uid:gid the containers run as, so what they write is owned by you
DOCKER_TEST_IMAGE ?= kerasgan-ci## image name prefix of docker-test's images (never $(IMAGE): RUNNER's default stays as it was)
LOCKS ?= $(DOCKER_LOCK_$(DOCKER_FLAVOUR)) $(if $(wildcard $(REQ)/ingest.txt),ingest)## locks `make wheelhouse` downloads (default: those of this machine's images)

WHEELHOUSE := docker/wheelhouse
DOCKER_LOCK_cpu := legacy-cpu
DOCKER_LOCK_gpu := legacy-gpu
DOCKER_LOCK_gpu-current := ngc-py38
# Each lock's target interpreter and newest glibc (manylinux_2_N) of its image's base.
WHEEL_PY_bootstrap := 3.7
WHEEL_PY_legacy-cpu := 3.7
WHEEL_PY_legacy-gpu := 3.7
WHEEL_PY_ngc-py38 := 3.8
WHEEL_PY_ingest := 3.12
WHEEL_GLIBC_bootstrap := 17
WHEEL_GLIBC_legacy-cpu := 17
WHEEL_GLIBC_legacy-gpu := 17
WHEEL_GLIBC_ngc-py38 := 31
WHEEL_GLIBC_ingest := 36
wheel_abi = cp$(subst .,,$(1))$(if $(filter 3.7,$(1)),m)
wheel_platforms = --platform manylinux1_x86_64 --platform manylinux2010_x86_64 --platform manylinux2014_x86_64 \
  $(foreach n,$(shell seq 5 $(1)),--platform manylinux_2_$(n)_x86_64)
# BuildKit when the buildx plugin is there, else the classic builder (the Dockerfiles work with both).
DOCKER_BUILD = DOCKER_BUILDKIT=$$($(DOCKER) buildx version >/dev/null 2>&1 && echo 1 || echo 0) $(DOCKER) build

# The runner: a stage as the invoking user, DATA_DIR and OUT_DIR mounted at their host paths (created
# first, so the engine does not create them as root) and the working directory the same as here, so
# paths in recipes mean the same inside; the host's locks mounted so env-check compares the image with
# the lock as it is now; the GPU passed through for the gpu images.
DOCKER_RUN = mkdir -p "$(KERASGAN_DATA_DIR)" "$(KERASGAN_OUT_DIR)" && $(DOCKER) run --rm --init \
  --user $(DOCKER_USER) $(if $(filter gpu%,$(DOCKER_FLAVOUR)),--gpus all) \
  --env PYTHONHASHSEED --env KERASGAN_DATA_DIR --env KERASGAN_OUT_DIR --env TF_CPP_MIN_LOG_LEVEL --env KERASGAN_THREADS --env KERASGAN_INTER_THREADS --env KERASGAN_EVAL_N \
  --mount type=bind,src="$(KERASGAN_DATA_DIR)",dst="$(KERASGAN_DATA_DIR)" \
  --mount type=bind,src="$(KERASGAN_OUT_DIR)",dst="$(KERASGAN_OUT_DIR)" \
  --mount type=bind,src="$(CURDIR)/$(REQ)",dst="$(CURDIR)/$(REQ)",readonly --workdir "$(CURDIR)"

ifeq ($(RUNNER),docker)
LEGACY_RUN = $(DOCKER_RUN) $(IMAGE):$(DOCKER_FLAVOUR) python -m kerasgan
INGEST_RUN = $(DOCKER_RUN) $(IMAGE):ingest python -m kerasgan
LOCK := $(REQ)/$(DOCKER_LOCK_$(DOCKER_FLAVOUR)).txt
setup: docker-image
endif

.PHONY: wheelhouse
wheelhouse: $(foreach l,bootstrap $(LOCKS),$(WHEELHOUSE)/$(l)/.complete) ## download the locks' files (hash-checked) into docker/wheelhouse/<lock>/ for offline image builds

$(WHEELHOUSE)/%/.complete: $(REQ)/%.txt
	@mkdir -p $(@D)
	PIP_CONFIG_FILE=/dev/null python3 -m pip download --isolated --quiet --disable-pip-version-check \
	  --no-deps --require-hashes --index-url https://pypi.org/simple --dest $(@D) \
	  --python-version $(WHEEL_PY_$*) --implementation cp --abi $(call wheel_abi,$(WHEEL_PY_$*)) \
	  $(call wheel_platforms,$(WHEEL_GLIBC_$*)) -r $<
	@touch $@

.PHONY: docker-image
docker-image: ## build $(IMAGE):$(DOCKER_FLAVOUR) for this machine (and $(IMAGE):ingest once its lock exists)
	@if [ "$(DOCKER_FLAVOUR)" = cpu ]; then echo "docker-image: no NVIDIA GPU found (nvidia-smi): building the CPU image $(IMAGE):cpu"; \
	 else echo "docker-image: NVIDIA GPU found: building $(IMAGE):$(DOCKER_FLAVOUR)"; fi
	@$(SUBMAKE) wheelhouse LOCKS="$(DOCKER_LOCK_$(DOCKER_FLAVOUR)) $(if $(wildcard $(REQ)/ingest.txt),ingest)"
	$(DOCKER_BUILD) -f docker/Dockerfile.$(DOCKER_FLAVOUR) --target runtime -t $(IMAGE):$(DOCKER_FLAVOUR) .
	$(if $(wildcard $(REQ)/ingest.txt),$(DOCKER_BUILD) -f docker/Dockerfile.ingest --target runtime -t $(IMAGE):ingest .)

.PHONY: docker-suite
docker-suite: ## run the legacy test suite (all but tests/ingest and test_pipeline.py, which need .venv-ingest too) in $(IMAGE):$(DOCKER_FLAVOUR)-test through the runner (docker-test builds it)
	$(DOCKER_RUN) $(IMAGE):$(DOCKER_FLAVOUR)-test python -m pytest -p no:cacheprovider \
	  --basetemp "$(KERASGAN_OUT_DIR)/docker-test/pytest" /app/tests --ignore /app/tests/ingest \
	  --ignore /app/tests/test_pipeline.py $(PYTEST_ARGS)

.PHONY: docker-probe
docker-probe: ## write a file into DATA_DIR/$$PROBE/ and OUT_DIR/docker-test/probe/ through the runner (docker-test's ownership check)
	$(DOCKER_RUN) $(IMAGE):$(DOCKER_FLAVOUR) python -c 'import os, pathlib; \
	  dirs = [pathlib.Path(os.environ["KERASGAN_DATA_DIR"], "$(PROBE)"), pathlib.Path(os.environ["KERASGAN_OUT_DIR"], "docker-test", "probe")]; \
	  [d.mkdir(parents=True, exist_ok=True) or (d / "written-in-container.txt").write_text("probe") for d in dirs]'

.PHONY: docker-test
docker-test: ## CI proof: Dockerfile.cpu on a stand-in base; env-check and the suite inside as a non-root user; host ownership checked
	docker/docker-test

.PHONY: lint
lint: $(TOOLS)/bin/uv ## hadolint over every Dockerfile
	$(TOOLS)/bin/hadolint docker/Dockerfile.*

lock: lock-docker
.PHONY: lock-docker
lock-docker: $(TOOLS)/bin/uv ## regenerate the docker locks: bootstrap (pip), ngc-py38 (gpu-current), tools (uv, hadolint)
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.7 --generate-hashes --index-url https://pypi.org/simple \
	  $(REQ)/bootstrap.in -o $(REQ)/bootstrap.txt
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.8 --python-platform x86_64-manylinux_2_17 \
	  --generate-hashes --index-url https://pypi.org/simple --no-emit-package numpy \
	  $(REQ)/ngc-py38.in -o $(REQ)/ngc-py38.txt
	$(TOOLS)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes --index-url https://pypi.org/simple \
	  $(REQ)/tools.in -o $(REQ)/tools.txt
