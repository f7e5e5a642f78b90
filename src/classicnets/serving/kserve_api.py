"""The KServe v2 / Open Inference Protocol REST API (/v2/...), beside TF Serving's.

    GET  /v2                                       server name, version, extensions
    GET  /v2/health/live, /v2/health/ready         200 when live / when the first scan has loaded the models
    GET  /v2/models/NAME[/versions/V]              metadata: versions, platform, typed inputs and outputs
    GET  /v2/models/NAME[/versions/V]/ready        200 when the model (version) can serve
    POST /v2/models/NAME[/versions/V]/infer        typed tensors in, typed tensors out

A model's v2 tensors are those of its serving_default signature; another signature is chosen with the
request parameter {"signature_name": "encode"} (an extension: the protocol has no signatures).

The binary tensor data extension (what tritonclient.http sends by default) is served both ways: with the header
Inference-Header-Content-Length: N, the body's first N bytes are the JSON request and the rest the data of the
inputs that say {"parameters": {"binary_data_size": BYTES}}, in their order, little-endian and row-major;
outputs asked for with {"parameters": {"binary_data": true}} (or all, with the request parameter
"binary_data_output": true) come back the same way after the JSON answer."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf

from classicnets.version import __version__
from classicnets.serving.servable import Call, RequestError, Servable, Signature, shape_text

PLATFORMS = {"saved-model": "tensorflow_savedmodel", "onnx": "onnxruntime_onnx"}  # KServe's names
NUMPY_TYPES = {"BOOL": "?", "UINT8": "<u1", "UINT16": "<u2", "UINT32": "<u4", "UINT64": "<u8", "INT8": "<i1",
               "INT16": "<i2", "INT32": "<i4", "INT64": "<i8", "FP16": "<f2", "FP32": "<f4", "FP64": "<f8"}
HEADER_LENGTH = "inference-header-content-length"  # the binary tensor extension: JSON this long, then the data
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


@dataclass(frozen=True)
class BinaryAnswer:
    """An answer with binary tensor data: the JSON part, then the outputs' bytes in order."""

    head: dict[str, Any]
    blobs: list[bytes]


class BinaryParts:
    """The binary part of a request, read input by input."""

    def __init__(self, data: bytes) -> None:
        self.data, self.offset = memoryview(data), 0

    def take(self, input_name: str, size: Any) -> bytes:
        if type(size) is not int or size < 0:
            raise RequestError(400, f"input '{input_name}': binary_data_size must be a number of bytes")
        if self.offset + size > len(self.data):
            raise RequestError(400, f"input '{input_name}' declares {size} bytes of binary data, but only "
                               f"{len(self.data) - self.offset} follow the JSON")
        part = bytes(self.data[self.offset:self.offset + size])
        self.offset += size
        return part

    @property
    def left(self) -> int:
        return len(self.data) - self.offset


def split_body(body: bytes, header_length: str | None) -> tuple[bytes, bytes]:
    """(JSON part, binary part) of an infer request body."""
    if header_length is None:
        return body, b""
    if not header_length.strip().isdigit() or int(header_length) > len(body):
        raise RequestError(400, f"Inference-Header-Content-Length must be the JSON part's size in bytes, at most the "
                           f"body's {len(body)}; received {header_length!r:.50}")
    return body[:int(header_length)], body[int(header_length):]


def array_from_bytes(signature: Signature, input_name: str, datatype: str, shape: list[int], raw: bytes) -> np.ndarray:
    """Binary tensor data (little-endian, row-major; REST's binary extension, gRPC's raw_input_contents) as a
    checked array."""
    if datatype not in NUMPY_TYPES:
        raise RequestError(400, f"input '{input_name}': datatype {datatype} is not served as binary data")
    dtype = np.dtype(NUMPY_TYPES[datatype])
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise RequestError(400, f"input '{input_name}' has {len(raw)} bytes of binary data; its shape {shape} of "
                           f"{datatype} needs {math.prod(shape) * dtype.itemsize}")
    return signature.to_array(input_name, np.frombuffer(raw, dtype).reshape(shape))


def output_bytes(array: np.ndarray, datatype: str) -> bytes:
    """An output's binary tensor data."""
    return np.ascontiguousarray(array).astype(NUMPY_TYPES.get(datatype, array.dtype.str), copy=False).tobytes()


def infer(servable: Servable, name: str, request: dict[str, Any], binary: bytes = b"") -> Call:
    """POST .../infer, checked: typed input tensors in (as JSON data or binary data); the signature's outputs (or
    those asked for) as typed tensors in the answer, binary where asked."""
    parameters = request.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise RequestError(400, '"parameters" must be an object')
    signature = servable.signature(parameters.get("signature_name"))
    inputs = request.get("inputs")
    if not isinstance(inputs, list) or not inputs or not all(isinstance(tensor, dict) for tensor in inputs):
        raise RequestError(400, '"inputs" must be a non-empty list of tensors {"name", "shape", "datatype", "data"}')
    parts = BinaryParts(binary)
    arrays = dict(request_tensor(signature, tensor, parts) for tensor in inputs)
    if len(arrays) != len(inputs):
        raise RequestError(400, "an input is given twice")
    if parts.left:
        raise RequestError(400, f"{parts.left} bytes of binary data follow the inputs' binary_data_size")
    signature.check(arrays)
    wanted = requested_outputs(signature, request.get("outputs"))
    binary_outputs = set(wanted) if parameters.get("binary_data_output") is True else {
        output["name"] for output in request.get("outputs") or []
        if isinstance(output.get("parameters"), dict) and output["parameters"].get("binary_data") is True}
    head: dict[str, Any] = {"model_name": name, "model_version": str(servable.version)}
    if "id" in request:
        head["id"] = request["id"]

    def answer(outputs: dict[str, np.ndarray]) -> dict[str, Any] | BinaryAnswer:
        tensors = [response_tensor(output, outputs[output], signature) for output in wanted]
        if not binary_outputs:
            return {**head, "outputs": tensors}
        blobs = []
        for tensor in tensors:
            if tensor["name"] in binary_outputs:
                blobs.append(output_bytes(tensor.pop("data"), tensor["datatype"]))
                tensor["parameters"] = {"binary_data_size": len(blobs[-1])}
        return BinaryAnswer({**head, "outputs": tensors}, blobs)

    return Call(signature, arrays, answer)


def request_tensor(signature: Signature, tensor: dict[str, Any], parts: BinaryParts) -> tuple[str, np.ndarray]:
    """One request tensor as (input name, array), its datatype and shape checked against the signature."""
    input_name = checked_head(signature, tensor.get("name"), tensor.get("datatype"), tensor.get("shape"))
    shape = tensor["shape"]
    parameters = tensor.get("parameters")
    if isinstance(parameters, dict) and "binary_data_size" in parameters:
        raw = parts.take(input_name, parameters["binary_data_size"])
        return input_name, array_from_bytes(signature, input_name, tensor["datatype"], shape, raw)
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
