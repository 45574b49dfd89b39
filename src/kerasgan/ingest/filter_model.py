"""The "find Pikachu" CNN of seed 001, exactly as the original summary (docs/originals.md#the-filter-cnn).

`build_filter_model` is pure: it only builds layers (call `determinism.seed_everything` first for
reproducible initial weights) and returns an uncompiled Sequential model; `compile_filter_model`
compiles it as the original did.
"""

INPUT_SHAPE = (32, 32, 3)

# Per-layer parameter counts of the original's model.summary(); total 3,940.
ORIGINAL_PARAMS = (155, 0, 1344, 0, 816, 0, 536, 0, 0, 1056, 0, 33)


def build_filter_model(input_shape=INPUT_SHAPE, dropout=0.5):
    """SeparableConv2D x4 with pooling, Dense(32) -> Dropout -> Dense(1, sigmoid); uncompiled."""
    from keras.layers import (AveragePooling2D, Dense, Dropout, Flatten, MaxPooling2D,
                              SeparableConv2D)
    from keras.models import Sequential

    return Sequential([
        SeparableConv2D(32, 3, padding="same", activation="relu", input_shape=input_shape),
        MaxPooling2D(2),
        SeparableConv2D(32, 3, padding="same", activation="relu"),
        MaxPooling2D(2),
        SeparableConv2D(16, 3, padding="same", activation="relu"),
        MaxPooling2D(2),
        SeparableConv2D(8, 5, padding="same", activation="relu"),
        AveragePooling2D(2),
        Flatten(),
        Dense(32, activation="relu"),
        Dropout(dropout),
        Dense(1, activation="sigmoid"),
    ], name="finding_pikachu")


def compile_filter_model(model):
    """As the original: optimizer 'adam', binary cross-entropy, metrics acc and mae."""
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc", "mae"])
    return model
