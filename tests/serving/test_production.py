"""What production serving asks of `classicnets serve`, through a real server process and a real HTTP client: the
Prometheus metrics after traffic, CORS for pages of the origins given with --cors-origin, and overload refused at
once beyond --max-queue."""

import json
from concurrent.futures import ThreadPoolExecutor
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.serving.small import call, images, start_serve

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

    def predict(_):
        status, _, answer = fetch(base, "/v1/models/digits:predict", "POST", body,
                                  **{"Content-Type": "application/json"})
        return status, json.loads(answer)

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(predict, range(16)))
    statuses = [status for status, _ in answers]
    assert set(statuses) == {200, 503} and statuses.count(200) >= 3  # one computing, two waiting, at least
    assert all("busy" in answer["error"] and "--max-queue" in answer["error"]
               for status, answer in answers if status == 503)
    found = samples(fetch(base, "/metrics")[2].decode())
    assert found[("classicnets_overload_refusals_total", (("api", "rest:predict"),))] == statuses.count(503)
    assert "Traceback" not in log.read_text()
