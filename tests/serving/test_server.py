"""`classicnets serve` run for real: a server process on a free localhost port, real SavedModels exported with
keras.export.ExportArchive, and a real HTTP client speaking TF Serving's REST API and KServe v2."""

import argparse
import json
import shutil
import signal
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from tests.serving.small import call, images, start_serve

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

MAX_BODY = 256 * 2**10  # holds the 100,000 levels of "[" below


def export(model_path: Path, endpoints: dict, specs: dict, model: keras.Model) -> None:
    """Write `model` as a SavedModel with named signatures (what `classicnets export` writes)."""
    archive = keras.export.ExportArchive()
    archive.track(model)
    for name, function in endpoints.items():
        archive.add_endpoint(name, function, input_signature=specs[name])
    archive.write_out(str(model_path), verbose=False)


def export_classifier(model_path: Path, seed: int) -> keras.Model:
    """A softmax classifier on 8x8x1 images: serving_default images -> probabilities, classes."""
    keras.utils.set_random_seed(seed)
    images = keras.Input((8, 8, 1))
    model = keras.Model(images, keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(images)))

    def serve(images):
        probabilities = model(images)
        return {"probabilities": probabilities, "classes": tf.argmax(probabilities, axis=-1)}

    export(model_path, {"serving_default": serve},
           {"serving_default": [tf.TensorSpec([None, 8, 8, 1], tf.float32, name="images")]}, model)
    return model


def export_autoencoder(model_path: Path) -> keras.Model:
    """serving_default images -> reconstructions, encode images -> codes."""
    keras.utils.set_random_seed(3)
    images = keras.Input((8, 8, 1))
    codes = keras.layers.Dense(2)(keras.layers.Flatten()(images))
    encoder = keras.Model(images, codes)
    decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(64), keras.layers.Reshape((8, 8, 1))])
    spec = [tf.TensorSpec([None, 8, 8, 1], tf.float32, name="images")]
    export(model_path, {"serving_default": lambda images: {"reconstructions": decoder(encoder(images))},
                        "encode": lambda images: {"codes": encoder(images)}},
           {"serving_default": spec, "encode": spec}, keras.Sequential([encoder, decoder]))
    return encoder


def export_cgan(model_path: Path) -> keras.Model:
    """Two inputs: noise float32 [batch, 4] and labels int32 [batch] -> images."""
    keras.utils.set_random_seed(4)
    noise, labels = keras.Input((4,)), keras.Input((), dtype="int32")
    joined = keras.layers.Concatenate()([noise, keras.layers.Embedding(3, 4)(labels)])
    model = keras.Model([noise, labels], keras.layers.Reshape((8, 8, 1))(keras.layers.Dense(64)(joined)))
    export(model_path, {"serving_default": lambda noise, labels: {"images": model([noise, labels])}},
           {"serving_default": [tf.TensorSpec([None, 4], tf.float32, name="noise"),
                                tf.TensorSpec([None], tf.int32, name="labels")]}, model)
    return model


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """MODELS_DIR with digits 1 and 2, ae 1 and cgan 1, plus folders the server must not serve."""
    root = tmp_path_factory.mktemp("serving")
    models_dir = root / "models"
    keras_models = {"digits/1": export_classifier(models_dir / "digits" / "1", seed=1),
                    "digits/2": export_classifier(models_dir / "digits" / "2", seed=2),
                    "ae/1": export_autoencoder(models_dir / "ae" / "1"),
                    "cgan/1": export_cgan(models_dir / "cgan" / "1")}
    (models_dir / "digits" / "2" / "classicnets.json").write_text('{"class_names": ["zero", "one", "two"]}')
    shutil.copytree(models_dir / "digits" / "1", root / "outside" / "9")
    (models_dir / "escape").symlink_to(root / "outside")  # a model folder leading out of MODELS_DIR
    (models_dir / "digits" / "9").symlink_to(root / "outside" / "9")  # a version folder leading out
    shutil.copytree(models_dir / "digits" / "1", models_dir / "digits" / ".tmp-export-5")
    shutil.copytree(models_dir / "digits" / "1", models_dir / "digits" / "latest")
    return models_dir, keras_models


