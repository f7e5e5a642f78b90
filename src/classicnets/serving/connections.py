"""Connections that cannot wear the server down: uvicorn's HTTP/1.1 protocol (h11) with bounds on time and number.

- A request's head must arrive within --read-timeout seconds of the connection (or of the answer before it on a
  kept-alive connection), and its body within --read-timeout seconds of its head; slower clients are answered
  408 (a head begun) or closed.
- At most --max-connections are open. At the limit, a new connection closes the one that has waited longest
  for a request head (slow or idle clients give way to new ones); when every open connection is busy with a
  request, the new one is answered 503 at once.
- A head larger than h11's limit (16 KiB) is answered 431, and a request that is not HTTP/1.1 400, both in JSON;
  the connection is then closed after reading what the client still sends (so it reads the answer instead of
  a reset).
- Each kind of event is logged once per interval with its count (event_log.py)."""

from __future__ import annotations

import asyncio
import errno
import logging
import resource
import sys
from dataclasses import dataclass
from typing import Any, Callable

import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol

from classicnets.serving.event_log import EventLog

RESERVED_FILES = 256  # open files kept for models, logs and the machine's own needs
DEFAULT_MAX_CONNECTIONS = 4096
LINGER_SECONDS = 2.0  # after a refusal, how long the rest of the request is read (and dropped) before closing
LINGER_BYTES = 4 * 2**20
OUT_OF_FILES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


@dataclass
class Limits:
    """The bounds of one server, and the log its events go to."""

    max_connections: int
    read_timeout: float
    events: EventLog


