"""A small HTTP client on `urllib.request`: GET and range GET with retries.

Used by the index crawler and the online resolver. Retries with exponential
backoff on what is likely to pass on a second try (5xx, 429, timeouts, dropped connections);
never on 404, which is an answer (`HTTPNotFound`); gives up with a `NetworkError` naming the URL.
A 304 (to a conditional request) is an answer too: a `Response` with status 304 and no body.
Thread-safe: one client is shared by the crawler's download threads.
"""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import __version__
from .errors import NetworkError

USER_AGENT = f"mach-nix/{__version__}"

_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
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
    #: requests sent so far (each try counts), for reports and tests
    requests: int = 0
    _opener: urllib.request.OpenerDirector = field(
        default_factory=urllib.request.build_opener, repr=False
    )
    _count_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
                    hdrs304 = {k.lower(): v for k, v in e.headers.items()}
                    return Response(url=e.geturl() or url, status=304, headers=hdrs304, body=b"")
                if e.code in (404, 410):
                    raise HTTPNotFound(url) from None
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

    def _get_once(self, url: str, headers: Mapping[str, str]) -> Response:
        with self._count_lock:
            self.requests += 1
        req = urllib.request.Request(url, headers=dict(headers))
        with self._opener.open(req, timeout=self.timeout) as resp:
            body = resp.read()
            hdrs = {k.lower(): v for k, v in resp.headers.items()}
            status = resp.status
            final = resp.geturl()
        if hdrs.get("content-encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        return Response(url=final, status=status, headers=hdrs, body=body)


def _describe(e: object) -> str:
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timed out"
    text = str(e) or type(e).__name__
    return f"{type(e).__name__}: {text}" if isinstance(e, BaseException) else text
