"""Slow clients against a running `classicnets serve` on 127.0.0.1: open many connections that each send half a
request head and then nothing, time a normal GET while they hang, and count how many the server has closed.

    python bench/slow_clients.py --port 8501 --connections 19000 --hold 40 --log serve.log

Every loop is bounded (connections, seconds); traffic goes to 127.0.0.1 only. Prints one JSON line."""

from __future__ import annotations

import argparse
import json
import resource
import selectors
import socket
import time
import urllib.request

HALF_HEAD = b"GET /v1/models/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def normal_get(port: int, path: str, timeout: float) -> float | None:
    """Seconds for one normal GET answered 200, or None when it failed or timed out."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            response.read()
            return time.perf_counter() - start if response.status == 200 else None
    except OSError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=40.0, help="seconds to keep the connections and watch")
    parser.add_argument("--path", default="/v2/health/live", help="what the normal client asks for")
    parser.add_argument("--log", help="the server's log, whose new lines are counted")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    log_start = len(open(args.log, "rb").read()) if args.log else 0

    selector = selectors.DefaultSelector()
    opened, failed_to_open = 0, 0
    start = time.monotonic()
    for _ in range(min(args.connections, hard - 100)):
        try:
            sock = socket.create_connection(("127.0.0.1", args.port), timeout=2)
            sock.sendall(HALF_HEAD)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
            opened += 1
        except OSError:
            failed_to_open += 1
    opening_seconds = time.monotonic() - start

    latencies, failures, closed, answered = [], 0, 0, {}
    deadline = time.monotonic() + args.hold
    next_get = time.monotonic()
    open_count = opened
    while time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.1):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1.1 "):
                status = data[9:12].decode()
                answered[status] = answered.get(status, 0) + 1
            selector.unregister(sock)
            sock.close()
            closed += 1
            open_count -= 1
        if time.monotonic() >= next_get:
            seconds = normal_get(args.port, args.path, timeout=15)
            if seconds is None:
                failures += 1
            else:
                latencies.append(seconds)
            next_get = time.monotonic() + 1.0
    for key in list(selector.get_map().values()):
        key.fileobj.close()

    log_lines = tracebacks = 0
    if args.log:
        text = open(args.log, "rb").read()[log_start:]
        log_lines = text.count(b"\n")
        tracebacks = text.count(b"Traceback")
    latencies.sort()
    print(json.dumps({
        "connections_opened": opened, "failed_to_open": failed_to_open, "opening_seconds": round(opening_seconds, 1),
        "held_seconds": args.hold, "closed_by_server": closed, "still_open_at_end": open_count,
        "answers_to_slow_clients": answered, "normal_requests": len(latencies) + failures,
        "normal_failed": failures, "normal_median_s": round(latencies[len(latencies) // 2], 4) if latencies else None,
        "normal_max_s": round(latencies[-1], 4) if latencies else None, "log_lines": log_lines,
        "log_bytes": len(text) if args.log else 0, "tracebacks": tracebacks}))


if __name__ == "__main__":
    main()
