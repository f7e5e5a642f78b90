"""A user's own Keras network through classicnets against the same network trained with Keras' own fit(): the
notes' Keras examples (examples/networks/) on Fashion-MNIST, same data split, epochs and batch size (128).

    python bench/own_network.py [--networks sequential,two_branches,own_train_step] [--epochs 10] [--json out.json]

classicnets trains with its own loop (several steps per compiled call, XLA for dense networks, bfloat16 for
convolutional ones on a CPU that has it, a float32 model kept); fit() runs with Keras' defaults. Both see the
same 54,000 training images (classicnets' seeded 10% validation split) and are measured on the 10,000 test
images. Seconds are training seconds (epochs, validation passes included), not start-up."""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from classicnets.cli.quiet import import_tensorflow_quietly

import_tensorflow_quietly()

import keras  # noqa: E402

import classicnets  # noqa: E402
from classicnets.data import load_dataset  # noqa: E402
from classicnets.data.pipeline import split_validation  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "networks"
FUNCTIONS = {"sequential": "build", "two_branches": "build", "own_train_step": "build"}


def builder(name: str):
    """The build function of examples/networks/NAME.py."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, FUNCTIONS[name])


def with_classicnets(name: str, epochs: int, folder: Path) -> dict:
    """Test accuracy and training seconds of `classicnets train --network` (seed 0)."""
    run = classicnets.train(builder(name), "fashion-mnist", epochs=epochs, seed=0, run_dir=folder / name)
    metrics = run.metrics
    return {"accuracy": metrics["test"]["accuracy"], "seconds": metrics["train_seconds"]}


def with_keras_fit(name: str, epochs: int) -> dict:
    """The same network, data split and batch size with model.fit (Keras' defaults otherwise)."""
    data = load_dataset("fashion-mnist")
    train, validation = split_validation(data.x_train, data.y_train, 0.1, 0)
    keras.utils.set_random_seed(0)
    build = builder(name)
    arguments = {"input_shape": data.input_shape, "num_classes": data.num_classes}
    model = build(**{key: value for key, value in arguments.items() if key in build.__code__.co_varnames})
    if not model.compiled:  # classicnets' default for an uncompiled network: Adam 1e-3 (there with cosine decay)
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    scale = lambda x: x.astype(np.float32) / 255.0  # noqa: E731
    started = time.perf_counter()
    model.fit(scale(train.x), train.y, batch_size=128, epochs=epochs, verbose=0,
              validation_data=(scale(validation.x), validation.y))
    seconds = time.perf_counter() - started
    outputs = model.predict(scale(data.x_test), batch_size=500, verbose=0)
    return {"accuracy": float((outputs.argmax(axis=1) == data.y_test).mean()), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", default=",".join(FUNCTIONS))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in args.networks.split(","):
            results[name] = {"classicnets": with_classicnets(name, args.epochs, Path(folder)),
                             "keras_fit": with_keras_fit(name, args.epochs)}
            ours, theirs = results[name]["classicnets"], results[name]["keras_fit"]
            print(f"{name}: classicnets {ours['accuracy']:.4f} in {ours['seconds']:.1f} s; Keras fit "
                  f"{theirs['accuracy']:.4f} in {theirs['seconds']:.1f} s ({ours['seconds'] / theirs['seconds']:.2f}x)",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
