"""Compatibility layer: keras-adversarial 0.0.3 (PyPI, Jan 2017) on Keras 2.1.2 / TensorFlow 1.14.

keras-adversarial was written against Keras 1.2 / 2.0.0. Keras 2.1.2 is the version the seeds pin
(2.1.3 removed `internal_input_shapes`, which keras-adversarial reads). Each patch below says what
breaks without it. `apply()` is idempotent and is called by kerasgan.compat_hook the moment
keras_adversarial is imported; nothing here copies another project's patch.

Every other Keras-version difference of the project lives here too (single place).
"""
import itertools
import sys

_APPLIED = False


def apply():
    global _APPLIED
    if _APPLIED:
        return
    import keras_adversarial.adversarial_model as am
    import keras_adversarial.adversarial_optimizers as ao
    import keras_adversarial.adversarial_utils as au
    import keras_adversarial.image_grid_callback as igc

    _patch_feed_attributes(am.AdversarialModel)
    _patch_train_function(am.AdversarialModel)
    _patch_merge_updates(am, au)
    _patch_optimizer_calls(ao)
    _patch_image_grid_callback(igc.ImageGridCallback)
    _patch_image_grid_directory()
    order_updates_after_reads()
    # What GitHub master (6651cfa, Jan 2018) has beyond PyPI's 0.0.3, which the book examples use.
    _install_legacy_module()
    _patch_player_compile_kwargs(am.AdversarialModel)
    _add_scheduled_optimizer(ao)
    _APPLIED = True


def _install_legacy_module():
    """Without it: `from keras_adversarial.legacy import fit` (every example on master, and the
    seeds' scripts) raises ModuleNotFoundError: 0.0.3 predates the module. Ours is
    kerasgan.legacy_keras_adversarial, registered under master's name."""
    import keras_adversarial
    from . import legacy_keras_adversarial as legacy

    sys.modules.setdefault("keras_adversarial.legacy", legacy)
    keras_adversarial.legacy = sys.modules["keras_adversarial.legacy"]


def _patch_player_compile_kwargs(cls):
    """Without it: `adversarial_compile(..., player_compile_kwargs=[{...}, {...}])` (master's way to
    give each player its own `Model.compile` arguments, e.g. metrics) is passed on to K.function
    and fails there. 0.0.3's `compile_kwargs` (one dict for all players) keeps working; a player's
    own dict wins over it."""
    compile_ = cls.adversarial_compile  # already wrapped by _patch_feed_attributes
    if getattr(compile_, "_kerasgan_players", False):
        return

    def adversarial_compile(self, adversarial_optimizer, player_optimizers, loss,
                            player_compile_kwargs=None, compile_kwargs=None, **kwargs):
        shared = dict(compile_kwargs or {})
        if player_compile_kwargs is None:
            return compile_(self, adversarial_optimizer, player_optimizers, loss,
                            compile_kwargs=shared, **kwargs)
        if len(player_compile_kwargs) != len(self.layers):
            raise ValueError("player_compile_kwargs needs one dict per player ({}), got {}".format(
                len(self.layers), len(player_compile_kwargs)))
        # 0.0.3 calls model.compile(opt, loss=..., **compile_kwargs) for each player in order:
        # give each player model, for the duration of the call, a compile that adds its own dict.
        for model, own in zip(self.layers, player_compile_kwargs):
            model.compile = _compile_with(model, dict(shared, **(own or {})))
        try:
            return compile_(self, adversarial_optimizer, player_optimizers, loss, **kwargs)
        finally:
            for model in self.layers:
                model.__dict__.pop("compile", None)

    adversarial_compile._kerasgan = True
    adversarial_compile._kerasgan_players = True
    adversarial_compile.__doc__ = compile_.__doc__
    cls.adversarial_compile = adversarial_compile


def _compile_with(model, extra):
    bound = type(model).compile

    def compile(optimizer, loss=None, **kwargs):
        return bound(model, optimizer, loss=loss, **dict(kwargs, **extra))

    return compile


