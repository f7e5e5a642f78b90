"""classicnets.json, written beside an exported model: what it is, what its signatures take and give, the run
it came from and how its export check went; and the vocabulary file of the word models."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from classicnets import runs
from classicnets.version import __version__
from classicnets.config import RunConfig
from classicnets.data.dataset import Dataset
from classicnets.data.tokens import END, PAD, START, UNKNOWN
from classicnets.errors import UserError
from classicnets.models import task_of
from classicnets.models.tasks import tasks_where
from classicnets.serving import parity
from classicnets.serving.signatures import Signature, TensorInfo

SCALES = {  # what each input name means to a client
    "images": "float32 pixels in [0, 1] (8-bit values / 255), shape (batch, height, width, channels)",
    "features": "the CSV's own units, its feature columns in order (feature_names when known); the run's min-max "
                "scaling (feature_min, feature_max) is inside the model",
    "noise": "standard normal noise N(0, 1)",
    "codes": "codes as the encode signature gives them",
    "labels": "class indices into class_names",
    "tokens": "token ids of assets/vocabulary.json: 1 (<start>) first, then letter ids; 0 pads",
    "source_ids": "source letter ids of assets/vocabulary.json; 0 pads",
    "target_ids": "target token ids of assets/vocabulary.json: 1 (<start>), then the letters so far; 0 pads",
}
CLASS_TASKS = tasks_where(classes=True)  # whose outputs or inputs are classes
SPECIAL = {"pad": PAD, "start": START, "end": END, "unknown": UNKNOWN}
SCATTER_POINTS = 300  # test images whose 2-d codes assets/codes.json keeps


def describe_export(config: RunConfig, run: runs.RunDir, name: str, version: int, signatures: list[Signature],
                    outputs: dict[str, dict[str, TensorInfo]], formats: tuple[str, ...], case: parity.CheckCase,
                    inputs_about: str, assets: tuple[str, ...] = ()) -> dict[str, Any]:
    """classicnets.json (the check's differences are filled in once it has run); `assets`: the files written
    into assets/ besides the vocabulary."""
    info = config.data_info
    manifest: dict[str, Any] = {
        "name": name, "version": version, "family": config.model, "task": task_of(config),
        "exported_by": f"classicnets {__version__}", "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "formats": list(formats),
        "input": {item.name: {**item.describe(), "scale": _scale(item.name, info)} for item in signatures[0].inputs},
        "class_names": list(info.get("class_names", [])) if task_of(config) in CLASS_TASKS else [],
        "signatures": {signature.name: {
            "about": signature.about,
            "inputs": {item.name: item.describe() for item in signature.inputs},
            "outputs": {item.name: item.describe() for item in outputs[signature.name].values()},
        } for signature in signatures},
        "files": {**_files(formats, case, run, config), **{Path(asset).stem: asset for asset in assets}},
        "run": describe_run(run, config),
        "check": {"examples": parity.EXAMPLES, "inputs": inputs_about,
                  "how": "reloaded in a separate Python process without classicnets (tf.saved_model.load, ONNX "
                         "Runtime) and compared with the Keras model's outputs",
                  "tolerance": {fmt: f"|exported - Keras| <= {limit:g} x max(1, |Keras|)"
                                for fmt, limit in parity.TOLERANCE.items()},
                  "max_abs_difference": {}},
    }
    if "feature_min" in info:
        manifest["feature_min"], manifest["feature_max"] = info["feature_min"], info["feature_max"]
    if info.get("extra", {}).get("feature_names"):
        manifest["feature_names"] = info["extra"]["feature_names"]
    return manifest


def _scale(name: str, info: dict[str, Any]) -> str:
    """What the values of an input are, in a client's words."""
    if name == "features" and "feature_min" not in info:
        return "features as the training data held them (the model scales nothing)"
    return SCALES.get(name, "")


def _files(formats: tuple[str, ...], case: parity.CheckCase, run: runs.RunDir, config: RunConfig) -> dict[str, Any]:
    """Where each part of the export is, relative to the version folder."""
    files: dict[str, Any] = {}
    if "saved-model" in formats:
        files["saved_model"] = "saved_model.pb"
    if "onnx" in formats:
        files["onnx"] = {signature: f"onnx/{path.name}" for signature, path in case.onnx.items()}
    if vocabulary_asset(config) is not None:
        files["vocabulary"] = "assets/vocabulary.json"
    return files


def describe_run(run: runs.RunDir, config: RunConfig) -> dict[str, Any]:
    """The run an export came from: where, which model and options, its data, training and test figures."""
    train = config.train
    summary: dict[str, Any] = {
        "path": str(run.root.resolve()), "model": config.model, "model_options": config.model_options,
        "dataset": config.data.dataset, "data_source": config.data_info.get("source"),
        "train": {"epochs": train.epochs, "batch_size": train.batch_size, "optimizer": train.optimizer,
                  "learning_rate": train.learning_rate, "seed": train.seed},
    }
    try:
        metrics = runs.read_metrics(run)
    except UserError:  # an unfinished or damaged metrics.json: the model itself was checked and loaded
        return summary
    summary["epochs_trained"] = metrics.get("epochs")
    summary["test"] = {key: value for key, value in metrics.get("test", {}).items()
                       if isinstance(value, (int, float)) and not isinstance(value, bool)}
    headline = _headline(config, metrics)
    if headline is not None:
        summary["headline"] = headline
    return summary


def _headline(config: RunConfig, metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The one number runs of this model are compared by (`classicnets compare`), and the split it was measured
    on: {"name": "accuracy", "value": 0.947, "split": "test"}; None when metrics.json lacks it."""
    from classicnets.judges import get_evaluator

    try:
        name, value = get_evaluator(task_of(config)).headline(metrics)
    except (KeyError, TypeError, ValueError, UserError):  # an older or partial metrics.json
        return None
    test_value = metrics.get("test", {}).get(name.replace(" ", "_")) if isinstance(metrics.get("test"), dict) else None
    split = "test" if isinstance(test_value, (int, float)) and float(test_value) == value else "train"
    return {"name": name, "value": value, "split": split}


def code_scatter_asset(signatures: list[Signature], dataset: Dataset | None) -> str | None:
    """assets/codes.json of an image autoencoder whose code has 2 numbers: the codes of the first test images
    and their labels, for plotting where a new image lands among them; None for other models."""
    encode = next((signature for signature in signatures if signature.name == "encode"), None)
    if encode is None or dataset is None or not dataset.is_image or len(dataset.x_test) == 0:
        return None
    if encode.inputs[0].name != "images":
        return None
    images = dataset.x_test[:SCATTER_POINTS].astype(np.float32) / 255.0
    codes = np.asarray(encode.reference(images)["codes"], dtype=np.float64)
    if codes.shape != (len(images), 2):
        return None
    labels = np.asarray(dataset.y_test[:SCATTER_POINTS]).astype(int).tolist()
    content = {"about": f"codes of the first {len(codes)} test images of {dataset.name} (encode signature)",
               "codes": np.round(codes, 4).tolist(), "labels": labels, "class_names": list(dataset.class_names)}
    return json.dumps(content, separators=(",", ":")) + "\n"


def vocabulary_asset(config: RunConfig) -> str | None:
    """assets/vocabulary.json of the word models (token id = position in the list), None for other models."""
    extra = config.data_info.get("extra", {})
    if "vocabulary" in extra:
        content = {"tokens": extra["vocabulary"], "special": SPECIAL, "max_length": extra.get("max_length")}
    elif "source_vocabulary" in extra:
        content = {"source_tokens": extra["source_vocabulary"], "target_tokens": extra["target_vocabulary"],
                   "special": SPECIAL, "source_length": extra.get("source_length"),
                   "target_length": extra.get("target_length")}
    else:
        return None
    return json.dumps(content, indent=2, ensure_ascii=False) + "\n"


def to_json(values: dict[str, Any]) -> str:
    """JSON text; numbers that are not finite become null."""
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(item) for item in value]
        return value

    return json.dumps(clean(values), indent=2, ensure_ascii=False) + "\n"