def open_files_limit() -> int:
    """Raise this process's limit of open files to the most it may have; return the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 2**20


def max_connections(asked: int) -> int:
    """--max-connections, or by default as many as the open-files limit leaves room for, up to 4096. Asking for
    more than the limit allows is a ValueError saying what the limit is."""
    room = open_files_limit() - RESERVED_FILES
    if asked > room:
        raise ValueError(f"--max-connections {asked} is more than this process may open: its limit of open files "
                         f"leaves room for {max(room, 0)} (raise it with `ulimit -n`, or ask for fewer)")
    if asked:
        return asked
    if room < 64:
        raise ValueError(f"this process may open too few files to serve ({room + RESERVED_FILES}); raise the limit "
                         "with `ulimit -n 4096`")
    return min(DEFAULT_MAX_CONNECTIONS, room)


def json_answer(status: int, reason: bytes, message: str, *headers: bytes) -> bytes:
    """A whole HTTP/1.1 answer {"error": message} that closes the connection."""
    body = orjson.dumps({"error": message})
    head = [b"HTTP/1.1 %d %s" % (status, reason), b"content-type: application/json",
            b"content-length: %d" % len(body), b"connection: close", *headers]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def protocol_class(limits: Limits) -> type[H11Protocol]:
    """uvicorn's h11 protocol bounded by `limits`; one class per server (it holds that server's waiting list)."""
    waiting: dict[BoundedH11Protocol, None] = {}  # connections waiting for a request head, longest first

    class BoundedH11Protocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.phase: str | None = None  # "head", "body", "busy" (read, being answered) or None (closed)
            self.timer: asyncio.TimerHandle | None = None
            self.refused = False
            self.lingering = -1  # bytes read and dropped after a refusal; -1 while not lingering

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            if len(self.connections) >= limits.max_connections and not self.make_room():
                self.refused, self.transport = True, transport
                limits.events.note("refused", f"refused new connections: {limits.max_connections} are open and each "
                                   "is being answered (--max-connections)")
                transport.write(json_answer(503, b"Service Unavailable", "the server has as many connections open as "
                                            "it allows, each busy with a request; try again shortly",
                                            b"retry-after: 1"))
                transport.close()
                return
            super().connection_made(transport)
            self.follow()

        def make_room(self) -> bool:
            """Close the connection that has waited longest for a request head; False when none waits."""
            if not waiting:
                return False
            oldest = next(iter(waiting))
            oldest.set_phase(None)
            oldest.transport.close()
            limits.events.note("evicted", "closed connections that waited longest for a request to make room for "
                               f"new ones ({limits.max_connections} open: --max-connections)")
            return True

        def connection_lost(self, exc: Exception | None) -> None:
            self.set_phase(None)
            if not self.refused:
                super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.lingering >= 0:
                self.lingering += len(data)
                if self.lingering > LINGER_BYTES:
                    self.transport.close()
                return
            super().data_received(data)
            self.follow()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self.follow()

        def follow(self) -> None:
            """Set the phase from the connection's state: the timer and the waiting list go with it."""
            cycle = self.cycle
            if self.transport.is_closing() or self.lingering >= 0:
                phase = None
            elif cycle is None or cycle.response_complete:
                phase = "head"
            else:
                phase = "body" if cycle.more_body else "busy"
            if phase != self.phase:
                self.set_phase(phase)

        def set_phase(self, phase: str | None) -> None:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            waiting.pop(self, None)
            self.phase = phase
            if phase == "head":
                waiting[self] = None
            if phase in ("head", "body"):
                self.timer = self.loop.call_later(limits.read_timeout, self.too_slow)

        def too_slow(self) -> None:
            """--read-timeout passed in the head or the body: 408 if a head was begun, then close."""
            self.timer = None
            begun = self.phase == "head" and bool(self.conn.trailing_data[0])
            part = "request head" if self.phase == "head" else "request body"
            self.set_phase(None)
            if self.transport.is_closing():
                return
            if begun:
                self.transport.write(json_answer(408, b"Request Timeout", f"the {part} did not arrive within "
                                                 f"{limits.read_timeout:g} s"))
            self.transport.close()
            limits.events.note(f"slow {part}", f"closed connections whose {part} did not arrive within "
                               f"{limits.read_timeout:g} s (--read-timeout)")

        def send_400_response(self, msg: str) -> None:
            """A request h11 cannot read (uvicorn calls this while handling h11's error): 431 when its head is too
            large, else 400; in JSON, then read what else the client sends for a moment before closing."""
            error = sys.exc_info()[1]
            status = getattr(error, "error_status_hint", 400)
            if status == 431:
                answer = json_answer(431, b"Request Header Fields Too Large", "the request's head (its first line "
                                     "and headers) is larger than the server reads (16 KiB); send fewer or smaller "
                                     "headers")
            else:
                answer = json_answer(400, b"Bad Request", f"the request is not valid HTTP/1.1: {error}")
            limits.events.note(f"refused {status}", f"answered {status} to requests that are not HTTP/1.1 the "
                               f"server can read (the last: {error})")
            self.transport.write(answer)
            self.linger()

        def linger(self) -> None:
            """Stop writing, read and drop what the client still sends, and close after LINGER_SECONDS."""
            self.set_phase(None)
            self.lingering = 0
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)

    return BoundedH11Protocol


def quiet_uvicorn_warnings(limits: Limits) -> Callable[[], None]:
    """Drop uvicorn's own line for requests h11 cannot read (the protocol above logs them, counted); returns the
    function that puts the logger back."""
    uvicorn_log = logging.getLogger("uvicorn.error")

    def keep(record: logging.LogRecord) -> bool:
        return record.getMessage() != "Invalid HTTP request received."

    uvicorn_log.addFilter(keep)
    return lambda: uvicorn_log.removeFilter(keep)


def loop_errors(limits: Limits) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    """An event loop exception handler: running out of open files while accepting is one counted line, not a
    traceback per try; anything else goes to asyncio's own handler."""
    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in OUT_OF_FILES:
            limits.events.note("accept", f"cannot accept connections: {error.strerror} (lower --max-connections or "
                               "raise `ulimit -n`)")
            return
        loop.default_exception_handler(context)
    return handle
