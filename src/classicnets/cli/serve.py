"""`classicnets serve MODELS_DIR`: serve exported models over HTTP (TF Serving's REST API and KServe v2); given
run directories instead, export them first into a temporary models folder."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from classicnets.cli.common import HelpFormatter, finite_float

EXAMPLES = """examples:
  classicnets serve models/                          # every models/NAME/VERSION/ on 127.0.0.1:8501
  classicnets serve models/ --host 0.0.0.0 --port 8080 --poll-seconds 10
  classicnets serve runs/cnn-digits                  # a run directory, exported first (removed on exit)
  classicnets serve zoo-digits                       # the OUT folder of classicnets run: its models/
  curl localhost:8501/v1/models/mlp                  # versions and their state
  curl localhost:8501/v1/models/mlp:predict -d '{"instances": [[[[0.0], ...]]]}'
  curl localhost:8501/v2/models/mlp                  # KServe v2 metadata; POST .../infer to run it
  classicnets serve models/ --grpc-port 8500         # gRPC too, for tensorflow_serving.apis and tritonclient.grpc
  classicnets serve models/ --host 0.0.0.0 --auth-token-file token.txt   # callers send Authorization: Bearer TOKEN
"""
SIZE_UNITS = {"": 1, "k": 2**10, "kib": 2**10, "m": 2**20, "mib": 2**20, "g": 2**30, "gib": 2**30}


def add_parser(subparsers: Any) -> None:
    """Register `serve`."""
    parser = subparsers.add_parser(
        "serve", help="serve exported models over HTTP (TF Serving REST API and KServe v2)", epilog=EXAMPLES,
        formatter_class=HelpFormatter,
        description="Serve every MODELS_DIR/NAME/VERSION/ SavedModel (what `classicnets export` writes) with\n"
        "TensorFlow Serving's REST API (/v1/models/NAME...) and the KServe v2 protocol (/v2/models/NAME...).\n"
        "The highest version is served unless a request names one; new version folders are loaded and\n"
        "removed ones unloaded while serving. SIGTERM or Ctrl-C stop it. Given a run directory of\n"
        "`classicnets train` or a folder of them instead, it exports each (version 1, named after its folder)\n"
        "into a temporary models folder, removed when the server stops.")
    parser.add_argument("models_dir", type=Path, metavar="MODELS_DIR",
                        help="folder of NAME/VERSION/ exports; or a run directory, a folder of runs, or the OUT "
                        "folder of `classicnets run`")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on; 0.0.0.0 for every interface "
                        "(default: 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=8501, help="TCP port (default: 8501, TF Serving's)")
    parser.add_argument("--grpc-port", type=port_number, metavar="PORT",
                        help="also serve gRPC on PORT (TF Serving's is 8500; 0: any free port): TF Serving's "
                        "PredictionService and ModelService, and KServe v2's GRPCInferenceService (needs: pip install "
                        "--no-deps tensorflow-serving-api tritonclient) (default: off)")
    parser.add_argument("--poll-seconds", type=finite_float, default=2.0, metavar="SECONDS",
                        help="how often to look for new or removed version folders; 0: only at start (default: 2)")
    parser.add_argument("--max-body", type=byte_size, default=4 * 2**20, metavar="SIZE",
                        help="largest request body, in bytes or with KiB/MiB (default: 4MiB; larger ones get 413)")
    parser.add_argument("--latest", type=int, default=0, metavar="N",
                        help="serve only the N highest versions of each model (default: 0, every version)")
    parser.add_argument("--threads", type=int, default=0, metavar="N",
                        help="requests computed at once; more wait their turn (default: 0, one per CPU core)")
    parser.add_argument("--runtime", choices=("auto", "saved-model", "onnx"), default="auto",
                        help="what computes the models: the SavedModel (TensorFlow), onnxruntime on the export's "
                        ".onnx files, or auto: the faster of the two on the model's own example inputs, timed at "
                        "load (the SavedModel when there are no .onnx files) (default: auto)")
    parser.add_argument("--max-queue", type=int, default=256, metavar="N",
                        help="inference requests that may wait for a computing thread; more are refused at once with "
                        "503 and Retry-After (gRPC: RESOURCE_EXHAUSTED), so those accepted are answered in bounded "
                        "time; for clients that back off (default: 256)")
    parser.add_argument("--queue-timeout", type=finite_float, default=0.0, metavar="SECONDS",
                        help="a request that waited longer than SECONDS for a computing thread is refused with 503 "
                        "instead of computed (gRPC: the client's own deadline does this) (default: 0, no limit)")
    parser.add_argument("--batch-window-ms", type=finite_float, default=0.0, metavar="MS",
                        help="requests for a model version's signature that arrive while it computes wait up to "
                        "MS milliseconds and are computed together as one call; 0: each request alone (default: 0)")
    parser.add_argument("--batch-max-size", type=int, default=64, metavar="ROWS",
                        help="examples one gathered call holds at most (default: 64)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a host name the server answers to besides localhost, 127.0.0.1 and [::1] (repeatable); "
                        "bound to a loopback address it refuses other names (a page of another site rebound to "
                        "127.0.0.1), and POSTs from pages of other origins are refused either way")
    parser.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                        help="a web origin (such as https://app.example.com) whose pages may call the server from a "
                        "browser, with CORS headers and preflight answers (repeatable; '*': any; default: none)")
    parser.add_argument("--auth-token-file", type=Path, metavar="FILE",
                        help="a file holding a secret token (at least 16 characters, e.g. from `python -c \"import "
                        "secrets; print(secrets.token_urlsafe(32))\"`): every request but the health checks and the "
                        "playground page's files must send 'Authorization: Bearer TOKEN' (the page: open it as "
                        "/#token=TOKEN); without it, anyone who reaches the port may use the models")
    parser.add_argument("--max-connections", type=int, default=0, metavar="N",
                        help="connections open at once; at the limit a new one closes the one that waited longest for "
                        "a request, or is answered 503 when all are busy (default: 0, as many as the open-files "
                        "limit allows, up to 4096)")
    parser.add_argument("--read-timeout", type=finite_float, default=30.0, metavar="SECONDS",
                        help="a request's head must arrive within SECONDS of the connection (or of the previous "
                        "answer), and its body within SECONDS of its head; slower clients are closed (default: 30)")
    parser.add_argument("--access-log", action="store_true", help="log one line per request")
    parser.set_defaults(handler=run)


def port_number(text: str) -> int:
    """A TCP port, 0 to 65535 (0: any free port)."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def byte_size(text: str) -> int:
    """'4MiB' -> 4194304; '65536' -> 65536; at least 1 KiB."""
    match = re.fullmatch(r"\s*([0-9]+)\s*([a-zA-Z]*)\s*", text)
    unit = SIZE_UNITS.get(match[2].lower()) if match else None
    if match is None or unit is None or int(match[1]) * unit < 2**10:
        raise argparse.ArgumentTypeError(f"expected a size such as 4MiB, 512KiB or 65536 (bytes), at least 1KiB; "
                                         f"got {text!r}")
    return int(match[1]) * unit