def _add_scheduled_optimizer(ao):
    """Without it: `from keras_adversarial import AdversarialOptimizerScheduled` fails (master
    only). It trains one player per batch following a repeating schedule: [0, 0, 1] trains
    player 0 on two batches, then player 1 on one. Like master, the position in the schedule is
    advanced before each batch (so the very first batch uses schedule[1]); each function also runs
    the models' own updates (BatchNormalization's moving averages)."""
    import keras_adversarial
    from . import legacy_keras_adversarial as legacy
    import keras.backend as K

    if hasattr(ao, "AdversarialOptimizerScheduled"):
        return

    class AdversarialOptimizerScheduled(object):
        """Update the players according to a repeating schedule of player indices."""

        def __init__(self, schedule):
            if len(schedule) == 0:
                raise ValueError("the schedule needs at least one player index")
            self.schedule = list(schedule)
            self.iter = 0

        def make_train_function(self, inputs, outputs, losses, params, optimizers, constraints,
                                model_updates, function_kwargs):
            functions = [K.function(inputs, outputs,
                                    updates=legacy.get_updates(optimizer, param, constraint, loss)
                                    + list(model_updates),
                                    **function_kwargs)
                         for loss, param, optimizer, constraint
                         in zip(losses, params, optimizers, constraints)]

            def train(_inputs):
                self.iter = (self.iter + 1) % len(self.schedule)
                return functions[self.schedule[self.iter]](_inputs)

            return train

    AdversarialOptimizerScheduled.__module__ = ao.__name__
    ao.AdversarialOptimizerScheduled = AdversarialOptimizerScheduled
    keras_adversarial.AdversarialOptimizerScheduled = AdversarialOptimizerScheduled


def _patch_image_grid_directory():
    """Without it: ImageGridCallback("epoch-{:03d}.png", ...) — a grid in the current folder —
    fails on the first epoch with FileNotFoundError: 0.0.3 calls os.makedirs('') for a bare file
    name. Master resolved the path first; so do we."""
    import os
    import keras_adversarial.image_grid as ig
    import keras_adversarial.image_grid_callback as igc

    original = ig.write_image_grid
    if getattr(original, "_kerasgan", False):
        return

    def write_image_grid(filepath, imgs, figsize=None, cmap="gray"):
        os.makedirs(os.path.dirname(os.path.abspath(filepath)), exist_ok=True)
        return original(os.path.abspath(filepath), imgs, figsize=figsize, cmap=cmap)

    write_image_grid._kerasgan = True
    ig.write_image_grid = write_image_grid
    igc.write_image_grid = write_image_grid


def _patch_feed_attributes(cls):
    """Without it: `fit` raises AttributeError: 'AdversarialModel' object has no attribute
    '_feed_output_shapes'. Keras 2.1 (since 2.0.7) standardises data and builds its functions from
    the `_feed_*` lists that `Model.compile` fills in; AdversarialModel never calls Model.compile, so
    we derive them from the player models, in the same order as its own outputs and targets."""
    original = cls.adversarial_compile
    if getattr(original, "_kerasgan", False):
        return

    def adversarial_compile(self, *args, **kwargs):
        original(self, *args, **kwargs)
        players = self.layers
        first = players[0]

        def collect(name):
            return list(itertools.chain.from_iterable(getattr(m, name) for m in players))

        # All players share the base model's inputs.
        self._feed_inputs = list(first._feed_inputs)
        self._feed_input_names = list(first._feed_input_names)
        self._feed_input_shapes = list(first._feed_input_shapes)
        # Outputs, targets and weights: one set per player, concatenated.
        self._feed_outputs = collect("_feed_outputs")
        self._feed_output_names = list(self.output_names)
        self._feed_output_shapes = collect("_feed_output_shapes")
        self._feed_loss_fns = collect("_feed_loss_fns")
        self._feed_targets = collect("_feed_targets")
        self._feed_sample_weights = collect("_feed_sample_weights")
        self._feed_sample_weight_modes = collect("_feed_sample_weight_modes")

    adversarial_compile._kerasgan = True
    adversarial_compile.__doc__ = original.__doc__
    cls.adversarial_compile = adversarial_compile


