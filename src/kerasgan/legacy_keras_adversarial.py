"""`keras_adversarial.legacy` as keras-adversarial's GitHub master (6651cfa, Jan 2018) offered it.

PyPI's keras-adversarial 0.0.3 has no `legacy` module, but the book examples and master's own
examples and tests import from it: `fit(model, x, y, nb_epoch=...)`, `l1l2`, and layer factories
that accept Keras 1 argument names. kerasgan.compat registers this module as
`keras_adversarial.legacy` the moment keras_adversarial is imported (through the `.pth` file that
`make setup` installs, so an unmodified script needs no `import kerasgan`).

Our own implementation from the documented behaviour: on Keras 2 (the only Keras of the pinned
stack) each name maps a Keras 1 spelling onto the Keras 2 API; the Keras 1 branch exists so that
`keras_2` means what it meant on master. Nothing here copies master's source.

Keras 1 name            Keras 2 meaning
- nb_epoch              epochs
- W_regularizer         kernel_regularizer
- W_initializer / init  kernel_initializer
- border_mode           padding
- Convolution2D(n, w, h)  Conv2D(n, (w, h))
- BatchNormalization(mode=0)  BatchNormalization() (Keras 2 has only mode 0: feature-wise, batch
  statistics in training, moving averages at test time; modes 1 and 2 are gone)
- get_updates(optimizer, params, constraints, loss)  optimizer.get_updates(loss=, params=)
  (Keras 2.1 applies constraints inside the layers, so they are dropped)
"""
import warnings

import keras

keras_2 = int(keras.__version__.split(".")[0]) > 1


def _units(value):
    """Master's examples compute sizes as `hidden_dim / 2` (a float on Python 3); Keras 2.1.2 builds
    float-shaped weights from that and fails later, so whole floats become ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fit(model, x, y, nb_epoch=10, *args, **kwargs):
    """model.fit with Keras 1's epoch count name; returns the History."""
    if keras_2:
        return model.fit(x, y, *args, epochs=nb_epoch, **kwargs)
    return model.fit(x, y, *args, nb_epoch=nb_epoch, **kwargs)


def fit_generator(model, generator, epochs, steps_per_epoch):
    """model.fit_generator with either Keras's names for the epoch and step counts."""
    if keras_2:
        return model.fit_generator(generator, epochs=epochs, steps_per_epoch=steps_per_epoch)
    return model.fit_generator(generator, nb_epoch=epochs, samples_per_epoch=steps_per_epoch)


def l1l2(l1=0, l2=0):
    """An L1 + L2 weight penalty (Keras 2's class; Keras 1's function of the same name)."""
    if keras_2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    return keras.regularizers.l1l2(l1, l2)


def Dense(units, W_regularizer=None, W_initializer="glorot_uniform", **kwargs):
    """Dense layer taking Keras 1's W_regularizer / W_initializer (and `output_dim`)."""
    if "output_dim" in kwargs:  # Keras 1's name for units, used by the older examples
        units = kwargs.pop("output_dim")
    if keras_2:
        return keras.layers.Dense(_units(units), kernel_regularizer=W_regularizer,
                                  kernel_initializer=W_initializer, **kwargs)
    return keras.layers.Dense(units, W_regularizer=W_regularizer, init=W_initializer, **kwargs)


def BatchNormalization(mode=0, **kwargs):
    """BatchNormalization; Keras 2 knows only Keras 1's mode 0, so `mode` is dropped there.

    As on master, any mode gives Keras 2's layer (master's example_gan_convolutional.py asks for
    mode=2, per-batch statistics at test time too); a mode other than 0 warns that it changed.
    Note `axis` keeps its meaning: with channels-last tensors (TensorFlow's default) `axis=1`
    normalises image rows, not channels — what master's CIFAR-10 example did on TensorFlow."""
    if keras_2:
        if mode != 0:
            warnings.warn("BatchNormalization(mode={}): Keras 2 has only mode 0 (moving averages "
                          "at test time); using it".format(mode), stacklevel=2)
        return keras.layers.BatchNormalization(**kwargs)
    return keras.layers.BatchNormalization(mode=mode, **kwargs)


def Convolution2D(units, w, h, W_regularizer=None, W_initializer="glorot_uniform",
                  border_mode="same", **kwargs):
    """Conv2D with Keras 1's (filters, rows, cols) signature; note master's default border 'same'."""
    if keras_2:
        return keras.layers.Conv2D(_units(units), (w, h), padding=border_mode,
                                   kernel_regularizer=W_regularizer,
                                   kernel_initializer=W_initializer, **kwargs)
    return keras.layers.Convolution2D(units, w, h, border_mode=border_mode,
                                      W_regularizer=W_regularizer, init=W_initializer, **kwargs)


def AveragePooling2D(pool_size, border_mode="valid", **kwargs):
    """AveragePooling2D taking Keras 1's border_mode."""
    if keras_2:
        return keras.layers.AveragePooling2D(pool_size=pool_size, padding=border_mode, **kwargs)
    return keras.layers.AveragePooling2D(pool_size=pool_size, border_mode=border_mode, **kwargs)


def MaxPooling2D(pool_size=(2, 2), border_mode="valid", **kwargs):
    """MaxPooling2D taking Keras 1's border_mode (a kerasgan addition beside master's names)."""
    if keras_2:
        return keras.layers.MaxPooling2D(pool_size=pool_size, padding=border_mode, **kwargs)
    return keras.layers.MaxPooling2D(pool_size=pool_size, border_mode=border_mode, **kwargs)


def get_updates(optimizer, params, constraints, loss):
    """An optimizer's update ops for `loss` over `params`, through the signature of either Keras.

    Keras 2.1 takes constraints from the layers themselves, so they are not passed on (passing
    them positionally goes through Keras's deprecation shim, which warns on every build)."""
    if keras_2:
        return optimizer.get_updates(loss=loss, params=params)
    return optimizer.get_updates(params, constraints, loss)


__all__ = ["keras_2", "fit", "fit_generator", "l1l2", "Dense", "BatchNormalization",
           "Convolution2D", "AveragePooling2D", "MaxPooling2D", "get_updates"]
