"""The compiled inner loops the trainer calls: each runs `steps` training (or test) steps inside one
tf.function and returns the summed step results, so Python is visited once per chunk, not per step.

On one device a split held in memory lives in the graph as a tensor and each batch is gathered from it inside
the loop (no tf.data round trip per step; measured in bench/README.md). Across replicas, and for images read
from a file a batch at a time, the batches come from a tf.data pipeline (distributed: it shards them between
replicas and workers)."""

from __future__ import annotations

from typing import Any, Callable

import keras
import tensorflow as tf

from classicnets.data.pipeline import to_unit_range

SLOW_UNDER_XLA = ("Conv", "RNN")  # layer classes whose XLA CPU kernels are slower than TensorFlow's own


def _layers(layer: Any) -> list[Any]:
    """All layers inside a model, nested ones included."""
    found = []
    for child in getattr(layer, "layers", None) or []:
        found += [child, *_layers(child)]
    return found


def has_layer_kind(model: keras.Model, markers: tuple[str, ...]) -> bool:
    """Whether a layer of the model (nested ones included) is of a class, or subclass, whose name holds one of
    `markers` ('Conv' matches Conv2D and Conv2DTranspose)."""
    names = {cls.__name__ for layer in _layers(model) for cls in type(layer).__mro__}
    return any(marker in name for name in names for marker in markers)


def use_xla(mode: str, distribute: str, model: keras.Model) -> bool:
    """Whether to XLA-compile the step: only without a distribution strategy (a replica's gradient all-reduce
    cannot be compiled into it); 'auto' only for models without convolutions or recurrent layers (measured
    slower under XLA on CPU: bench/README.md) and that do not add noise to every input pixel (XLA draws the
    noise of a denoising autoencoder slowly on a CPU: an epoch of Fashion-MNIST took 15 s against 2.0 s)."""
    if mode == "off" or distribute != "none":
        return False
    if mode == "on":
        return True
    if float(getattr(model, "noise", 0.0) or 0.0) > 0.0:
        return False
    return not has_layer_kind(model, SLOW_UNDER_XLA)


def local_loop(step: Callable, size: int, batch_size: int, fixed_shape: bool) -> Callable:
    """run(x, y, order, start, steps): steps of `step` on the batches gathered from x[order[start...]].

    With fixed_shape (an XLA-compiled step) every batch has the static shape (batch_size, ...), so the step is
    compiled once, for that shape (with a batch dimension of unknown size XLA compiled it again for the partial
    last batch), and the partial last batch of an epoch goes through `local_tail`. Without, the loop also runs
    the partial last batch: one traced function serves the whole epoch."""

    @tf.function(autograph=False)  # the loop is written as a tf.while_loop: nothing to convert, faster tracing
    def run(x: tf.Tensor, y: tf.Tensor, order: tf.Tensor, start: tf.Tensor, steps: tf.Tensor) -> list[tf.Tensor]:
        def one_step(index: tf.Tensor, totals: list[tf.Tensor]) -> tuple[tf.Tensor, list[tf.Tensor]]:
            first = (start + index) * batch_size
            picked = order[first:first + batch_size]  # the last batch of an epoch may be partial
            if fixed_shape:
                picked = tf.ensure_shape(picked, [batch_size])
            values = step(to_unit_range(tf.gather(x, picked)), tf.gather(y, picked))
            return index + 1, [total + value for total, value in zip(totals, values)]

        start_totals = [tf.zeros((), tf.float32) for _ in range(size)]
        return tf.while_loop(lambda index, _: index < steps, one_step, (tf.zeros((), tf.int64), start_totals))[1]

    return run


def local_tail(step: Callable) -> Callable:
    """run(x, y, order, first): one step of `step` on the partial batch x[order[first:]], as a plain graph
    (no XLA program for a shape used once an epoch)."""

    plain_step = tf.function(step, autograph=False)  # traced as its own function, as the XLA step is

    @tf.function(autograph=False)
    def run(x: tf.Tensor, y: tf.Tensor, order: tf.Tensor, first: tf.Tensor) -> list[tf.Tensor]:
        picked = order[first:]
        return list(plain_step(to_unit_range(tf.gather(x, picked)), tf.gather(y, picked)))

    return run


def full_batches(step: Callable, batch_size: int) -> Callable:
    """`step` on batches declared to hold batch_size examples: the XLA step is traced and compiled once, for the
    static shape local_loop gives it too."""

    def run(x: tf.Tensor, y: tf.Tensor) -> Any:
        return step(tf.ensure_shape(x, [batch_size, *x.shape[1:]]), tf.ensure_shape(y, [batch_size, *y.shape[1:]]))

    return run


def streamed_tail(step: Callable) -> Callable:
    """run(iterator): one step of `step` on the iterator's next batch (an epoch's partial last one), as a plain
    graph: the same call local_tail makes for a split in memory."""

    plain_step = tf.function(step, autograph=False)

    @tf.function(autograph=False)
    def run(iterator: Any) -> list[tf.Tensor]:
        x, y = next(iterator)
        return list(plain_step(to_unit_range(x), y))

    return run


def distributed_loop(step: Callable, strategy: tf.distribute.Strategy, size: int) -> Callable:
    """run(iterator, steps): steps of `step` on every replica (on the batches of pipeline.batches, scaled here),
    results summed across replicas."""

    def scaled_step(x: tf.Tensor, y: tf.Tensor) -> Any:
        return step(to_unit_range(x), y)

    @tf.function
    def run(iterator: Any, steps: tf.Tensor) -> list[tf.Tensor]:
        totals = [tf.zeros((), tf.float32) for _ in range(size)]
        for _ in tf.range(steps):
            per_replica = strategy.run(scaled_step, args=next(iterator))
            totals = [total + strategy.reduce("SUM", value, axis=None) for total, value in zip(totals, per_replica)]
        return totals

    return run
