"""Training speed on Fashion-MNIST: classicnets vs the notes' TF2 code vs PyTorch, for the same network,
data, epochs, optimiser (Adam 1e-3, constant) and batch size (128), in one run; plus the MLP's FLOP/s as a
fraction of this machine's measured float32 matmul peak. The notes' code runs in its own Python process
with TensorFlow's default settings (--notes-onednn on gives it the oneDNN kernels classicnets turns on).

    pip install torch==2.13.0      # the PyTorch CPU wheel, for the third column
    python bench/speed.py [--networks mlp,cnn,autoencoder] [--epochs-scale 1] [--seed 0] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from classicnets.cli.quiet import import_tensorflow_quietly

import_tensorflow_quietly()

import tensorflow as tf  # noqa: E402

from classicnets.config import TrainConfig  # noqa: E402
from classicnets.data import load_dataset  # noqa: E402
from classicnets.data.pipeline import ArraySplit  # noqa: E402
from classicnets.models import build_model, get_spec  # noqa: E402
from classicnets.training.trainer import Trainer  # noqa: E402

import torch_reference  # noqa: E402  (bench/torch_reference.py)
from networks import BATCH, LEARNING_RATE, NETWORKS, test_metric  # noqa: E402  (bench/networks.py)
from notes_reference import onednn_enabled  # noqa: E402  (bench/notes_reference.py)

HERE = Path(__file__).resolve().parent
MLP_FLOPS_PER_SAMPLE = 6 * (784 * 256 + 256 * 256 + 256 * 10)  # forward 2*MACs, backward 4*MACs: ~1.6 MFLOP


def matmul_peak(size: int = 2048, repeats: int = 20) -> float:
    """Best float32 FLOP/s of a size x size matmul chain in TensorFlow on this machine."""
    a = tf.random.normal((size, size))

    @tf.function
    def chain(x: tf.Tensor) -> tf.Tensor:
        for _ in range(repeats):
            x = tf.matmul(x, a) * 1e-3
        return x

    chain(a).numpy()
    best = min(_timed(lambda: chain(a).numpy()) for _ in range(3))
    return 2 * size**3 * repeats / best


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def train_classicnets(model_name: str, options: dict, data, epochs: int, seed: int = 0) -> dict:
    """The package's own trainer (compiled multi-step loop); returns samples/s and the test metric."""
    tf.keras.utils.set_random_seed(seed)
    model = build_model(model_name, options, data.input_shape, data.num_classes)
    config = TrainConfig(epochs=epochs, batch_size=BATCH, learning_rate=LEARNING_RATE, schedule="constant", seed=seed)
    steps = get_spec(model_name).steps_class.create(model, config, 1)
    with tempfile.TemporaryDirectory() as folder:
        trainer = Trainer(steps, tf.distribute.get_strategy(), config, Path(folder) / "checkpoint.npz", verbose=False)
        started = time.perf_counter()
        result = trainer.fit(ArraySplit(data.x_train, data.y_train), None)
        seconds = time.perf_counter() - started
    x_test = data.x_test.astype(np.float32) / 255
    output = model.predict(x_test, batch_size=1024, verbose=0)
    return {"samples_per_second": len(data.y_train) * epochs / seconds, "seconds": seconds,
            "epoch_seconds": [row["seconds"] for row in result.history],
            **test_metric(model_name, output, x_test, data.y_test)}


def steady_samples_per_second(result: dict, examples: int) -> float:
    """Samples/s of the median epoch after the first (the first pays one-time costs: graph tracing, XLA
    compilation, PyTorch's allocator warm-up)."""
    later = result["epoch_seconds"][1:] or result["epoch_seconds"]
    return examples / float(np.median(later))


def train_notes_in_own_process(name: str, epochs: int, onednn: str, seed: int = 0) -> dict:
    """bench/notes_reference.py in a fresh Python, with TensorFlow's own oneDNN default (as a user of the notes
    runs it) unless `onednn` is "on"."""
    env = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    if onednn == "on":
        env["TF_ENABLE_ONEDNN_OPTS"] = "1"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "notes.json"
        command = [sys.executable, str(HERE / "notes_reference.py"), name, str(epochs), str(out), str(seed)]
        subprocess.run(command, check=True, env={**env, "TF_CPP_MIN_LOG_LEVEL": "2"}, cwd=HERE)
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", default="mlp,cnn,autoencoder")
    parser.add_argument("--epochs-scale", type=float, default=1.0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--notes-onednn", choices=("default", "on"), default="default",
                        help="TensorFlow's oneDNN kernels for the notes' code: its default on this CPU, or on")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the initial weights and batch order, for all three ways")
    args = parser.parse_args()
    data = load_dataset("fashion-mnist")
    peak = matmul_peak()
    print(f"float32 matmul peak (TensorFlow, 2048x2048): {peak / 1e9:.1f} GFLOP/s; oneDNN kernels: classicnets "
          f"{'on' if onednn_enabled() else 'off'}")
    results = {"matmul_peak_gflops": peak / 1e9, "networks": {}}
    for name in args.networks.split(","):
        model_name, options, epochs = NETWORKS[name]
        epochs = max(1, round(epochs * args.epochs_scale))
        row = {"epochs": epochs,
               "classicnets": train_classicnets(model_name, options, data, epochs, args.seed),
               "notes": train_notes_in_own_process(name, epochs, args.notes_onednn, args.seed),
               "pytorch": torch_reference.train(name, data, epochs, BATCH, LEARNING_RATE, args.seed)}
        for way in ("classicnets", "notes", "pytorch"):
            row[way]["steady_samples_per_second"] = steady_samples_per_second(row[way], len(data.y_train))
        results["networks"][name] = row
        print(format_row(name, row))
    mlp = results["networks"].get("mlp")
    if mlp:
        for label, key in (("whole run", "samples_per_second"), ("after epoch 1", "steady_samples_per_second")):
            achieved = mlp["classicnets"][key] * MLP_FLOPS_PER_SAMPLE
            results[f"mlp_fraction_of_peak ({label})"] = achieved / peak
            print(f"MLP training ({label}): {achieved / 1e9:.1f} GFLOP/s = {achieved / peak:.0%} of the matmul peak")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def format_row(name: str, row: dict) -> str:
    """One network's samples/s, test metric and ratios."""
    ours = row["classicnets"]["samples_per_second"]
    parts = [f"{name} ({row['epochs']} epochs):"]
    for way in ("classicnets", "notes", "pytorch"):
        result = row[way]
        metric = ", ".join(f"{k} {v:.4f}" for k, v in result.items() if k.startswith("test_"))
        if "onednn" in result:
            metric += f", oneDNN {'on' if result['onednn'] else 'off'}"
        parts.append(f"  {way:<12} {result['samples_per_second']:>9.0f} samples/s  {result['seconds']:>7.1f} s  {metric}"
                     f"  (after epoch 1: {result['steady_samples_per_second']:.0f} samples/s)")
    steady = row["classicnets"]["steady_samples_per_second"]
    parts.append(f"  classicnets / notes = {ours / row['notes']['samples_per_second']:.2f}x, "
                 f"classicnets / pytorch = {ours / row['pytorch']['samples_per_second']:.2f}x  (whole run)")
    parts.append(f"  classicnets / notes = {steady / row['notes']['steady_samples_per_second']:.2f}x, "
                 f"classicnets / pytorch = {steady / row['pytorch']['steady_samples_per_second']:.2f}x  (after epoch 1)")
    return "\n".join(parts)


if __name__ == "__main__":
    main()