def run(args: argparse.Namespace) -> int:
    """Serve until stopped."""
    import logging

    from classicnets.errors import UserError
    from classicnets.serving.run_dirs import models_dir_for
    from classicnets.serving.server import ServerOptions, serve

    for flag, value in (("--poll-seconds", args.poll_seconds), ("--queue-timeout", args.queue_timeout), ("--latest", args.latest), ("--threads", args.threads),
                        ("--batch-window-ms", args.batch_window_ms)):
        if value < 0:
            raise UserError(f"{flag} cannot be negative. Received: {flag} {value:g}")
    if args.batch_max_size < 1:
        raise UserError(f"--batch-max-size must be at least 1. Received: --batch-max-size {args.batch_max_size}")
    if args.max_queue < 1:
        raise UserError(f"--max-queue must be at least 1. Received: --max-queue {args.max_queue}")
    if args.max_connections < 0:
        raise UserError(f"--max-connections cannot be negative. Received: --max-connections {args.max_connections}")
    if args.read_timeout <= 0:
        raise UserError(f"--read-timeout must be more than 0 seconds. Received: --read-timeout {args.read_timeout:g}")
    token = read_token(args.auth_token_file) if args.auth_token_file is not None else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    options = ServerOptions(host=args.host, port=args.port, poll_seconds=args.poll_seconds,
                            max_body=args.max_body, latest=args.latest, threads=args.threads,
                            access_log=args.access_log, runtime=args.runtime,
                            batch_window_ms=args.batch_window_ms, batch_max_size=args.batch_max_size,
                            allowed_hosts=tuple(args.allow_host), auth_token=token, grpc_port=args.grpc_port,
                            cors_origins=tuple(check_origin(origin) for origin in args.cors_origin),
                            max_connections=args.max_connections, read_timeout=args.read_timeout,
                            max_queue=args.max_queue, queue_timeout=args.queue_timeout)
    formats = ("saved-model", "onnx") if args.runtime == "onnx" else ("saved-model",)  # for runs exported first
    with models_dir_for(args.models_dir, formats, notice=logging.getLogger("classicnets.serve").info) as models_dir:
        return serve(models_dir, options)


def read_token(path: Path) -> str:
    """The token of --auth-token-file: its text without surrounding white space, at least 16 characters."""
    from classicnets.errors import UserError

    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read --auth-token-file {path}: {getattr(error, 'strerror', None) or error}") from None
    if len(token) < 16 or any(character.isspace() for character in token) or not token.isprintable():
        raise UserError(f"--auth-token-file {path} must hold one token of at least 16 characters, without spaces "
                        "(it holds " + (f"{len(token)} characters" if len(token) < 16 else "white space or control "
                                        "characters") + "); make one with: python -c \"import secrets; print(secrets.token_urlsafe(32))\" > "
                        f"{path}")
    return token


def check_origin(origin: str) -> str:
    """An origin of --cors-origin: '*' or scheme://host[:port], with nothing after it."""
    from urllib.parse import urlsplit

    from classicnets.errors import UserError

    parts = urlsplit(origin)
    if origin == "*" or (parts.scheme in ("http", "https") and parts.netloc and parts.path in ("", "/")
                         and not parts.query and not parts.fragment):
        return origin.rstrip("/")
    raise UserError(f"--cors-origin needs an origin such as https://app.example.com or http://localhost:3000 "
                    f"(scheme, host and port only), or '*' for any. Received: --cors-origin {origin}")
