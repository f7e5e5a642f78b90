"""`classicnets serve --grpc-port` driven by the official clients: a tensorflow_serving.apis PredictionService and
ModelService stub, and tritonclient.grpc for KServe v2; answers agree with REST to the bit, and bad requests get
the protocol's codes with no traceback in the log."""

import json
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import free_port
from tests.serving.small import images, start_serve

grpc = pytest.importorskip("grpc")
apis = pytest.importorskip("tensorflow_serving.apis.prediction_service_pb2_grpc")
triton = pytest.importorskip("tritonclient.grpc")
tf = pytest.importorskip("tensorflow")

from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2, model_service_pb2_grpc,  # noqa: E402
                                     predict_pb2, prediction_service_pb2_grpc)
from tritonclient.grpc import service_pb2, service_pb2_grpc  # noqa: E402

TOKEN = "grpc-test-token-0123456789abcdef"
AUTH = [("authorization", f"Bearer {TOKEN}")]
MAX_BODY = 64 * 2**10


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """{"rest": base URL, "grpc": host:port, "log": path} of a server with a token and 64 KiB messages."""
    from tests.serving.test_server import export_classifier

    root = tmp_path_factory.mktemp("grpc")
    export_classifier(root / "models" / "digits" / "1", seed=1)
    (root / "token").write_text(TOKEN)
    port = free_port()
    base, process = start_serve(root / "models", root / "server.log", "--grpc-port", str(port), "--max-body",
                                str(MAX_BODY), "--auth-token-file", str(root / "token"))
    yield {"rest": base, "grpc": f"127.0.0.1:{port}", "log": root / "server.log"}
    process.terminate()
    assert process.wait(timeout=30) == 0


@pytest.fixture(scope="module")
def channel(server):
    with grpc.insecure_channel(server["grpc"]) as channel:
        yield channel


