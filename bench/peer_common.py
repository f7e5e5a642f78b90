"""What the two peer scripts of bench/time_to_accuracy.py share: their command line (the network's options
and the training recipe, as classicnets' run used them) and the one JSON line they print after each epoch."""

from __future__ import annotations

import argparse
import json
import time

NETWORKS = ("softmax", "mlp", "cnn", "rnn")


def parse(description: str) -> argparse.Namespace:
    """model, options (classicnets' model_options as JSON), seed, target and the recipe."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("model", choices=NETWORKS)
    parser.add_argument("--options", default="{}", help="the network's options as JSON, as in classicnets' config.json")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, required=True, help="stop after the first epoch at this test accuracy")
    parser.add_argument("--epochs", type=int, required=True, help="at most this many epochs")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--schedule", choices=("constant", "cosine"), default="constant")
    parser.add_argument("--validation-fraction", type=float, default=0.0, help="share of training images left out")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: the framework's default)")
    args = parser.parse_args()
    args.options = json.loads(args.options)
    return args


def report(epoch: int, test_accuracy: float) -> None:
    """One line a epoch: the driver turns wall_time into seconds since it started this process."""
    print(json.dumps({"epoch": epoch, "test_accuracy": test_accuracy, "wall_time": time.time()}), flush=True)
