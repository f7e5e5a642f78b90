"""The HTTP server: Starlette on uvicorn, TF Serving's REST API and KServe v2 side by side over one
ModelRepository that a background thread keeps in step with MODELS_DIR.

Request bodies are read up to a limit (413 beyond it), parsed, checked and run in a worker thread, so the
event loop keeps answering health checks while a large batch runs (with --batch-window-ms, concurrent
requests for one signature are computed together, batching.py); every refusal is {"error": "..."} with
TF Serving's status codes, and the server keeps serving after it."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import json
import logging
import os
import signal
import socket
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import anyio
import anyio.to_thread
import numpy as np
import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from classicnets.errors import UserError
from classicnets.serving import kserve_api, metrics, openapi, playground, tfserving_api
from classicnets.serving.batching import Batcher
from classicnets.serving.connections import Limits, loop_errors, max_connections, protocol_class, quiet_uvicorn_warnings
from classicnets.serving.event_log import EventLog
from classicnets.serving.guard import RequestGuard, is_loopback
from classicnets.serving.metrics import ServerMetrics
from classicnets.serving.repository import ModelRepository, parse_version
from classicnets.serving.runtimes import AUTO, check_runtime
from classicnets.serving.servable import Call, RequestError, Servable, Signature, examples_in

log = logging.getLogger(__name__)

DRAIN_LIMIT = 64 * 2**20  # past --max-body, read (and drop) this much more so the client sees the 413


@dataclass(frozen=True)
class ServerOptions:
    """How `classicnets serve` listens and follows MODELS_DIR."""

    host: str = "127.0.0.1"
    port: int = 8501
    poll_seconds: float = 2.0
    max_body: int = 4 * 2**20
    latest: int = 0  # serve only each model's highest N versions; 0: every version folder
    threads: int = 0  # requests computed at once; 0: one per CPU core
    access_log: bool = False
    runtime: str = AUTO  # what computes the signatures: auto, saved-model or onnx (runtimes.py)
    batch_window_ms: float = 0.0  # gather concurrent requests this long into one call; 0: each request alone
    batch_max_size: int = 64  # rows a gathered call holds at most
    allowed_hosts: tuple[str, ...] = ()  # host names answered besides the loopback ones (guard.py)
    max_queue: int = 256  # inference requests waiting for a computing thread; more are refused at once (503)
    queue_timeout: float = 0.0  # seconds a request may wait for a thread before it is refused (503); 0: no limit
    grpc_port: int | None = None  # TF Serving's and KServe's gRPC APIs on this port (0: any free one); None: off
    cors_origins: tuple[str, ...] = ()  # origins whose pages may call the server (CORS); "*": any
    auth_token: str | None = None  # when set, requests but health checks and the page's files need it (guard.py)
    max_connections: int = 0  # connections open at once; 0: as many as the open-files limit allows, up to 4096
    read_timeout: float = 30.0  # seconds for a request's head, and then for its body, to arrive (connections.py)

    def computing_threads(self) -> int:
        """Requests computed at once: --threads, or one per CPU core."""
        return self.threads or len(os.sched_getaffinity(0))


def json_bytes(payload: Any) -> bytes:
    """`payload` as JSON; numpy arrays are written by orjson directly, float32 as float32 (0.33333334)."""
    return orjson.dumps(payload, default=to_json_value, option=orjson.OPT_SERIALIZE_NUMPY)


def json_response(payload: Any, status: int = 200) -> Response:
    """A JSON answer."""
    return Response(json_bytes(payload), status, media_type="application/json")


def answer_response(answer: dict[str, Any] | kserve_api.BinaryAnswer) -> Response:
    """A JSON answer, or one of KServe's binary tensor extension: the JSON part, its length in a header, then the
    outputs' bytes."""
    if not isinstance(answer, kserve_api.BinaryAnswer):
        return json_response(answer)
    head = json_bytes(answer.head)
    return Response(head + b"".join(answer.blobs), media_type="application/octet-stream",
                    headers={"Inference-Header-Content-Length": str(len(head))})


