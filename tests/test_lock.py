"""The environment must be exactly the lock: drift is what made the original tutorials rot."""
from conftest import ROOT, run_cli
from kerasgan import envcheck

LOCKS = ROOT / "docker" / "requirements"


def test_installed_environment_matches_the_cpu_lock():
    lock = envcheck.read_lock(LOCKS / "legacy-cpu.txt")
    assert lock["tensorflow"] == "1.14.0" and lock["keras"] == "2.1.2"
    assert lock["keras-adversarial"] == "0.0.3"
    assert envcheck.drift(lock, envcheck.installed_versions()) == []


def test_every_locked_requirement_has_hashes():
    for name in ("legacy-cpu.txt", "legacy-gpu.txt"):
        text = (LOCKS / name).read_text()
        blocks = [b for b in text.split("\n") if "==" in b and not b.lstrip().startswith("#")]
        assert blocks
        for line in blocks:
            assert line.rstrip().endswith("\\"), "no --hash after " + line


def test_gpu_lock_differs_from_cpu_lock_only_in_tensorflow():
    cpu = envcheck.read_lock(LOCKS / "legacy-cpu.txt")
    gpu = envcheck.read_lock(LOCKS / "legacy-gpu.txt")
    assert cpu.pop("tensorflow") == "1.14.0"
    assert gpu.pop("tensorflow-gpu") == "1.14.0"
    assert cpu == gpu


def test_env_check_passes_and_reports_the_stack():
    result = run_cli("env-check", "--lock", LOCKS / "legacy-cpu.txt")
    for expected in ("tensorflow         1.14.0", "keras              2.1.2",
                     "keras-adversarial  0.0.3", "numpy              1.16.6",
                     "h5py               2.10.0", "protobuf           3.20.3",
                     "GPU seen by TensorFlow", "CUDA/cuDNN libraries present"):
        assert expected in result.stdout


def test_env_check_names_the_package_that_drifted(tmp_path):
    doctored = tmp_path / "lock.txt"
    text = (LOCKS / "legacy-cpu.txt").read_text().replace("numpy==1.16.6", "numpy==1.99.0")
    doctored.write_text(text)
    result = run_cli("env-check", "--lock", doctored, check=False)
    assert result.returncode == 1
    assert "numpy: locked 1.99.0, installed 1.16.6" in result.stderr
    assert "keras:" not in result.stderr  # only the package that differs is named
