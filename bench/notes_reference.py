"""The study notes' TF2 training style, kept as the notes write it, as the baseline of bench/speed.py:
a Python loop over a shuffled tf.data dataset, an @tf.function train_step per batch, and the batch cost
computed again by a second forward pass outside the step to print the epoch's average cost.

speed.py runs it as its own process (`python notes_reference.py NETWORK EPOCHS OUT.json`), so TensorFlow
starts with the settings a user running the notes has: TensorFlow is imported here before classicnets,
which would otherwise turn TensorFlow's oneDNN kernels on (classicnets/__init__.py)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import tensorflow as tf  # first: the process keeps TensorFlow's own default for oneDNN

from classicnets.data import load_dataset  # noqa: E402
from classicnets.models import build_model, get_spec  # noqa: E402


def train_notes_style(model_name: str, options: dict, data, epochs: int, batch: int, learning_rate: float,
                      test_metric: Callable, seed: int = 0) -> dict:
    """Same keras network as classicnets builds, trained the notes' way; returns samples/s and the test metric."""
    tf.keras.utils.set_random_seed(seed)
    model = build_model(model_name, options, data.input_shape, data.num_classes)
    autoencoder = get_spec(model_name).task != "classifier"
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    x_train = data.x_train.astype(np.float32) / 255
    targets = x_train if autoencoder else data.y_train

    def cost(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        output = model(x, training=True)
        if autoencoder:
            return tf.reduce_mean(tf.square(tf.reshape(output, tf.shape(x)) - x))
        return tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y, output))

    @tf.function
    def train_step(x: tf.Tensor, y: tf.Tensor) -> None:
        with tf.GradientTape() as tape:
            loss = cost(x, y)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    dataset = tf.data.Dataset.from_tensor_slices((x_train, targets)).shuffle(len(x_train), seed=seed).batch(batch)
    total_batch = int(np.ceil(len(x_train) / batch))
    started = time.perf_counter()
    epoch_seconds = []
    for epoch in range(epochs):
        epoch_started = time.perf_counter()
        average_cost = 0.0
        for batch_x, batch_y in dataset:
            train_step(batch_x, batch_y)
            average_cost += float(cost(batch_x, batch_y)) / total_batch  # the notes' second forward pass
        epoch_seconds.append(time.perf_counter() - epoch_started)
        print(f"    notes style: epoch {epoch + 1} cost = {average_cost:.4f}", flush=True)
    seconds = time.perf_counter() - started
    x_test = data.x_test.astype(np.float32) / 255
    output = model.predict(x_test, batch_size=1024, verbose=0)
    return {"samples_per_second": len(x_train) * epochs / seconds, "seconds": seconds, "epoch_seconds": epoch_seconds,
            **test_metric(model_name, output, x_test, data.y_test)}


def onednn_enabled() -> bool:
    """Whether this process's TensorFlow runs its oneDNN kernels (TensorFlow's own, private, check)."""
    from tensorflow.python.util import _pywrap_util_port

    return bool(_pywrap_util_port.IsMklEnabled())


def main() -> None:
    """python notes_reference.py NETWORK EPOCHS OUT.json [SEED]: train one network the notes' way, write the result."""
    from networks import BATCH, LEARNING_RATE, NETWORKS, test_metric

    name, epochs, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    model_name, options, _ = NETWORKS[name]
    result = train_notes_style(model_name, options, load_dataset("fashion-mnist"), epochs, BATCH, LEARNING_RATE,
                               test_metric, seed)
    out.write_text(json.dumps({**result, "onednn": onednn_enabled()}))


if __name__ == "__main__":
    main()
