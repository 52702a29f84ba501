"""A fake PyPI on 127.0.0.1 for tests: the JSON API, the PEP 691 simple API, files, PEP 658
`.metadata`, range requests, HTTP caching (ETag, 304). It also plays other indexes: the
simple API as PEP 503 HTML (`simple_format`), basic auth (`auth`), a server that ignores
ranges (`ranges`).

Tests build projects with `add_wheel` / `add_sdist`, then `publish()` writes the JSON pages
(`/pypi/NAME/json`) and the simple-API pages (`/simple/NAME/`, sent with `page_headers` and an
ETag; a request with a matching `If-None-Match` gets 304).
`serve()` runs it in a thread. Counters record what was asked (`hits`), what was answered
successfully (`ok`) and how many bytes (`served`), per path; `failures` makes a path answer 503,
`stalls` makes it hang until the server stops (to interrupt a crawl at a known point).
Shared by the crawler tests and any test that needs PyPI without the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import random
import re
import tarfile
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keeps connections open, as PyPI does

    def setup(self) -> None:
        super().setup()
        with self.server.fake.lock:
            self.server.fake.connections += 1

    head = False

    def do_HEAD(self) -> None:  # uv asks whether ranges work before reading a wheel's METADATA
        self.head = True
        try:
            self.do_GET()
        finally:
            self.head = False

    def do_GET(self) -> None:
        fake = self.server.fake
        path = self.path.split("?", 1)[0]
        with fake.lock:
            fake.hits[path] += 1
            fake.requests.append((path, dict(self.headers.items())))
            if self.headers.get("Authorization"):
                fake.authorized[path] += 1
            failing = fake.failures.get(path, 0)
            if failing:
                fake.failures[path] = failing - 1 if failing > 0 else failing
            stalled = path in fake.stalls
        if fake.auth is not None and self.headers.get("Authorization") != basic(*fake.auth):
            self._send(401, b"who are you?", "", {"WWW-Authenticate": 'Basic realm="index"'})
            return
        if stalled:
            fake.unstall.wait(timeout=60)
            self.close_connection = True
            return  # the connection closes without an answer
        if failing:
            self._send(503, b"busy")
            return
        if path in fake.redirects:
            self._send(302, b"", "", {"Location": fake.redirects[path]})
            return
        body = fake.routes.get(path)
        if body is None:
            self._send(404, b"not found")
            return
        headers = dict(fake.headers.get(path, {}))
        if path in fake.html_routes and (
                fake.simple_format == "html"
                or "application/vnd.pypi.simple.v1+json" not in self.headers.get("Accept", "")):
            body = fake.html_routes[path]
            headers["Content-Type"] = fake.html_content_type
        if path.startswith("/simple/"):
            headers.update(fake.page_headers)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                with fake.lock:
                    fake.not_modified[path] += 1
                self._send(304, b"", "", headers)
                return
        rng = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng or "")
        if m is None or not fake.ranges:
            self._send(200, body, path, headers)
            return
        size = len(body)
        if m.group(1):
            start = int(m.group(1))
            end = min(size - 1, int(m.group(2))) if m.group(2) else size - 1
        else:
            start, end = max(0, size - int(m.group(2))), size - 1
        self._send(206, body[start : end + 1], path, {"Content-Range": f"bytes {start}-{end}/{size}"})

    def _send(
        self, status: int, body: bytes, path: str = "", headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.head:
            return
        self.wfile.write(body)
        if path:
            with self.server.fake.lock:
                self.server.fake.served[path] += len(body)
                self.server.fake.ok[path] += 1

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    fake: FakePyPI
    daemon_threads = True


@dataclass
class _File:
    filename: str
    body: bytes
    packagetype: str
    requires_python: str | None = None
    yanked: bool = False
    metadata: bytes | None = None  # served at URL.metadata
    announce: str | None = None  # core-metadata sha256 in the JSON page
    relative: bool = False
    sha256: str | None = None  # the hash the pages announce, when not the file's own

    @property
    def page_sha256(self) -> str:
        return self.sha256 or hashlib.sha256(self.body).hexdigest()


@dataclass
class FakePyPI:
    """Projects added with add_wheel/add_sdist; publish() writes the JSON pages."""

    routes: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # path -> 503s to answer (-1: always)
    hits: Counter[str] = field(default_factory=Counter)
    served: Counter[str] = field(default_factory=Counter)  # bytes per path
    ok: Counter[str] = field(default_factory=Counter)  # successful answers (200, 206) per path
    not_modified: Counter[str] = field(default_factory=Counter)  # 304 answers per path
    connections: int = 0  # TCP connections accepted
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # extra headers per path
    #: headers of every simple-API page answer (200 and 304), e.g. Cache-Control
    page_headers: dict[str, str] = field(
        default_factory=lambda: {"Cache-Control": "max-age=600, public"}
    )
    stalls: set[str] = field(default_factory=set)  # paths that hang until the server stops
    unstall: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    projects: dict[str, dict[str, list[_File]]] = field(default_factory=dict)
    url: str = ""
    #: simple-API pages as "json" (PEP 691), "html" (PEP 503 only) or "both" (by the request's
    #: Accept header)
    simple_format: str = "json"
    html_content_type: str = "text/html; charset=utf-8"
    html_routes: dict[str, bytes] = field(default_factory=dict)
    #: (user, password) every request must send as basic auth, else 401
    auth: tuple[str, str] | None = None
    #: file URLs on the pages carry these credentials (`user:password@`), as some servers echo
    echo_credentials: tuple[str, str] | None = None
    #: False: Range headers are ignored (whole files are sent)
    ranges: bool = True
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location of a 302
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, headers
    authorized: Counter[str] = field(default_factory=Counter)  # requests with Authorization

    def add_wheel(
        self,
        name: str,
        version: str,
        requires_dist: Sequence[str] = (),
        *,
        serve_metadata: bool = True,
        announce: bool = True,
        bad_announce: bool = False,
        yanked: bool = False,
        requires_python: str | None = None,
        padding: int = 0,
        relative: bool = False,
    ) -> bytes:
        meta = metadata_text(name, version, requires_dist, requires_python=requires_python)
        wheel = make_wheel(name, version, meta, padding=padding)
        sha = hashlib.sha256(meta.encode()).hexdigest()
        self.projects.setdefault(name, {}).setdefault(version, []).append(
            _File(
                filename=f"{name}-{version}-py3-none-any.whl",
                body=wheel,
                packagetype="bdist_wheel",
                requires_python=requires_python,
                yanked=yanked,
                metadata=meta.encode() if serve_metadata else None,
                announce=("0" * 64 if bad_announce else sha) if announce else None,
                relative=relative,
            )
        )
        return wheel

    def add_sdist(self, name: str, version: str, members: dict[str, str], *,
                  requires_python: str | None = None, sha256: str | None = None) -> bytes:
        """An sdist; `sha256` announces another hash than the file's (a tampered file)."""
        sdist = make_sdist(name, version, members)
        self.projects.setdefault(name, {}).setdefault(version, []).append(
            _File(filename=f"{name}-{version}.tar.gz", body=sdist, packagetype="sdist",
                  requires_python=requires_python, sha256=sha256)
        )
        return sdist

    def publish(self) -> None:
        for name, releases in self.projects.items():
            page: dict[str, Any] = {"info": {"name": name}, "releases": {}, "last_serial": 1}
            for version, files in releases.items():
                entries = []
                for f in files:
                    path = f"/files/{name}/{f.filename}"
                    self.routes[path] = f.body
                    if f.metadata is not None:
                        self.routes[path + ".metadata"] = f.metadata
                    entries.append(self._file_entry(name, f, pep691=False))
                page["releases"][version] = entries
            self.routes[f"/pypi/{name}/json"] = json.dumps(page).encode()
            self._publish_simple(name, releases)

    def _publish_simple(self, name: str, releases: dict[str, list[_File]]) -> None:
        """The PEP 691 page (API 1.1, with `versions`). Like pypi.org behind some proxies, it
        does not announce the `.metadata` files unless `announce` was asked for."""
        files = [self._file_entry(name, f, pep691=True) for fs in releases.values() for f in fs]
        page = {"meta": {"api-version": "1.1"}, "name": name, "versions": list(releases),
                "files": sorted(files, key=lambda e: e["filename"])}
        path = f"/simple/{name}/"
        self.routes[path] = json.dumps(page).encode()
        self.headers[path] = {"Content-Type": "application/vnd.pypi.simple.v1+json"}
        if self.simple_format != "json":
            self.html_routes[path] = self._html_page(name, releases)

    def _file_entry(self, name: str, f: _File, *, pep691: bool) -> dict[str, Any]:
        """A file's entry on the PEP 691 page (`/simple/NAME/`) or the JSON API page
        (`/pypi/NAME/json`, one level deeper): the same facts under each API's keys."""
        path = f"/files/{name}/{f.filename}"
        up = "../.." if pep691 else "../../.."
        hashes, requires_python, upload_time = (
            ("hashes", "requires-python", "upload-time") if pep691
            else ("digests", "requires_python", "upload_time_iso_8601"))
        entry: dict[str, Any] = {
            "filename": f.filename,
            "url": up + path if f.relative else self._file_url(path),
            hashes: {"sha256": f.page_sha256},
            requires_python: f.requires_python,
            "yanked": f.yanked,
            "size": len(f.body),
            upload_time: "2024-01-02T03:04:05.000000Z",
        }
        if not pep691:
            entry["packagetype"] = f.packagetype
            entry["core-metadata"] = {"sha256": f.announce} if f.announce else False
        elif f.announce:  # see _publish_simple
            entry["core-metadata"] = {"sha256": f.announce}
        return entry

    def _file_url(self, path: str) -> str:
        if self.echo_credentials is None:
            return self.url + path
        user, password = self.echo_credentials
        return self.url.replace("://", f"://{user}:{password}@", 1) + path

    def _html_page(self, name: str, releases: dict[str, list[_File]]) -> bytes:
        """The PEP 503 page: relative links (absolute ones with the credentials when they are
        echoed), `#sha256=`, `data-requires-python` (escaped), `data-yanked`, and
        `data-core-metadata` / `data-dist-info-metadata` for announced metadata files."""
        lines = ["<!DOCTYPE html>", "<html><head>",
                 '<meta name="pypi:repository-version" content="1.0">',
                 f"<title>Links for {name}</title></head><body>", f"<h1>Links for {name}</h1>"]
        for version in releases:
            for f in releases[version]:
                path = f"/files/{name}/{f.filename}"
                href = self._file_url(path) if self.echo_credentials else f"../..{path}"
                attrs = [f'href="{html.escape(href)}#sha256={f.page_sha256}"']
                if f.requires_python:
                    attrs.append(f'data-requires-python="{html.escape(f.requires_python)}"')
                if f.yanked:
                    attrs.append('data-yanked=""')
                if f.announce:
                    attrs.append(f'data-core-metadata="sha256={f.announce}"')
                    attrs.append(f'data-dist-info-metadata="sha256={f.announce}"')
                lines.append(f"<a {' '.join(attrs)}>{f.filename}</a><br/>")
        lines.append("</body></html>")
        return "\n".join(lines).encode()

    def simple_hits(self) -> int:
        """Requests for simple-API pages so far."""
        return sum(n for p, n in self.hits.items() if p.startswith("/simple/"))

    def metadata_hits(self) -> Counter[str]:
        """Requests for `.metadata` files and whole or ranged files, per path (not pages)."""
        return Counter({p: n for p, n in self.hits.items()
                        if not p.startswith(("/simple/", "/pypi/"))})


