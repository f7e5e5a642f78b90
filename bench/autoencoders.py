"""Autoencoders on the real Fashion-MNIST (apt-get install dataset-fashion-mnist): PCA with 128 components
(the best linear autoencoder) as the bar to beat, each autoencoder kind, and softmax vs mlp vs ae-classifier
at the same total epochs. Trains with the CLI; prints Markdown tables.

    python bench/autoencoders.py --out bench-runs [--steps pca,dense,conv,denoising,variational,classifiers]
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
CLASSIFIER_EPOCHS = 10  # total epochs of each classifier; the ae-classifier pretrains for half of them
CLASSIFIERS = {
    "softmax": ["softmax"],
    "mlp": ["mlp"],
    "ae-classifier": ["ae-classifier", "--pretrain-epochs", str(CLASSIFIER_EPOCHS // 2)],
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


def classifier_row(name: str, metrics: dict) -> str:
    """| model | epochs | parameters | test accuracy | train seconds |"""
    return (f"| {name} | {metrics['epochs']} | {metrics['parameters']:,} | {metrics['test']['accuracy']:.4f} | "
            f"{metrics['train_seconds']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the run directories")
    parser.add_argument("--steps", default="pca,dense,conv,denoising,variational,classifiers")
    args = parser.parse_args()
    steps = args.steps.split(",")
    rows = ["| kind | epochs | parameters | test MSE | noisy -> denoised | s/epoch |", "|---|---|---|---|---|---|"]
    if "pca" in steps:
        mse, seconds = pca_mse()
        rows.append(f"| PCA, 128 components | - | {128 * 784 + 784:,} | {mse:.4f} | | ({seconds:.0f}s to fit) |")
    for step in (step for step in AUTOENCODERS if step in steps):
        name, flags = AUTOENCODERS[step]
        rows.append(autoencoder_row(step, train(name, flags, args.out)))
    print("\n".join(rows))
    if "classifiers" in steps:
        table = ["| model | epochs | parameters | test accuracy | train seconds |", "|---|---|---|---|---|"]
        for name, flags in CLASSIFIERS.items():
            table.append(classifier_row(name, train(name, [*flags, "--epochs", str(CLASSIFIER_EPOCHS)], args.out)))
        print("\n".join(table))


if __name__ == "__main__":
    main()
