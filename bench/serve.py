"""Serving throughput and memory: `classicnets serve` (SavedModel and ONNX runtimes, request batching off and
on) against a naive server (Starlette calling model.predict per request) on classicnets' mlp (784-256-256-10)
and cnn (conv 32, pool, conv 64, pool, dense 256) for 28x28 images, driven by `hey` on 127.0.0.1 at several
concurrencies, with 1 and 32 images per TF Serving predict request; then the resident memory of a server
process with no model and with each model loaded.

    apt-get install -y hey
    python bench/serve.py [--seconds 3] [--concurrency 1,8,32] [--images 1,32] [--json results.json]

The models are trained for one epoch on random 28x28 images (speed and memory do not depend on the weights)
and exported by `classicnets export --format saved-model,onnx`. The servers and `hey` share this machine's
cores, so the numbers compare the servers with each other, not with a dedicated serving machine."""

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

MODELS = ("mlp", "cnn")
BATCH_WINDOW_MS = 2.0  # the window of the batching servers
MEMORY_COPIES = 3  # copies of each model loaded one after another for the memory measurement


def build_models(folder: Path) -> None:
    """Train each model one epoch on random 28x28 images into folder/runs/NAME, export to
    folder/models-NAME/NAME/1 (a MODELS_DIR holding that model alone)."""
    from classicnets.cli.main import main

    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (512, 28, 28), dtype=np.uint8), rng.integers(0, 10, 512)
    data = folder / "random28.npz"
    np.savez(data, x_train=images[:384], y_train=labels[:384], x_test=images[384:], y_test=labels[384:])
    for name in MODELS:
        run = folder / "runs" / name
        if main(["train", name, "--dataset", str(data), "--epochs", "1", "--quiet", "--run-dir", str(run)]) != 0:
            sys.exit(f"training {name} failed")
        if main(["export", str(run), "--out", str(folder / f"models-{name}"), "--format", "saved-model,onnx"]) != 0:
            sys.exit(f"exporting {name} failed")