def _patch_train_function(cls):
    """Without it: the first batch raises AttributeError: 'Model' object has no attribute
    'constraints'. Keras 2.1 moved weight constraints into the layers and optimizers (applied by
    `Optimizer.get_updates`), so player models no longer expose `.constraints`; we pass empty lists
    where keras-adversarial expects them. The test function had the same problem with
    `state_updates` of the multi-model container: we use the players' merged updates instead."""
    import keras.backend as K

    if getattr(cls._make_train_function, "_kerasgan", False):
        return

    def _inputs(self):
        inputs = self._feed_inputs + self._feed_targets + self._feed_sample_weights
        if self.uses_learning_phase and not isinstance(K.learning_phase(), int):
            inputs += [K.learning_phase()]
        return inputs

    def _outputs(self):
        return [self.total_loss] + list(itertools.chain.from_iterable(
            [m.total_loss] + m.metrics_tensors for m in self.layers))

    def _make_train_function(self):
        if not hasattr(self, "train_function"):
            raise RuntimeError("You must call adversarial_compile before fit.")
        if self.train_function is None:
            self.train_function = self.adversarial_optimizer.make_train_function(
                _inputs(self), _outputs(self),
                [m.total_loss for m in self.layers],
                self.player_params,
                self.optimizers,
                [[] for _ in self.layers],
                self.updates,
                self._function_kwargs)

    def _make_test_function(self):
        if not hasattr(self, "test_function"):
            raise RuntimeError("You must call adversarial_compile before evaluate.")
        if self.test_function is None:
            self.test_function = K.function(_inputs(self), _outputs(self),
                                            updates=[], **self._function_kwargs)

    _make_train_function._kerasgan = True
    cls._make_train_function = _make_train_function
    cls._make_test_function = _make_test_function
    # Keras 2.1's Model.constraints is gone; keep keras-adversarial's property from failing.
    cls.constraints = property(lambda self: [])


def _patch_merge_updates(am, au):
    """Without it: every variable updated once per step (BatchNormalization's moving mean and
    variance, Adam's counters) is assigned `value[0]` — the first row of the *last* update in the
    list, a stale loop variable — instead of its own new value. Training then silently corrupts
    those variables (or fails on a shape mismatch). We average repeated updates of one variable as
    intended, and keep single updates as they are."""
    from keras_adversarial.backend import unpack_assignment, variable_key
    import keras.backend as K

    def merge_updates(updates):
        """Average repeated updates of the same variable (keras-adversarial's intent, fixed)."""
        merged = {}
        order = []
        for update in updates:
            variable, value = unpack_assignment(update)
            key = variable_key(variable)
            if key not in merged:
                merged[key] = (variable, [])
                order.append(key)
            merged[key][1].append(value)
        result = []
        for key in order:  # keep the original order so the graph is built the same way every run
            variable, values = merged[key]
            new = values[0] if len(values) == 1 else sum(values) / len(values)
            result.append(K.update(variable, new))
        return result

    au.merge_updates = merge_updates
    am.merge_updates = merge_updates


def _patch_optimizer_calls(ao):
    """Without it: every player optimizer is called as `get_updates(params, constraints, loss)`,
    the Keras 1 signature; Keras 2.1 only accepts it through a legacy shim that warns on each build.
    We call `get_updates(loss=..., params=...)`. AdversarialOptimizerAlternating(reverse=True) also
    set its function list to None (`funcs = funcs.reverse()`): fixed here too."""
    import keras.backend as K

    def simultaneous_call(self, losses, params, optimizers, constraints):
        updates = []
        for loss, param, optimizer in zip(losses, params, optimizers):
            updates += optimizer.get_updates(loss=loss, params=param)
        return updates

    def alternating_make_train_function(self, inputs, outputs, losses, params, optimizers,
                                        constraints, model_updates, function_kwargs):
        funcs = [K.function(inputs, [], updates=optimizer.get_updates(loss=loss, params=param),
                            **function_kwargs)
                 for loss, param, optimizer in zip(losses, params, optimizers)]
        output_func = K.function(inputs, outputs, updates=model_updates, **function_kwargs)
        if self.reverse:
            funcs = funcs[::-1]

        def train(_inputs):
            for func in funcs:
                func(_inputs)
            return output_func(_inputs)

        return train

    ao.AdversarialOptimizerSimultaneous.call = simultaneous_call
    ao.AdversarialOptimizerAlternating.make_train_function = alternating_make_train_function


