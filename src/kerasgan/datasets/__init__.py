"""Datasets shared by several pipelines (MNIST, the embedded UCI digits, a digit classifier).

Importing this package does not import TensorFlow; the loaders import Keras only when they
download.
"""