def to_json_value(value: Any) -> Any:
    """What orjson cannot write itself: arrays that are not C-contiguous or of other dtypes, and binary
    strings, which become TF Serving's {"b64": ...}."""
    if isinstance(value, np.ndarray):
        return np.ascontiguousarray(value) if value.dtype.kind in "biuf" else value.tolist()
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def parse_json(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object; 400 for anything else (including nesting too deep to parse)."""
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:
        request = parse_json_leniently(body)  # NaN and Infinity, which TF Serving accepts and orjson does not
    if not isinstance(request, dict):
        raise RequestError(400, "the JSON body must be an object, such as {\"instances\": [...]}")
    return request


def parse_json_leniently(body: bytes) -> Any:
    """The standard library's parser, which also reads NaN and Infinity; 400 when it fails too."""
    try:
        return json.loads(body)
    except RecursionError:
        raise RequestError(400, "the JSON body is nested too deeply") from None
    except ValueError as error:  # also bodies that are not UTF-8
        raise RequestError(400, f"the body is not valid JSON: {error}") from None


async def read_body(request: Request) -> bytes:
    """The request body, at most --max-body bytes (413 past it)."""
    limit = request.app.state.options.max_body
    declared = request.headers.get("content-length", "")
    too_large = RequestError(413, f"the request body is larger than the server's limit of {limit} bytes "
                             "(--max-body); send fewer examples per request")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit + DRAIN_LIMIT or (declared.isdigit() and int(declared) > limit + DRAIN_LIMIT):
            raise too_large
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise too_large
    return b"".join(chunks)


async def answer_post(request: Request, api: str, name: str, servable: Servable,
                      prepare: Callable[[bytes], Call]) -> Response:
    """Read the body here, then parse, check and compute it in a worker thread (with batching: parse and check
    it in one, and let the batcher compute it with the requests beside it); counted in the metrics."""
    started = time.perf_counter()
    app = request.app
    labels = [name, str(servable.version), "", api]  # the signature's name once the request is parsed
    status = "200"
    try:
        body = await read_body(request)
        batcher: Batcher | None = app.state.batcher

        def checked() -> Call:
            call = prepare(body)
            labels[2] = call.signature.name
            app.state.labels[call.signature] = (name, str(servable.version))
            return call

        if batcher is None:
            def computed() -> dict[str, Any]:
                call = checked()
                app.state.metrics.computed(name, labels[1], labels[2], examples_in(call.arrays))
                return call.run()
            return answer_response(await in_thread(app, computed, api))
        call = await in_thread(app, checked, api)
        return answer_response(call.answer(await batcher.compute(call.signature, call.arrays)))
    except RequestError as error:
        status = str(error.status)
        raise
    except ClientDisconnect:
        status = "499"  # nginx's "client closed request"
        raise
    except BaseException:
        status = "500"
        raise
    finally:
        app.state.metrics.answered(*labels, status, time.perf_counter() - started)


def counted(request: Request, api: str, find: Callable[[], Servable]) -> Servable:
    """The servable an inference request names; a request for a model or version not served is counted (with
    no model name: clients cannot add series) and refused."""
    try:
        return find()
    except RequestError as error:
        if api:
            request.app.state.metrics.answered("", "", "", api, str(error.status), 0.0)
        raise


async def in_thread(app: Starlette, function: Callable[[], Any], api: str = "") -> Any:
    """Run `function` in a worker thread, as many at once as --threads (one per core: more only contend); the
    wait for a thread is counted in the metrics. A request (`api`) that finds --max-queue others waiting is
    refused with 503 at once: under overload, the ones accepted are answered in bounded time."""
    waiting = app.state.limiter.statistics().tasks_waiting
    if api and waiting >= app.state.options.max_queue:
        app.state.metrics.refused.labels(api).inc()
        raise RequestError(503, f"the server is busy: {waiting} requests are waiting to be computed (--max-queue); "
                           "try again shortly")
    queued = time.perf_counter()
    deadline = app.state.options.queue_timeout

    def timed() -> Any:
        waited = time.perf_counter() - queued
        app.state.metrics.queued.labels(api).observe(waited)
        if deadline and waited > deadline:  # its client has likely given up: the thread goes to the next one
            app.state.metrics.refused.labels(api).inc()
            raise RequestError(503, f"the request waited {waited:.2f} s for a computing thread, longer than "
                               f"--queue-timeout {deadline:g}; try again shortly")
        return function()

    return await anyio.to_thread.run_sync(timed if api else function, limiter=app.state.limiter)


async def v1_models(request: Request) -> Response:
    """Every /v1/models/... endpoint: the path is parsed the way TF Serving parses it."""
    repository: ModelRepository = request.app.state.repository
    name, version, verb = tfserving_api.parse_path(request.path_params["path"])
    expected_method = "POST" if verb not in ("status", "metadata") else "GET"
    if request.method != expected_method:
        raise RequestError(405, f"{verb} takes {expected_method} requests")
    if verb == "status":
        return json_response(tfserving_api.model_status(repository, name, version))
    servable = counted(request, "rest:predict" if verb == "predict" else "", lambda: repository.servable(name, version))
    if verb == "metadata":
        return json_response(tfserving_api.model_metadata(servable, name))
    if verb != "predict":
        raise RequestError(400 if verb in ("classify", "regress") else 404,
                           f":{verb} is not supported: the exported signatures are predict signatures; use :predict")
    return await answer_post(request, "rest:predict", name, servable,
                             lambda body: tfserving_api.predict(servable, parse_json(body)))


async def v2_server(request: Request) -> Response:
    """GET /v2."""
    return json_response(kserve_api.server_metadata())


async def v2_live(request: Request) -> Response:
    """GET /v2/health/live."""
    return json_response({"live": True})


async def v2_ready(request: Request) -> Response:
    """GET /v2/health/ready: ready once the first scan of MODELS_DIR has loaded what it found."""
    ready = request.app.state.repository.scanned.is_set()
    return json_response({"ready": ready}, 200 if ready else 503)


async def v2_model(request: Request) -> Response:
    """GET /v2/models/NAME[/versions/V]."""
    repository: ModelRepository = request.app.state.repository
    name = request.path_params["name"]
    servable = repository.servable(name, request.path_params.get("version"))
    available = [state.version for state in repository.versions(name).values() if state.servable is not None]
    return json_response(kserve_api.model_metadata(servable, name, available))


async def v2_model_ready(request: Request) -> Response:
    """GET /v2/models/NAME[/versions/V]/ready: 200 when it can serve, 503 while loading or after a failure."""
    repository: ModelRepository = request.app.state.repository
    name, version = request.path_params["name"], request.path_params.get("version")
    versions = repository.versions(name)
    if version is None:
        ready = repository.ready(name)
    elif parse_version(version) in versions:
        ready = versions[parse_version(version)].servable is not None  # type: ignore[index]
    else:
        raise RequestError(404, f"model '{name}' has no version {version!r}; see GET /v2/models/{name}")
    return json_response({"name": name, "ready": ready}, 200 if ready else 503)


async def v2_infer(request: Request) -> Response:
    """POST /v2/models/NAME[/versions/V]/infer."""
    name = request.path_params["name"]
    servable = counted(request, "rest:infer",
                       lambda: request.app.state.repository.servable(name, request.path_params.get("version")))
    header_length = request.headers.get(kserve_api.HEADER_LENGTH)

    def prepare(body: bytes) -> Call:
        head, binary = kserve_api.split_body(body, header_length)
        return kserve_api.infer(servable, name, parse_json(head), binary)

    return await answer_post(request, "rest:infer", name, servable, prepare)


async def metrics_text(request: Request) -> Response:
    """GET /metrics and /monitoring/prometheus/metrics: Prometheus' text format."""
    return Response(request.app.state.metrics.text(), media_type=metrics.CONTENT_TYPE)


async def openapi_document(request: Request) -> Response:
    """GET /openapi.json: both REST APIs, with the served models' request schemas (openapi.py)."""
    return json_response(openapi.document(request.app.state.repository))


async def docs_page(request: Request) -> Response:
    """GET /docs: a page that shows /openapi.json and tries its endpoints."""
    return FileResponse(playground.FOLDER / "docs.html")


async def playground_page(request: Request) -> Response:
    """GET /: the playground page, which draws, samples and completes through the APIs above."""
    return FileResponse(playground.FOLDER / "index.html")


async def playground_file(request: Request) -> Response:
    """GET /playground/FILE: the page's script and style sheet, and nothing else of the folder."""
    file = request.path_params["file"]
    if file not in playground.FILES:
        raise RequestError(404, f"no playground file '{file}'; the page is at /")
    return FileResponse(playground.FOLDER / file, media_type=playground.FILES[file])


async def playground_models(request: Request) -> Response:
    """GET /playground/models.json: the served models and the facts of their classicnets.json."""
    return json_response(playground.served_models(request.app.state.repository))


async def refused(request: Request, error: Exception) -> Response:
    """A RequestError, or Starlette's own 404/405, as {"error": ...}."""
    if isinstance(error, HTTPException):
        message = "no such endpoint; see /v1/models/NAME or /v2" if error.status_code == 404 else error.detail
        return json_response({"error": message}, error.status_code)
    answer = json_response({"error": error.message}, error.status)  # type: ignore[attr-defined]
    if answer.status_code == 503:
        answer.headers["Retry-After"] = "1"  # busy: a client that waits a second finds room
    return answer


async def gone(request: Request, error: Exception) -> Response:
    """A client that hung up (or was closed for slowness) before its request was read: one counted log line,
    and nothing to answer."""
    request.app.state.events.note("gone", f"clients closed connections before sending the whole request body (the "
                                  f"last: {request.method} {request.url.path})")
    return Response(status_code=400)  # never sent: the connection is closed


async def failed(request: Request, error: Exception) -> Response:
    """A bug of ours: a 500 with the error's first line; the server keeps serving."""
    log.exception("%s %s failed", request.method, request.url.path)
    return json_response({"error": f"internal error: {type(error).__name__}: {error}"[:500]}, 500)


def build_app(repository: ModelRepository, options: ServerOptions, limits: Limits | None = None) -> Starlette:
    """The Starlette application serving `repository`; with `limits`, events that may come in floods go to their
    log, and running out of open files is told there too."""
    version_routes = [("/v2/models/{name}", v2_model, ["GET"]), ("/v2/models/{name}/ready", v2_model_ready, ["GET"]),
                      ("/v2/models/{name}/infer", v2_infer, ["POST"])]
    routes = [Route("/v1/models/{path:path}", v1_models, methods=["GET", "POST"]),
              Route("/v2", v2_server), Route("/v2/health/live", v2_live), Route("/v2/health/ready", v2_ready),
              Route("/", playground_page), Route("/playground/models.json", playground_models),
              Route("/metrics", metrics_text), Route("/monitoring/prometheus/metrics", metrics_text),
              Route("/openapi.json", openapi_document), Route("/docs", docs_page),
              Route("/playground/{file}", playground_file)]
    for path, endpoint, methods in version_routes:
        routes.append(Route(path, endpoint, methods=methods))
        routes.append(Route(path.replace("{name}", "{name}/versions/{version}"), endpoint, methods=methods))

    def observe(signature: Signature, rows: int) -> None:
        model, version = app.state.labels.get(signature, ("", ""))
        app.state.metrics.computed(model, version, signature.name, rows)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if limits is not None:
            asyncio.get_running_loop().set_exception_handler(loop_errors(limits))
        app.state.limiter = anyio.CapacityLimiter(options.computing_threads())
        app.state.batcher = None
        if options.batch_window_ms > 0:
            app.state.batcher = Batcher(options.batch_window_ms / 1000, options.batch_max_size,
                                        lambda function: in_thread(app, function), observe)
        yield

    middleware = [Middleware(RequestGuard, listen_host=options.host, allowed_hosts=options.allowed_hosts,
                             token=options.auth_token, cors_origins=options.cors_origins)]
    if options.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(options.cors_origins), allow_methods=["GET", "POST"],
                                     allow_headers=["Authorization", "Content-Type", "Inference-Header-Content-Length"],
                                     expose_headers=["Inference-Header-Content-Length"], max_age=600))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                    exception_handlers={RequestError: refused, HTTPException: refused, ClientDisconnect: gone,
                                        Exception: failed})
    app.state.repository = repository
    app.state.options = options
    app.state.events = limits.events if limits is not None else EventLog(log)
    app.state.metrics = ServerMetrics(repository)
    app.state.labels = weakref.WeakKeyDictionary()  # each signature computed: its (model, version), for the metrics
    return app