def naive_server(model_path: str, name: str, port: int) -> None:
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

    app = Starlette(routes=[Route(f"/v1/models/{name}:predict", predict, methods=["POST"]),
                            Route("/v2/health/ready", ready)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> int:
    """The status of GET path; 0 while nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_until(condition, process: subprocess.Popen, log: Path, what: str, seconds: float = 180) -> None:
    """Poll `condition` until it holds; fail with the server's log if the process ends or time runs out."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{what} did not happen:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)


def start(command: list[str], port: int, log: Path) -> subprocess.Popen:
    """Start a server and wait until /v2/health/ready answers 200."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    wait_until(lambda: get(port, "/v2/health/ready") == 200, process, log, f"{command[:4]} ready")
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def hey(url: str, body: Path, seconds: float, concurrency: int) -> dict[str, float]:
    """Run hey for `seconds`; requests/s, p50 and p99 in ms, and how many answers were not 200 (or failed)."""
    command = ["hey", "-z", f"{seconds}s", "-c", str(concurrency), "-m", "POST", "-T", "application/json",
               "-D", str(body), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    percentile = {int(p): float(s) * 1000 for p, s in re.findall(r"(\d+)% in ([0-9.]+) secs", output)}
    statuses = {int(code): int(count) for code, count in re.findall(r"\[(\d+)\]\s+(\d+) responses", output)}
    errors = sum(int(count) for count in re.findall(r"^\s+\[(\d+)\]\s+(?:Get|Post)", output, re.MULTILINE))
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([0-9.]+)", output)[1]),
            "p50_ms": percentile.get(50, float("nan")), "p99_ms": percentile.get(99, float("nan")),
            "answers": sum(statuses.values()),
            "not_200": sum(count for code, count in statuses.items() if code != 200) + errors}


def hey_accepted(url: str, body: Path, seconds: float, concurrency: int) -> dict[str, float]:
    """Like hey(), from hey's per-request CSV: requests/s answered 200, p50 and p99 of those alone, and the share
    answered otherwise (503 under overload) or failed."""
    command = ["hey", "-z", f"{seconds}s", "-c", str(concurrency), "-m", "POST", "-T", "application/json",
               "-D", str(body), "-o", "csv", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    rows = [line.split(",") for line in output.splitlines()[1:] if line and line[0].isdigit()]
    accepted = sorted(float(row[0]) for row in rows if row[6] == "200")
    pick = lambda share: accepted[min(len(accepted) - 1, int(share * len(accepted)))] * 1000 if accepted else \
        float("nan")  # noqa: E731
    return {"requests_per_s": len(accepted) / seconds, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
            "answers": len(rows), "not_200": len(rows) - len(accepted),
            "refused_share": (len(rows) - len(accepted)) / max(len(rows), 1)}


def grpc_load(target: str, model: str, images: np.ndarray, seconds: float, concurrency: int) -> dict[str, float]:
    """Keep `concurrency` TF Serving Predict calls in flight for `seconds` from one Python process (grpcio's
    futures); requests/s, p50 and p99 in ms of the accepted calls, and the share refused (RESOURCE_EXHAUSTED or
    UNAVAILABLE)."""
    import threading

    import grpc
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    request.inputs["images"].CopyFrom(tf.make_tensor_proto(images))
    latencies, refused, failed = [], [0], [0]
    lock, finished = threading.Lock(), threading.Event()
    in_flight = [0]
    with grpc.insecure_channel(target) as channel:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        deadline = time.monotonic() + seconds

        def launch() -> None:
            started = time.perf_counter()
            future = stub.Predict.future(request, timeout=60)
            future.add_done_callback(lambda done: landed(done, started))

        def landed(done, started: float) -> None:
            error = done.exception()
            with lock:
                if error is None:
                    latencies.append(time.perf_counter() - started)
                elif error.code() in (grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.UNAVAILABLE):
                    refused[0] += 1
                else:
                    failed[0] += 1
                again = time.monotonic() < deadline
                if not again:
                    in_flight[0] -= 1
                    if in_flight[0] == 0:
                        finished.set()
            if again:
                launch()

        in_flight[0] = concurrency
        started = time.monotonic()
        for _ in range(concurrency):
            launch()
        finished.wait(seconds + 120)
        elapsed = time.monotonic() - started
    latencies.sort()
    total = len(latencies) + refused[0] + failed[0]
    pick = lambda share: latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else \
        float("nan")  # noqa: E731
    return {"requests_per_s": len(latencies) / elapsed, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
            "answers": total, "not_200": refused[0] + failed[0], "refused_share": refused[0] / max(total, 1)}


def measure_grpc(folder: Path, options: argparse.Namespace) -> list[dict]:
    """`serve --grpc-port` (SavedModel runtime) driven by grpc_load, 1 and 32 images a request."""
    rows = []
    rng = np.random.default_rng(0)
    for model in MODELS:
        port, grpc_port = free_port(), free_port()
        command = [sys.executable, "-m", "classicnets", "serve", str(folder / f"models-{model}"), "--poll-seconds",
                   "0", "--runtime", "saved-model", "--port", str(port), "--grpc-port", str(grpc_port)]
        process = start(command, port, folder / f"grpc-{port}.log")
        try:
            for count in (int(c) for c in options.images.split(",")):
                images = rng.random((count, 28, 28, 1), dtype=np.float32).round(4)
                grpc_load(f"127.0.0.1:{grpc_port}", model, images, 1, 4)  # warm-up
                for concurrency in options.concurrency:
                    result = grpc_load(f"127.0.0.1:{grpc_port}", model, images, options.seconds, concurrency)
                    row = {"model": model, "server": "serve, saved-model, gRPC", "images": count,
                           "concurrency": concurrency, **result, "load_average": os.getloadavg()[0]}
                    rows.append(row)
                    print(f"{model:4} {'serve, saved-model, gRPC':34} {count:3} images c={concurrency:<3} "
                          f"{result['requests_per_s']:9.1f} req/s  p50 {result['p50_ms']:8.2f} ms  "
                          f"p99 {result['p99_ms']:8.2f} ms  refused: {result['refused_share']:.1%}  "
                          f"load {row['load_average']:.1f}", flush=True)
        finally:
            stop(process)
    return rows


def servers(folder: Path, model: str, images: list[int]) -> list[tuple[str, list[str], list[int]]]:
    """(label, command without the port, the images per request it is measured with) of every server."""
    serve = [sys.executable, "-m", "classicnets", "serve", str(folder / f"models-{model}"), "--poll-seconds", "0"]
    rows = [("naive (model.predict)", [sys.executable, __file__, "--naive-server",
                                       str(folder / "runs" / model / "model.keras"), model], images)]
    for runtime in ("saved-model", "onnx"):
        rows.append((f"serve, {runtime}", serve + ["--runtime", runtime, "--batch-window-ms", "0"], images))
        rows.append((f"serve, {runtime}, batching {BATCH_WINDOW_MS:g} ms",
                     serve + ["--runtime", runtime, "--batch-window-ms", str(BATCH_WINDOW_MS)], images))
    return rows


def measure_speed(folder: Path, bodies: dict[int, Path], options: argparse.Namespace) -> list[dict]:
    """Every (model, server, images per request, concurrency) cell."""
    rows = []
    for model in MODELS:
        for label, command, images in servers(folder, model, list(bodies)):
            if options.servers not in label:
                continue
            port = free_port()
            command = command + ([str(port)] if label.startswith("naive") else ["--port", str(port)])
            if options.max_queue and not label.startswith("naive"):
                command += ["--max-queue", str(options.max_queue)]
            process = start(command, port, folder / f"{port}.log")
            url = f"http://127.0.0.1:{port}/v1/models/{model}:predict"
            try:
                for count in images:
                    hey(url, bodies[count], 1, 4)  # warm-up: the first calls trace and allocate
                    for concurrency in options.concurrency:
                        measure = hey_accepted if concurrency > (options.max_queue or 256) else hey
                        result = measure(url, bodies[count], options.seconds, concurrency)
                        row = {"model": model, "server": label, "images": count, "concurrency": concurrency,
                               **result, "load_average": os.getloadavg()[0]}
                        rows.append(row)
                        print(f"{model:4} {label:34} {count:3} images c={concurrency:<3} "
                              f"{result['requests_per_s']:9.1f} req/s  p50 {result['p50_ms']:8.2f} ms  "
                              f"p99 {result['p99_ms']:8.2f} ms  not 200: {result['not_200']}  "
                              f"load {row['load_average']:.1f}", flush=True)
            finally:
                stop(process)
    return rows


def resident_mib(pid: int) -> float:
    """The resident set size of a process (VmRSS of /proc/PID/status), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024


def measure_memory(folder: Path) -> list[dict]:
    """RSS of a server with no model, then after each copy of each model is copied in and loaded (polling)."""
    rows = []
    for runtime in ("saved-model", "onnx", "auto"):
        served = folder / f"memory-{runtime}"
        served.mkdir()
        port = free_port()
        log = folder / f"memory-{runtime}.log"
        process = start([sys.executable, "-m", "classicnets", "serve", str(served), "--port", str(port),
                         "--poll-seconds", "0.3", "--runtime", runtime], port, log)
        try:
            time.sleep(1)
            before = resident_mib(process.pid)
            rows.append({"runtime": runtime, "loaded": "none", "rss_mib": before})
            print(f"memory {runtime:11} no model: {before:7.1f} MiB", flush=True)
            for model in MODELS:
                for copy in range(1, MEMORY_COPIES + 1):
                    name = f"{model}-{copy}"
                    shutil.copytree(folder / f"models-{model}" / model, served / name)
                    wait_until(lambda: get(port, f"/v2/models/{name}/ready") == 200, process, log, f"{name} loaded")
                    time.sleep(0.5)
                    rss = resident_mib(process.pid)
                    rows.append({"runtime": runtime, "loaded": name, "rss_mib": rss, "delta_mib": rss - before})
                    print(f"memory {runtime:11} + {name:6}: {rss:7.1f} MiB ({rss - before:+.1f})", flush=True)
                    before = rss
        finally:
            stop(process)
        for line in log.read_text().splitlines():
            if runtime == "auto" and "serves it" in line:
                print(line.split(" INFO ")[-1], flush=True)  # which runtime auto picked, and the times it saw
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="hey's duration per measurement (default: 3)")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated (default: 1,8,32)")
    parser.add_argument("--images", default="1,32", help="images per request, comma-separated (default: 1,32)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--only", choices=("all", "rest", "grpc"), default="all",
                        help="measure REST (hey), gRPC (a Python grpcio client), or both and memory (default: all)")
    parser.add_argument("--max-queue", type=int, help="give the classicnets servers this --max-queue (theirs is 256); "
                        "at a higher concurrency the REST rows count only the requests answered 200 (overload)")
    parser.add_argument("--servers", default="", help="REST rows only for servers whose label contains this")
    parser.add_argument("--naive-server", nargs=3, metavar=("MODEL_KERAS", "NAME", "PORT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.naive_server:
        return naive_server(options.naive_server[0], options.naive_server[1], int(options.naive_server[2]))
    if shutil.which("hey") is None:
        sys.exit("bench/serve.py needs hey: apt-get install -y hey")
    options.concurrency = [int(c) for c in options.concurrency.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        build_models(folder)
        rng = np.random.default_rng(0)
        bodies = {}
        for count in (int(c) for c in options.images.split(",")):
            bodies[count] = folder / f"{count}.json"
            bodies[count].write_text(json.dumps({"instances": rng.random((count, 28, 28, 1)).round(4).tolist()}))
        results = {"cpus": len(os.sched_getaffinity(0))}
        if options.only in ("all", "rest"):
            results["speed"] = measure_speed(folder, bodies, options)
        if options.only in ("all", "grpc"):
            results["grpc"] = measure_grpc(folder, options)
        if options.only == "all":
            results["memory"] = measure_memory(folder)
        if options.json:
            options.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
