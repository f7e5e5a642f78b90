"""Where the MLP's training time goes (Fashion-MNIST, 784-256-256-10, Adam, batch 128): the same steps
timed with the pieces of the trainer switched on one at a time.

    python bench/profile_mlp.py [--steps 400]

  kernels only      the XLA-compiled step on one fixed batch in a compiled loop (no data, no Python)
  + in-graph data   batches gathered from the uploaded training set inside the loop (the trainer, 1 device)
  + tf.data         batches from a tf.data pipeline through the distribution API (the trainer, N devices)
  no XLA            the in-graph loop with the step left to TensorFlow's op-by-op executor
  python per step   a Python loop calling a compiled step per batch (the notes' style, without their
                    second forward pass)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from classicnets.cli.quiet import import_tensorflow_quietly

import_tensorflow_quietly()

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from classicnets.data import load_dataset  # noqa: E402
from classicnets.data.pipeline import ArraySplit, as_tensor, batches, epoch_order, to_unit_range  # noqa: E402
from classicnets.models import build_model  # noqa: E402
from classicnets.training.loops import distributed_loop, local_loop  # noqa: E402
from classicnets.models.steps import ClassifierSteps  # noqa: E402
from classicnets.optimizers import make_optimizer  # noqa: E402

BATCH = 128
FLOPS_PER_SAMPLE = 6 * (784 * 256 + 256 * 256 + 256 * 10)


def fresh_task() -> ClassifierSteps:
    keras.utils.set_random_seed(0)
    model = build_model("mlp", {"hidden": (256, 256), "dropout": 0.0, "batch_norm": False}, (28, 28, 1), 10)
    return ClassifierSteps(model, make_optimizer("adam", 1e-3))


def timed(run, steps: int) -> float:
    """Seconds per step of run(steps), after a warm-up call that compiles."""
    run(8)
    started = time.perf_counter()
    run(steps)
    return (time.perf_counter() - started) / steps


def variants(data: ArraySplit, order: np.ndarray) -> dict:
    """Each variant as a factory: task -> run(steps), with its compiled functions built once."""
    x, y = as_tensor(data.x), as_tensor(data.y)
    order_tensor = tf.constant(order)

    def kernels_only(task: ClassifierSteps):
        one_x, one_y = tf.cast(x[:BATCH], tf.float32) / 255, y[:BATCH]
        step = tf.function(task.train_sums, jit_compile=True)
        loop = tf.function(lambda n: tf.foldl(lambda acc, _: acc + step(one_x, one_y)[0], tf.range(n), 0.0))
        return lambda steps: float(loop(tf.constant(steps)))

    def in_graph(jit: bool):
        def factory(task: ClassifierSteps):
            loop = local_loop(tf.function(task.train_sums, jit_compile=True) if jit else task.train_sums, 3, BATCH, fixed_shape=jit)
            return lambda steps: float(loop(x, y, order_tensor, tf.constant(0, tf.int64), tf.constant(steps, tf.int64))[0])
        return factory

    def with_tf_data(task: ClassifierSteps):
        strategy = tf.distribute.get_strategy()
        loop = distributed_loop(tf.function(task.train_sums, jit_compile=True), strategy, 3)
        iterator = iter(strategy.experimental_distribute_dataset(batches(data, BATCH, order).repeat()))
        return lambda steps: float(loop(iterator, tf.constant(steps, tf.int64))[0])

    def python_per_step(task: ClassifierSteps):
        step = tf.function(task.train_sums)
        dataset = batches(data, BATCH, order).repeat()

        def run(steps: int) -> None:
            for bx, by in dataset.take(steps):  # batches come as stored: scaled as the trainer scales them
                step(to_unit_range(bx), by)
            float(task.model.variables[0][0, 0])
        return run

    return {"kernels only (XLA)": kernels_only, "+ in-graph data (trainer, 1 device)": in_graph(True),
            "+ tf.data pipeline (trainer, N devices)": with_tf_data, "in-graph data, no XLA": in_graph(False),
            "python loop per step, no XLA (notes)": python_per_step}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=400)
    args = parser.parse_args()
    fashion = load_dataset("fashion-mnist")
    data = ArraySplit(fashion.x_train, fashion.y_train)
    order = epoch_order(len(data), 0, 0)
    print("| variant | ms/step | samples/s | GFLOP/s |\n|---|---|---|---|")
    for name, factory in variants(data, order).items():
        seconds = timed(factory(fresh_task()), args.steps)  # each variant trains its own copy
        print(f"| {name} | {seconds * 1e3:.2f} | {BATCH / seconds:,.0f} | {BATCH * FLOPS_PER_SAMPLE / seconds / 1e9:.1f} |",
              flush=True)


if __name__ == "__main__":
    main()
