"""The OpenAPI 3.1 document of both REST APIs, at /openapi.json, made from what this server accepts now: every
route of the application, and for every served model a predict and an infer path whose request schema is built
from its serving_default signature (input names, dtypes and shapes), with an example body of the right shape.
/docs is a page of our own that shows it and tries the GET endpoints (no network beyond this server)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from classicnets.serving.guard import OPEN_PATHS
from classicnets.serving.kserve_api import DATATYPES
from classicnets.serving.repository import ModelRepository
from classicnets.serving.servable import RequestError, Servable, Signature
from classicnets.version import __version__

ERROR = {"$ref": "#/components/schemas/Error"}
STATUS_TEXT = {400: "a request the model refuses (shape, type, JSON)", 401: "the token of --auth-token-file is "
               "missing", 403: "a page of another origin", 404: "no such model, version or signature",
               413: "a body over --max-body", 503: "busy (--max-queue) or not loaded yet"}


def answers(ok: str, ok_schema: dict[str, Any], *errors: int) -> dict[str, Any]:
    """The `responses` of an operation: 200 with `ok_schema`, and each error status as {"error": ...}."""
    responses = {"200": {"description": ok, "content": {"application/json": {"schema": ok_schema}}}}
    for status in errors:
        responses[str(status)] = {"description": STATUS_TEXT[status],
                                  "content": {"application/json": {"schema": ERROR}}}
    return responses


def parameters(path: str) -> list[dict[str, Any]]:
    """The path parameters {name} and {version} of a templated path."""
    found = []
    if "{name}" in path:
        found.append({"name": "name", "in": "path", "required": True, "schema": {"type": "string"},
                      "description": "the model: a folder of MODELS_DIR"})
    if "{version}" in path:
        found.append({"name": "version", "in": "path", "required": True, "schema": {"type": "string",
                      "pattern": "^[0-9]+$"}, "description": "a version folder; without it, the highest available"})
    return found


def value_schema(spec: tf.TensorSpec, rows: bool) -> dict[str, Any]:
    """The JSON schema of one example's value of an input (rows: without the batch dimension)."""
    leaf: dict[str, Any] = {"type": "integer"} if spec.dtype.is_integer else \
        {"type": "boolean"} if spec.dtype == tf.bool else {"type": "number"}
    dims = spec.shape.as_list() if spec.shape.rank is not None else None
    if dims is None:
        return {}
    schema = leaf
    for size in reversed(dims[1:] if rows else dims):
        schema = {"type": "array", "items": schema, **({"minItems": size, "maxItems": size} if size else {})}
    return schema


def example_value(spec: tf.TensorSpec) -> Any:
    """An example's value of an input: zeros of its shape (free dimensions 1 long)."""
    value: Any = False if spec.dtype == tf.bool else 0 if spec.dtype.is_integer else 0.0
    for size in reversed((spec.shape.as_list() or [None])[1:] if spec.shape.rank is not None else []):
        value = [value] * (size or 1)
    return value


def predict_schema(signature: Signature) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema, example) of a TF Serving predict request in row format for `signature`."""
    inputs = signature.inputs
    if len(inputs) == 1:
        (spec,) = inputs.values()
        instance, example = value_schema(spec, rows=True), example_value(spec)
    else:
        instance = {"type": "object", "required": list(inputs),
                    "properties": {name: value_schema(spec, rows=True) for name, spec in inputs.items()}}
        example = {name: example_value(spec) for name, spec in inputs.items()}
    schema = {"type": "object", "properties": {
        "instances": {"type": "array", "minItems": 1, "items": instance},
        "inputs": {"description": "columns instead of rows: the same values, batched per input"},
        "signature_name": {"type": "string", "enum": [signature.name]}}}
    return schema, {"instances": [example], "signature_name": signature.name}


def infer_schema(signature: Signature) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema, example) of a KServe v2 infer request for `signature`."""
    tensors = []
    example = []
    for name, spec in signature.inputs.items():
        datatype = DATATYPES.get(spec.dtype, spec.dtype.name.upper())
        tensors.append({"type": "object", "required": ["name", "datatype", "shape", "data"], "properties": {
            "name": {"const": name}, "datatype": {"const": datatype},
            "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "data": {"type": "array", "description": "the values, flat in row-major order (or nested)"}}})
        dims = [1] + [size or 1 for size in (spec.shape.as_list() or [None])[1:]] if spec.shape.rank else [1]
        count = 1
        for size in dims:
            count *= size
        example.append({"name": name, "datatype": datatype, "shape": dims,
                        "data": [False if spec.dtype == tf.bool else 0] * count})
    schema = {"type": "object", "required": ["inputs"], "properties": {
        "inputs": {"type": "array", "items": {"oneOf": tensors} if len(tensors) > 1 else tensors[0]},
        "outputs": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"enum": list(signature.outputs)}}}},
        "parameters": {"type": "object"}}}
    return schema, {"inputs": example}


