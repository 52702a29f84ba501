"""A small HTTP client: GET and range GET with retries, over kept-alive connections.

Used by the index crawler and the online resolver. Connections to each host are kept open and
reused, one per thread (`http.client`): a resolution makes hundreds of small requests to two
hosts, and a new TLS connection (with its DNS lookup) for each would cost more than the
request. Through a proxy (`*_proxy` environment variables), and for other schemes, each
request goes through `urllib.request` instead. Retries with exponential
backoff on what is likely to pass on a second try (5xx, 429, timeouts, dropped connections);
never on 404, which is an answer (`HTTPNotFound`); gives up with a `NetworkError` naming the URL.
A 304 (to a conditional request) is an answer too: a `Response` with status 304 and no body.
Thread-safe: one client is shared by the crawler's download threads.
"""

from __future__ import annotations

import gzip
import http.client
import io
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from . import __version__
from .errors import NetworkError

USER_AGENT = f"mach-nix/{__version__}"

_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
#: errors of a kept-alive connection the server has closed meanwhile: try a new connection
_STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                     http.client.CannotSendRequest)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class HTTPNotFound(NetworkError):
    """The server answered 404 (or 410): the resource does not exist. Not retried."""

    kind = "not-found"

    def __init__(self, url: str) -> None:
        super().__init__(f"{url} does not exist (HTTP 404).")
        self.url = url


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes

    def content_range(self) -> tuple[int, int, int | None] | None:
        """(first, last, total) of a 206 answer; total None when the server says `*`."""
        m = _CONTENT_RANGE.match(self.headers.get("content-range", ""))
        if m is None:
            return None
        total = None if m.group(3) == "*" else int(m.group(3))
        return int(m.group(1)), int(m.group(2)), total