@pytest.fixture(scope="module")
def server(models, tmp_path_factory):
    """A running `classicnets serve` (poll every second, 256 KiB bodies); yields (base URL, process)."""
    models_dir, _ = models
    base, process = start_serve(models_dir, tmp_path_factory.mktemp("log") / "server.log", "--poll-seconds", "1",
                                "--max-body", str(MAX_BODY))
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def wait_for(condition, seconds: float = 20) -> None:
    """Poll `condition` until it holds (the server polls its folder every second)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server did not follow the folder change in time"
        time.sleep(0.25)


def test_tf_serving_status_lists_every_version(server):
    base, _ = server
    status, answer = call(base, "GET", "/v1/models/digits")
    assert status == 200
    assert answer == {"model_version_status": [
        {"version": version, "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
        for version in ("2", "1")]}  # not 9 (leads outside), .tmp-export-5 or latest (not integers)
    status, answer = call(base, "GET", "/v1/models/digits/versions/1")
    assert status == 200 and [entry["version"] for entry in answer["model_version_status"]] == ["1"]


def test_tf_serving_metadata_has_the_signature_defs(server):
    base, _ = server
    status, answer = call(base, "GET", "/v1/models/ae/metadata")
    assert status == 200
    assert answer["model_spec"] == {"name": "ae", "signature_name": "", "version": "1"}
    signature_defs = answer["metadata"]["signature_def"]["signature_def"]
    assert {"serving_default", "encode"} <= set(signature_defs)
    images_input = signature_defs["encode"]["inputs"]["images"]
    assert images_input["dtype"] == "DT_FLOAT"
    assert [dim["size"] for dim in images_input["tensor_shape"]["dim"]] == ["-1", "8", "8", "1"]
    assert signature_defs["encode"]["method_name"] == "tensorflow/serving/predict"
    assert list(signature_defs["encode"]["outputs"]) == ["codes"]
    status, answer = call(base, "GET", "/v1/models/digits/versions/1/metadata")
    assert status == 200 and answer["model_spec"]["version"] == "1"
    assert set(answer["metadata"]["signature_def"]["signature_def"]["serving_default"]["outputs"]) == {
        "probabilities", "classes"}


def test_tf_serving_predict_rows_and_columns(server, models):
    base, _ = server
    _, keras_models = models
    batch = images(3)
    expected = keras_models["digits/2"](batch).numpy()  # the highest version serves
    status, rows = call(base, "POST", "/v1/models/digits:predict", {"instances": batch.tolist()})
    assert status == 200
    assert [set(row) for row in rows["predictions"]] == [{"probabilities", "classes"}] * 3
    np.testing.assert_allclose([row["probabilities"] for row in rows["predictions"]], expected, rtol=1e-5)
    assert [row["classes"] for row in rows["predictions"]] == expected.argmax(axis=1).tolist()
    status, named_rows = call(base, "POST", "/v1/models/digits:predict",
                              {"instances": [{"images": image} for image in batch.tolist()]})
    assert status == 200 and named_rows == rows
    status, columns = call(base, "POST", "/v1/models/digits:predict", {"inputs": batch.tolist()})
    assert status == 200
    np.testing.assert_allclose(columns["outputs"]["probabilities"], expected, rtol=1e-5)
    status, older = call(base, "POST", "/v1/models/digits/versions/1:predict", {"inputs": {"images": batch.tolist()}})
    assert status == 200
    np.testing.assert_allclose(older["outputs"]["probabilities"], keras_models["digits/1"](batch).numpy(), rtol=1e-5)


def test_tf_serving_predict_a_named_signature_and_several_inputs(server, models):
    base, _ = server
    _, keras_models = models
    batch = images(2)
    status, answer = call(base, "POST", "/v1/models/ae:predict",
                          {"signature_name": "encode", "instances": batch.tolist()})
    assert status == 200  # a single output: a plain list of values, one per instance
    np.testing.assert_allclose(answer["predictions"], keras_models["ae/1"](batch).numpy(), rtol=1e-5, atol=1e-6)
    noise, labels = np.ones((2, 4), np.float32), np.array([0, 2], np.int32)
    expected = keras_models["cgan/1"]([noise, labels]).numpy()
    status, rows = call(base, "POST", "/v1/models/cgan:predict",
                        {"instances": [{"noise": [1.0] * 4, "labels": 0}, {"noise": [1.0] * 4, "labels": 2}]})
    assert status == 200
    np.testing.assert_allclose(rows["predictions"], expected, rtol=1e-5, atol=1e-6)
    status, columns = call(base, "POST", "/v1/models/cgan:predict",
                           {"inputs": {"noise": noise.tolist(), "labels": [0, 2]}})
    assert status == 200 and np.asarray(columns["outputs"]).shape == (2, 8, 8, 1)
    np.testing.assert_allclose(columns["outputs"], expected, rtol=1e-5, atol=1e-6)


def test_kserve_v2_server_and_model_metadata(server):
    base, _ = server
    assert call(base, "GET", "/v2") == (200, {"name": "classicnets", "version": "0.1.0", "extensions": []})
    assert call(base, "GET", "/v2/health/live") == (200, {"live": True})
    assert call(base, "GET", "/v2/health/ready") == (200, {"ready": True})
    assert call(base, "GET", "/v2/models/digits/ready") == (200, {"name": "digits", "ready": True})
    assert call(base, "GET", "/v2/models/digits/versions/1/ready") == (200, {"name": "digits", "ready": True})
    status, metadata = call(base, "GET", "/v2/models/cgan")
    assert status == 200
    assert metadata == {"name": "cgan", "versions": ["1"], "platform": "tensorflow_savedmodel",
                        "inputs": [{"name": "labels", "datatype": "INT32", "shape": [-1]},
                                   {"name": "noise", "datatype": "FP32", "shape": [-1, 4]}],
                        "outputs": [{"name": "images", "datatype": "FP32", "shape": [-1, 8, 8, 1]}]}
    status, metadata = call(base, "GET", "/v2/models/digits/versions/1")
    assert status == 200 and metadata["versions"] == ["1", "2"] and "parameters" not in metadata
    assert metadata["outputs"] == [{"name": "classes", "datatype": "INT64", "shape": [-1]},
                                   {"name": "probabilities", "datatype": "FP32", "shape": [-1, 3]}]
    status, metadata = call(base, "GET", "/v2/models/digits")  # version 2 has a classicnets.json
    assert status == 200 and metadata["parameters"] == {"class_names": ["zero", "one", "two"]}


def test_kserve_v2_infer_typed_tensors(server, models):
    base, _ = server
    _, keras_models = models
    batch = images(2)
    flat = {"id": "request-7", "inputs": [{"name": "images", "shape": [2, 8, 8, 1], "datatype": "FP32",
                                           "data": batch.ravel().tolist()}]}
    status, answer = call(base, "POST", "/v2/models/digits/versions/1/infer", flat)
    assert status == 200
    assert (answer["model_name"], answer["model_version"], answer["id"]) == ("digits", "1", "request-7")
    outputs = {output["name"]: output for output in answer["outputs"]}
    assert outputs["classes"]["datatype"] == "INT64" and outputs["classes"]["shape"] == [2]
    assert outputs["probabilities"]["datatype"] == "FP32" and outputs["probabilities"]["shape"] == [2, 3]
    np.testing.assert_allclose(outputs["probabilities"]["data"], keras_models["digits/1"](batch).numpy().ravel(),
                               rtol=1e-5)
    nested = {"inputs": [{**flat["inputs"][0], "data": batch.tolist()}], "outputs": [{"name": "probabilities"}]}
    status, answer = call(base, "POST", "/v2/models/digits/versions/1/infer", nested)
    assert status == 200 and [output["name"] for output in answer["outputs"]] == ["probabilities"]
    assert answer["outputs"][0]["data"] == outputs["probabilities"]["data"]
    cgan_request = {"inputs": [{"name": "noise", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]},
                               {"name": "labels", "shape": [1], "datatype": "INT32", "data": [2]}]}
    status, answer = call(base, "POST", "/v2/models/cgan/infer", cgan_request)
    assert status == 200 and answer["outputs"][0]["shape"] == [1, 8, 8, 1]
    expected = keras_models["cgan/1"]([np.ones((1, 4), np.float32), np.array([2], np.int32)]).numpy()
    np.testing.assert_allclose(answer["outputs"][0]["data"], expected.ravel(), rtol=1e-5, atol=1e-6)


IMAGE = images(1)[0].tolist()
V2_IMAGE = {"name": "images", "shape": [1, 8, 8, 1], "datatype": "FP32", "data": [0.5] * 64}
BAD_REQUESTS = {  # id: (method, path, JSON body or raw bytes, status, words the error must hold)
    "malformed JSON": ("POST", "/v1/models/digits:predict", b'{"instances": [', 400, "not valid JSON"),
    "not an object": ("POST", "/v1/models/digits:predict", [IMAGE], 400, "must be an object"),
    "both formats": ("POST", "/v1/models/digits:predict", {"instances": [IMAGE], "inputs": [IMAGE]}, 400, "both"),
    "neither format": ("POST", "/v1/models/digits:predict", {"signature_name": "serving_default"}, 400, "neither"),
    "wrong shape": ("POST", "/v1/models/digits:predict", {"instances": [IMAGE[:7]]}, 400, "[-1, 8, 8, 1]"),
    "ragged": ("POST", "/v1/models/digits:predict", {"instances": [IMAGE, IMAGE[:7]]}, 400, "rectangular"),
    "strings": ("POST", "/v1/models/digits:predict", {"instances": [[["0.5"] * 8] * 8]}, 400, "float32"),
    "float labels": ("POST", "/v1/models/cgan:predict", {"inputs": {"noise": [[0] * 4], "labels": [0.5]}}, 400,
                     "int32"),
    "missing input": ("POST", "/v1/models/cgan:predict", {"instances": [{"noise": [0] * 4}]}, 400, "missing: labels"),
    "rows for several inputs": ("POST", "/v1/models/cgan:predict", {"instances": [[0] * 4]}, 400, "several inputs"),
    "signature not a name": ("POST", "/v1/models/digits:predict", {"signature_name": [1], "instances": [IMAGE]}, 400,
                             "string"),
    "deep nesting": ("POST", "/v1/models/digits:predict", b"[" * 100_000, 400, "nested too deeply"),
    "deep nesting inside": ("POST", "/v1/models/digits:predict", b'{"instances": ' + b"[" * 100_000, 400,
                            "nested too deeply"),
    "500 dimensions": ("POST", "/v1/models/digits:predict", b'{"instances": ' + b"[" * 500 + b"0" + b"]" * 500 + b"}",
                       400, "rectangular"),
    "too large": ("POST", "/v1/models/digits:predict", b" " * (MAX_BODY + 1), 413, "--max-body"),
    "unknown model": ("POST", "/v1/models/nothing:predict", {"instances": [IMAGE]}, 404, "nothing"),
    "unknown version": ("POST", "/v1/models/digits/versions/8:predict", {"instances": [IMAGE]}, 404, "version"),
    "unknown signature": ("POST", "/v1/models/digits:predict", {"signature_name": "encode", "instances": [IMAGE]},
                          404, "encode"),
    "version outside": ("GET", "/v1/models/digits/versions/9", None, 404, "version"),
    "model outside": ("GET", "/v1/models/escape", None, 404, "escape"),
    "dot dot": ("GET", "/v1/models/..%2F..%2Fetc/metadata", None, 404, "no such endpoint"),
    "dot dot version": ("GET", "/v2/models/digits/versions/..%2F1", None, 404, "endpoint"),
    "absolute path": ("GET", "/v1/models/%2Fetc%2Fpasswd", None, 404, "no such endpoint"),
    "predict by GET": ("GET", "/v1/models/digits:predict", None, 405, "POST"),
    "unknown endpoint": ("GET", "/v3/models", None, 404, "no such endpoint"),
    "v2 unknown model": ("POST", "/v2/models/nothing/infer", {"inputs": [V2_IMAGE]}, 404, "nothing"),
    "v2 datatype": ("POST", "/v2/models/digits/infer", {"inputs": [{**V2_IMAGE, "datatype": "FP64"}]}, 400, "FP32"),
    "v2 count": ("POST", "/v2/models/digits/infer", {"inputs": [{**V2_IMAGE, "data": [0.5] * 63}]}, 400, "63 values"),
    "v2 shape": ("POST", "/v2/models/digits/infer", {"inputs": [{**V2_IMAGE, "shape": [1, 64]}]}, 400,
                 "[-1, 8, 8, 1]"),
    "v2 unknown output": ("POST", "/v2/models/digits/infer", {"inputs": [V2_IMAGE], "outputs": [{"name": "x"}]}, 400,
                          "unknown output"),
    "v2 no inputs": ("POST", "/v2/models/digits/infer", {"inputs": []}, 400, "non-empty list"),
}


@pytest.mark.parametrize("case", BAD_REQUESTS, ids=list(BAD_REQUESTS))
def test_a_bad_request_is_refused_and_the_server_keeps_serving(server, case):
    base, _ = server
    method, path, body, expected_status, words = BAD_REQUESTS[case]
    raw = body if isinstance(body, bytes) else None
    status, answer = call(base, method, path, body=None if raw else body, raw=raw)
    assert (status, set(answer)) == (expected_status, {"error"}), answer
    assert words in answer["error"]
    status, answer = call(base, "POST", "/v1/models/digits:predict", {"instances": [IMAGE]})
    assert status == 200 and len(answer["predictions"]) == 1


def test_new_version_folders_are_loaded_and_removed_ones_unloaded(server, models):
    base, _ = server
    models_dir, keras_models = models
    staging = models_dir / "digits" / ".tmp-export-3"  # written beside, then renamed: what the exporter does
    shutil.copytree(models_dir / "digits" / "1", staging)
    staging.rename(models_dir / "digits" / "3")
    wait_for(lambda: call(base, "GET", "/v2/models/digits/versions/3/ready")[0] == 200)
    status, answer = call(base, "POST", "/v2/models/digits/infer", {"inputs": [V2_IMAGE]})
    assert status == 200 and answer["model_version"] == "3"

    shutil.rmtree(models_dir / "digits" / "1")
    wait_for(lambda: call(base, "GET", "/v1/models/digits/versions/1")[0] == 404)
    status, answer = call(base, "GET", "/v1/models/digits")
    assert [entry["version"] for entry in answer["model_version_status"]] == ["3", "2"]

    broken = models_dir / "digits" / "4"
    broken.mkdir()
    (broken / "saved_model.pb").write_bytes(b"not a SavedModel")
    wait_for(lambda: call(base, "GET", "/v1/models/digits/versions/4")[0] == 200)
    wait_for(lambda: call(base, "GET", "/v1/models/digits/versions/4")[1]["model_version_status"][0]["state"] == "END")
    status, answer = call(base, "GET", "/v1/models/digits/versions/4")
    assert answer["model_version_status"][0]["status"]["error_code"] == "UNKNOWN"
    assert answer["model_version_status"][0]["status"]["error_message"]
    assert call(base, "GET", "/v2/models/digits/versions/4/ready") == (503, {"name": "digits", "ready": False})
    status, answer = call(base, "POST", "/v1/models/digits/versions/4:predict", {"instances": [IMAGE]})
    assert status == 404 and "failed to load" in answer["error"]
    status, answer = call(base, "POST", "/v2/models/digits/infer", {"inputs": [V2_IMAGE]})
    assert status == 200 and answer["model_version"] == "3"  # the version before the broken one keeps serving
    expected = keras_models["digits/1"](np.full((1, 8, 8, 1), 0.5, np.float32)).numpy().ravel()
    np.testing.assert_allclose(answer["outputs"][1]["data"], expected, rtol=1e-5)  # 3 is a copy of 1


def test_latest_policy_serves_only_the_newest_loadable_versions(models, tmp_path):
    from classicnets.serving.repository import ModelRepository

    models_dir, _ = models
    for version in ("1", "2"):
        shutil.copytree(models_dir / "digits" / "2", tmp_path / "digits" / version)
    repository = ModelRepository(tmp_path, latest=1)
    repository.scan()
    assert {v: s.state for v, s in repository.versions("digits").items()} == {2: "AVAILABLE"}
    (tmp_path / "digits" / "3").mkdir()  # a broken newer version: 2 keeps serving
    repository.scan()
    assert {v: s.state for v, s in repository.versions("digits").items()} == {3: "END", 2: "AVAILABLE"}
    shutil.copytree(tmp_path / "digits" / "2", tmp_path / "digits" / "4")
    repository.scan()
    assert {v: s.state for v, s in repository.versions("digits").items()} == {4: "AVAILABLE", 3: "END", 2: "END"}
    assert repository.servable("digits").version == 4


@pytest.mark.parametrize("value, shown", [(np.nan, "holds nan"), (np.inf, "holds inf"), (-np.inf, "holds -inf")])
def test_nan_and_infinity_in_a_request_are_refused(server, value, shown):
    """Read (NaN is not JSON, but TF Serving reads it) and refused: a model would answer null probabilities."""
    base, _ = server
    image = images(2)
    image[1, 0, 2, 0] = value
    body = json.dumps({"instances": image.tolist()}).encode()
    for path in ("/v1/models/digits:predict", "/v2/models/digits/infer"):
        if path.startswith("/v2"):
            body = json.dumps({"inputs": [{"name": "images", "shape": list(image.shape), "datatype": "FP32",
                                           "data": image.reshape(-1).tolist()}]}).encode()
        status, answer = call(base, "POST", path, raw=body)
        assert status == 400, answer
        assert "finite numbers" in answer["error"] and shown in answer["error"], answer


def test_the_listening_socket_is_tcp_and_a_taken_port_is_a_user_error():
    from classicnets.errors import UserError
    from classicnets.serving.server import listen

    with listen("127.0.0.1", 0) as sock:
        # asyncio turns Nagle's algorithm off only for sockets marked TCP (else 40 ms per response)
        assert sock.proto == socket.IPPROTO_TCP
        with pytest.raises(UserError, match=f"127.0.0.1:{sock.getsockname()[1]}"):
            listen("127.0.0.1", sock.getsockname()[1])


def test_serve_options_are_checked_before_anything_starts(tmp_path, capsys):
    from classicnets.cli import serve
    from classicnets.errors import UserError

    parser = argparse.ArgumentParser()
    serve.add_parser(parser.add_subparsers())
    args = parser.parse_args(["serve", str(tmp_path), "--max-body", "512KiB"])
    assert (args.max_body, args.port, args.host, args.threads) == (512 * 2**10, 8501, "127.0.0.1", 0)
    for bad in (["--max-body", "4 parsecs"], ["--max-body", "10"], ["--port", "70000"], ["--poll-seconds", "nan"]):
        with pytest.raises(SystemExit):
            parser.parse_args(["serve", str(tmp_path), *bad])
    with pytest.raises(UserError, match="--threads cannot be negative"):
        serve.run(parser.parse_args(["serve", str(tmp_path), "--threads", "-1"]))
    with pytest.raises(UserError, match="is not a folder"):
        serve.run(parser.parse_args(["serve", str(tmp_path / "missing")]))


def raw_request(base: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict]:
    """(status, JSON answer) of a request with exactly these headers (http.client sends no Origin of its own)."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in {**headers, "Content-Length": str(len(body))}.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    return response.status, json.loads(answer)


