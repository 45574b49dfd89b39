"""The same SEED gives the same bytes however many models a process builds: pix2pix's and the
Pikachu discriminator's seeded dropout offsets belong to one build, not to the process (a notebook
trains, then tests, in one kernel; `make pix2pix-test` builds once)."""
import numpy as np

from kerasgan.kit import determinism
from kerasgan.pipelines.pikachu import models as pikachu_models
from kerasgan.pipelines.pix2pix import train as p2p

P2P_CONFIG = {"size": 32, "ngf": 4, "ndf": 4, "nz": 0, "loss": "lsgan"}


def pix2pix_step():
    """Build pix2pix's networks in a fresh seeded session; -> D's and G's losses of one step and
    G's output, with the same feed and dropout seed every time."""
    import keras.backend as K
    determinism.seed_everything(0)
    net = p2p.build(P2P_CONFIG)
    rng = np.random.RandomState(0)
    edges, image = rng.uniform(-1, 1, (2, 1, 32, 32, 3)).astype(np.float32)
    K.set_value(net["seed_variable"], np.array([12345, 678], np.int64))
    out = p2p.generate(net, edges, np.random.RandomState(1), 0)
    d = net["d_step"]([edges, image, 1])
    g = net["g_step"]([edges, image, 1])
    return np.concatenate([np.ravel(d), np.ravel(g), out.ravel()])


def test_pix2pix_built_twice_in_one_process_gives_the_bytes_of_one_build():
    first, second = pix2pix_step(), pix2pix_step()
    assert first.tobytes() == second.tobytes()


def pikachu_discriminator():
    import keras.backend as K
    determinism.seed_everything(0)
    seed = K.variable(np.array([4242, 17], np.int64), dtype="int64")
    return pikachu_models.build_discriminator(
        8, 3, 0.5, 16, spatial_dropout=pikachu_models.seeded_spatial_dropout(seed))


def dropout_layers(model):
    return [layer for layer in model.layers if "SpatialDropout" in type(layer).__name__]


def test_pikachu_dropout_layers_have_their_own_offsets_in_every_build():
    """Three SpatialDropout2D layers: offsets 1009, 2018, 3027 (independent masks), again in a
    second build of the same process."""
    for _ in range(2):
        layers = dropout_layers(pikachu_discriminator())
        assert [layer._offset for layer in layers] == [1009, 2018, 3027]


def test_pikachu_built_twice_in_one_process_gives_the_bytes_of_one_build():
    import keras.backend as K

    def outputs():
        model = pikachu_discriminator()
        x = np.random.RandomState(3).uniform(0, 1, (4, 16, 16, 3)).astype(np.float32)
        run = K.function([model.input, K.learning_phase()], [model.output])
        return run([x, 1])[0]

    first, second = outputs(), outputs()
    assert first.tobytes() == second.tobytes()


def test_pix2pix_notebook_test_page_equals_the_commands(dirs):
    """The notebook trains and tests in one kernel (nb.run, in this process); `make pix2pix-test`
    tests in a process of its own. Both pages hold the same images."""
    from conftest import run_cli
    from kerasgan import notebook as nb
    from test_pix2pix_train import write_pairs
    data, out = dirs
    write_pairs(data / "pix2pix" / "train", count=3)
    write_pairs(data / "pix2pix" / "test", count=2, seed=1)
    nb.run("pix2pix-train", run="nb", epochs=2, size=32, ngf=4, save_every=1)
    nb.run("pix2pix-test", run="nb")
    images = out / "pix2pix" / "nb" / "test_latest" / "images"
    in_kernel = {p.name: p.read_bytes() for p in sorted(images.glob("*.png"))}
    assert len(in_kernel) == 6   # input, output and target of each of the 2 test pairs
    run_cli("pix2pix-test", "--run", "nb",
            env={"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "PYTHONHASHSEED": "0"})
    assert {p.name: p.read_bytes() for p in sorted(images.glob("*.png"))} == in_kernel
