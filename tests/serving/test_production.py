"""What production serving asks of `classicnets serve`, through a real server process and a real HTTP client: the
Prometheus metrics after traffic, CORS for pages of the origins given with --cors-origin, and overload refused at
once beyond --max-queue, and KServe's binary tensors through its own HTTP client."""

import json
import socket
import urllib.error
import urllib.request

import numpy as np
import pytest

from tests.helpers import run_cli
from tests.serving.small import call, chromium_page, images, start_serve

APP = "http://app.example:3000"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.serving.test_server import export_classifier

    models_dir = tmp_path_factory.mktemp("production") / "models"
    export_classifier(models_dir / "digits" / "1", seed=1)
    log = tmp_path_factory.mktemp("log") / "server.log"
    base, process = start_serve(models_dir, log, "--cors-origin", APP, "--batch-window-ms", "2", "--threads", "1",
                                "--max-queue", "2")
    yield base, log
    process.terminate()
    process.wait(timeout=30)


def fetch(base: str, path: str, method: str = "GET", body: bytes | None = None, **headers: str):
    """(status, headers, body bytes)."""
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def all_at_once(base: str, body: bytes, count: int) -> list[tuple[int, bytes]]:
    """POST `body` to /v1/models/digits:predict on `count` connections whose requests become whole at the same
    moment (each sends all but its last byte first): [(status, answer body)], in connection order."""
    head = (f"POST /v1/models/digits:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    port = int(base.rsplit(":", 1)[1])
    connections = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(count)]
    try:
        for connection in connections:
            connection.sendall(head + body[:-1])
        for connection in connections:
            connection.sendall(body[-1:])
        answers = []
        for connection in connections:
            raw = b""
            while chunk := connection.recv(65536):
                raw += chunk
            status_line, _, rest = raw.partition(b"\r\n")
            answers.append((int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]))
        return answers
    finally:
        for connection in connections:
            connection.close()


def samples(text: str) -> dict[tuple, float]:
    """Every sample of a Prometheus text page: (name, sorted labels) -> value."""
    from prometheus_client.parser import text_string_to_metric_families

    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


