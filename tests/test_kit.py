"""The shared training kit (kerasgan.kit): what every pipeline relies on, tested once here."""
import io
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from kerasgan.kit import checkpoint, files, progress, runfolder, seeds


# ---------------------------------------------------------------- files
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_atomic_writes_get_the_users_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        files.write_atomic(tmp_path / "a.bin", b"x")
        files.copy_atomic(tmp_path / "a.bin", tmp_path / "b.bin")
        files.write_csv(tmp_path / "c.csv", ["k"], [{"k": 1}])
    finally:
        os.umask(old)
    for name in ("a.bin", "b.bin", "c.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "kept.txt"
    files.write_atomic(target, "old")
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed mid-write")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt"]
    assert files.sha256_file(target) == files.sha256_bytes(b"old")


# ---------------------------------------------------------------- run folder
def test_history_appends_reads_truncates_and_drops_a_torn_line(tmp_path):
    history = runfolder.History(tmp_path, ["epoch", "loss", "metric"])
    history.write([])
    for epoch in range(4):
        history.append({"epoch": epoch, "loss": epoch / 2.0, "metric": 1.0 if epoch % 2 else None})
    with open(str(history.path), "a") as handle:
        handle.write("4,0.")                      # a kill during an append
    rows = history.read()
    assert [r["epoch"] for r in rows] == [0, 1, 2, 3]
    assert rows[1] == {"epoch": 1, "loss": 0.5, "metric": 1.0} and rows[2]["metric"] is None
    assert [r["epoch"] for r in history.truncate(1)] == [0, 1]
    assert history.path.read_text().splitlines() == ["epoch,loss,metric", "0,0.0,", "1,0.5,1.0"]


def test_check_config_names_every_difference_but_the_mutable_keys(tmp_path):
    files.write_json(tmp_path / runfolder.CONFIG, {"nch": 64, "epochs": 10, "seed": 0})
    assert runfolder.check_config(tmp_path, {"nch": 64, "epochs": 99, "seed": 0}, ("epochs",))
    with pytest.raises(runfolder.ConfigMismatch) as error:
        runfolder.check_config(tmp_path, {"nch": 32, "epochs": 10, "seed": 1}, ("epochs",))
    assert "nch" in str(error.value) and "seed" in str(error.value) and "epochs" not in str(error.value)


# ---------------------------------------------------------------- seeds
def test_streams_are_independent_and_their_state_survives_a_checkpoint():
    a, b = seeds.stream(3, "train"), seeds.stream(3, "grid")
    assert not np.array_equal(a.normal(size=5), b.normal(size=5))
    rng = seeds.stream(3, "train")
    rng.normal(size=7)                       # leaves a cached gaussian half of the time
    saved = seeds.rng_state(rng)
    expected = rng.normal(size=4)
    assert np.array_equal(seeds.rng_from_state(saved).normal(size=4), expected)
    assert np.array_equal(seeds.stream(3, 0).normal(size=3), np.random.RandomState([3, 0]).normal(size=3))


# ---------------------------------------------------------------- checkpoint
def _three_players():
    """Three tiny models with their own Adam, one training step each (the cartoon pipeline's case)."""
    from keras.layers import Dense
    from keras.models import Sequential
    from keras.optimizers import Adam
    from kerasgan.kit.determinism import seed_everything
    seed_everything(1)
    models, optimizers = {}, {}
    for i, name in enumerate(("generator", "discriminator", "encoder")):
        model = Sequential([Dense(3, input_dim=2), Dense(1)])
        optimizers[name] = Adam(1e-3 * (i + 1))
        model.compile(optimizers[name], "mse")
        model.train_on_batch(np.ones((4, 2)), np.zeros((4, 1)))
        models[name] = model
    return models, optimizers


def test_checkpoint_restores_any_number_of_models_and_optimizers_byte_for_byte(tmp_path):
    import keras.backend as K
    models, optimizers = _three_players()
    state = {"epoch": 7, "rng": seeds.rng_state(seeds.stream(0, "train"))}
    groups = checkpoint.capture(models, optimizers, {"best_generator": models["generator"].get_weights()})
    checkpoint.save(tmp_path, state, groups)
    first = (tmp_path / runfolder.CHECKPOINTS / runfolder.LATEST).read_bytes()
    checkpoint.save(tmp_path, state, groups)       # the same numbers give the same bytes
    assert (tmp_path / runfolder.CHECKPOINTS / runfolder.LATEST).read_bytes() == first

    for model in models.values():                  # scramble, then restore
        model.set_weights([w * 0 + 5 for w in model.get_weights()])
    for opt in optimizers.values():
        K.batch_set_value([(w, K.get_value(w) * 0 + 9) for w in opt.weights])
    loaded_state, loaded = checkpoint.load(tmp_path)
    assert loaded_state == state
    assert set(loaded) == {"generator", "discriminator", "encoder", "opt_generator",
                           "opt_discriminator", "opt_encoder", "best_generator"}
    checkpoint.restore(loaded, models, optimizers)
    again = checkpoint.capture(models, optimizers, {"best_generator": loaded["best_generator"]})
    for name in groups:
        assert len(again[name]) == len(groups[name])
        for x, y in zip(again[name], groups[name]):
            assert np.array_equal(x, y), name
    loaded["opt_encoder"] = loaded["opt_encoder"][:-1]
    with pytest.raises(ValueError, match="optimizer encoder"):
        checkpoint.restore(loaded, optimizers={"encoder": optimizers["encoder"]})


