"""gRPC beside REST, on --grpc-port: TensorFlow Serving's PredictionService (Predict, GetModelMetadata) and
ModelService (GetModelStatus), and KServe v2's GRPCInferenceService (ServerLive, ServerReady, ModelReady,
ServerMetadata, ModelMetadata, ModelInfer), over the same ModelRepository as the REST APIs.

The messages and services are those the official clients are built from: `tensorflow_serving.apis` (package
tensorflow-serving-api) and `tritonclient.grpc` (Triton's protocol is KServe v2's, service
inference.GRPCInferenceService). Both declare dependencies that fight tensorflow-cpu, so they are installed
without them (`pip install --no-deps tensorflow-serving-api tritonclient`); their own needs, grpcio and protobuf,
come with TensorFlow. A request is checked and computed exactly as its REST twin, so the answers agree to the
bit; refusals are the REST status mapped to gRPC's codes (400 INVALID_ARGUMENT, 404 NOT_FOUND, ...)."""

from __future__ import annotations

import math
import time
from concurrent import futures
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from classicnets.errors import UserError
from classicnets.serving import kserve_api, tfserving_api
from classicnets.serving.metrics import ServerMetrics
from classicnets.serving.repository import ModelRepository
from classicnets.serving.guard import bearer_matches
from classicnets.serving.servable import RequestError, Servable, Signature, examples_in

INSTALL = ("pip install python-rapidjson && pip install --no-deps tensorflow-serving-api==2.21.0 "
           "tritonclient==2.73.0")
CONTENTS = {"BOOL": "bool_contents", "UINT8": "uint_contents", "UINT16": "uint_contents", "UINT32": "uint_contents",
            "UINT64": "uint64_contents", "INT8": "int_contents", "INT16": "int_contents", "INT32": "int_contents",
            "INT64": "int64_contents", "FP32": "fp32_contents", "FP64": "fp64_contents"}  # FP16: raw bytes only


def load_protocols() -> Any:
    """The modules of both protocols; a UserError saying how to install them if they are missing."""
    try:
        import grpc
        from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2, model_service_pb2_grpc,
                                             predict_pb2, prediction_service_pb2_grpc)
        from tritonclient.grpc import service_pb2, service_pb2_grpc
    except ImportError as error:
        raise UserError(f"--grpc-port needs the protocol packages of TensorFlow Serving and KServe ({error.name} "
                        f"is missing); install them with: {INSTALL}") from None
    return {"grpc": grpc, "metadata": get_model_metadata_pb2, "status": get_model_status_pb2,
            "model_service": model_service_pb2_grpc, "predict": predict_pb2,
            "prediction_service": prediction_service_pb2_grpc, "kserve": service_pb2, "kserve_service": service_pb2_grpc}


