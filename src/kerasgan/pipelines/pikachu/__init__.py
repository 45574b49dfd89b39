"""The Pikachu GAN of seeds 000/001 (keras-adversarial's CIFAR-10 example, modified).

`make train` trains it (kerasgan.pipelines.pikachu.train), `make generate` samples from a run
(kerasgan.pipelines.pikachu.generate). The architecture and hyper-parameters are in `models`
(docs/originals.md#pikachu-gan); everything a run writes lives under OUT_DIR/pikachu/<RUN>/ (`runfolder`).
Importing this package does not import TensorFlow.
"""
PIPELINE = "pikachu"
