"""TensorFlow Serving's REST API (/v1/models/...), so a client written for TF Serving works unchanged.

    GET  /v1/models/NAME[/versions/V]            status of every version (or of V)
    GET  /v1/models/NAME[/versions/V]/metadata   the SignatureDefs of the served version
    POST /v1/models/NAME[/versions/V]:predict    {"instances": [...]} (rows) or {"inputs": ...} (columns)

Answers are shaped exactly as TF Serving shapes them: rows come back as "predictions" (a list of values for
a single output, a list of {output: value} objects for several), columns as "outputs" (a value, or a
{output: value} object). The values stay numpy arrays until the server writes the JSON."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from classicnets.serving.repository import ModelRepository, VersionState, parse_version
from classicnets.serving.servable import Call, RequestError, Servable, Signature

# NAME, then /versions/V, then :verb or /metadata; a name never holds '/' or ':'
V1_PATH = re.compile(r"(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+))?"
                     r"(?::(?P<verb>[a-z]+)|/(?P<metadata>metadata))?")


def parse_path(path: str) -> tuple[str, str | None, str | None]:
    """'NAME/versions/3:predict' -> ('NAME', '3', 'predict'); the verb is 'status' or 'metadata' for GETs."""
    match = V1_PATH.fullmatch(path)
    if match is None:
        raise RequestError(404, f"no such endpoint: /v1/models/{path}; see the TensorFlow Serving REST API")
    verb = match["verb"] or ("metadata" if match["metadata"] else "status")
    return match["name"], match["version"], verb


def model_status(repository: ModelRepository, name: str, version: str | None) -> dict[str, Any]:
    """GetModelStatusResponse as JSON: every version's state, with the error of one that failed to load."""
    states = repository.versions(name)
    if version is not None:
        number = parse_version(version)
        if number not in states:
            raise RequestError(404, f"model '{name}' has no version {version!r}; see GET /v1/models/{name}")
        states = {number: states[number]}
    return {"model_version_status": [version_status(state) for _, state in sorted(states.items(), reverse=True)]}


def version_status(state: VersionState) -> dict[str, Any]:
    """One ModelVersionStatus."""
    return {"version": str(state.version), "state": state.state,
            "status": {"error_code": "UNKNOWN" if state.error else "OK", "error_message": state.error}}


def model_metadata(servable: Servable, name: str) -> dict[str, Any]:
    """GetModelMetadataResponse as JSON: the model spec and every SignatureDef of the version."""
    return {"model_spec": {"name": name, "signature_name": "", "version": str(servable.version)},
            "metadata": {"signature_def": {"signature_def": servable.signature_defs}}}


def predict(servable: Servable, request: dict[str, Any]) -> Call:
    """A checked PredictRequest in row ("instances") or columnar ("inputs") format, answering a PredictResponse."""
    signature = servable.signature(request.get("signature_name"))
    if ("instances" in request) == ("inputs" in request):
        raise RequestError(400, 'give exactly one of "instances" (row format) or "inputs" (columnar format); '
                           f"received {'both' if 'instances' in request else 'neither'}")
    if "instances" in request:
        arrays = rows_to_arrays(signature, request["instances"])
        signature.check(arrays)
        return Call(signature, arrays, lambda outputs: {"predictions": arrays_to_rows(outputs)})
    arrays = columns_to_arrays(signature, request["inputs"])
    signature.check(arrays)
    return Call(signature, arrays,
                lambda outputs: {"outputs": next(iter(outputs.values())) if len(outputs) == 1 else outputs})


def rows_to_arrays(signature: Signature, instances: Any) -> dict[str, np.ndarray]:
    """"instances": one value per example (a single input), or one {input: value} object per example."""
    if not isinstance(instances, list) or not instances:
        raise RequestError(400, '"instances" must be a non-empty list, one item per example')
    named = [isinstance(instance, dict) for instance in instances]
    if any(named) and not all(named):
        raise RequestError(400, '"instances" mixes {input: value} objects with plain values; use one or the other')
    if not all(named):
        if len(signature.inputs) != 1:
            raise RequestError(400, f"signature '{signature.name}' has several inputs "
                               f"({', '.join(signature.inputs)}): give each instance as an object "
                               '{"input name": value, ...}')
        (name,) = signature.inputs
        return {name: signature.to_array(name, instances)}
    names = set(instances[0])
    if any(set(instance) != names for instance in instances):
        raise RequestError(400, '"instances" objects must all name the same inputs')
    return {name: signature.to_array(name, [instance[name] for instance in instances]) for name in sorted(names)}


def columns_to_arrays(signature: Signature, inputs: Any) -> dict[str, np.ndarray]:
    """"inputs": the single input's value, or an {input: value} object (every value with its batch dimension)."""
    if isinstance(inputs, dict):
        return {name: signature.to_array(name, value) for name, value in inputs.items()}
    if len(signature.inputs) != 1:
        raise RequestError(400, f"signature '{signature.name}' has several inputs ({', '.join(signature.inputs)}): "
                           'give "inputs" as an object {"input name": value, ...}')
    (name,) = signature.inputs
    return {name: signature.to_array(name, inputs)}


def arrays_to_rows(outputs: dict[str, np.ndarray]) -> np.ndarray | list[dict[str, np.ndarray]]:
    """Split outputs along their first dimension; a single output gives plain values, several give objects."""
    sizes = {array.shape[0] if array.ndim else None for array in outputs.values()}
    if len(sizes) != 1 or None in sizes:
        raise RequestError(400, "the outputs do not share a batch dimension, so they cannot be returned as rows; "
                           'send "inputs" (columnar format) instead of "instances"')
    if len(outputs) == 1:
        return next(iter(outputs.values()))
    return [dict(zip(outputs, values)) for values in zip(*outputs.values())]
