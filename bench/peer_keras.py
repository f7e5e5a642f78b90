"""classicnets' classifiers written directly in Keras and trained with model.fit, set up as a careful user
would (XLA for the dense networks, 32 steps per execution, the test set as validation_data so it is measured
after each epoch): the Keras side of bench/time_to_accuracy.py.

    python bench/peer_keras.py cnn --target 0.92 --epochs 20 [--options '{"batch_norm": true}'] [--schedule cosine]
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import fashion_idx  # noqa: E402
from peer_common import parse, report  # noqa: E402


def network(model: str, options: dict) -> keras.Model:
    """The network classicnets builds for `model` with `options`, in plain Keras layers."""
    layers: list = [keras.Input((28, 28, 1))]
    norm = options.get("batch_norm", False)
    if model == "softmax":
        layers += [keras.layers.Flatten()]
    elif model == "mlp":
        layers += [keras.layers.Flatten()]
        for size in options.get("hidden", (256, 256)):
            layers += [keras.layers.Dense(size, kernel_initializer="he_normal", use_bias=not norm)]
            layers += [keras.layers.BatchNormalization()] if norm else []
            layers += [keras.layers.Activation("relu"), keras.layers.Dropout(options.get("dropout", 0.2))]
    elif model == "cnn":
        for count in options.get("filters", (32, 64)):
            layers += [keras.layers.Conv2D(count, options.get("kernel_size", 3), padding="same", use_bias=not norm)]
            layers += [keras.layers.BatchNormalization()] if norm else []
            layers += [keras.layers.Activation("relu"), keras.layers.MaxPooling2D(2, padding="same")]
        layers += [keras.layers.Flatten(), keras.layers.Dense(options.get("dense", 256), activation="relu"),
                   keras.layers.Dropout(options.get("dropout", 0.5))]
    else:
        cell = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple": keras.layers.SimpleRNN}
        layers += [keras.layers.Reshape((28, 28))]
        count = options.get("layers", 1)
        layers += [cell[options.get("cell", "lstm")](options.get("units", 128), return_sequences=i < count - 1)
                   for i in range(count)]
        layers += [keras.layers.Dropout(options.get("dropout", 0.0))]
    return keras.Sequential([*layers, keras.layers.Dense(10, activation="softmax")])


class TestEachEpoch(keras.callbacks.Callback):
    """Report the test accuracy (fit's validation figures) after each epoch; stop once it reaches the target."""

    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        accuracy = float(logs["val_accuracy"])
        report(epoch + 1, accuracy)
        if accuracy >= self.target:
            self.model.stop_training = True


def main() -> None:
    args = parse(__doc__)
    keras.utils.set_random_seed(args.seed)
    x_train, y_train, x_test, y_test = fashion_idx.load()
    x_train, y_train = fashion_idx.held_out(x_train, y_train, args.validation_fraction, args.seed)
    as_images = lambda x: (x.astype(np.float32) / 255)[..., None]
    steps = -(-len(y_train) // args.batch_size) * args.epochs
    rate = args.lr
    if args.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(args.lr, steps)
    model = network(args.model, args.options)
    model.compile(optimizer=keras.optimizers.Adam(rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=args.model in ("softmax", "mlp"), steps_per_execution=32)
    model.fit(as_images(x_train), y_train, batch_size=args.batch_size, epochs=args.epochs, shuffle=True,
              validation_data=(as_images(x_test), y_test), validation_batch_size=1000, verbose=0,
              callbacks=[TestEachEpoch(args.target)])


if __name__ == "__main__":
    main()
