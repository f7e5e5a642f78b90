"""Autoencoders on the real Fashion-MNIST (apt-get install dataset-fashion-mnist): PCA with 128 components
(the best linear autoencoder) as the bar to beat, each autoencoder kind, and softmax vs mlp vs ae-classifier
at the same total epochs. Trains with the CLI; prints Markdown tables.

    python bench/autoencoders.py --out bench-runs [--steps pca,dense,conv,denoising,variational,classifiers]
                                  [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

AUTOENCODERS = {  # step -> (run name, flags)
    "dense": ("autoencoder-dense", ["autoencoder", "--kind", "dense", "--epochs", "20"]),
    "conv": ("autoencoder-conv", ["autoencoder", "--kind", "conv", "--epochs", "20"]),  # as many as the dense one
    "denoising": ("autoencoder-denoising", ["autoencoder", "--kind", "denoising", "--epochs", "10"]),
    "variational": ("autoencoder-variational", ["autoencoder", "--kind", "variational", "--epochs", "10"]),
}
CLASSIFIER_EPOCHS = 10  # total epochs of each classifier, pretraining included
MLP_SHAPE = ["--code-size", "256", "--code-activation", "relu", "--pretrain-epochs", "1"]
CLASSIFIERS = {
    "softmax": ["softmax"],
    "mlp": ["mlp"],
    "ae-classifier": ["ae-classifier", "--pretrain-epochs", str(CLASSIFIER_EPOCHS // 2)],  # the notes' recipe
    "ae-classifier-mlp-shape": ["ae-classifier", *MLP_SHAPE],  # the mlp's 784-256-256-10, 1 epoch of pretraining
    "ae-classifier-supervised": ["ae-classifier", *MLP_SHAPE, "--reconstruction-weight", "1"],  # + keeps rebuilding
}


def pca_mse(components: int = 128) -> tuple[float, float]:
    """Per-pixel test MSE of PCA fitted on the training images (pixels in [0, 1]), and the seconds it took."""
    from sklearn.decomposition import PCA

    from classicnets.data import load_dataset

    data = load_dataset("fashion-mnist")
    started = time.perf_counter()
    train = data.x_train.reshape(len(data.x_train), -1).astype(np.float32) / 255.0
    test = data.x_test.reshape(len(data.x_test), -1).astype(np.float32) / 255.0
    pca = PCA(n_components=components, random_state=0).fit(train)
    reconstruction = pca.inverse_transform(pca.transform(test))
    return float(np.mean((test - reconstruction) ** 2)), time.perf_counter() - started


def train(name: str, flags: list[str], out: Path) -> dict:
    """Run `classicnets train FLAGS --dataset fashion-mnist`; returns the run's metrics."""
    command = [sys.executable, "-m", "classicnets", "train", *flags, "--dataset", "fashion-mnist",
               "--run-dir", str(out / name), "--quiet"]
    print("$", "classicnets", " ".join(command[3:]), flush=True)
    subprocess.run(command, check=True)
    return json.loads((out / name / "metrics.json").read_text())


def autoencoder_row(step: str, metrics: dict) -> str:
    """| kind | epochs | parameters | test MSE | noisy -> denoised | s/epoch |"""
    test = metrics["test"]
    denoising = f"{test['noisy_input_mse']:.4f} -> {test['denoised_mse']:.4f} ({test['noise_reduction']:.1f}x)" \
        if "denoised_mse" in test else ""
    return (f"| {step} | {metrics['epochs']} | {metrics['parameters']:,} | {test['mse']:.4f} | {denoising} | "
            f"{metrics['seconds_per_epoch']:.1f} |")


def classifier_row(name: str, runs: list[dict]) -> str:
    """| model | epochs | parameters | test accuracy per seed | mean | train seconds (mean) |"""
    accuracies = [metrics["test"]["accuracy"] for metrics in runs]
    seconds = sum(metrics["train_seconds"] for metrics in runs) / len(runs)
    return (f"| {name} | {runs[0]['epochs']} | {runs[0]['parameters']:,} | "
            f"{', '.join(f'{a:.4f}' for a in accuracies)} | {np.mean(accuracies):.4f} | {seconds:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the run directories")
    parser.add_argument("--steps", default="pca,dense,conv,denoising,variational,classifiers")
    parser.add_argument("--seeds", default="0,1,2", help="classifiers: train each once per seed")
    args = parser.parse_args()
    steps = args.steps.split(",")
    rows = ["| kind | epochs | parameters | test MSE | noisy -> denoised | s/epoch |", "|---|---|---|---|---|---|"]
    if "pca" in steps:
        mse, seconds = pca_mse()
        rows.append(f"| PCA, 128 components | - | {128 * 784 + 784:,} | {mse:.4f} | | ({seconds:.0f}s to fit) |")
    for step in (step for step in AUTOENCODERS if step in steps):
        name, flags = AUTOENCODERS[step]
        rows.append(autoencoder_row(step, train(name, flags, args.out)))
    if len(rows) > 2:  # some autoencoder or PCA row was asked for
        print("\n".join(rows))
    if "classifiers" in steps:
        table = ["| model | epochs | parameters | test accuracy per seed | mean | train s |",
                 "|---|---|---|---|---|---|"]
        for name, flags in CLASSIFIERS.items():
            runs = [train(f"{name}-seed{seed}", [*flags, "--epochs", str(CLASSIFIER_EPOCHS), "--seed", seed], args.out)
                    for seed in args.seeds.split(",")]
            table.append(classifier_row(name, runs))
        print("\n".join(table))


if __name__ == "__main__":
    main()