def test_snapshots_keep_the_newest(tmp_path):
    for epoch in (0, 10, 20, 30):
        checkpoint.save_snapshot(tmp_path, epoch, {"generator": [np.full(2, epoch)]}, keep=2)
    assert checkpoint.snapshot_epochs(tmp_path) == [20, 30]
    assert checkpoint.load_snapshot(tmp_path, 30)["generator"][0].tolist() == [30, 30]
    many = {"w": [np.full(1, i) for i in range(1200)]}   # index order, not name order, past 999
    checkpoint.save(tmp_path, {}, many, "many.npz")
    assert [int(a[0]) for a in checkpoint.load(tmp_path, "many.npz")[1]["w"]] == list(range(1200))


# ---------------------------------------------------------------- progress
class _Terminal(io.StringIO):
    def isatty(self):
        return True


def _run_progress(stream, epochs=10, every=4):
    bar = progress.Progress(epochs, 0, every=every, stream=stream)
    for epoch in range(epochs):
        bar.begin()
        bar.end(epoch, "loss %d" % epoch, force=epoch == 5)
    return stream.getvalue()


def test_progress_in_a_log_prints_one_line_every_n_epochs():
    lines = _run_progress(io.StringIO()).splitlines()
    shown = [int(line.split()[1].split("/")[0]) for line in lines if line.startswith("epoch ")]
    assert shown == [0, 4, 5, 8, 9]               # first, every 4th, forced, last
    assert lines[0].startswith("timing: the first epoch took") and "ETA" in lines[-1]


def test_progress_on_a_terminal_updates_one_line():
    text = _run_progress(_Terminal())
    assert text.count("\r\033[K") >= 10            # every epoch redraws the line
    assert text.count("\n") == 3                   # timing, the forced epoch, the last epoch


def test_stop_flag_records_the_first_signal_and_a_second_stops_at_once():
    import signal
    said = []
    flag = progress.StopFlag(say=said.append)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        assert flag.requested and flag.signum == signal.SIGTERM and said
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("quiet", [True, False])
def test_our_commands_silence_tensorflows_deprecation_notices(quiet):
    """`python -m kerasgan` installs the hook; the same Keras calls without it are noisy (so the
    test can tell)."""
    code = ("import kerasgan.compat_hook as h\n" + ("h.quiet_tensorflow_on_import()\n" if quiet else "") +
            "import keras.backend as K\nK.placeholder((1, 2)); K.random_uniform((2,))\n"
            "import tensorflow as tf\ntf.logging.error('real errors still show')\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TF_CPP_MIN_LOG_LEVEL="2")
    err = subprocess.run([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=1800, check=True).stderr
    assert "real errors still show" in err
    assert ("is deprecated" in err) is (not quiet), err[-2000:]


def test_collapse_figures_of_hand_made_pixels():
    from kerasgan.kit.metrics import CollapseMeter
    meter = CollapseMeter(np.array([0, 255], np.uint8).reshape(2, 1, 1, 1))
    # samples at levels 0 and 51: 0.2 apart; nearest training pixels 0 away and 0.2 away
    got = meter.measure(np.array([0.0, 0.2]).reshape(2, 1, 1, 1))
    assert got == pytest.approx({"diversity": 0.2, "nearest_train": 0.1, "memorised": 1.0},
                                rel=1e-15)


def test_collapse_figures_have_the_same_bytes_in_any_row_order_and_memory_alignment():
    """BLAS and numpy's sums add in an order that depends on threads and alignment; the figures
    must not (a resumed run measures in another process, in other memory)."""
    from kerasgan.kit.metrics import CollapseMeter
    rng = np.random.RandomState(0)
    train = rng.randint(0, 256, size=(300, 8, 8, 3)).astype(np.uint8)
    samples = rng.uniform(size=(40, 8, 8, 3))
    shifted = np.frombuffer(b"\0" * 8 + samples.tobytes(), np.float64, offset=8).reshape(samples.shape)
    p, q = rng.permutation(len(train)), rng.permutation(len(samples))
    want = CollapseMeter(train).measure(samples)
    assert CollapseMeter(train[p]).measure(samples[q]) == want
    assert CollapseMeter(train[::-1]).measure(shifted[::-1]) == want
