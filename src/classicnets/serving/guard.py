"""Requests the server must not answer: ones framed two ways at once, ones without the bearer token when one is
set, and ones a browser page of another site makes (the Host check against DNS rebinding, the Origin check against
cross-origin POSTs).

A request with both Content-Length and Transfer-Encoding could be read as two requests by one server and as one by
another in front of it (request smuggling): it is answered 400 and its connection closed (RFC 9112, 6.1).

Pages of the origins given with --cors-origin may POST too (the CORS headers themselves come from Starlette's
CORSMiddleware, inside this one); a preflight (OPTIONS) needs no token, as browsers send none with it.

With --auth-token-file, every request but the health checks (/v2/health/live and /ready, for load balancers) and
the playground page's own files needs `Authorization: Bearer TOKEN`, or is answered 401.

A server bound to a loopback address answers only requests whose Host names the loopback (localhost,
127.0.0.1, [::1]) or a name given with --allow-host: a page of another site whose name was rebound to
127.0.0.1 sends its own name. A POST that a browser sends from a page of another origin (it always says which,
in Origin) is refused unless that origin is the server's own or an allowed name; clients that are not
browsers (curl, the TF Serving and KServe client libraries) send no Origin and are not affected."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any, Callable
from urllib.parse import urlsplit

import orjson
from starlette.responses import Response

from classicnets.serving import playground

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
OPEN_PATHS = frozenset({"/v2/health/live", "/v2/health/ready", "/", "/docs",
                        *(f"/playground/{file}" for file in playground.FILES)})


def is_loopback(host: str) -> bool:
    """Whether a listening address is a loopback one (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(value: str) -> str:
    """'127.0.0.1:8501' -> '127.0.0.1', '[::1]:8501' -> '::1', 'Example.com' -> 'example.com'."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def bearer_matches(authorization: str, token: bytes) -> bool:
    """Whether an Authorization value (HTTP header or gRPC metadata) is 'Bearer TOKEN', compared in constant time."""
    scheme, _, given = authorization.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("latin-1", "replace"), token)


class RequestGuard:
    """ASGI middleware: 400 for two framings or a Host not answered, 401 without the token, 403 for a POST from
    another origin; JSON bodies, and the connection closed."""

    def __init__(self, app: Callable, listen_host: str, allowed_hosts: tuple[str, ...] = (),
                 token: str | None = None, cors_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.cors_origins = {origin.rstrip("/").lower() for origin in cors_origins}  # their POSTs pass (CORS)
        self.token = token.encode() if token else None
        allowed = {host_name(name) for name in allowed_hosts}
        self.hosts = (LOOPBACK_NAMES | allowed) if is_loopback(listen_host) else (allowed or None)  # None: any

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            problem = self.problem(scope)
            if problem is not None:
                status, message = problem
                headers = {"Connection": "close"}
                if status == 401:
                    headers["WWW-Authenticate"] = 'Bearer realm="classicnets serve"'
                response = Response(orjson.dumps({"error": message}), status, media_type="application/json",
                                    headers=headers)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def problem(self, scope: dict[str, Any]) -> tuple[int, str] | None:
        """(status, message) for a request to refuse, else None."""
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if "content-length" in headers and "transfer-encoding" in headers:
            return 400, ("the request has both Content-Length and Transfer-Encoding; send one of them (the "
                         "connection is closed)")
        host = host_name(headers.get("host", ""))
        if self.hosts is not None and host and host not in self.hosts:
            return 400, (f"this server does not answer to the host name {host!r}; it answers to "
                         f"{', '.join(sorted(self.hosts))} (classicnets serve --allow-host NAME adds a name)")
        origin = headers.get("origin")
        if scope["method"] == "POST" and origin is not None and not self.same_site(origin, host) and \
                not self.cors_allowed(origin):
            return 403, (f"requests from pages of {origin} are refused; a page served by this server, or by a name "
                         "given with --allow-host, may call it")
        if scope["method"] == "OPTIONS" and origin is not None and not self.cors_allowed(origin):
            return 403, (f"pages of {origin} may not call this server from a browser; classicnets serve "
                         f"--cors-origin {origin} allows them")
        if self.token is not None and scope["method"] != "OPTIONS" and scope["path"] not in OPEN_PATHS and \
                not self.authorized(headers):  # (a CORS preflight carries no credentials)
            return 401, ("this server needs the token of its --auth-token-file: send the header "
                         "'Authorization: Bearer TOKEN'")
        return None

    def cors_allowed(self, origin: str) -> bool:
        """Whether --cors-origin lets pages of `origin` call the server."""
        return "*" in self.cors_origins or origin.rstrip("/").lower() in self.cors_origins

    def authorized(self, headers: dict[str, str]) -> bool:
        """Whether the request carries the bearer token."""
        return bearer_matches(headers.get("authorization", ""), self.token or b"")

    def same_site(self, origin: str, host: str) -> bool:
        """Whether a page of `origin` may POST: it is this server's own host, or an allowed one."""
        origin_host = host_name(urlsplit(origin).netloc) if origin != "null" else ""
        return bool(origin_host) and (origin_host == host or (self.hosts is not None and origin_host in self.hosts))
