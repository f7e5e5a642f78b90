"""`classicnets export RUN_DIR --out MODELS_DIR`: a trained run as a TensorFlow Serving model (and ONNX files)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter

EXAMPLES = """examples:
  classicnets export runs/cnn-mnist --out models                 # models/cnn-mnist/1/
  classicnets export runs/cnn-mnist --out models --name digits   # models/digits/<next version>/
  classicnets export runs/autoencoder-mnist --out models --format saved-model,onnx
  docker run -p 8501:8501 -v "$PWD/models/digits:/models/digits" -e MODEL_NAME=digits tensorflow/serving
"""


def add_parser(subparsers: Any) -> None:
    """Register `export`."""
    parser = subparsers.add_parser(
        "export", help="write a trained run as a TensorFlow Serving model (and ONNX)", epilog=EXAMPLES,
        formatter_class=HelpFormatter,
        description="Write MODELS_DIR/NAME/VERSION/ in TensorFlow Serving's layout: a SavedModel whose signatures "
                    "have named inputs and outputs, classicnets.json saying what the model takes and gives, and "
                    "with --format onnx one .onnx file per signature. The export is reloaded in a separate process "
                    "without classicnets and must give the Keras model's outputs before its version folder appears; "
                    "an existing version is never replaced.")
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--out", type=Path, required=True, metavar="MODELS_DIR",
                        help="the models folder a server reads (made if missing)")
    parser.add_argument("--name", help="model name (default: the run folder's name, other characters than "
                        "A-Z a-z 0-9 _ . - replaced by _)")
    parser.add_argument("--version", type=int, metavar="N",
                        help="version number (default: one more than the highest in MODELS_DIR/NAME, 1 for a new name)")
    parser.add_argument("--format", default="saved-model", metavar="FORMATS",
                        help="saved-model, onnx, or both comma-separated (default: saved-model; onnx needs "
                             "pip install 'classicnets[export]')")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Export and check; print where the model is and how closely it matched the Keras model."""
    from classicnets.serving.export import export_run

    result = export_run(args.run_dir, args.out, args.name, args.version, args.format.split(","))
    checks = ", ".join(f"{fmt.replace('_', ' ')} {max(by_signature.values()):.2g}"
                       for fmt, by_signature in result.differences.items())
    print(f"exported {args.run_dir} as {result.name} version {result.version} -> {result.path}")
    print(f"checked without classicnets: largest difference from the Keras model: {checks}")
    return 0
