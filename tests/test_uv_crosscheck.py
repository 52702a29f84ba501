"""Cross-check: mach-nix and `uv pip compile` pin the same versions for the same inputs.

An index is served on 127.0.0.1 as a PEP 691 JSON simple API. Each release's core metadata is
synthesized from the index (`requires_dist`, `requires_python`) and announced per wheel as PEP
658/714 metadata, so uv never downloads a wheel; sdists are served as tiny archives holding only
a static `PKG-INFO` (Metadata-Version 2.2, PEP 643), which uv reads without building. uv talks to
nothing but this server: no internet is needed.

- `test_same_pins_as_uv`: real requirement sets on the fixture index (tests/data/index, real
  PyPI metadata), resolved by both for CPython 3.11 and 3.13 on x86_64 Linux (glibc 2.36), a
  few also on aarch64 Linux and macOS; the pins must agree.
- `test_uv_agrees_with_the_expected_pins`: the synthetic edge cases of
  tests/resolution_cases.py, whose `expected` pins tests/test_correctness.py wants of mach-nix.

Where uv differs on purpose, the difference is documented in docs/uv-differences.md and written
down in the case (`uv=UvDifference(...)`), so the test checks that uv answers exactly what the
documentation says.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from indexfactory import make_index
from mach_nix.cli import main as mach_nix_main
from mach_nix.index import File, Index, Release
from mach_nix.names import normalize
from packaging.version import Version
from resolution_cases import CASES as SYNTHETIC_CASES
from resolution_cases import ResolutionCase, UvDifference

uv = pytest.importorskip("uv", reason="uv (from PyPI, in the test extra) runs the cross-check")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "index"
DIFFERENCES_DOC = ROOT / "docs" / "uv-differences.md"
PYTHONS = ("3.11.2", "3.13.5")
GLIBC = "2.36"

needs_fixture = pytest.mark.skipif(not (FIXTURE / "index.json").is_file(),
                                   reason=f"no fixture index at {FIXTURE}")

# --- a PEP 691 simple API over a mach-nix index ------------------------------------------

_EXTRA = re.compile(r"""\bextra\s*==\s*(['"])(.*?)\1""")
_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz")


def core_metadata(name: str, release: Release) -> bytes:
    """The METADATA / PKG-INFO of a release, from what the index knows of it.

    Metadata-Version 2.2 with nothing `Dynamic`: uv then trusts an sdist's PKG-INFO. The extras
    are the ones the requirements' markers name (the index does not record Provides-Extra).
    """
    lines = ["Metadata-Version: 2.2", f"Name: {name}", f"Version: {release.version}"]
    if release.requires_python:
        lines.append(f"Requires-Python: {release.requires_python}")
    extras: list[str] = []
    for requirement in release.requires_dist or ():
        lines.append(f"Requires-Dist: {requirement}")
        for match in _EXTRA.finditer(requirement):
            extra = normalize(match.group(2))
            if extra not in extras:
                extras.append(extra)
    lines.extend(f"Provides-Extra: {e}" for e in extras)
    return ("\n".join(lines) + "\n").encode()


def sdist_archive(file: File, pkg_info: bytes) -> bytes:
    """An sdist holding only `<name>-<version>/PKG-INFO`, byte-identical on every run."""
    stem = file.filename
    for suffix in _SDIST_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if file.filename.lower().endswith(".zip"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            archive.writestr(zipfile.ZipInfo(f"{stem}/PKG-INFO", (1980, 1, 1, 0, 0, 0)), pkg_info)
        return buf.getvalue()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo(f"{stem}/PKG-INFO")
        info.size = len(pkg_info)
        archive.addfile(info, io.BytesIO(pkg_info))
    return gzip.compress(raw.getvalue(), mtime=0)


class SimpleApi:
    """The pages and files of a PEP 691 JSON simple API for the projects of an index.

    Releases whose dependencies the index does not know (`requires_dist: null`) are left out:
    mach-nix cannot use them either (see docs/uv-differences.md). A request for anything not
    served (a wheel, above all) is recorded in `unexpected`, so a test can assert uv fetched
    nothing but pages, metadata and the synthesized sdists.
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self.base = ""
        self.unexpected: list[str] = []
        self._pages: dict[str, bytes | None] = {}
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, raw_path: str) -> tuple[int, str, bytes]:
        path = unquote(raw_path.split("?", 1)[0])
        with self._lock:
            if path.startswith("/simple/"):
                page = self._page(normalize(path[len("/simple/"):].strip("/")))
                if page is None:  # a project the index lacks: uv says so, as mach-nix does
                    return 404, "text/plain", b"no such project\n"
                return 200, "application/vnd.pypi.simple.v1+json", page
            if path in self._blobs:
                return 200, "application/octet-stream", self._blobs[path]
            self.unexpected.append(path)
            return 404, "text/plain", b"not served\n"

    def _page(self, name: str) -> bytes | None:
        if name not in self._pages:
            project = self.index.project(name)
            self._pages[name] = None if project is None else self._build(name, project.releases)
        return self._pages[name]

    def _build(self, name: str, releases: tuple[Release, ...]) -> bytes:
        files: list[dict[str, Any]] = []
        versions: list[str] = []
        for release in releases:
            if release.requires_dist is None:
                continue
            versions.append(release.version)
            metadata = core_metadata(name, release)
            metadata_hash = {"sha256": hashlib.sha256(metadata).hexdigest()}
            for f in release.files:
                path = f"/files/{name}/{release.version}/{f.filename}"
                entry: dict[str, Any] = {"filename": f.filename, "url": self.base + path}
                if f.kind == "wheel":
                    entry["hashes"] = {"sha256": f.sha256}
                    entry["core-metadata"] = metadata_hash
                    entry["data-dist-info-metadata"] = metadata_hash
                    self._blobs[path + ".metadata"] = metadata
                else:
                    archive = sdist_archive(f, metadata)
                    entry["hashes"] = {"sha256": hashlib.sha256(archive).hexdigest()}
                    self._blobs[path] = archive
                if f.requires_python:
                    entry["requires-python"] = f.requires_python
                if f.yanked:
                    entry["yanked"] = True
                if f.upload_time:
                    entry["upload-time"] = f.upload_time
                files.append(entry)
        page = {"meta": {"api-version": "1.1"}, "name": name, "files": files, "versions": versions}
        return json.dumps(page).encode()


class SimpleApiServer:
    """`SimpleApi` on 127.0.0.1 at a free port, in a daemon thread, until `close()`."""

    def __init__(self, index: Index) -> None:
        self.api = api = SimpleApi(index)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                status, content_type, body = api.get(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        api.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        # a short poll interval: close() waits for one, and the synthetic cases start many servers
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.api.base + "/simple"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


# --- running both resolvers --------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Pins (normalized name -> version), or None when the resolver refused, with its output."""

    pins: dict[str, str] | None
    output: str


def _pins(text: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"not a pin: {line!r}"
            pins[normalize(name.split("[", 1)[0])] = version.strip()
    return pins


#: mach-nix's target system -> uv's --python-platform (glibc 2.36 on Linux). uv's macOS platforms
#: assume a newer macOS than nixpkgs' 11.0 unless MACOSX_DEPLOYMENT_TARGET says otherwise.
UV_PLATFORMS = {
    "x86_64-linux": f"x86_64-manylinux_{GLIBC.replace('.', '_')}",
    "aarch64-linux": f"aarch64-manylinux_{GLIBC.replace('.', '_')}",
    "x86_64-darwin": "x86_64-apple-darwin",
    "aarch64-darwin": "aarch64-apple-darwin",
}


def run_uv(server: SimpleApiServer, requirements: Path, python: str, cache: Path,
           *, pre: bool = False, system: str = "x86_64-linux") -> Outcome:
    """`uv pip compile` against the server, with nothing from the caller's environment that
    changes its answer (uv settings, proxies, a macOS deployment target)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UV_", "PIP_")) and k != "MACOSX_DEPLOYMENT_TARGET"
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", UV_PYTHON_DOWNLOADS="never",
               UV_NO_PROGRESS="1")
    argv = [
        uv.find_uv_bin(), "pip", "compile", str(requirements),
        "--index-url", server.url,
        "--python", sys.executable,  # any interpreter: --python-version sets the markers
        "--python-version", python,
        "--python-platform", UV_PLATFORMS[system],
        "--no-header", "--no-annotate", "--no-config", "--color", "never",
        "--cache-dir", str(cache),
    ]
    if pre:
        argv += ["--prerelease", "allow"]  # uv ignores --pre inside a requirements file
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    output = result.stdout + result.stderr
    return Outcome(_pins(result.stdout) if result.returncode == 0 else None, output)


def run_mach_nix(index: Path, requirements: Path, python: str, out: Path,
                 capsys: pytest.CaptureFixture[str] | None, *, pre: bool = False,
                 system: str = "x86_64-linux") -> Outcome:
    argv = ["resolve", "-r", str(requirements), "--index", str(index), "--format", "pins",
            "--python", python, "--platform", system, "--glibc", GLIBC, "-o", str(out)]
    if pre:
        argv.append("--pre")
    code = mach_nix_main(argv)
    output = capsys.readouterr().err if capsys is not None else ""
    return Outcome(_pins(out.read_text()) if code == 0 else None, output)


# --- real requirement sets on the fixture index -----------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    requirements: str
    #: more files beside requirements.txt (constraints), name -> text
    files: Mapping[str, str] = field(default_factory=dict)
    pre: bool = False
    #: both resolvers must refuse (an unsatisfiable set)
    fails: bool = False
    #: a documented difference: uv's pins instead of mach-nix's
    uv: UvDifference | None = None


# The fixture has no pre-release newer than a final release (the crawler keeps only those),
# so "pre-release" checks that --pre and a specifier naming a pre-release change nothing.
FIXTURE_CASES = [
    Case("requests-socks", "requests[socks]\n"),
    Case("flask", "flask\n"),
    Case("pytest-pinned", "pytest==8.3.4\npluggy<1.6\niniconfig<2.1\n"),
    Case("click-colorama", "click\ncolorama\n"),
    Case("python-dateutil", "python-dateutil\n"),
    Case("importlib-metadata", "importlib-metadata\n"),
    Case("extras", "requests[socks,use_chardet_on_py3]==2.31.0\nattrs[nope]\n"),
    Case("markers",
         "pytest<8.2\n"
         'tomli; python_version < "3.12"\n'
         'exceptiongroup; python_full_version < "3.12.0"\n'
         'colorama; sys_platform == "win32"\n'
         'pysocks; platform_machine == "x86_64" and platform_system == "Linux"\n'),
    Case("constraints", "flask\n-c constraints.txt\n",
         files={"constraints.txt": "werkzeug<3.1\nclick<8.2\nmarkupsafe<3\npysocks==1.7.1\n"}),
    Case("pre-release", "packaging>=24.0rc1\nattrs\nsix\n", pre=True),
    Case("yanked-pins", "requests==2.32.0\nclick==8.2.2\nattrs==21.1.0\n"),
    Case("yanked-only-in-range", "resolvelib>0.5.4,<0.6\n", fails=True),
    Case("requires-python", "requests>=2.30,<2.32\ntomli<2.1\nimportlib-metadata>=10\nclick\n"),
    Case("sdist-fallback", "pyyaml<6.0.2\nmarkupsafe<2.1.2\nitsdangerous<1\n"),
    Case("names", "PyYAML\nTyping_Extensions\nCharset.Normalizer\nJinja2\nPySocks\nZIPP\n"),
    Case("operators",
         "urllib3~=2.2.0\nidna!=3.20,!=3.19\ncertifi===2024.8.30\nchardet~=5.0\nsix==1.16.*\n"
         "pluggy>1.0,!=1.6.0\n"),
    Case("backtracking", "flask<2.3\nwerkzeug<3\nresolvelib\npackaging<22\npyparsing\n"),
    Case("conflict", "requests==2.31.0\nurllib3<2\n", fails=True),
]

#: Cases with binary wheels, also resolved for the other platforms (uv: aarch64 manylinux_2_36,
#: and macOS).
_OTHER_PLATFORMS = ("requests-socks", "flask", "sdist-fallback", "names")
FIXTURE_RUNS = [
    *((case, python, "x86_64-linux") for case in FIXTURE_CASES for python in PYTHONS),
    *((case, "3.13.5", system) for case in FIXTURE_CASES if case.id in _OTHER_PLATFORMS
      for system in ("aarch64-linux", "aarch64-darwin")),
]


@pytest.fixture(scope="module")
def server() -> Iterator[SimpleApiServer]:
    s = SimpleApiServer(Index(FIXTURE))
    yield s
    s.close()


@pytest.fixture(scope="module")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uv-cache")


def _write(directory: Path, requirements: str, files: Mapping[str, str], pre: bool) -> Path:
    path = directory / "requirements.txt"
    path.write_text(requirements + ("--pre\n" if pre else ""))
    for name, text in files.items():
        (directory / name).write_text(text)
    return path


@needs_fixture
@pytest.mark.parametrize(("case", "python", "system"), FIXTURE_RUNS,
                         ids=[f"{c.id}-{p}-{s}" for c, p, s in FIXTURE_RUNS])
def test_same_pins_as_uv(case: Case, python: str, system: str, server: SimpleApiServer,
                         uv_cache: Path, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    requirements = _write(tmp_path, case.requirements, case.files, case.pre)
    ours = run_mach_nix(FIXTURE, requirements, python, tmp_path / "pins.txt", capsys,
                        pre=case.pre, system=system)
    theirs = run_uv(server, requirements, python, uv_cache, pre=case.pre, system=system)
    assert not server.api.unexpected, f"uv fetched what it should not: {server.api.unexpected}"

    if case.fails:
        assert ours.pins is None, f"mach-nix resolved what uv refuses: {ours.pins}"
        assert theirs.pins is None, f"uv resolved it: {theirs.pins}\n{theirs.output}"
        return
    assert ours.pins is not None, ours.output
    assert theirs.pins is not None, theirs.output
    if case.uv is not None:
        assert theirs.pins == case.uv.pins, f"uv no longer answers as documented ({case.uv.doc})"
        assert ours.pins != theirs.pins
    else:
        assert ours.pins == theirs.pins, _diff(ours.pins, theirs.pins)


def _diff(ours: dict[str, str], theirs: dict[str, str]) -> str:
    lines = []
    for name in sorted(set(ours) | set(theirs)):
        a, b = ours.get(name), theirs.get(name)
        if a is None or b is None or Version(a) != Version(b):
            lines.append(f"{name}: mach-nix {a}, uv {b}")
    return "pins differ: " + "; ".join(lines)


# --- the synthetic cases of tests/resolution_cases.py ------------------------------------


@pytest.mark.parametrize("case", SYNTHETIC_CASES, ids=lambda c: c.id)
def test_uv_agrees_with_the_expected_pins(case: ResolutionCase, uv_cache: Path,
                                          tmp_path: Path) -> None:
    """uv gives each case's `expected` pins (which test_correctness.py wants of mach-nix), or
    the documented difference. Known mach-nix bugs do not matter here: `expected` is the right
    answer, and uv gives it."""
    index = make_index(tmp_path / "index", case.projects)
    requirements = _write(tmp_path, case.requirements, case.files, case.pre)
    server = SimpleApiServer(Index(index))
    try:
        theirs = run_uv(server, requirements, case.python, uv_cache, pre=case.pre,
                        system=case.system)
    finally:
        server.close()
    assert not server.api.unexpected, f"uv fetched what it should not: {server.api.unexpected}"
    want = case.uv.pins if case.uv is not None else case.expected
    assert theirs.pins == (None if want is None else dict(want)), theirs.output


def test_documented_differences_are_in_the_docs() -> None:
    headings = {line.lstrip("#").strip() for line in DIFFERENCES_DOC.read_text().splitlines()
                if line.startswith("## ")}
    used = {c.uv.doc for c in SYNTHETIC_CASES if c.uv is not None}
    used |= {c.uv.doc for c in FIXTURE_CASES if c.uv is not None}
    assert used <= headings, f"not documented in {DIFFERENCES_DOC}: {used - headings}"
