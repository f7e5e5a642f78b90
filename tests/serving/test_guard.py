"""The Host and Origin checks of classicnets serve, on the request's headers alone."""

import pytest

from classicnets.serving.guard import RequestGuard, host_name, is_loopback


def scope(method: str, **headers: str) -> dict:
    return {"type": "http", "method": method,
            "headers": [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]}


@pytest.mark.parametrize("listen, allowed, request_scope, status", [
    ("127.0.0.1", (), scope("GET", host="localhost:8501"), None),
    ("127.0.0.1", (), scope("GET", host="models.internal:8501"), 400),
    ("127.0.0.1", ("models.internal",), scope("GET", host="Models.Internal:8501"), None),
    ("127.0.0.1", ("models.internal",), scope("POST", host="127.0.0.1", origin="http://models.internal:3000"), None),
    ("0.0.0.0", (), scope("GET", host="gpu-box.lan:8501"), None),  # every interface: any name, as TF Serving
    ("0.0.0.0", (), scope("POST", host="gpu-box.lan:8501", origin="http://gpu-box.lan:8501"), None),
    ("0.0.0.0", (), scope("POST", host="gpu-box.lan:8501", origin="http://evil.example"), 403),
    ("0.0.0.0", ("gpu-box.lan",), scope("GET", host="10.0.0.7:8501"), 400),
    ("::1", (), scope("GET", host="[::1]:8501"), None),
    ("127.0.0.1", (), scope("GET", host="127.0.0.1", origin="http://evil.example"), None),  # reads: CORS stops them
])
def test_hosts_and_origins(listen, allowed, request_scope, status):
    problem = RequestGuard(lambda *a: None, listen, allowed).problem(request_scope)
    assert (problem and problem[0]) == status


def test_names():
    assert [host_name(v) for v in ("127.0.0.1:8501", "[::1]:8501", "Example.COM", "::1")] == \
        ["127.0.0.1", "::1", "example.com", "::1"]
    assert is_loopback("127.0.0.5") and is_loopback("::1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