@dataclass
class HttpClient:
    """GET with retries. `retries` is the number of tries after the first one."""

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    user_agent: str = USER_AGENT
    #: called before each retry with (url, reason, delay); the crawler's reporter counts them
    on_retry: Callable[[str, str, float], None] | None = None
    #: the command-line option that sets the base URL, for messages
    url_option: str = "--pypi-url"
    #: the end of the message when the tries are used up: what to do then
    failure_hint: str = (
        "Check the network connection and that the server is up, then run the command again "
        "(an index build reuses the metadata it already wrote)."
    )
    sleep: Callable[[float], None] = time.sleep
    #: the `Authorization` header for a URL, or None (`auth.Credentials.header`): asked for
    #: each request and each redirect, so credentials go only to the host they are for
    authorization: Callable[[str], str | None] | None = None
    #: requests sent so far (each try counts), for reports and tests
    requests: int = 0
    _opener: urllib.request.OpenerDirector = field(
        default_factory=urllib.request.build_opener, repr=False
    )
    _count_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _connections: list[http.client.HTTPConnection] = field(default_factory=list, repr=False)
    _proxies: dict[str, str] | None = field(default=None, repr=False)
    _tls: ssl.SSLContext | None = field(default=None, repr=False)
    _dns: dict[tuple[str, int], list[tuple[Any, ...]]] = field(default_factory=dict, repr=False)
    _dns_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(
        self, url: str, *, headers: Mapping[str, str] | None = None, compressed: bool = False
    ) -> Response:
        """GET url. `compressed` asks for gzip (worth it for JSON, not for archives or ranges).

        Raises HTTPNotFound on 404/410 and NetworkError on anything else that is not 2xx after
        the retries.
        """
        if not url.startswith(("http://", "https://", "file:")):
            raise NetworkError(
                f"{url!r} is not an http(s) URL; check the URL (and {self.url_option}, which "
                "needs the scheme: https://...)."
            )
        hdrs = {"User-Agent": self.user_agent, **(headers or {})}
        if compressed:
            hdrs["Accept-Encoding"] = "gzip"
        attempt = 0
        while True:
            reason: str
            try:
                return self._get_once(url, hdrs)
            except urllib.error.HTTPError as e:
                e.close()
                if e.code == 304:
                    return _response(e.geturl() or url, 304, e.headers, b"")
                if e.code in (404, 410):
                    raise HTTPNotFound(url) from None
                if e.code in (401, 403):
                    sent = self.authorization is not None and self.authorization(url) is not None
                    raise NetworkError(
                        f"GET {url} failed with HTTP {e.code} {e.reason}: the server wants "
                        + ("other credentials than the ones given. Check the user and token"
                           if sent else "credentials, and none were given. Give them")
                        + " in ~/.netrc (or the file $NETRC names), as a line `machine HOST "
                        "login USER password TOKEN`, or in the index URL "
                        "(https://USER:TOKEN@HOST/...)."
                    ) from None
                if e.code not in _RETRY_STATUS:
                    raise NetworkError(
                        f"GET {url} failed with HTTP {e.code} {e.reason}. This is not an error "
                        f"that goes away by retrying; check the URL (and {self.url_option})."
                    ) from None
                reason = f"HTTP {e.code} {e.reason}"
            except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
                # URLError wraps connection refused/reset and DNS errors; socket timeouts and
                # IncompleteRead/RemoteDisconnected come through as OSError/HTTPException.
                inner = e.reason if isinstance(e, urllib.error.URLError) else e
                reason = _describe(inner)
            if attempt >= self.retries:
                raise NetworkError(
                    f"GET {url} failed after {attempt + 1} tries: {reason}. {self.failure_hint}"
                )
            delay = self.backoff * (2**attempt)
            if self.on_retry is not None:
                self.on_retry(url, reason, delay)
            self.sleep(delay)
            attempt += 1

    def get_range(self, url: str, start: int, end: int | None = None) -> Response:
        """GET bytes start..end (inclusive); a negative start without end asks for the last
        -start bytes. The answer is 206 with `content_range()`, or 200 with the whole body when
        the server ignores ranges: callers must handle both."""
        spec = f"bytes={start}" if start < 0 else f"bytes={start}-{'' if end is None else end}"
        return self.get(url, headers={"Range": spec})

    def close(self) -> None:
        """Close the kept-alive connections (they are also closed when garbage collected)."""
        with self._count_lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    def _get_once(self, url: str, headers: Mapping[str, str]) -> Response:
        with self._count_lock:
            self.requests += 1
        for _ in range(_MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if not self._direct(parts):
                return self._get_urllib(url, headers)
            hop = dict(headers)
            auth = self.authorization(url) if self.authorization is not None else None
            if auth is not None:
                hop["Authorization"] = auth
            status, reason, msg, body = self._request(parts, hop)
            location = msg.get("location")
            if status not in _REDIRECT_STATUS or not location:
                break
            url = urljoin(url, location)
        if status >= 300 and status != 304:
            raise urllib.error.HTTPError(url, status, reason, msg, io.BytesIO(body))
        return _response(url, status, msg, body)

    def _direct(self, parts: SplitResult) -> bool:
        """Whether the URL is fetched on a kept-alive connection (else by urllib)."""
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
            return False
        if self._proxies is None:
            self._proxies = urllib.request.getproxies()
        if parts.scheme in self._proxies or "all" in self._proxies:
            return bool(urllib.request.proxy_bypass(parts.hostname))
        return True

    def _request(
        self, parts: SplitResult, headers: Mapping[str, str]
    ) -> tuple[int, str, http.client.HTTPMessage, bytes]:
        pool: dict[tuple[str, str, int | None], http.client.HTTPConnection] = (
            self._local.__dict__.setdefault("pool", {}))
        key = (parts.scheme, parts.hostname or "", parts.port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for fresh in (False, True):
            conn = None if fresh else pool.get(key)
            reused = conn is not None
            if conn is None:
                conn = self._connect(parts)
                pool[key] = conn
            try:
                conn.request("GET", path, headers=dict(headers))
                resp = conn.getresponse()
                body = resp.read()
            except _STALE_CONNECTION:
                self._drop(pool, key, conn)
                if reused:
                    continue  # the server closed the kept-alive connection: a new one
                raise
            except BaseException:
                self._drop(pool, key, conn)
                raise
            if resp.will_close:
                self._drop(pool, key, conn)
            return resp.status, resp.reason, resp.msg, body
        raise AssertionError("unreachable")

    def _connect(self, parts: SplitResult) -> http.client.HTTPConnection:
        host = parts.hostname or ""
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()  # loads the CA certificates: once
            conn = http.client.HTTPSConnection(host, parts.port, timeout=self.timeout,
                                               context=self._tls)
        else:
            conn = http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
        # http.client's hook for opening the socket: with the addresses looked up once per
        # host, not once per connection (the threads opening theirs at the same moment would
        # each ask DNS, which some resolvers answer with failures)
        conn._create_connection = self._open_socket  # type: ignore[attr-defined]
        with self._count_lock:
            self._connections.append(conn)
        return conn

    def _open_socket(
        self, address: tuple[str, int], timeout: float | None = None,
        source_address: tuple[str, int] | None = None,
    ) -> socket.socket:
        host, port = address
        with self._dns_lock:  # one lookup at a time; the others wait for its answer
            infos = self._dns.get((host, port))
            if infos is None:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                self._dns[(host, port)] = infos
        error: OSError | None = None
        for family, type_, proto, _, sockaddr in infos:
            sock = socket.socket(family, type_, proto)
            try:
                sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as e:
                sock.close()
                error = e
        raise error or OSError(f"no address for {host}")

    def _drop(
        self,
        pool: dict[tuple[str, str, int | None], http.client.HTTPConnection],
        key: tuple[str, str, int | None],
        conn: http.client.HTTPConnection,
    ) -> None:
        conn.close()
        if pool.get(key) is conn:
            del pool[key]
        with self._count_lock:
            if conn in self._connections:
                self._connections.remove(conn)

    def _get_urllib(self, url: str, headers: Mapping[str, str]) -> Response:
        req = urllib.request.Request(url, headers=dict(headers))
        auth = self.authorization(url) if self.authorization is not None else None
        if auth is not None:
            # not sent again when urllib follows a redirect (possibly to another host)
            req.add_unredirected_header("Authorization", auth)
        with self._opener.open(req, timeout=self.timeout) as resp:
            return _response(resp.geturl(), resp.status, resp.headers, resp.read())


def _response(url: str, status: int, headers: Message, body: bytes) -> Response:
    """The response with lower-cased header names and its body un-gzipped (a 304 has none)."""
    hdrs = {k.lower(): v for k, v in headers.items()}
    if status == 304:
        body = b""
    elif hdrs.get("content-encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
    return Response(url=url, status=status, headers=hdrs, body=body)


def _describe(e: object) -> str:
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timed out"
    text = str(e) or type(e).__name__
    return f"{type(e).__name__}: {text}" if isinstance(e, BaseException) else text
