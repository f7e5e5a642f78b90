"""The KServe v2 / Open Inference Protocol REST API (/v2/...), beside TF Serving's.

    GET  /v2                                       server name, version, extensions
    GET  /v2/health/live, /v2/health/ready         200 when live / when the first scan has loaded the models
    GET  /v2/models/NAME[/versions/V]              metadata: versions, platform, typed inputs and outputs
    GET  /v2/models/NAME[/versions/V]/ready        200 when the model (version) can serve
    POST /v2/models/NAME[/versions/V]/infer        typed tensors in, typed tensors out

A model's v2 tensors are those of its serving_default signature; another signature is chosen with the
request parameter {"signature_name": "encode"} (an extension: the protocol has no signatures)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import tensorflow as tf

from classicnets.version import __version__
from classicnets.serving.servable import Call, RequestError, Servable, Signature, shape_text

PLATFORMS = {"saved-model": "tensorflow_savedmodel", "onnx": "onnxruntime_onnx"}  # KServe's names
DATATYPES = {tf.bool: "BOOL", tf.uint8: "UINT8", tf.uint16: "UINT16", tf.uint32: "UINT32", tf.uint64: "UINT64",
             tf.int8: "INT8", tf.int16: "INT16", tf.int32: "INT32", tf.int64: "INT64", tf.float16: "FP16",
             tf.float32: "FP32", tf.float64: "FP64", tf.bfloat16: "BF16", tf.string: "BYTES"}


def server_metadata() -> dict[str, Any]:
    """GET /v2."""
    return {"name": "classicnets", "version": __version__, "extensions": []}


def model_metadata(servable: Servable, name: str, versions: list[int]) -> dict[str, Any]:
    """GET /v2/models/NAME: the available versions, the runtime serving this one (platform), serving_default's
    typed inputs and outputs, class names."""
    signature = servable.signature(None)
    metadata = {"name": name, "versions": [str(version) for version in sorted(versions)],
                "platform": PLATFORMS.get(servable.runtime, servable.runtime),
                "inputs": [tensor_metadata(name, spec) for name, spec in signature.inputs.items()],
                "outputs": [tensor_metadata(name, spec) for name, spec in signature.outputs.items()]}
    if servable.class_names:  # what the class indices of "classes" mean, from classicnets.json
        metadata["parameters"] = {"class_names": list(servable.class_names)}
    return metadata


def tensor_metadata(name: str, spec: tf.TensorSpec) -> dict[str, Any]:
    """{"name", "datatype", "shape"} of one tensor; -1 for a dimension of any size."""
    shape = [-1 if size is None else size for size in spec.shape.as_list()] if spec.shape.rank is not None else [-1]
    return {"name": name, "datatype": DATATYPES.get(spec.dtype, spec.dtype.name.upper()), "shape": shape}


def infer(servable: Servable, name: str, request: dict[str, Any]) -> Call:
    """POST .../infer, checked: typed input tensors in; the signature's outputs (or those asked for) as typed
    tensors in the answer."""
    parameters = request.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise RequestError(400, '"parameters" must be an object')
    signature = servable.signature(parameters.get("signature_name"))
    inputs = request.get("inputs")
    if not isinstance(inputs, list) or not inputs or not all(isinstance(tensor, dict) for tensor in inputs):
        raise RequestError(400, '"inputs" must be a non-empty list of tensors {"name", "shape", "datatype", "data"}')
    arrays = dict(request_tensor(signature, tensor) for tensor in inputs)
    if len(arrays) != len(inputs):
        raise RequestError(400, "an input is given twice")
    signature.check(arrays)
    wanted = requested_outputs(signature, request.get("outputs"))
    head: dict[str, Any] = {"model_name": name, "model_version": str(servable.version)}
    if "id" in request:
        head["id"] = request["id"]

    def answer(outputs: dict[str, np.ndarray]) -> dict[str, Any]:
        return {**head, "outputs": [response_tensor(output, outputs[output], signature) for output in wanted]}

    return Call(signature, arrays, answer)


def request_tensor(signature: Signature, tensor: dict[str, Any]) -> tuple[str, np.ndarray]:
    """One request tensor as (input name, array), its datatype and shape checked against the signature."""
    input_name = checked_head(signature, tensor.get("name"), tensor.get("datatype"), tensor.get("shape"))
    shape = tensor["shape"]
    if "data" not in tensor:
        raise RequestError(400, f"input '{input_name}' has no \"data\"")
    array = signature.to_array(input_name, tensor["data"])
    if array.size != math.prod(shape):
        raise RequestError(400, f"input '{input_name}' has {array.size} values, but its shape {shape} holds "
                           f"{math.prod(shape)}")
    return input_name, array.reshape(shape)


def checked_head(signature: Signature, input_name: Any, datatype: Any, shape: Any) -> str:
    """The input name of a request tensor (REST or gRPC), once its name, datatype and shape fit the signature."""
    if not isinstance(input_name, str) or input_name not in signature.inputs:
        raise RequestError(400, f"unknown input {input_name!r:.100}; signature '{signature.name}' takes "
                           f"{', '.join(signature.inputs)}")
    spec = signature.inputs[input_name]
    expected = DATATYPES.get(spec.dtype, spec.dtype.name.upper())
    if datatype != expected:
        raise RequestError(400, f"input '{input_name}' needs datatype {expected}; received {datatype!r:.100}")
    if not isinstance(shape, list) or not all(type(size) is int and size >= 0 for size in shape):
        raise RequestError(400, f"input '{input_name}' needs \"shape\": a list of sizes such as "
                           f"{shape_text(spec.shape)} with -1 replaced by the batch size")
    return input_name


def requested_outputs(signature: Signature, outputs: Any) -> list[str]:
    """The output names a request asks for (all of them when it names none)."""
    if outputs is None:
        return list(signature.outputs)
    if not isinstance(outputs, list) or not all(isinstance(output, dict) for output in outputs):
        raise RequestError(400, '"outputs" must be a list of objects {"name": output name}')
    names = [output.get("name") for output in outputs]
    unknown = [name for name in names if not isinstance(name, str) or name not in signature.outputs]
    if unknown:
        raise RequestError(400, f"unknown output {unknown[0]!r:.100}; signature '{signature.name}' gives "
                           f"{', '.join(signature.outputs)}")
    return names


def response_tensor(name: str, array: np.ndarray, signature: Signature) -> dict[str, Any]:
    """One output as a typed tensor with its data flat, in row-major order."""
    datatype = DATATYPES.get(signature.outputs[name].dtype, str(array.dtype).upper())
    return {"name": name, "datatype": datatype, "shape": list(array.shape), "data": array.ravel()}
