"""DCGAN_LOOP=original: keras-dcgan's loop as written, the reference of the fidelity sweep."""
import numpy as np

from kerasgan.pipelines.dcgan import models


def test_stack_trains_only_the_generator_and_d_only_itself():
    """The original compiles the stack while D is frozen, then D trainable: one train_on_batch of
    the stack moves G's weights and none of D's; one of D moves D's and none of G's."""
    from kerasgan.kit import determinism
    from kerasgan.pipelines.dcgan import original
    determinism.seed_everything(0)
    g, d, d_on_g = original.build()
    assert g.count_params() == models.GENERATOR_PARAMS
    assert d.count_params() == models.DISCRIMINATOR_PARAMS
    rng = np.random.RandomState(0)
    noise = rng.uniform(-1, 1, (4, models.LATENT_DIM))
    before_g, before_d = g.get_weights(), d.get_weights()
    d.trainable = False
    d_on_g.train_on_batch(noise, [1] * 4)
    d.trainable = True
    assert all(np.array_equal(a, b) for a, b in zip(before_d, d.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(before_g, g.get_weights()))
    before_g, before_d = g.get_weights(), d.get_weights()
    images = rng.uniform(-1, 1, (8, models.SIDE, models.SIDE, 1))
    d.train_on_batch(images, [1] * 4 + [0] * 4)
    assert all(np.array_equal(a, b) for a, b in zip(before_g, g.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(before_d, d.get_weights()))