def listen(host: str, port: int) -> socket.socket:
    """A listening socket; a UserError naming the address if it cannot be had (in use, not this machine's)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off only for sockets that say they are TCP,
    # and with it on, a response's body waits for the client's delayed ACK of its headers (40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        return sock
    except OSError as error:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}; choose another --port "
                        "or --host") from None


def freeze_loaded_objects() -> None:
    """Keep the loaded models' Python objects out of the garbage collector's full passes.

    TensorFlow and the loaded SavedModels hold about 400,000 Python objects; a full collection walks them
    all (250 ms on 2 cores), and the lists of a parsed JSON request, promoted while it is built, trigger
    one every few large requests: 50 ms a 32-image request instead of 6. So after each change of models,
    collect once (unloaded versions are freed) and freeze what is left."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def serve(models_dir: Path, options: ServerOptions) -> int:
    """Serve every model of `models_dir` until SIGTERM or Ctrl-C; returns 0 once stopped cleanly."""
    import uvicorn

    if not models_dir.is_dir():
        raise UserError(f"MODELS_DIR {models_dir} is not a folder; give the folder that holds NAME/VERSION/ "
                        "SavedModels (what classicnets export writes)")
    repository = ModelRepository(models_dir, latest=options.latest, runtime=options.runtime,
                                 onnx_threads=max(1, len(os.sched_getaffinity(0)) // options.computing_threads()))
    try:
        check_runtime(models_dir, repository.find_versions(), options.runtime)
        limits = Limits(max_connections(options.max_connections), options.read_timeout, EventLog(log))
    except ValueError as error:
        raise UserError(str(error)) from None
    sock = listen(options.host, options.port)
    stop = threading.Event()
    poller = threading.Thread(target=repository.poll, args=(options.poll_seconds, stop, freeze_loaded_objects),
                              name="model-poller", daemon=True)
    poller.start()
    app = build_app(repository, options, limits)
    config = uvicorn.Config(app, http=protocol_class(limits), log_config=None, access_log=options.access_log,
                            timeout_graceful_shutdown=10)
    host, port = sock.getsockname()[:2]
    grpc_server = None
    if options.grpc_port is not None:
        from classicnets.serving.grpc_api import start_grpc

        try:
            grpc_server, grpc_port = start_grpc(repository, app.state.metrics, options.host, options.grpc_port,
                                                options.computing_threads(), options.max_body, options.auth_token,
                                                options.max_queue)
        except UserError:
            sock.close()
            stop.set()
            raise
        log.info("gRPC on %s:%d (TF Serving: tensorflow.serving.PredictionService, ModelService; KServe v2: "
                 "inference.GRPCInferenceService)", host, grpc_port)
    log.info("serving %s on http://%s:%d (TF Serving REST: /v1/models/NAME, KServe v2: /v2/models/NAME); "
             "runtime: %s; batching: %s", models_dir, host, port, options.runtime,
             f"{options.batch_window_ms:g} ms, up to {options.batch_max_size} rows" if options.batch_window_ms else "off")
    if options.auth_token is None and not is_loopback(options.host):
        log.warning("listening on %s without --auth-token-file: anyone who can reach port %d may call the models",
                    host, port)
    server = uvicorn.Server(config)

    def stop_serving(number: int, frame: object) -> None:
        server.should_exit = True  # a signal before uvicorn takes them over stops it as soon as it has started

    # uvicorn restores these handlers after its graceful shutdown and raises the signal again: ours only
    # note it, so SIGTERM and Ctrl-C end with exit status 0 instead of killing the process
    previous = {sig: signal.signal(sig, stop_serving) for sig in (signal.SIGTERM, signal.SIGINT)}
    loud_again = quiet_uvicorn_warnings(limits)
    try:
        server.run(sockets=[sock])
    finally:
        if grpc_server is not None:
            grpc_server.stop(grace=5).wait()
        loud_again()
        limits.events.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop.set()
        sock.close()
    log.info("stopped")
    return 0