@dataclass
class Context:
    """What every handler needs: the models, the metrics, gRPC's module, the largest message."""

    repository: ModelRepository
    metrics: ServerMetrics
    grpc: Any
    max_message: int

    def code(self, status: int) -> Any:
        codes = self.grpc.StatusCode
        return {400: codes.INVALID_ARGUMENT, 404: codes.NOT_FOUND, 405: codes.UNIMPLEMENTED,
                413: codes.RESOURCE_EXHAUSTED, 503: codes.UNAVAILABLE}.get(status, codes.INTERNAL)

    def answer(self, context: Any, work: Callable[[], Any], api: str = "", labels: list[str] | None = None) -> Any:
        """Run `work`; a RequestError aborts the call with its code and message, anything else with INTERNAL;
        inference calls (`api`) are counted in the metrics with their labels [model, version, signature]."""
        started, status = time.perf_counter(), "OK"
        remaining = context.time_remaining()
        if api and remaining is not None and remaining <= 0:  # the client's deadline passed while it waited
            model, version, signature = labels or ["", "", ""]
            self.metrics.answered(model, version, signature, api, "DEADLINE_EXCEEDED", 0.0)
            context.abort(self.grpc.StatusCode.DEADLINE_EXCEEDED, "the call's deadline passed before it could be "
                          "computed")
        try:
            return work()
        except RequestError as error:
            status = self.code(error.status).name
            context.abort(self.code(error.status), error.message)
        except Exception as error:  # a bug of ours: the call fails, the server goes on
            status = "INTERNAL"
            context.abort(self.grpc.StatusCode.INTERNAL, f"internal error: {type(error).__name__}: {error}"[:500])
        finally:
            if api:
                model, version, signature = labels or ["", "", ""]
                self.metrics.answered(model, version, signature, api, status, time.perf_counter() - started)

    def servable(self, name: str, version: str | None, labels: list[str]) -> Servable:
        """The version a request names (its labels filled in once it is known to be served)."""
        servable = self.repository.servable(name, version)
        labels[0], labels[1] = name, str(servable.version)
        return servable

    def computed(self, labels: list[str], signature: Signature, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The outputs of a checked request, counted."""
        labels[2] = signature.name
        self.metrics.computed(labels[0], labels[1], signature.name, examples_in(arrays))
        return signature.compute(arrays)


def tfserving_services(protocols: dict[str, Any], ctx: Context) -> tuple[Any, Any]:
    """TF Serving's PredictionService and ModelService."""
    import tensorflow as tf
    from google.protobuf import json_format

    predict_pb2, metadata_pb2, status_pb2 = protocols["predict"], protocols["metadata"], protocols["status"]

    def version_of(spec: Any) -> str | None:
        if spec.WhichOneof("version_choice") == "version_label":
            raise RequestError(404, f"version labels are not served (received {spec.version_label!r:.100}); name "
                               "a version number, or none for the highest")
        return str(spec.version.value) if spec.HasField("version") else None

    def to_array(signature: Signature, name: str, tensor: Any) -> np.ndarray:
        if name not in signature.inputs:
            raise RequestError(400, f"signature '{signature.name}' has no input '{name}'; its inputs are: "
                               f"{', '.join(signature.inputs)}")
        expected = signature.inputs[name].dtype
        if tensor.dtype != expected.as_datatype_enum:
            raise RequestError(400, f"input '{name}' needs dtype {expected.name}; received "
                               f"{tf.dtypes.as_dtype(tensor.dtype).name if tensor.dtype else 'none'}")
        dims = [dim.size for dim in tensor.tensor_shape.dim]
        if any(size < 0 for size in dims) or math.prod(dims) * expected.size > ctx.max_message:
            raise RequestError(400, f"input '{name}' has shape {dims}: sizes must be at least 0, and the tensor "
                               f"at most {ctx.max_message} bytes")
        try:
            array = tf.make_ndarray(tensor)
        except (ValueError, TypeError) as error:
            raise RequestError(400, f"input '{name}' cannot be read: {error}") from None
        return signature.to_array(name, array)

    class Predictions(protocols["prediction_service"].PredictionServiceServicer):
        def Predict(self, request: Any, context: Any) -> Any:
            labels = ["", "", ""]

            def work() -> Any:
                spec = request.model_spec
                servable = ctx.servable(spec.name, version_of(spec), labels)
                signature = servable.signature(spec.signature_name)
                arrays = {name: to_array(signature, name, tensor) for name, tensor in request.inputs.items()}
                signature.check(arrays)
                wanted = list(request.output_filter) or list(signature.outputs)
                unknown = [name for name in wanted if name not in signature.outputs]
                if unknown:
                    raise RequestError(400, f"output_filter names '{unknown[0]}', which signature '{signature.name}' "
                                       f"does not give; it gives: {', '.join(signature.outputs)}")
                outputs = ctx.computed(labels, signature, arrays)
                response = predict_pb2.PredictResponse()
                response.model_spec.name = spec.name
                response.model_spec.version.value = servable.version
                response.model_spec.signature_name = signature.name
                for name in wanted:
                    response.outputs[name].CopyFrom(tf.make_tensor_proto(outputs[name]))
                return response
            return ctx.answer(context, work, "grpc:Predict", labels)

        def GetModelMetadata(self, request: Any, context: Any) -> Any:
            def work() -> Any:
                fields = list(request.metadata_field)
                if fields != ["signature_def"]:
                    raise RequestError(400, f"metadata_field must be ['signature_def'], the only metadata served; "
                                       f"received {fields}")
                spec = request.model_spec
                servable = ctx.servable(spec.name, version_of(spec), ["", "", ""])
                definitions = metadata_pb2.SignatureDefMap()
                json_format.ParseDict({"signature_def": servable.signature_defs}, definitions)
                response = metadata_pb2.GetModelMetadataResponse()
                response.model_spec.name = spec.name
                response.model_spec.version.value = servable.version
                response.metadata["signature_def"].Pack(definitions)
                return response
            return ctx.answer(context, work)

        def Classify(self, request: Any, context: Any) -> Any:
            return unsupported(context, "Classify")

        def Regress(self, request: Any, context: Any) -> Any:
            return unsupported(context, "Regress")

        def MultiInference(self, request: Any, context: Any) -> Any:
            return unsupported(context, "MultiInference")

    def unsupported(context: Any, method: str) -> Any:
        context.abort(ctx.grpc.StatusCode.UNIMPLEMENTED, f"{method} is not served: the exported signatures are "
                      "predict signatures; use Predict")

    class Models(protocols["model_service"].ModelServiceServicer):
        def GetModelStatus(self, request: Any, context: Any) -> Any:
            def work() -> Any:
                spec = request.model_spec
                answer = tfserving_api.model_status(ctx.repository, spec.name, version_of(spec))
                response = status_pb2.GetModelStatusResponse()
                for status in answer["model_version_status"]:
                    item = response.model_version_status.add()
                    item.version = int(status["version"])
                    item.state = status_pb2.ModelVersionStatus.State.Value(status["state"])
                    item.status.error_code = 0 if status["status"]["error_code"] == "OK" else 2  # OK, UNKNOWN
                    item.status.error_message = status["status"]["error_message"]
                return response
            return ctx.answer(context, work)

        def HandleReloadConfigRequest(self, request: Any, context: Any) -> Any:
            context.abort(ctx.grpc.StatusCode.UNIMPLEMENTED, "the served models follow MODELS_DIR: add or remove "
                          "version folders instead of sending a model config")

    return Predictions(), Models()


def kserve_service(protocols: dict[str, Any], ctx: Context) -> Any:
    """KServe v2's GRPCInferenceService."""
    from google.protobuf import json_format

    pb = protocols["kserve"]

    def request_array(signature: Signature, tensor: Any, raw: bytes | None) -> tuple[str, np.ndarray]:
        shape = list(tensor.shape)
        name = kserve_api.checked_head(signature, tensor.name, tensor.datatype, shape)
        if raw is not None:
            return name, kserve_api.array_from_bytes(signature, name, tensor.datatype, shape, raw)
        field = CONTENTS.get(tensor.datatype)
        if field is None:
            raise RequestError(400, f"input '{name}': {tensor.datatype} is sent as raw_input_contents")
        values = np.asarray(getattr(tensor.contents, field), kserve_api.NUMPY_TYPES[tensor.datatype])
        if values.size != math.prod(shape):
            raise RequestError(400, f"input '{name}' has {values.size} values in contents.{field}, but its shape "
                               f"{shape} holds {math.prod(shape)}")
        return name, signature.to_array(name, values.reshape(shape))

    def signature_of(servable: Servable, parameters: Any) -> Signature:
        chosen = parameters.get("signature_name") if "signature_name" in parameters else None
        return servable.signature(chosen.string_param if chosen is not None else None)

    class Inference(protocols["kserve_service"].GRPCInferenceServiceServicer):
        def ServerLive(self, request: Any, context: Any) -> Any:
            return pb.ServerLiveResponse(live=True)

        def ServerReady(self, request: Any, context: Any) -> Any:
            return pb.ServerReadyResponse(ready=ctx.repository.scanned.is_set())

        def ModelReady(self, request: Any, context: Any) -> Any:
            def work() -> Any:
                versions = ctx.repository.versions(request.name)
                if not request.version:
                    return pb.ModelReadyResponse(ready=ctx.repository.ready(request.name))
                state = versions.get(int(request.version)) if request.version.isdigit() else None
                if state is None:
                    raise RequestError(404, f"model '{request.name}' has no version {request.version!r}")
                return pb.ModelReadyResponse(ready=state.servable is not None)
            return ctx.answer(context, work)

        def ServerMetadata(self, request: Any, context: Any) -> Any:
            return json_format.ParseDict(kserve_api.server_metadata(), pb.ServerMetadataResponse())

        def ModelMetadata(self, request: Any, context: Any) -> Any:
            def work() -> Any:
                servable = ctx.repository.servable(request.name, request.version or None)
                available = [state.version for state in ctx.repository.versions(request.name).values()
                             if state.servable is not None]
                metadata = kserve_api.model_metadata(servable, request.name, available)
                metadata.pop("parameters", None)  # (the gRPC message has no parameters)
                return json_format.ParseDict(metadata, pb.ModelMetadataResponse())
            return ctx.answer(context, work)

        def ModelInfer(self, request: Any, context: Any) -> Any:
            labels = ["", "", ""]

            def work() -> Any:
                servable = ctx.servable(request.model_name, request.model_version or None, labels)
                signature = signature_of(servable, request.parameters)
                raws = list(request.raw_input_contents)
                if raws and len(raws) != len(request.inputs):
                    raise RequestError(400, f"raw_input_contents has {len(raws)} entries for {len(request.inputs)} "
                                       "inputs; give one per input, in order, or none")
                arrays = dict(request_array(signature, tensor, raws[index] if raws else None)
                              for index, tensor in enumerate(request.inputs))
                if len(arrays) != len(request.inputs):
                    raise RequestError(400, "an input is given twice")
                signature.check(arrays)
                wanted = kserve_api.requested_outputs(signature, [{"name": output.name} for output in request.outputs]
                                                      or None)
                outputs = ctx.computed(labels, signature, arrays)
                response = pb.ModelInferResponse(model_name=request.model_name, model_version=str(servable.version),
                                                 id=request.id)
                for name in wanted:
                    tensor = kserve_api.response_tensor(name, outputs[name], signature)
                    response.outputs.add(name=name, datatype=tensor["datatype"], shape=tensor["shape"])
                    response.raw_output_contents.append(kserve_api.output_bytes(outputs[name], tensor["datatype"]))
                return response
            return ctx.answer(context, work, "grpc:ModelInfer", labels)

    return Inference()


OPEN_METHODS = ("/inference.GRPCInferenceService/ServerLive", "/inference.GRPCInferenceService/ServerReady")


class Unreadable:
    """What a request that is not a valid message of its type turns into (instead of gRPC's logged traceback)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def guard(grpc: Any, token: str | None) -> Any:
    """A server interceptor: a request that cannot be parsed is INVALID_ARGUMENT, and with a token, every call but
    the health checks needs the metadata 'authorization: Bearer TOKEN' (else UNAUTHENTICATED)."""
    def refuse(code: Any, message: str) -> Any:
        def handle(request: Any, context: Any) -> Any:
            context.abort(code, message)
        return grpc.unary_unary_rpc_method_handler(handle)

    def readable(deserialize: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
        def read(data: bytes) -> Any:
            try:
                return deserialize(data)
            except Exception as error:  # protobuf's DecodeError, and anything else a parser raises
                return Unreadable(error)
        return read

    def checked(behaviour: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def handle(request: Any, context: Any) -> Any:
            if isinstance(request, Unreadable):
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"the request is not a valid message of its type: "
                              f"{request.error}"[:500])
            return behaviour(request, context)
        return handle

    class Guard(grpc.ServerInterceptor):
        def intercept_service(self, continuation: Any, details: Any) -> Any:
            if token is not None and details.method not in OPEN_METHODS and \
                    not bearer_matches(dict(details.invocation_metadata).get("authorization", ""), token.encode()):
                return refuse(grpc.StatusCode.UNAUTHENTICATED, "this server needs the token of its "
                              "--auth-token-file: send the metadata 'authorization: Bearer TOKEN'")
            handler = continuation(details)
            if handler is None or handler.unary_unary is None or handler.request_deserializer is None:
                return handler  # no such method (UNIMPLEMENTED), or not one of ours
            return handler._replace(request_deserializer=readable(handler.request_deserializer),
                                    unary_unary=checked(handler.unary_unary))

    return Guard()


def start_grpc(repository: ModelRepository, metrics: ServerMetrics, host: str, port: int, threads: int,
               max_message: int, token: str | None = None, max_queue: int = 256) -> tuple[Any, int]:
    """Start the gRPC server on host:port (0: a free port) with `threads` handler threads, refusing calls beyond
    those and `max_queue` waiting with RESOURCE_EXHAUSTED; returns (server, port). A UserError if the protocol
    packages are missing or the port cannot be had."""
    protocols = load_protocols()
    grpc = protocols["grpc"]
    ctx = Context(repository, metrics, grpc, max_message)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="grpc"),
                         interceptors=[guard(grpc, token)], maximum_concurrent_rpcs=threads + max_queue,
                         options=[("grpc.max_receive_message_length", max_message),
                                  ("grpc.max_send_message_length", max(max_message, 64 * 2**20)),
                                  ("grpc.so_reuseport", 0)])
    predictions, models = tfserving_services(protocols, ctx)
    protocols["prediction_service"].add_PredictionServiceServicer_to_server(predictions, server)
    protocols["model_service"].add_ModelServiceServicer_to_server(models, server)
    protocols["kserve_service"].add_GRPCInferenceServiceServicer_to_server(kserve_service(protocols, ctx), server)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as error:
        raise UserError(f"cannot listen for gRPC on {address}: {error}; choose another --grpc-port") from None
    if bound == 0:
        raise UserError(f"cannot listen for gRPC on {address} (in use, or not this machine's address); choose "
                        "another --grpc-port")
    server.start()
    return server, bound

