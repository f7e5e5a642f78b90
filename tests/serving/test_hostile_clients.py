"""`classicnets serve` against slow and hostile clients, through real sockets to a real server process: half-open
connections, a full set of busy ones, requests framed two ways, heads too large, requests without the token; each
answered in JSON (or closed), with no traceback in the log."""

import json
import resource
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.serving.small import chromium_page, start_serve

TOKEN = "s3cret-token-for-tests-0123456789"
READ_TIMEOUT = 2.0
HALF_OPEN = 1000


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    from tests.serving.test_server import export_classifier

    models_dir = tmp_path_factory.mktemp("hostile") / "models"
    export_classifier(models_dir / "digits" / "1", seed=1)
    return models_dir


def served(models: Path, tmp_path_factory, *flags: str):
    log = tmp_path_factory.mktemp("log") / "server.log"
    base, process = start_serve(models, log, "--read-timeout", str(READ_TIMEOUT), *flags)
    return base, process, log


@pytest.fixture(scope="module")
def guarded(models, tmp_path_factory):
    """A server that needs TOKEN; yields (base URL, log)."""
    token_file = tmp_path_factory.mktemp("token") / "token.txt"
    token_file.write_text(TOKEN + "\n")
    base, process, log = served(models, tmp_path_factory, "--auth-token-file", str(token_file))
    yield base, log
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def small(models, tmp_path_factory):
    """A server that keeps at most 20 connections; yields (base URL, log)."""
    base, process, log = served(models, tmp_path_factory, "--max-connections", "20")
    yield base, log
    process.terminate()
    process.wait(timeout=30)


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def connect(base: str, data: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port_of(base)), timeout=10)
    if data:
        sock.sendall(data)
    return sock


def read_all(sock: socket.socket, seconds: float = 10) -> bytes:
    """Everything the server sends until it closes the connection (b"<open>" appended if it does not)."""
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except socket.timeout:
        received += b"<open>"
    except ConnectionResetError:
        received += b"<reset>"
    return received


def answer_of(raw: bytes) -> tuple[int, dict]:
    """(status, JSON body) of one raw HTTP answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def get(base: str, path: str, timeout: float, **headers: str) -> int:
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def assert_quiet_log(log: Path, most_lines: int = 12) -> None:
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    assert len(text.splitlines()) <= most_lines, text[-3000:]


def open_files_for(connections: int) -> int:
    """Raise this process's open-files limit to its most; return how many of `connections` it can hold (all of
    them but on a machine whose hard limit is low)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return min(connections, hard - 200)


@pytest.mark.slow
def test_half_open_connections_neither_block_others_nor_stay_open(guarded):
    base, log = guarded
    count = open_files_for(HALF_OPEN)
    half_open = [connect(base, b"GET /v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") for _ in range(count)]
    try:
        started = time.monotonic()
        assert get(base, "/v1/models/digits", timeout=1, Authorization=f"Bearer {TOKEN}") == 200  # within 1 s
        answers = [read_all(sock, seconds=READ_TIMEOUT + 10) for sock in half_open]  # the server closes them
        assert time.monotonic() - started < READ_TIMEOUT + 10
    finally:
        for sock in half_open:
            sock.close()
    assert all(b"<open>" not in answer for answer in answers)
    statuses = {answer_of(answer)[0] for answer in answers if answer}
    server_room = min(4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1] - 256)  # the server's --max-connections
    if server_room > count + 10:
        assert statuses == {408} and all(answers)  # each timed out, none closed to make room
    else:
        assert statuses <= {408}  # a low limit: the oldest were closed to make room, the others timed out
    assert "did not arrive within 2 s (--read-timeout)" in log.read_text()
    assert_quiet_log(log)


