"""Reload exported models the way a server does and run them on stored inputs; run as a script by
classicnets.serving.parity, in its own Python process.

It imports numpy, TensorFlow (for SavedModels) and ONNX Runtime (for .onnx files) only, never classicnets: an
export that passes this check needs nothing of classicnets to be served.

    python -I reload_check.py JOB.json

JOB.json: {"items": [{"saved_model": folder or null, "onnx": {signature: file}, "signatures": {signature:
[input names]}, "inputs": npz of "<signature>.<input>" arrays, "outputs": npz to write}], "results": json to
write}. Each item's outputs are written as "<format>.<signature>.<output>" arrays; results holds one entry per
item: {"error": null or the reason it could not be run}, and whether classicnets was imported."""

import json
import sys
import traceback

import numpy as np


def run_saved_model(folder, signatures, inputs):
    """{"saved_model.<signature>.<output>": values} from tf.saved_model.load and its signatures."""
    import tensorflow as tf

    loaded = tf.saved_model.load(folder)
    outputs = {}
    for signature, names in signatures.items():
        function = loaded.signatures[signature]
        result = function(**{name: tf.constant(inputs[f"{signature}.{name}"]) for name in names})
        outputs.update({f"saved_model.{signature}.{key}": value.numpy() for key, value in result.items()})
    return outputs


def run_onnx(files, signatures, inputs):
    """{"onnx.<signature>.<output>": values} from ONNX Runtime sessions."""
    import onnxruntime

    outputs = {}
    for signature, path in files.items():
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        names = [output.name for output in session.get_outputs()]
        feeds = {name: inputs[f"{signature}.{name}"] for name in signatures[signature]}
        outputs.update({f"onnx.{signature}.{name}": value for name, value in zip(names, session.run(names, feeds))})
    return outputs


def run_item(item):
    """Write one export's outputs; None, or why it could not be run."""
    try:
        with np.load(item["inputs"]) as stored:
            inputs = dict(stored)
        outputs = {}
        if item.get("saved_model"):
            outputs.update(run_saved_model(item["saved_model"], item["signatures"], inputs))
        if item.get("onnx"):
            outputs.update(run_onnx(item["onnx"], item["signatures"], inputs))
        np.savez(item["outputs"], **outputs)
    except Exception as error:  # one export's failure is its own; the others are still checked
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        return last[:500]
    return None


def main(job_path):
    with open(job_path, encoding="utf-8") as stream:
        job = json.load(stream)
    errors = [run_item(item) for item in job["items"]]
    imported = any(name.split(".")[0] == "classicnets" for name in sys.modules)
    results = {"errors": errors, "classicnets_imported": imported}
    with open(job["results"], "w", encoding="utf-8") as stream:
        json.dump(results, stream)


if __name__ == "__main__":
    main(sys.argv[1])
