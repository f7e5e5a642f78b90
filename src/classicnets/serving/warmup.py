"""Warm-up: a version computes its first requests before it is reported AVAILABLE (and ready), so the first
client request after a new version appears is as fast as the tenth.

TensorFlow Serving's way is kept: `VERSION/assets.extra/tf_serving_warmup_requests`, a TFRecord file of
PredictionLog protos, is replayed at load (at most 1,000 records, as TF Serving reads); a record the version
refuses fails the load, as in TF Serving. `classicnets export` writes that file from its checked examples (one
example, and all of them, per signature) when the protocol package is installed (`pip install --no-deps
tensorflow-serving-api`). A version without the file computes example inputs of 1 and 32 rows for every
signature instead (runtimes.example_inputs)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from classicnets.serving.runtimes import example_inputs
from classicnets.serving.servable import RequestError, Servable

log = logging.getLogger(__name__)

WARMUP_FILE = Path("assets.extra") / "tf_serving_warmup_requests"
MAX_RECORDS = 1000  # TensorFlow Serving reads no more
EXAMPLE_ROWS = (1, 32)
CALLS = 2  # per request: the first traces and allocates, the second finds everything ready


def write_warmup_requests(folder: Path, inputs: dict[str, dict[str, np.ndarray]]) -> bool:
    """Write FOLDER/assets.extra/tf_serving_warmup_requests: per signature, a PredictLog with its first example and
    one with all of `inputs`; False (nothing written) without tensorflow-serving-api."""
    try:
        from tensorflow_serving.apis import prediction_log_pb2
    except ImportError:
        return False
    import tensorflow as tf

    path = folder / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for signature, arrays in inputs.items():
            rows = len(next(iter(arrays.values()))) if arrays else 0
            for count in sorted({1, rows} - {0}):
                record = prediction_log_pb2.PredictionLog()
                request = record.predict_log.request
                request.model_spec.signature_name = signature
                for name, array in arrays.items():
                    request.inputs[name].CopyFrom(tf.make_tensor_proto(array[:count]))
                writer.write(record.SerializeToString())
    return True


def read_warmup_requests(folder: Path) -> list[tuple[str, dict[str, np.ndarray]]] | None:
    """The predict requests of the version's warm-up file, or None when it has none (or they cannot be read
    without tensorflow-serving-api, which is logged)."""
    path = folder / WARMUP_FILE
    if not path.is_file():
        return None
    try:
        from tensorflow_serving.apis import prediction_log_pb2
    except ImportError:
        log.warning("%s: reading %s needs tensorflow-serving-api (pip install --no-deps tensorflow-serving-api); "
                    "warming up on example inputs instead", folder, WARMUP_FILE)
        return None
    import tensorflow as tf

    requests = []
    for raw in tf.data.TFRecordDataset(str(path)).take(MAX_RECORDS):
        record = prediction_log_pb2.PredictionLog.FromString(raw.numpy())
        if record.WhichOneof("log_type") != "predict_log":
            continue  # classify, regress and multi-inference logs: the exported signatures are predict signatures
        request = record.predict_log.request
        requests.append((request.model_spec.signature_name or "serving_default",
                         {name: tf.make_ndarray(tensor) for name, tensor in request.inputs.items()}))
    return requests


def warm_up(servable: Servable) -> str:
    """Compute the warm-up requests (or example inputs) on `servable`, CALLS times each; returns what was done,
    for the log. A ValueError names a recorded request the version refuses."""
    recorded = read_warmup_requests(servable.path)
    if recorded is None:
        rng = np.random.default_rng(0)
        requests = [(name, example_inputs(signature, rows, rng)) for name, signature in servable.signatures.items()
                    for rows in EXAMPLE_ROWS]
    else:
        requests = recorded
    for number, (name, arrays) in enumerate(requests, 1):
        try:
            signature = servable.signature(name)
            for _ in range(CALLS):
                signature.run(arrays)
        except RequestError as error:
            if recorded is not None:
                raise ValueError(f"warm-up request {number} of {WARMUP_FILE} failed: {error.message}") from None
            log.warning("%s: warming up %s on example inputs failed (%s); its first request will be slower",
                        servable.path, name, error.message)
    return f"{len(requests)} warm-up requests" + (f" from {WARMUP_FILE}" if recorded is not None else
                                                   " on example inputs")