@pytest.mark.parametrize("headers, status, words", [
    ({"Host": "127.0.0.1:PORT"}, 200, None),
    ({"Host": "localhost:PORT"}, 200, None),
    ({"Host": "[::1]:PORT"}, 200, None),
    ({"Host": "attacker.example:PORT"}, 400, "does not answer to the host name 'attacker.example'"),
    ({"Host": "127.0.0.1:PORT", "Origin": "http://127.0.0.1:PORT"}, 200, None),  # the playground page
    ({"Host": "127.0.0.1:PORT", "Origin": "https://attacker.example"}, 403, "pages of https://attacker.example"),
    ({"Host": "127.0.0.1:PORT", "Origin": "null"}, 403, "pages of null"),
    ({"Host": "127.0.0.1:PORT", "Origin": "https://attacker.example", "Content-Type": "text/plain"}, 403, "refused"),
])
def test_other_sites_cannot_reach_a_loopback_server(server, headers, status, words):
    """DNS rebinding (a foreign Host) and blind cross-origin POSTs are refused, in JSON; curl-like clients
    (no Origin) and the server's own page are answered."""
    base, _ = server
    port = base.rsplit(":", 1)[1]
    headers = {name: value.replace("PORT", port) for name, value in headers.items()}
    body = json.dumps({"instances": images(1).tolist()}).encode()
    got, answer = raw_request(base, "POST", "/v1/models/digits:predict", headers, body)
    assert got == status, answer
    assert ("predictions" in answer) if words is None else (words in answer["error"]), answer
    if "Origin" not in headers:
        got, answer = raw_request(base, "GET", "/v1/models/digits", headers)
        assert got == (200 if status == 200 else 400), answer


def test_sigterm_stops_the_server_cleanly(server):
    base, process = server
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert call(base, "GET", "/v2/health/live", timeout=2)[0] == 0



def test_clients_that_hang_up_mid_body_are_one_counted_log_line(models, tmp_path):
    models_dir, _ = models
    log = tmp_path / "server.log"
    base, process = start_serve(models_dir, log)
    try:
        port = int(base.rsplit(":", 1)[1])
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                client.sendall(b"POST /v1/models/digits:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"instances\": [")
                time.sleep(0.2)
        status, answer = call(base, "POST", "/v1/models/digits:predict", {"instances": images(1).tolist()})
        assert status == 200 and len(answer["predictions"]) == 1
        deadline = time.monotonic() + 10
        while "before sending the whole request body" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text()
    assert "Traceback" not in text and "ClientDisconnect" not in text, text[-3000:]
    lines = [line for line in text.splitlines() if "before sending the whole request body" in line]
    assert len(lines) == 2 and lines[1].endswith("(2 times in the last 10 s)")  # the rest told on stopping
