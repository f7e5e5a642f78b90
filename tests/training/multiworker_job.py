"""One process of a multi-worker training job (run by test_multiworker.py with TF_CONFIG set):
trains the MLP, or a user's own network (dense_network.py), on the bundled digits (or an image folder) through the
real workflow and saves its final weights."""

import dataclasses
import sys
from pathlib import Path

import numpy as np

from classicnets.config import DataConfig, RunConfig, TrainConfig
from classicnets.experiment import train_and_evaluate


OPTIONS = {"mlp": {"hidden": (32,), "dropout": 0.0, "batch_norm": False},
           "network": {"network": str(Path(__file__).with_name("dense_network.py")) + ":build"}}


def main(run_dir: str, weights_out: str, distribute: str, model: str = "mlp", dataset: str = "digits") -> None:
    """`dataset`: digits, or an image folder, whose images each worker reads from the cache a batch at a time."""
    folder = dataset != "digits"
    config = RunConfig(model=model, model_options=OPTIONS[model],
                       data=DataConfig(dataset=dataset, image_size=(8, 8) if folder else None,
                                       stream="on" if folder else "auto"),
                       train=TrainConfig(epochs=1, batch_size=64, seed=3, distribute=distribute))
    result = train_and_evaluate(config, Path(run_dir), verbose=False, notice=lambda _: None)
    weights = {f"w{i:02d}": np.asarray(v.numpy()) for i, v in enumerate(result.model.trainable_variables)}
    np.savez(weights_out, **weights)
    print(dataclasses.asdict(config.train)["distribute"], "done", result.metrics["test"]["accuracy"])


if __name__ == "__main__":
    main(*sys.argv[1:6])