GENERIC: dict[str, tuple[str, str, str]] = {  # path -> (method, summary, what 200 gives)
    "/v1/models/{name}": ("get", "TF Serving: the state of every version", "model_version_status"),
    "/v1/models/{name}/versions/{version}": ("get", "TF Serving: the state of one version", "model_version_status"),
    "/v1/models/{name}/metadata": ("get", "TF Serving: the SignatureDefs", "model_spec and metadata"),
    "/v1/models/{name}/versions/{version}/metadata": ("get", "TF Serving: one version's SignatureDefs", "metadata"),
    "/v1/models/{name}:predict": ("post", "TF Serving: predict (rows in `instances`, or columns in `inputs`)",
                                  "predictions (or outputs)"),
    "/v1/models/{name}/versions/{version}:predict": ("post", "TF Serving: predict with one version", "predictions"),
    "/v2": ("get", "KServe v2: server name, version and extensions", "server metadata"),
    "/v2/health/live": ("get", "KServe v2: the server is live", "{\"live\": true}"),
    "/v2/health/ready": ("get", "KServe v2: the first scan of MODELS_DIR has loaded what it found", "{\"ready\"}"),
    "/v2/models/{name}": ("get", "KServe v2: typed inputs and outputs of serving_default", "model metadata"),
    "/v2/models/{name}/versions/{version}": ("get", "KServe v2: one version's metadata", "model metadata"),
    "/v2/models/{name}/ready": ("get", "KServe v2: the model can serve (503 while loading)", "{\"ready\"}"),
    "/v2/models/{name}/versions/{version}/ready": ("get", "KServe v2: the version can serve", "{\"ready\"}"),
    "/v2/models/{name}/infer": ("post", "KServe v2: infer with typed tensors (JSON, or the binary tensor "
                                "extension with Inference-Header-Content-Length)", "outputs"),
    "/v2/models/{name}/versions/{version}/infer": ("post", "KServe v2: infer with one version", "outputs"),
    "/metrics": ("get", "Prometheus metrics (text format)", "metrics"),
    "/monitoring/prometheus/metrics": ("get", "Prometheus metrics at TF Serving's path", "metrics"),
    "/playground/models.json": ("get", "the served models, for the playground page", "models"),
    "/openapi.json": ("get", "this document", "OpenAPI 3.1"),
}


def document(repository: ModelRepository) -> dict[str, Any]:
    """The OpenAPI 3.1 document of this server now."""
    paths: dict[str, Any] = {}
    for path, (method, summary, gives) in GENERIC.items():
        errors = [404] if "{name}" in path else []
        errors += [] if path in OPEN_PATHS else [401]  # health checks need no token
        operation: dict[str, Any] = {"summary": summary, "parameters": parameters(path),
                                     "responses": answers(gives, {"type": "object"}, *sorted(errors))}
        if method == "post":
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {
                "type": "object"}}}}
            operation["responses"] = answers(gives, {"type": "object"}, 400, 401, 403, 404, 413, 503)
        paths[path] = {method: operation}
    for name in repository.model_names():
        try:
            servable = repository.servable(name)
        except RequestError:  # loading, or nothing left to serve: only the generic paths
            continue
        paths.update(model_paths(name, servable))
    return {"openapi": "3.1.0",
            "info": {"title": "classicnets serve", "version": __version__,
                     "description": "TensorFlow Serving's REST API and the KServe v2 protocol over the models of "
                     "MODELS_DIR; the paths with a model's name are those served now, with request schemas from "
                     "their serving_default signature."},
            "paths": paths,
            "components": {"schemas": {"Error": {"type": "object", "required": ["error"],
                                                 "properties": {"error": {"type": "string"}}}},
                           "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                         "description": "with --auth-token-file only"}}}}


def model_paths(name: str, servable: Servable) -> dict[str, Any]:
    """The predict and infer paths of one served model, with its signature's request schemas and examples."""
    signature = servable.signature(None)
    predict, predict_example = predict_schema(signature)
    infer, infer_example = infer_schema(signature)
    errors = (400, 401, 403, 413, 503)
    return {
        f"/v1/models/{name}:predict": {"post": {
            "summary": f"{name} (version {servable.version}): predict", "tags": [name],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": predict, "example": predict_example}}},
            "responses": answers(f"outputs: {', '.join(signature.outputs)}", {"type": "object"}, *errors)}},
        f"/v2/models/{name}/infer": {"post": {
            "summary": f"{name} (version {servable.version}): infer", "tags": [name],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": infer, "example": infer_example}}},
            "responses": answers(f"outputs: {', '.join(signature.outputs)}", {"type": "object"}, *errors)}},
    }
