"""Serving throughput: `classicnets serve` against a naive server (Starlette calling model.predict per request)
on the same MLP (784 -> 256 -> 256 -> 10, classicnets' mlp), driven by `hey` on 127.0.0.1 at several
concurrencies, with 1 and 32 images per TF Serving predict request.

    apt-get install -y hey
    python bench/serve.py [--requests 1000] [--concurrency 1,8,32] [--images 1,32] [--json results.json]

Both servers and `hey` share this machine's cores, so the numbers compare the servers with each other, not
with a dedicated serving machine."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

PREDICT_PATH = "/v1/models/mlp:predict"


def build_mlp(folder: Path) -> None:
    """The MLP as model.keras (for the naive server) and as a SavedModel in MODELS_DIR/mlp/1."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    images = keras.Input((28, 28, 1), name="images")
    hidden = keras.layers.Flatten()(images)
    for _ in range(2):
        hidden = keras.layers.Dropout(0.2)(keras.layers.Dense(256, activation="relu")(hidden))
    model = keras.Model(images, keras.layers.Dense(10, activation="softmax")(hidden))
    model.save(folder / "model.keras")
    archive = keras.export.ExportArchive()
    archive.track(model)

    def serve(images):
        probabilities = model(images, training=False)
        return {"probabilities": probabilities, "classes": tf.argmax(probabilities, axis=-1)}

    archive.add_endpoint("serving_default", serve,
                         input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32, name="images")])
    archive.write_out(str(folder / "models" / "mlp" / "1"), verbose=False)


def naive_server(model_path: str, port: int) -> None:
    """What a first server often looks like: parse, model.predict, answer; all on the event loop."""
    import keras
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    model = keras.saving.load_model(model_path)

    async def predict(request):
        images = np.array((await request.json())["instances"], dtype="float32")
        return JSONResponse({"predictions": model.predict(images, verbose=0).tolist()})

    async def ready(request):
        return JSONResponse({"ready": True})

    app = Starlette(routes=[Route(PREDICT_PATH, predict, methods=["POST"]), Route("/v2/health/ready", ready)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], port: int, log: Path) -> subprocess.Popen:
    """Start a server and wait until /v2/health/ready answers 200."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{command[:3]} did not become ready:\n{log.read_text()[-2000:]}")


def hey(url: str, body: Path, requests: int, concurrency: int) -> dict[str, float]:
    """Run hey once; requests/s, p50 and p99 in ms, and how many answers were not 200."""
    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-m", "POST", "-T", "application/json",
               "-D", str(body), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    percentile = {int(p): float(s) * 1000 for p, s in re.findall(r"(\d+)% in ([0-9.]+) secs", output)}
    statuses = {int(code): int(count) for code, count in re.findall(r"\[(\d+)\]\s+(\d+) responses", output)}
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([0-9.]+)", output)[1]),
            "p50_ms": percentile.get(50, float("nan")), "p99_ms": percentile.get(99, float("nan")),
            "not_200": sum(count for code, count in statuses.items() if code != 200)}


def measure(name: str, port: int, bodies: dict[int, Path], options: argparse.Namespace) -> list[dict]:
    """Every (images per request, concurrency) pair against one server."""
    url = f"http://127.0.0.1:{port}{PREDICT_PATH}"
    rows = []
    for images, body in bodies.items():
        hey(url, body, 50, 4)  # warm-up: the first calls trace and allocate
        for concurrency in options.concurrency:
            result = hey(url, body, max(options.requests, concurrency), concurrency)
            rows.append({"server": name, "images": images, "concurrency": concurrency, **result})
            print(f"{name:18} {images:3} images  c={concurrency:<3} {result['requests_per_s']:9.1f} req/s  "
                  f"{result['requests_per_s'] * images:9.1f} images/s  p50 {result['p50_ms']:7.2f} ms  "
                  f"p99 {result['p99_ms']:7.2f} ms  not 200: {result['not_200']}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="requests per measurement (default: 1000)")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated (default: 1,8,32)")
    parser.add_argument("--images", default="1,32", help="images per request, comma-separated (default: 1,32)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--naive-server", nargs=2, metavar=("MODEL_KERAS", "PORT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.naive_server:
        return naive_server(options.naive_server[0], int(options.naive_server[1]))
    if shutil.which("hey") is None:
        sys.exit("bench/serve.py needs hey: apt-get install -y hey")
    options.concurrency = [int(c) for c in options.concurrency.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        build_mlp(folder)
        rng = np.random.default_rng(0)
        bodies = {}
        for count in (int(c) for c in options.images.split(",")):
            bodies[count] = folder / f"{count}.json"
            bodies[count].write_text(json.dumps({"instances": rng.random((count, 28, 28, 1)).round(4).tolist()}))
        servers = {"classicnets serve": [sys.executable, "-m", "classicnets", "serve", str(folder / "models")],
                   "naive Starlette": [sys.executable, __file__, "--naive-server", str(folder / "model.keras")]}
        rows = []
        for name, command in servers.items():
            port = free_port()
            command = command + (["--port", str(port)] if name == "classicnets serve" else [str(port)])
            process = start(command, port, folder / f"{port}.log")
            try:
                rows += measure(name, port, bodies, options)
            finally:
                process.terminate()
                process.wait(timeout=60)
        if options.json:
            options.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