@pytest.mark.slow
def test_metrics_count_requests_by_status_and_the_rows_computed(server):
    base, log = server
    for count in (3, 5):
        assert call(base, "POST", "/v1/models/digits:predict", {"instances": images(count).tolist()})[0] == 200
    assert call(base, "POST", "/v1/models/digits:predict", {"instances": [[1, 2]]})[0] == 400
    assert call(base, "POST", "/v1/models/nosuch:predict", {"instances": [[1]]})[0] == 404
    infer = {"inputs": [{"name": "images", "datatype": "FP32", "shape": [2, 8, 8, 1],
                         "data": images(2).ravel().tolist()}]}
    assert call(base, "POST", "/v2/models/digits/infer", infer)[0] == 200
    status, headers, text = fetch(base, "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = samples(text.decode())
    ok = (("api", "rest:predict"), ("model", "digits"), ("signature", "serving_default"), ("status", "200"),
          ("version", "1"))
    assert found[("classicnets_requests_total", ok)] == 2
    assert found[("classicnets_requests_total", (("api", "rest:predict"), ("model", "digits"), ("signature", ""),
                                                  ("status", "400"), ("version", "1")))] == 1
    assert found[("classicnets_requests_total", (("api", "rest:predict"), ("model", ""), ("signature", ""),
                                                  ("status", "404"), ("version", "")))] == 1
    assert found[("classicnets_requests_total", (("api", "rest:infer"), *ok[1:]))] == 1
    rows = (("model", "digits"), ("signature", "serving_default"), ("version", "1"))
    assert found[("classicnets_computed_rows_count", rows)] == 3
    assert found[("classicnets_computed_rows_sum", rows)] == 3 + 5 + 2
    assert found[("classicnets_request_seconds_count", tuple(sorted(dict(ok[:3] + ok[4:]).items())))] == 2
    assert found[("classicnets_model_version_state", (("model", "digits"), ("state", "AVAILABLE"),
                                                      ("version", "1")))] == 1
    assert fetch(base, "/monitoring/prometheus/metrics")[0] == 200  # TF Serving's path
    assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_pages_of_the_allowed_origin_may_call_and_others_get_json_refusals(server):
    base, _ = server
    preflight = {"Origin": APP, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,authorization"}
    status, headers, _ = fetch(base, "/v1/models/digits:predict", "OPTIONS", **preflight)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == APP
    assert "POST" in headers["Access-Control-Allow-Methods"] and "authorization" in \
        headers["Access-Control-Allow-Headers"].lower()
    body = json.dumps({"instances": images(1).tolist()}).encode()
    status, headers, answer = fetch(base, "/v1/models/digits:predict", "POST", body, Origin=APP,
                                    **{"Content-Type": "application/json"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == APP and json.loads(answer)["predictions"]
    status, headers, answer = fetch(base, "/v1/models/digits:predict", "OPTIONS",
                                    **{**preflight, "Origin": "http://evil.example"})
    assert status == 403 and "--cors-origin http://evil.example" in json.loads(answer)["error"]
    status, _, answer = fetch(base, "/v1/models/digits:predict", "POST", body, Origin="http://evil.example")
    assert status == 403 and "error" in json.loads(answer)


@pytest.mark.parametrize("origin", ["app.example.com", "https://app.example.com/page", "ftp://files.example"])
def test_an_origin_that_is_not_one_is_refused(tmp_path, capsys, origin):
    status, _, err = run_cli(capsys, "serve", str(tmp_path), "--cors-origin", origin)
    assert status == 2 and "--cors-origin needs an origin" in err


@pytest.mark.slow
def test_requests_beyond_the_queue_are_refused_at_once_and_the_rest_answered(server):
    base, log = server
    body = json.dumps({"instances": images(3000).astype("float64").round(4).tolist()}).encode()  # 2 MB: tens of ms to parse

    answers = [(status, json.loads(answer)) for status, answer in all_at_once(base, body, 16)]
    statuses = [status for status, _ in answers]
    assert set(statuses) == {200, 503} and statuses.count(200) >= 3  # one computing, two waiting, at least
    assert all("busy" in answer["error"] and "--max-queue" in answer["error"]
               for status, answer in answers if status == 503)
    found = samples(fetch(base, "/metrics")[2].decode())
    assert found[("classicnets_overload_refusals_total", (("api", "rest:predict"),))] == statuses.count(503)
    assert "Traceback" not in log.read_text()


def binary_request(base: str, head: dict, data: bytes, header_length: int | None = None):
    """POST /v2/models/digits/infer with KServe's binary tensor extension: (status, headers, body bytes)."""
    head_bytes = json.dumps(head).encode()
    length = len(head_bytes) if header_length is None else header_length
    return fetch(base, "/v2/models/digits/infer", "POST", head_bytes + data,
                 **{"Inference-Header-Content-Length": str(length), "Content-Type": "application/octet-stream"})


@pytest.mark.slow
def test_the_kserve_http_client_sends_and_reads_binary_tensors(server):
    http = pytest.importorskip("tritonclient.http")
    base, _ = server
    x = images(3, seed=9)
    client = http.InferenceServerClient(base.removeprefix("http://"))
    tensor = http.InferInput("images", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)  # binary, as the client sends by default
    result = client.infer("digits", [tensor])  # and every output asked for in binary
    as_json = json.loads(fetch(base, "/v1/models/digits:predict", "POST", json.dumps({"instances": x.tolist()}).encode(),
                               **{"Content-Type": "application/json"})[2])
    expected = np.array([row["probabilities"] for row in as_json["predictions"]], np.float32)
    assert np.array_equal(result.as_numpy("probabilities"), expected)
    assert result.get_response()["outputs"][0]["parameters"]["binary_data_size"] > 0
    mixed = client.infer("digits", [tensor], outputs=[http.InferRequestedOutput("classes", binary_data=False)])
    assert mixed.get_response()["outputs"][0]["data"] == expected.argmax(axis=1).tolist()


@pytest.mark.slow
@pytest.mark.parametrize("case, size, data, header_length, words", [
    ("fewer bytes than declared", 256, b"\0" * 100, None, "only 100 follow"),
    ("a size that does not fit the shape", 100, b"\0" * 100, None, "needs 256"),
    ("bytes left over", 256, b"\0" * 300, None, "44 bytes of binary data follow"),
    ("a header length past the body", 256, b"\0" * 256, 10**6, "Inference-Header-Content-Length"),
    ("Infinity", 256, np.full(64, np.inf, np.float32).tobytes(), None, "finite"),
])
def test_bad_binary_tensors_are_refused_in_json(server, case, size, data, header_length, words):
    base, _ = server
    head = {"inputs": [{"name": "images", "datatype": "FP32", "shape": [1, 8, 8, 1],
                        "parameters": {"binary_data_size": size}}]}
    status, _, answer = binary_request(base, head, data, header_length)
    assert status == 400 and words in json.loads(answer)["error"]


@pytest.mark.slow
def test_a_version_warms_up_before_it_is_available_and_a_refused_warm_up_fails_its_load(tmp_path):
    prediction_log_pb2 = pytest.importorskip("tensorflow_serving.apis.prediction_log_pb2")
    import tensorflow as tf

    from classicnets.serving.warmup import WARMUP_FILE, write_warmup_requests
    from tests.serving.test_server import export_classifier

    models = tmp_path / "models"
    export_classifier(models / "digits" / "1", seed=1)
    assert write_warmup_requests(models / "digits" / "1", {"serving_default": {"images": images(4)}})
    export_classifier(models / "digits" / "2", seed=2)
    record = prediction_log_pb2.PredictionLog()
    record.predict_log.request.inputs["images"].CopyFrom(tf.make_tensor_proto(np.zeros((1, 4, 4, 1), np.float32)))
    (models / "digits" / "2" / WARMUP_FILE).parent.mkdir()
    with tf.io.TFRecordWriter(str(models / "digits" / "2" / WARMUP_FILE)) as writer:
        writer.write(record.SerializeToString())
    export_classifier(models / "other" / "1", seed=3)  # no file: example inputs
    log = tmp_path / "server.log"
    base, process = start_serve(models, log)
    try:
        status, answer = call(base, "GET", "/v1/models/digits")
        states = {item["version"]: item for item in answer["model_version_status"]}
        assert states["1"]["state"] == "AVAILABLE" and states["2"]["state"] == "END"
        assert "warm-up request 1 of assets.extra/tf_serving_warmup_requests failed: input 'images' needs shape" in \
            states["2"]["status"]["error_message"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    assert "version 1 loaded" in text and "2 warm-up requests from assets.extra/tf_serving_warmup_requests" in text
    assert "model other version 1 loaded" in text and "2 warm-up requests on example inputs" in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_the_openapi_document_is_valid_and_its_examples_are_what_the_server_accepts(server):
    validator = pytest.importorskip("openapi_spec_validator")
    import jsonschema

    base, _ = server
    status, _, body = fetch(base, "/openapi.json")
    document = json.loads(body)
    validator.validate(document)
    paths = document["paths"]
    assert {"/v1/models/{name}:predict", "/v2/models/{name}/infer", "/metrics", "/v1/models/digits:predict",
            "/v2/models/digits/infer"} <= set(paths)
    for path, methods in paths.items():
        if "{" in path:
            continue
        for method, operation in methods.items():
            if method == "get":
                assert fetch(base, path)[0] == 200, path
                continue
            content = operation["requestBody"]["content"]["application/json"]
            jsonschema.validate(content["example"], content["schema"])
            status, _, answer = fetch(base, path, "POST", json.dumps(content["example"]).encode(),
                                      **{"Content-Type": "application/json"})
            assert status == 200, (path, answer)
    schema = paths["/v1/models/digits:predict"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    wrong = {"instances": [[[[0.0]] * 8] * 7]}  # 7 rows where the model takes 8
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)
    assert fetch(base, "/v1/models/digits:predict", "POST", json.dumps(wrong).encode(),
                 **{"Content-Type": "application/json"})[0] == 400


@pytest.mark.slow
def test_the_docs_page_lists_the_endpoints_and_sends_a_models_example(server):
    base, _ = server
    with chromium_page() as page:
        page.goto(f"{base}/docs")
        endpoint = page.locator('section.endpoint[data-path="/v1/models/digits:predict"]')
        endpoint.wait_for()
        assert page.locator("section.endpoint").count() >= 20
        endpoint.get_by_role("button").click()
        answer = endpoint.locator("pre.answer")
        page.wait_for_function("e => e.dataset.status", arg=answer.element_handle())
        assert answer.get_attribute("data-status") == "200" and "predictions" in answer.inner_text()


@pytest.mark.slow
def test_a_request_that_waited_past_the_queue_timeout_is_refused_not_computed(tmp_path):
    from tests.serving.test_server import export_classifier

    export_classifier(tmp_path / "models" / "digits" / "1", seed=1)
    base, process = start_serve(tmp_path / "models", tmp_path / "server.log", "--threads", "1", "--queue-timeout",
                                "0.01")
    body = json.dumps({"instances": images(3000).astype("float64").round(4).tolist()}).encode()
    try:
        answers = all_at_once(base, body, 6)
    finally:
        process.terminate()
        process.wait(timeout=30)
    statuses = [status for status, _ in answers]
    assert 200 in statuses and 503 in statuses
    assert all("--queue-timeout 0.01" in json.loads(answer)["error"] for status, answer in answers if status == 503)
