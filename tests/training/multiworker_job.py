"""One process of a multi-worker training job (run by test_multiworker.py with TF_CONFIG set):
trains the MLP on the bundled digits through the real workflow and saves its final weights."""

import dataclasses
import sys
from pathlib import Path

import numpy as np

from classicnets.config import DataConfig, RunConfig, TrainConfig
from classicnets.experiment import train_and_evaluate


def main(run_dir: str, weights_out: str, distribute: str) -> None:
    config = RunConfig(model="mlp", model_options={"hidden": (32,), "dropout": 0.0, "batch_norm": False},
                       data=DataConfig(dataset="digits"),
                       train=TrainConfig(epochs=1, batch_size=64, seed=3, distribute=distribute))
    result = train_and_evaluate(config, Path(run_dir), verbose=False, notice=lambda _: None)
    weights = {f"w{i:02d}": np.asarray(v.numpy()) for i, v in enumerate(result.model.trainable_variables)}
    np.savez(weights_out, **weights)
    print(dataclasses.asdict(config.train)["distribute"], "done", result.metrics["test"]["accuracy"])


if __name__ == "__main__":
    main(*sys.argv[1:4])