def rest_predict(server, instances) -> np.ndarray:
    request = urllib.request.Request(server["rest"] + "/v1/models/digits:predict",
                                     data=json.dumps({"instances": instances}).encode(),
                                     headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return np.array([row["probabilities"] for row in json.loads(response.read())["predictions"]], np.float32)


def predict_request(array, name="digits", **spec) -> predict_pb2.PredictRequest:
    request = predict_pb2.PredictRequest()
    request.model_spec.name = name
    for key, value in spec.items():
        if key == "version":
            request.model_spec.version.value = value
        else:
            setattr(request.model_spec, key, value)
    if array is not None:
        request.inputs["images"].CopyFrom(tf.make_tensor_proto(array))
    return request


@pytest.mark.slow
def test_tf_serving_predict_metadata_and_status_agree_with_rest(server, channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    x = images(4, seed=5)
    answer = stub.Predict(predict_request(x), metadata=AUTH, timeout=30)
    assert (answer.model_spec.name, answer.model_spec.version.value, answer.model_spec.signature_name) == \
        ("digits", 1, "serving_default")
    probabilities = tf.make_ndarray(answer.outputs["probabilities"])
    assert probabilities.dtype == np.float32 and np.array_equal(probabilities, rest_predict(server, x.tolist()))
    assert tf.make_ndarray(answer.outputs["classes"]).tolist() == probabilities.argmax(axis=1).tolist()
    filtered = predict_request(x)
    filtered.output_filter.append("classes")
    assert list(stub.Predict(filtered, metadata=AUTH, timeout=30).outputs) == ["classes"]

    metadata_request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
    metadata_request.model_spec.name = "digits"
    metadata = stub.GetModelMetadata(metadata_request, metadata=AUTH, timeout=30)
    definitions = get_model_metadata_pb2.SignatureDefMap()
    metadata.metadata["signature_def"].Unpack(definitions)
    images_info = definitions.signature_def["serving_default"].inputs["images"]
    assert [dim.size for dim in images_info.tensor_shape.dim] == [-1, 8, 8, 1] and images_info.dtype == 1  # float

    status = model_service_pb2_grpc.ModelServiceStub(channel).GetModelStatus(
        get_model_status_pb2.GetModelStatusRequest(model_spec={"name": "digits"}), metadata=AUTH, timeout=30)
    (version,) = status.model_version_status
    assert version.version == 1 and version.state == get_model_status_pb2.ModelVersionStatus.AVAILABLE


def huge_shape() -> predict_pb2.PredictRequest:
    """A tensor that claims 10**9 floats and holds one (make_ndarray would repeat it 10**9 times)."""
    request = predict_request(None)
    tensor = request.inputs["images"]
    tensor.dtype = tf.float32.as_datatype_enum
    for size in (10**9, 1, 1, 1):
        tensor.tensor_shape.dim.add(size=size)
    tensor.float_val.append(0.5)
    return request


@pytest.mark.slow
@pytest.mark.parametrize("name, request_of, code, words", [
    ("float64 input", lambda: predict_request(images(1).astype(np.float64)), "INVALID_ARGUMENT", "needs dtype float32"),
    ("wrong shape", lambda: predict_request(np.zeros((1, 4, 4, 1), np.float32)), "INVALID_ARGUMENT", "needs shape"),
    ("NaN", lambda: predict_request(np.full((1, 8, 8, 1), np.nan, np.float32)), "INVALID_ARGUMENT", "finite"),
    ("unknown model", lambda: predict_request(images(1), name="nosuch"), "NOT_FOUND", "no model named 'nosuch'"),
    ("unknown version", lambda: predict_request(images(1), version=9), "NOT_FOUND", "version"),
    ("version label", lambda: predict_request(images(1), version_label="stable"), "NOT_FOUND", "labels"),
    ("unknown signature", lambda: predict_request(images(1), signature_name="nope"), "NOT_FOUND", "no signature"),
    ("no inputs", lambda: predict_request(None), "INVALID_ARGUMENT", "missing: images"),
    ("10**9 values claimed", huge_shape, "INVALID_ARGUMENT", "at most"),
    ("message over --max-body", lambda: predict_request(images(300)), "RESOURCE_EXHAUSTED", ""),
])
def test_tf_serving_refusals_have_codes_and_messages(server, channel, name, request_of, code, words):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    with pytest.raises(grpc.RpcError) as refused:
        stub.Predict(request_of(), metadata=AUTH, timeout=30)
    assert refused.value.code().name == code and words in refused.value.details()


@pytest.mark.slow
def test_kserve_health_metadata_and_infer_agree_with_rest(server):
    client = triton.InferenceServerClient(server["grpc"])
    headers = {"authorization": f"Bearer {TOKEN}"}
    assert client.is_server_live() and client.is_server_ready(headers=headers)
    assert client.is_model_ready("digits", headers=headers) and client.is_model_ready("digits", "1", headers=headers)
    metadata = client.get_model_metadata("digits", headers=headers, as_json=True)
    assert metadata["platform"] == "tensorflow_savedmodel" and metadata["inputs"][0]["datatype"] == "FP32"
    x = images(3, seed=7)
    tensor = triton.InferInput("images", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    result = client.infer("digits", [tensor], headers=headers)
    assert np.array_equal(result.as_numpy("probabilities"), rest_predict(server, x.tolist()))
    assert result.as_numpy("classes").dtype == np.int64
    only = client.infer("digits", [tensor], outputs=[triton.InferRequestedOutput("classes")], headers=headers)
    assert only.as_numpy("probabilities") is None and only.as_numpy("classes").shape == (3,)
    server_metadata = client.get_server_metadata(headers=headers)
    assert server_metadata.name == "classicnets"


def infer_request(**changes) -> service_pb2.ModelInferRequest:
    """A ModelInferRequest for 1 image, in typed contents (not raw bytes), with `changes` applied to its input."""
    request = service_pb2.ModelInferRequest(model_name="digits", id="r1")
    tensor = request.inputs.add(name="images", datatype="FP32", shape=[1, 8, 8, 1])
    tensor.contents.fp32_contents.extend(images(1).ravel().tolist())
    for key, value in changes.items():
        if key == "raw":
            tensor.ClearField("contents")
            request.raw_input_contents.append(value)
        elif key == "model_name":
            request.model_name = value
        else:
            tensor.ClearField(key)
            getattr(tensor, key).extend(value) if key == "shape" else setattr(tensor, key, value)
    return request


@pytest.mark.slow
def test_kserve_typed_contents_and_refusals(server, channel):
    stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
    answer = stub.ModelInfer(infer_request(), metadata=AUTH, timeout=30)
    assert answer.id == "r1" and answer.model_version == "1"
    names = [output.name for output in answer.outputs]
    probabilities = np.frombuffer(answer.raw_output_contents[names.index("probabilities")], "<f4").reshape(1, 3)
    assert np.array_equal(probabilities, rest_predict(server, images(1).tolist()))
    refusals = [
        (infer_request(datatype="FP64"), "INVALID_ARGUMENT", "needs datatype FP32"),
        (infer_request(shape=[2, 8, 8, 1]), "INVALID_ARGUMENT", "holds 128"),
        (infer_request(raw=b"\0" * 10), "INVALID_ARGUMENT", "10 bytes of binary data"),
        (infer_request(raw=np.full(64, np.inf, np.float32).tobytes()), "INVALID_ARGUMENT", "finite"),
        (infer_request(model_name="nosuch"), "NOT_FOUND", "no model named"),
    ]
    for request, code, words in refusals:
        with pytest.raises(grpc.RpcError) as refused:
            stub.ModelInfer(request, metadata=AUTH, timeout=30)
        assert refused.value.code().name == code and words in refused.value.details(), request
    garbage = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer", request_serializer=lambda b: b,
                                  response_deserializer=lambda b: b)
    with pytest.raises(grpc.RpcError) as refused:
        garbage(b"\xff\xff\xff\xff not a message", metadata=AUTH, timeout=30)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.slow
def test_the_token_is_needed_but_for_liveness_and_calls_are_counted(server, channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    for metadata in (None, [("authorization", "Bearer wrong")]):
        with pytest.raises(grpc.RpcError) as refused:
            stub.Predict(predict_request(images(1)), metadata=metadata, timeout=30)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    kserve = service_pb2_grpc.GRPCInferenceServiceStub(channel)
    assert kserve.ServerLive(service_pb2.ServerLiveRequest()).live
    stub.Predict(predict_request(images(1)), metadata=AUTH, timeout=30)
    kserve.ModelInfer(infer_request(), metadata=AUTH, timeout=30)
    with pytest.raises(grpc.RpcError):
        kserve.ModelInfer(infer_request(datatype="FP64"), metadata=AUTH, timeout=30)
    request = urllib.request.Request(server["rest"] + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    assert 'classicnets_requests_total{api="grpc:Predict",model="digits",signature="serving_default",status="OK"' \
        in text and 'api="grpc:ModelInfer"' in text and 'status="INVALID_ARGUMENT"' in text
    assert "Traceback" not in Path(server["log"]).read_text()
