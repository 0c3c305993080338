"""Who may write to the web app, from where, and how much: one ASGI guard in front of it.

Reads are public to whoever can reach the server; every write (POST, PUT, PATCH, DELETE) needs
the API token. Scripts send it in a header (`Authorization: Bearer ...` or `X-Storylens-Token`);
the browser pages use a cookie set by the login form (HttpOnly, SameSite=Strict). A cookie is
sent by the browser on its own, so a write authenticated by the cookie must also come from our
own origin (the Origin header) and carry the CSRF token that only our pages know. The Host
header must name this server (loopback names unless `--allow-host`), which defeats DNS
rebinding. Request bodies are counted while they stream in, chunked or not, and refused with
413 past the limit: a length header is never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_HEADER = "x-storylens-token"
CSRF_HEADER = "x-csrf-token"
CSRF_PARAMETER = "csrf"
# The login form itself carries the token, so it is the one write that does not need it.
LOGIN_PATHS = frozenset({"/login"})
MIN_TOKEN_LENGTH = 16
MAX_REQUEST_BYTES = 50 * 1024 * 1024  # all files or records of one request together
# After refusing a body, this much more is read and thrown away so that the client, still
# sending, gets the 413 instead of a connection reset; past it the connection is simply closed.
MAX_DRAIN_BYTES = 256 * 1024 * 1024
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # "same-origin", not "no-referrer": under no-referrer Chromium sends "Origin: null" on form
    # posts, and the Origin check needs the real origin; other sites still get no Referer.
    (b"referrer-policy", b"same-origin"),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(api_token: str) -> str:
    """The token our pages embed in their forms; derived, so it never reveals the API token."""
    return hmac.new(api_token.encode(), b"storylens csrf", hashlib.sha256).hexdigest()[:32]


def cookie_name(scope: Scope) -> str:
    # Browsers share cookies across ports of one host: two servers on localhost keep apart.
    server = scope.get("server")
    return f"storylens_token_{server[1] if server else 0}"


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header, without its port: 'example.org:8000' -> 'example.org'."""
    header = header.strip().lower()
    if header.startswith("["):  # an IPv6 literal: [::1]:8000
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass(frozen=True)
class Access:
    """The write token and the names this server answers to."""

    token: str
    allowed_hosts: frozenset[str] = field(default=LOOPBACK_HOSTS)
    max_request_bytes: int = MAX_REQUEST_BYTES

    @classmethod
    def for_server(
        cls,
        token: str,
        bind: str,
        extra_hosts: Iterable[str] = (),
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ) -> Access:
        hosts = set(LOOPBACK_HOSTS) | {host_name(h) for h in extra_hosts}
        if bind not in {"0.0.0.0", "::", ""}:  # a specific address is a name the server has
            hosts.add(bind.strip("[]").lower())
        return cls(token, frozenset(hosts), max_request_bytes)

    def token_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def csrf_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), csrf_token(self.token).encode())


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is over the limit of {limit:,} bytes")


class Guard:
    """ASGI middleware: Host allowlist, write authentication, CSRF and the body limit."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = _RequestView(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await _drain(receive, MAX_DRAIN_BYTES)
            await _send_error(send, *refusal)
            return
        counted = _CountedReceive(receive, self.access.max_request_bytes)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _send_error(send, 413, str(exc))

    def _refusal(self, request: _RequestView) -> tuple[int, str] | None:
        name = host_name(request.header("host") or "")
        if name not in self.access.allowed_hosts:
            return 400, (
                f"Host {request.header('host')!r} is not one of this server's names; "
                "start it with --allow-host NAME to answer to that name"
            )
        length = request.header("content-length")
        if length and length.isdigit() and int(length) > self.access.max_request_bytes:
            limit = self.access.max_request_bytes
            return 413, f"the request body of {int(length):,} bytes is over the limit of {limit:,}"
        if request.method not in WRITE_METHODS:
            return None
        return self._write_refusal(request)

    def _write_refusal(self, request: _RequestView) -> tuple[int, str] | None:
        origin = request.header("origin")
        if origin is not None and not _same_origin(origin, request.header("host") or ""):
            return 403, f"a write from another origin ({origin}) is refused"
        if request.sec_fetch_site not in {None, "same-origin", "none"}:
            return 403, f"a write from a {request.sec_fetch_site} page is refused"
        if request.path in LOGIN_PATHS:
            return None
        if self.access.token_matches(request.header_token()):
            return None  # a script: browsers cannot attach this header cross-origin
        if not self.access.token_matches(request.cookie(cookie_name(request.scope))):
            return 401, "writes need the API token: log in at /login, or send 'Authorization: Bearer TOKEN'"
        if origin is None:
            return 403, "a write with the login cookie must carry an Origin header"
        if not self.access.csrf_matches(request.csrf()):
            return 403, "the CSRF token is missing or wrong: reload the page and try again"
        return None


class SecurityHeaders:
    """ASGI middleware: every response carries a strict policy. (A plain ASGI middleware rather
    than Starlette's BaseHTTPMiddleware, which would wrap the guard's BodyTooLarge in a group.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


class _RequestView:
    """Just enough of a request to judge it before the app sees it."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self._headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", []):
            self._headers.setdefault(raw_name.decode("latin-1").lower(), raw_value.decode("latin-1"))
        self._query = parse_qs(scope.get("query_string", b"").decode("latin-1"))

    def header(self, name: str) -> str | None:
        return self._headers.get(name)

    @property
    def sec_fetch_site(self) -> str | None:
        return self.header("sec-fetch-site")

    def header_token(self) -> str | None:
        authorization = self.header("authorization") or ""
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials:
            return credentials.strip()
        return self.header(TOKEN_HEADER)

    def cookie(self, name: str) -> str | None:
        for pair in (self.header("cookie") or "").split(";"):
            key, _, value = pair.strip().partition("=")
            if key == name:
                return value
        return None

    def csrf(self) -> str | None:
        return self.header(CSRF_HEADER) or next(iter(self._query.get(CSRF_PARAMETER, [])), None)


def _same_origin(origin: str, host: str) -> bool:
    parts = urlsplit(origin)
    return parts.scheme in {"http", "https"} and parts.netloc.lower() == host.strip().lower()


class _CountedReceive:
    """The app's `receive`, counting body bytes as they arrive; past the limit it throws the
    rest of the body away (bounded) and raises, so nothing over the limit is ever kept."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self._receive = receive
        self._limit = limit
        self._seen = 0

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._seen += len(message.get("body", b""))
            if self._seen > self._limit:
                if message.get("more_body", False):
                    await _drain(self._receive, MAX_DRAIN_BYTES)
                raise BodyTooLarge(self._limit)
        return message


async def _drain(receive: Receive, limit: int) -> None:
    drained = 0
    while drained <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _send_error(send: Send, status: int, reason: str) -> None:
    body = orjson.dumps({"detail": reason})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