@pytest.mark.slow
def test_the_oldest_waiting_connection_makes_room_and_busy_ones_refuse_new_ones(small):
    base, log = small
    idle = [connect(base) for _ in range(25)]  # more than --max-connections 20, none sending anything
    try:
        assert get(base, "/v2/health/live", timeout=5) == 200  # room is made by closing the oldest idle ones
        assert read_all(idle[0], seconds=5) == b""
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.5)
    head = b"POST /v1/models/digits:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"
    busy = [connect(base, head) for _ in range(20)]  # each in the middle of its body: none may be closed for room
    try:
        time.sleep(0.5)
        status, answer = answer_of(read_all(connect(base), seconds=5))
        assert status == 503 and "try again" in answer["error"]
        assert all(read_all(sock, seconds=READ_TIMEOUT + 10) == b"" for sock in busy)  # the body timed out
    finally:
        for sock in busy:
            sock.close()
    time.sleep(0.5)
    assert get(base, "/v2/health/live", timeout=5) == 200
    text = log.read_text()
    assert "make room" in text and "refused new connections" in text and "request body did not arrive" in text
    assert_quiet_log(log)


@pytest.mark.slow
@pytest.mark.parametrize("name, request_bytes, status, words", [
    ("both framings, then a pipelined request",
     b"POST /v1/models/digits:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked"
     b"\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /v2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "Content-Length and Transfer"),
    ("a 1 MiB header", b"GET /v2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 2**20 + b"\r\n\r\n", 431, "16 KiB"),
    ("not HTTP", b"HELLO THERE\r\n\r\n", 400, "not valid HTTP/1.1"),
])
def test_requests_that_cannot_be_read_safely_get_json_and_a_closed_connection(small, name, request_bytes, status,
                                                                             words):
    base, log = small
    raw = read_all(connect(base, request_bytes))
    assert raw.count(b"HTTP/1.1 ") == 1, raw[:500]  # one answer: the pipelined request is not read
    answered, body = answer_of(raw)
    assert answered == status and words in body["error"]
    assert_quiet_log(log)


@pytest.mark.slow
def test_the_token_is_needed_but_for_health_checks_and_the_page(guarded):
    base, log = guarded
    assert get(base, "/v1/models/digits", timeout=5) == 401
    assert get(base, "/v1/models/digits", timeout=5, Authorization="Bearer wrong-token-0123456789") == 401
    assert get(base, "/playground/models.json", timeout=5) == 401
    assert get(base, "/v1/models/digits", timeout=5, Authorization=f"Bearer {TOKEN}") == 200
    assert get(base, "/v1/models/digits", timeout=5, Authorization=f"bearer  {TOKEN} ") == 200
    for path in ("/v2/health/live", "/v2/health/ready", "/", "/playground/playground.js"):
        assert get(base, path, timeout=5) == 200, path
    request = urllib.request.Request(base + "/v2/models/digits/infer", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401 and refused.value.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer TOKEN" in json.loads(refused.value.read())["error"]


@pytest.mark.parametrize("content, words", [
    (None, "cannot read --auth-token-file"),
    ("short\n", "at least 16 characters"),
    ("two words in one token file\n", "without spaces"),
])
def test_a_missing_or_weak_token_file_is_refused(tmp_path, capsys, content, words):
    token_file = tmp_path / "token.txt"
    if content is not None:
        token_file.write_text(content)
    status, _, err = run_cli(capsys, "serve", str(tmp_path), "--auth-token-file", str(token_file))
    assert status == 2 and words in err and "Traceback" not in err


@pytest.mark.slow
def test_the_page_asks_for_the_token_and_uses_the_one_in_its_address(guarded):
    base, _ = guarded
    with chromium_page() as page:
        page.goto(f"{base}/")
        page.wait_for_selector("#error:not([hidden])")
        assert "/#token=TOKEN" in page.locator("#error").inner_text()
        page.goto(f"{base}/#token={TOKEN}")
        page.wait_for_selector('#models button[data-model="digits"][aria-pressed="true"]')
        assert "token" not in page.url  # taken out of the address once kept