def _patch_image_grid_callback(cls):
    """Without it: ImageGridCallback skips Callback.__init__, so Keras 2.1's fit finds no
    `validation_data` / `model` attributes on it when it sets up callbacks."""
    original_init = cls.__init__
    if getattr(original_init, "_kerasgan", False):
        return
    from keras.callbacks import Callback

    def __init__(self, image_path, generator, cmap="gray"):
        Callback.__init__(self)
        original_init(self, image_path, generator, cmap=cmap)

    __init__._kerasgan = True
    cls.__init__ = __init__


def order_updates_after_reads():
    """Make every training step read all weights before it writes any (Keras 2.1.2 + TF 1.x).

    Without it: training is not reproducible on CPU, even with seeds and one thread: Keras's
    TensorFlow `Function` only orders the updates it creates itself after the outputs, while the
    optimizers' and keras-adversarial's updates are ready-made assign ops with no ordering. So an
    assign can land before another op reads the same variable in that step — backprop through a
    later layer, Adam's `iterations` read for its decay, or (keras-adversarial) the generator
    player's forward pass through the discriminator the other player just updated. Results then
    differ in the last digits from run to run. We add one barrier per Function: every update runs
    after all outputs and all new values of the step are computed, i.e. all players update
    simultaneously from the same weights, as AdversarialOptimizerSimultaneous intends.
    Applied by `kerasgan.kit.determinism.seed_everything` and whenever keras_adversarial is imported.
    """
    import keras.backend.tensorflow_backend as tfb

    if getattr(tfb.Function.__init__, "_kerasgan", False):
        return
    original_init = tfb.Function.__init__

    def __init__(self, inputs, outputs, updates=None, name=None, **session_kwargs):
        original_init(self, inputs, outputs, _ordered(list(updates or []), list(outputs)),
                      name=name, **session_kwargs)

    __init__._kerasgan = True
    tfb.Function.__init__ = __init__


def _ordered(updates, outputs):
    """Return `updates` as assign ops that each wait for one barrier over all reads of the step."""
    import tensorflow as tf

    if not updates:
        return updates
    ops, values = [], []
    for update in updates:
        if isinstance(update, (tuple, list)):
            variable, new_value = update
            new_value = tf.convert_to_tensor(new_value, dtype=variable.dtype.base_dtype)
            ops.append((variable, new_value))
            values.append(new_value)
        else:
            op = update if isinstance(update, tf.Operation) else update.op
            ops.append(op)
            values.extend(op.inputs[1:])  # inputs[0] is the variable itself
    barrier_inputs = [t.op for t in values + [o for o in outputs if hasattr(o, "op")]]
    if not barrier_inputs:
        return updates
    barrier = tf.group(*barrier_inputs, name="read_before_write")
    upstream = _ancestors(barrier)
    result = []
    for item in ops:
        if isinstance(item, tuple):
            with tf.control_dependencies([barrier]):
                result.append(tf.assign(item[0], item[1]))
        else:
            if item not in upstream:  # an update that feeds another one can't also wait for it
                item._add_control_input(barrier)
            result.append(item)
    return result


def _ancestors(op):
    seen, stack = set(), [op]
    while stack:
        current = stack.pop()
        for parent in list(current.control_inputs) + [t.op for t in current.inputs]:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen
