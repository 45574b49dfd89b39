"""kit.loop's promise for the cases each pipeline's own tests leave out: a run killed by SIGKILL
after a checkpoint and resumed writes the bytes of one that never stopped (adversarial-cifar10;
pix2pix with wgangp's gradient penalty and with mode seeking's second noise input), and a finished
run given more epochs continues to the bytes of one trained that long from the start."""
import os
import signal

import pytest

from conftest import run_cli, start_cli_until
from test_adversarial import write_cifar_folder, write_mnist_npz
from test_pix2pix_train import write_pairs

CASES = {
    # name: (pipeline folder, command + arguments without --run, files compared)
    "adversarial-cifar10": ("adversarial-cifar10", [
        "adversarial-cifar10", "--epochs", "4", "--nch", "8", "--kernel", "3", "--save-every", "2"],
        ["checkpoints/latest.npz", "history.csv", "generator.h5", "discriminator.h5", "best.png",
         "epoch-000.png", "epoch-002.png", "epoch-003.png"]),
    "pix2pix-wgangp": ("pix2pix", [
        "pix2pix-train", "--epochs", "4", "--size", "32", "--ngf", "4", "--save-every", "2",
        "--loss", "wgangp"],
        ["checkpoints/latest.npz", "history.csv", "generator.h5", "epoch-00002.png",
         "epoch-00003.png", "checkpoints/snapshot-00002.npz"]),
    "pix2pix-mode-seeking": ("pix2pix", [
        "pix2pix-train", "--epochs", "4", "--size", "32", "--ngf", "4", "--save-every", "2",
        "--mode-seeking", "1"],
        ["checkpoints/latest.npz", "history.csv", "generator.h5", "epoch-00002.png",
         "epoch-00003.png", "checkpoints/snapshot-00002.npz"]),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    data, out = root / "data", root / "out"
    data.mkdir()
    out.mkdir()
    write_cifar_folder(data / "cifar-10-batches-py")
    write_mnist_npz(data / "mnist.npz")
    write_pairs(data / "pix2pix" / "train", count=3)
    return data, {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "PYTHONHASHSEED": "0"}


def arguments(data, command, run):
    args = list(command) + ["--run", run, "--seed", "0"]
    if command[0].startswith("adversarial"):
        args += ["--data", str(data / "cifar-10-batches-py")]
    return args


@pytest.mark.parametrize("case", sorted(CASES))
def test_sigkill_then_resume_is_byte_identical(workspace, case):
    data, env = workspace
    pipeline, command, files = CASES[case]
    out = data.parent / "out" / pipeline
    run_cli(*arguments(data, command, case + "-ref"), env=env)
    folder = out / (case + "-killed")
    proc = start_cli_until(folder / "checkpoints" / "latest.npz",
                           *arguments(data, command, case + "-killed"), env=env)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (folder / "generator.h5").exists()
    resumed = run_cli(*arguments(data, command, case + "-killed"), env=env)
    assert "resume: run" in resumed.stdout
    for name in files:
        assert (folder / name).read_bytes() == (out / (case + "-ref") / name).read_bytes(), name
    again = run_cli(*arguments(data, command, case + "-killed"), env=env)
    assert "already finished" in again.stdout


def test_a_finished_run_extended_past_its_end_matches_one_trained_that_long(workspace):
    """EPOCHS=3, finished, then EPOCHS=5 on the same RUN: the checkpoint's "finished" flag is for
    3 epochs only, so training continues, to the bytes of a 5-epoch run."""
    data, env = workspace
    base = ["adversarial-mnist", "--data", str(data / "mnist.npz"), "--hidden", "16",
            "--save-every", "1", "--seed", "0"]
    run_cli(*base, "--run", "straight", "--epochs", "5", env=env)
    first = run_cli(*base, "--run", "extended", "--epochs", "3", env=env)
    assert "done" in first.stdout
    extended = run_cli(*base, "--run", "extended", "--epochs", "5", env=env)
    assert "already finished" not in extended.stdout and "from epoch 3" in extended.stdout
    out = data.parent / "out" / "adversarial-mnist"
    for name in ("checkpoints/latest.npz", "history.csv", "generator.h5", "discriminator.h5",
                 "epoch-003.png", "epoch-004.png", "best.png"):
        assert (out / "extended" / name).read_bytes() == (out / "straight" / name).read_bytes(), name


# Runs the CLI in-process with kit.summary.write_summary wrapped: whenever a summary says
# "finished", it records whether the checkpoint already carries its "finished" flag.
WATCH_SUMMARY = """
import json, sys
from kerasgan.__main__ import main
from kerasgan.kit import checkpoint, summary
write, seen = summary.write_summary, []
def watched(folder, config, status, *args, **kwargs):
    if status == "finished":
        seen.append(bool(checkpoint.load(folder)[0].get("finished")))
    return write(folder, config, status, *args, **kwargs)
summary.write_summary = watched
status = main(sys.argv[2:])
open(sys.argv[1], "w").write(json.dumps(seen))
sys.exit(status)
"""


def test_a_summary_says_finished_only_after_the_checkpoint_does(workspace, tmp_path):
    """The sweep skips a point whose summary says "finished": had the summary come first, a kill
    between the two left a run that is skipped with an unfinished checkpoint."""
    import json
    import subprocess
    import sys
    from conftest import ROOT, cli_env
    data, env = workspace
    seen = tmp_path / "seen.json"
    args = ["adversarial-mnist", "--data", str(data / "mnist.npz"), "--hidden", "16",
            "--epochs", "2", "--seed", "0", "--run", "watched"]
    subprocess.run([sys.executable, "-c", WATCH_SUMMARY, str(seen)] + args, check=True, timeout=1800,
                   env=cli_env(env), cwd=str(ROOT), stdout=subprocess.DEVNULL)
    assert json.loads(seen.read_text()) == [True]


def test_a_run_killed_after_its_checkpoint_flag_but_before_its_summary_completes(workspace):
    """What such a kill leaves (flag set, summary "running") is finished on the next call, not
    taken as done: the same bytes, and the summary says "finished"."""
    import json
    data, env = workspace
    base = ["adversarial-mnist", "--data", str(data / "mnist.npz"), "--hidden", "16",
            "--epochs", "2", "--seed", "0"]
    out = data.parent / "out" / "adversarial-mnist"
    run_cli(*base, "--run", "whole", env=env)
    run_cli(*base, "--run", "cut", env=env)
    summary = out / "cut" / "summary.json"
    summary.write_text(summary.read_text().replace('"status": "finished"', '"status": "running"'))
    again = run_cli(*base, "--run", "cut", env=env)
    assert "already finished" not in again.stdout and "resume: run" in again.stdout
    assert json.loads(summary.read_text())["status"] == "finished"
    for name in ("checkpoints/latest.npz", "history.csv", "generator.h5", "discriminator.h5"):
        assert (out / "cut" / name).read_bytes() == (out / "whole" / name).read_bytes(), name