def basic(user: str, password: str) -> str:
    """The `Authorization` header value of HTTP basic auth."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@contextmanager
def serve() -> Iterator[FakePyPI]:
    """A running fake PyPI (empty until the caller adds projects and publishes)."""
    fake = FakePyPI()
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.fake = fake
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.unstall.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def metadata_text(
    name: str,
    version: str,
    requires_dist: Sequence[str] = (),
    *,
    requires_python: str | None = None,
    metadata_version: str = "2.1",
    dynamic: Sequence[str] = (),
) -> str:
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    lines += [f"Dynamic: {d}" for d in dynamic]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {r}" for r in requires_dist]
    return "\n".join(lines) + "\n\nA long description body.\nRequires-Dist: not-a-header\n"


def make_wheel(name: str, version: str, metadata: str, *, padding: int = 0,
               module: str = "") -> bytes:
    """A pure wheel that installers accept (WHEEL with its tag, a RECORD of every member with
    its hash), `module` as `name/__init__.py`. With `padding`, incompressible bytes between
    METADATA and the zip's central directory (for the range-request path)."""
    dist_info = f"{name}-{version}.dist-info"
    members = {f"{dist_info}/METADATA": metadata.encode()}
    if padding:
        members[f"{name}/blob.bin"] = random.Random(name + version).randbytes(padding)
    members[f"{name}/__init__.py"] = module.encode()
    members[f"{dist_info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: test\n"
                                     b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    members[f"{dist_info}/RECORD"] = ("".join(
        f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},"
        f"{len(d)}\n" for n, d in members.items()) + f"{dist_info}/RECORD,,\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d, compress_type=zipfile.ZIP_STORED if n.endswith("blob.bin") else None)
    return buf.getvalue()


def make_sdist(name: str, version: str, members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for path, text in {"setup.py": "", **members}.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{path}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


