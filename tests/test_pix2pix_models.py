"""pix2pix models: the reference's parameter counts at 256, and how depth follows SIZE."""
import pytest

from kerasgan.pipelines.pix2pix import models


@pytest.fixture
def session():
    from kerasgan.kit import determinism
    determinism.seed_everything(0)


def test_reference_parameter_counts_at_256(session):
    """The reference prints 54.414 M (G) and 2.769 M (D): trainable weights only (Keras's
    batch-norm moving statistics are non-trainable weights, PyTorch's are buffers)."""
    g = models.build_generator(256)
    d = models.build_discriminator(256)
    assert round(models.trainable_count(g) / 1e3) == 54414
    assert round(models.trainable_count(d) / 1e3) == 2769
    assert models.trainable_count(g) == 54413955 and models.trainable_count(d) == 2768705
    assert g.output_shape == (None, 256, 256, 3)
    assert d.output_shape == (None, 30, 30, 1)   # 70x70 PatchGAN: 30x30 patches at 256
    convs = [l for l in g.layers if l.name.startswith("down") and l.name.endswith("conv")]
    assert [l.filters for l in convs] == [64, 128, 256, 512, 512, 512, 512, 512]


def test_depth_follows_size_and_noise_input(session):
    assert [models.unet_depth(s) for s in (32, 64, 128, 256)] == [5, 6, 7, 8]
    assert models.dropout_levels(8) == {5, 6, 7}
    g = models.build_generator(32, ngf=8, nz=models.NZ)
    assert [tuple(i.shape.as_list()) for i in g.inputs] == [(None, 32, 32, 3), (None, models.NZ)]
    assert g.output_shape == (None, 32, 32, 3)
    assert models.build_discriminator(32, ndf=8).output_shape == (None, 2, 2, 1)
    for bad in (16, 48, 100):
        with pytest.raises(ValueError):
            models.unet_depth(bad)
