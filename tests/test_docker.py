"""Docker images and runner (docs/docker.md): lint, the shape of the Dockerfiles, the runner's command line,
the GPU-to-image choice. Offline, no engine needed: `make docker-test` builds and runs the real thing."""
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
DOCKERFILES = sorted(DOCKER.glob("Dockerfile.*"))
IMAGES = {"cpu": "legacy-cpu", "gpu": "legacy-gpu", "gpu-current": "ngc-py38", "ingest": "ingest"}


def hadolint():
    for candidate in (ROOT / ".venv-tools" / "bin" / "hadolint", shutil.which("hadolint")):
        if candidate and os.access(str(candidate), os.X_OK):
            return str(candidate)
    return None


def make_n(*args):
    """`make -n ARGS` in the repository: the commands make would run, not run."""
    if not shutil.which("make"):
        pytest.skip("make is not installed here (e.g. inside the test image)")
    result = subprocess.run(["make", "--no-print-directory", "-n"] + list(args), cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def stage(dockerfile, name):
    """The instructions of one stage (`FROM ... AS name` up to the next FROM), comments dropped."""
    lines, inside = [], False
    for line in dockerfile.read_text().splitlines():
        if line.startswith("FROM "):
            inside = line.endswith(" AS " + name)
            continue
        if inside and line.strip() and not line.lstrip().startswith("#"):
            lines.append(line)
    return lines


def test_every_image_has_a_dockerfile():
    assert sorted(p.name for p in DOCKERFILES) == sorted("Dockerfile." + i for i in IMAGES)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_passes(dockerfile):
    exe = hadolint()
    if exe is None:
        pytest.skip("hadolint not installed (make lint installs it into .venv-tools)")
    result = subprocess.run([exe, str(dockerfile)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=120)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_base_is_a_build_argument_and_pinned(dockerfile):
    text = dockerfile.read_text()
    base = re.search(r"^ARG BASE=(\S+)$", text, re.M)
    assert base, "the base must be a build argument (CI builds on a stand-in)"
    assert "FROM ${BASE} AS base" in text
    # an exact tag or a digest, never `latest` or a bare name
    assert ":" in base.group(1) and not base.group(1).endswith(":latest")


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_installs_are_offline_from_the_wheelhouse(dockerfile):
    build = "\n".join(stage(dockerfile, "build"))
    lock = IMAGES[dockerfile.name.split(".", 1)[1]]
    assert "ARG LOCK=%s" % lock in build
    assert "COPY docker/wheelhouse/${LOCK}/ /wheelhouse/" in build
    assert "docker/install-lock" in build
    assert "pip install" not in dockerfile.read_text(), "installs go through docker/install-lock"
    script = (DOCKER / "install-lock").read_text()
    assert "--no-index" in script and "--require-hashes" in script


def test_layers_above_the_base_are_shared():
    """The build and runtime stages are the same instructions in every image, up to ARG defaults."""
    def normalised(dockerfile, name):
        return [re.sub(r"^ARG (\w+)=.*", r"ARG \1", line) for line in stage(dockerfile, name)
                if not line.startswith("RUN python -c")]  # the import smoke check names the image's packages
    reference = DOCKER / "Dockerfile.cpu"
    for dockerfile in DOCKERFILES:
        assert normalised(dockerfile, "build") == normalised(reference, "build"), dockerfile.name
        runtime = [l for l in normalised(dockerfile, "runtime") if "MPLBACKEND" not in l]
        ref_runtime = [l for l in normalised(reference, "runtime") if "MPLBACKEND" not in l]
        assert runtime[:4] == ref_runtime[:4], dockerfile.name  # ARG LOCK, venv, locks, src


def test_locks_exist_for_every_image():
    for lock in list(IMAGES.values()) + ["bootstrap"]:
        text = (ROOT / "docker" / "requirements" / (lock + ".txt")).read_text()
        assert "--hash=sha256:" in text, lock


def test_legacy_gpu_image_pins_cuda_and_cudnn():
    text = (DOCKER / "Dockerfile.gpu").read_text()
    assert "ARG CUDA_VERSION=10.0.130-1" in text
    assert "ARG CUDNN_VERSION=7.6.5.32-1+cuda10.0" in text
    assert "3bf863cc.pub" in text and "CUDA_KEY_FINGERPRINT" in text  # the 2022 key, checked
    assert re.search(r"^ARG BASE=ubuntu:18\.04@sha256:[0-9a-f]{64}$", text, re.M)


def test_docker_runner_command_line():
    out = make_n("env-check", "RUNNER=docker", "IMAGE=kg", "DOCKER_FLAVOUR=cpu",
                 "DOCKER_USER=1234:5678", "DATA_DIR=/tmp/kg-data", "OUT_DIR=/tmp/kg-out")
    line = [l for l in out.splitlines() if " run " in l and "env-check" in l]
    assert line, out
    cmd = line[-1]
    assert "docker run --rm" in cmd
    assert "--user 1234:5678" in cmd
    assert 'src="/tmp/kg-data",dst="/tmp/kg-data"' in cmd
    assert 'src="/tmp/kg-out",dst="/tmp/kg-out"' in cmd
    for var in ("PYTHONHASHSEED", "KERASGAN_DATA_DIR", "KERASGAN_OUT_DIR"):
        assert "--env " + var in cmd
    assert "--gpus" not in cmd
    assert cmd.index('mkdir -p "/tmp/kg-data" "/tmp/kg-out"') < cmd.index("docker run")
    assert "kg:cpu python -m kerasgan env-check --lock docker/requirements/legacy-cpu.txt" in cmd


@pytest.mark.parametrize("flavour,lock", [("gpu", "legacy-gpu"), ("gpu-current", "ngc-py38")])
def test_docker_runner_on_a_gpu(flavour, lock):
    out = make_n("env-check", "RUNNER=docker", "DOCKER_FLAVOUR=" + flavour)
    cmd = [l for l in out.splitlines() if "env-check" in l][-1]
    assert "--gpus all" in cmd
    assert "kerasgan:%s python -m kerasgan env-check --lock docker/requirements/%s.txt" % (flavour, lock) in cmd


def test_local_runner_is_unchanged():
    out = make_n("env-check", "RUNNER=local")
    assert "docker run" not in out


def test_wheelhouse_downloads_with_hashes_for_the_image_python():
    out = make_n("-B", "wheelhouse", "LOCKS=legacy-cpu ngc-py38")
    assert out.count("--require-hashes") == 3  # bootstrap, legacy-cpu, ngc-py38
    assert "--python-version 3.7 --implementation cp --abi cp37m" in out
    assert "--python-version 3.8 --implementation cp --abi cp38 " in out
    assert "--dest docker/wheelhouse/legacy-cpu" in out


@pytest.mark.parametrize("cap,expected", [(None, "cpu"), ("7.5", "gpu"), ("6.1", "gpu"),
                                          ("8.0", "gpu-current"), ("9.0", "gpu-current"),
                                          ("[N/A]", "gpu")])
def test_gpu_flavour(tmp_path, cap, expected):
    if cap is not None:
        fake = tmp_path / "nvidia-smi"
        fake.write_text("#!/bin/sh\ncase \"$*\" in *compute_cap*) echo '%s';; *) echo 'GPU 0: X';; esac\n" % cap)
        fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH="%s:/usr/bin:/bin" % tmp_path)
    out = subprocess.run([str(DOCKER / "gpu-flavour")], env=env, stdout=subprocess.PIPE,
                         universal_newlines=True, timeout=30).stdout.strip()
    assert out == expected
