"""keras-dcgan's networks have the original's shapes and parameter counts (docs/originals.md#keras-dcgan)."""
from kerasgan.pipelines.dcgan import models


def test_parameter_counts_and_shapes_match_the_original():
    from kerasgan.kit import determinism
    determinism.seed_everything(0)
    generator, discriminator = models.build_generator(), models.build_discriminator()
    assert generator.count_params() == 6763777 == models.GENERATOR_PARAMS
    assert discriminator.count_params() == 3485441 == models.DISCRIMINATOR_PARAMS
    assert generator.input_shape == (None, 100) and generator.output_shape == (None, 28, 28, 1)
    assert discriminator.input_shape == (None, 28, 28, 1) and discriminator.output_shape == (None, 1)
    assert generator.layers[-1].activation.__name__ == "tanh"
    assert discriminator.layers[-1].activation.__name__ == "sigmoid"
