"""Indexes other than PyPI (docs/indexes.md): the PEP 503 HTML simple API without metadata
files, PEP 691 JSON with PEP 658 metadata, basic auth and credentials, several indexes
(dependency confusion), find-links, the index options in the environment and in requirements
files, and `uv pip compile` giving the same pins against an HTML-only index.

Every index is tests/pypiserver.py on 127.0.0.1 serving wheels and sdists the tests build.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nixutil
import pytest
from mach_nix import indexes
from mach_nix.auth import Credentials, redact, split_credentials
from mach_nix.cli import main
from mach_nix.index import Index
from mach_nix.online import ACCEPT, parse_html_page
from pypiserver import FakePyPI, make_wheel, metadata_text, serve

PYTHON = platform.python_version()
TARGET_ARGS = ["--python", PYTHON, "--platform", "x86_64-linux", "--glibc", "2.36"]
TOKEN = "s3cr3t-t0ken-4711"


pytestmark = pytest.mark.usefixtures("no_pip_settings")  # tests/conftest.py


def pkg_info(name: str, version: str, requires: list[str]) -> dict[str, str]:
    """An sdist's static PKG-INFO (Metadata 2.2, nothing dynamic): usable without a build."""
    return {"PKG-INFO": metadata_text(name, version, requires, metadata_version="2.2")}


def add_projects(s: FakePyPI, *, metadata_files: bool) -> None:
    """alpha 1.0 needs beta; alpha 2.0 is yanked, alpha 1.5 needs Python 3.99; beta 2.0 is a
    big wheel (read by ranges when there is no metadata file), beta 1.0 an sdist; gamma."""
    m = metadata_files
    s.add_wheel("alpha", "1.0", ["beta>=1"], serve_metadata=m, announce=m)
    s.add_wheel("alpha", "1.5", ["beta>=1"], requires_python=">=3.99", serve_metadata=m,
                announce=m)
    s.add_wheel("alpha", "2.0", ["beta>=1"], yanked=True, serve_metadata=m, announce=m)
    s.add_sdist("beta", "1.0", pkg_info("beta", "1.0", ["gamma"]))
    s.add_wheel("beta", "2.0", ['gamma; python_version >= "3"'], padding=1_000_000,
                serve_metadata=m, announce=m)
    s.add_wheel("gamma", "1.0", [], serve_metadata=m, announce=m)
    s.add_wheel("gamma", "1.1", [], serve_metadata=m, announce=m)


@pytest.fixture
def html_index() -> Iterator[FakePyPI]:
    """An HTML-only simple API (PEP 503) without metadata files, as most private ones."""
    with serve() as s:
        s.simple_format = "html"
        add_projects(s, metadata_files=False)
        s.publish()
        yield s


@pytest.fixture
def json_index() -> Iterator[FakePyPI]:
    """A PEP 691 JSON simple API announcing PEP 658 metadata files."""
    with serve() as s:
        add_projects(s, metadata_files=True)
        s.publish()
        yield s


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def resolve(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def pins_of(text: str) -> dict[str, str]:
    return dict(line.split("==", 1) for line in text.split())


def resolution(tmp_path: Path, requirements: str, *options: str,
               capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    req = write(tmp_path / "requirements.txt", requirements)
    out = tmp_path / "resolution.json"
    cache = [] if "--index" in options else ["--cache-dir", str(tmp_path / "cache")]
    code, _, err = resolve(["resolve", "-r", str(req), *cache, *TARGET_ARGS, "-o", str(out),
                            *options], capsys)
    assert code == 0, err
    packages: dict[str, dict[str, object]] = json.loads(out.read_text())["packages"]
    return packages


def versions(packages: dict[str, dict[str, object]]) -> dict[str, object]:
    return {name: p["version"] for name, p in packages.items()}


# --- reading an index ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["html", "json"])
def test_versions_yanked_requires_python_and_hashes(
    kind: str, html_index: FakePyPI, json_index: FakePyPI, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    index = html_index if kind == "html" else json_index
    packages = resolution(tmp_path, "alpha\n", "--index-url", f"{index.url}/simple/",
                          capsys=capsys)
    # 2.0 is yanked, 1.5 needs Python 3.99: 1.0
    assert versions(packages) == {"alpha": "1.0", "beta": "2.0", "gamma": "1.1"}
    for name, p in packages.items():
        file = p["file"]
        assert isinstance(file, dict)
        path = f"/files/{name}/{file['filename']}"
        assert file["url"] == index.url + path
        assert file["sha256"] == hashlib.sha256(index.routes[path]).hexdigest()
        assert file["index"] == f"{index.url}/simple"
    # a yanked release is still there for an exact pin (PEP 592)
    pinned = resolution(tmp_path, "alpha==2.0\n", "--index-url", f"{index.url}/simple/",
                        capsys=capsys)
    assert pinned["alpha"]["version"] == "2.0"


def test_html_index_metadata_by_range_requests(
    html_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resolution(tmp_path, "alpha\n", "--index-url", f"{html_index.url}/simple/", capsys=capsys)
    # nothing announced: no .metadata file is asked for
    assert not [p for p in html_index.hits if p.endswith(".metadata")]
    # the big wheel's METADATA is read by range requests, not by downloading it
    wheel = "/files/beta/beta-2.0-py3-none-any.whl"
    assert html_index.ok[wheel] >= 1
    assert 0 < html_index.served[wheel] <= 2 * 64 * 1024 < len(html_index.routes[wheel]) / 4
    # HTML was asked for as the second choice after JSON (PEP 691 content negotiation)
    accepts = {h.get("Accept") for p, h in html_index.requests if p.startswith("/simple/")}
    assert accepts == {ACCEPT}


def test_a_server_without_ranges_sends_the_whole_wheel(
    html_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html_index.ranges = False
    packages = resolution(tmp_path, "alpha\n", "--index-url", f"{html_index.url}/simple/",
                          capsys=capsys)
    assert versions(packages) == {"alpha": "1.0", "beta": "2.0", "gamma": "1.1"}
    wheel = "/files/beta/beta-2.0-py3-none-any.whl"
    assert html_index.served[wheel] == len(html_index.routes[wheel])


def test_sdist_static_metadata_and_a_wrong_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve() as s:
        s.simple_format = "html"
        s.add_sdist("beta", "1.0", pkg_info("beta", "1.0", ["gamma"]))
        # its page announces a hash the file does not have: not trusted, the release skipped
        s.add_sdist("beta", "1.1", pkg_info("beta", "1.1", []), sha256="0" * 64)
        s.add_wheel("gamma", "1.0", [], serve_metadata=False, announce=False)
        s.publish()
        packages = resolution(tmp_path, "beta\n", "--index-url", f"{s.url}/simple",
                              capsys=capsys)
    assert versions(packages) == {"beta": "1.0", "gamma": "1.0"}
    assert packages["beta"]["provider"] == "sdist"


def test_json_index_reads_announced_metadata_files(
    json_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resolution(tmp_path, "alpha\n", "--index-url", f"{json_index.url}/simple/", capsys=capsys)
    assert json_index.ok["/files/beta/beta-2.0-py3-none-any.whl.metadata"] == 1
    assert not [p for p in json_index.hits if p.endswith(".whl")]  # no wheel was opened


def test_content_negotiation_prefers_json(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as s:
        s.simple_format = "both"
        s.add_wheel("gamma", "1.0", [])
        s.publish()
        s.html_routes["/simple/gamma/"] = b"<html>this page would list nothing</html>"
        packages = resolution(tmp_path, "gamma\n", "--index-url", f"{s.url}/simple",
                              capsys=capsys)
    assert versions(packages) == {"gamma": "1.0"}


def test_html_page_parsing() -> None:
    page = b"""<!DOCTYPE html><html><head><base href="https://files.example/root/"></head>
    <body>
    <a href="pkg/foo-1.0-py3-none-any.whl#sha256=ABCD" data-requires-python="&gt;=3.8"
       data-dist-info-metadata="sha256=ef01" data-core-metadata="sha256=ef01">foo-1.0-py3-none-any.whl</a>
    <a href="https://u:pw@mirror.example/foo-1.1.tar.gz#sha256=beef" data-yanked="broken build">
      foo-1.1.tar.gz</a>
    <a href="/abs/foo-1.2.zip" data-yanked data-core-metadata="true">foo-1.2.zip</a>
    <a name="no-href">nothing</a>
    </body></html>"""
    files = parse_html_page(page, "https://index.example/simple/foo/")["files"]
    assert files == [
        {"filename": "foo-1.0-py3-none-any.whl",
         "url": "https://files.example/root/pkg/foo-1.0-py3-none-any.whl",
         "hashes": {"sha256": "abcd"}, "requires-python": ">=3.8",
         "core-metadata": {"sha256": "ef01"}, "data-dist-info-metadata": {"sha256": "ef01"}},
        {"filename": "foo-1.1.tar.gz", "url": "https://mirror.example/foo-1.1.tar.gz",
         "hashes": {"sha256": "beef"}, "yanked": "broken build"},
        {"filename": "foo-1.2.zip", "url": "https://files.example/abs/foo-1.2.zip",
         "hashes": {}, "yanked": True, "core-metadata": True},
    ]


# --- several indexes -----------------------------------------------------------------------


@pytest.fixture
def two_indexes() -> Iterator[tuple[FakePyPI, FakePyPI]]:
    """A private index (HTML) with `corp` 1.0, and a public one (JSON) where someone published
    `corp` 9.0; `gamma` only on the public one."""
    with serve() as private, serve() as public:
        private.simple_format = "html"
        private.add_wheel("corp", "1.0", ["gamma"], serve_metadata=False, announce=False)
        private.publish()
        public.add_wheel("corp", "9.0", [])
        public.add_wheel("gamma", "1.0", [])
        public.publish()
        yield private, public


def test_first_index_is_safe_from_dependency_confusion(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    packages = resolution(tmp_path, "corp\n", "--index-url", f"{public.url}/simple",
                          "--extra-index-url", f"{private.url}/simple", capsys=capsys)
    # the extra index is searched first (as in uv), and it has corp: the public 9.0 is not
    # even looked at
    assert versions(packages) == {"corp": "1.0", "gamma": "1.0"}
    assert packages["corp"]["file"]["index"] == f"{private.url}/simple"  # type: ignore[index]
    assert packages["gamma"]["file"]["index"] == f"{public.url}/simple"  # type: ignore[index]
    assert public.hits["/simple/corp/"] == 0


def test_a_second_run_asks_no_index_again(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    options = ("--index-url", f"{public.url}/simple", "--extra-index-url",
               f"{private.url}/simple")
    first = resolution(tmp_path, "corp\ngamma\n", *options, capsys=capsys)
    assert private.hits["/simple/gamma/"] == 1  # 404: gamma is on the public index only
    private.hits.clear()
    public.hits.clear()
    # the 404 is remembered: neither a second run nor an offline one asks again
    assert resolution(tmp_path, "corp\ngamma\n", *options, capsys=capsys) == first
    assert resolution(tmp_path, "corp\ngamma\n", *options, "--offline", capsys=capsys) == first
    assert not private.hits and not public.hits


def test_unsafe_best_match_takes_the_highest_version(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    packages = resolution(tmp_path, "corp\n", "--index-url", f"{public.url}/simple",
                          "--extra-index-url", f"{private.url}/simple",
                          "--index-strategy", "unsafe-best-match", capsys=capsys)
    assert versions(packages) == {"corp": "9.0"}
    assert packages["corp"]["file"]["index"] == f"{public.url}/simple"  # type: ignore[index]
    # and the private release is still there to pin
    pinned = resolution(tmp_path, "corp<9\n", "--index-url", f"{public.url}/simple",
                        "--extra-index-url", f"{private.url}/simple",
                        "--index-strategy", "unsafe-best-match", capsys=capsys)
    assert versions(pinned) == {"corp": "1.0", "gamma": "1.0"}


def test_find_links_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "big-1.0-py3-none-any.whl").write_bytes(b"not read: big is not asked for")
    hashed: list[str] = []
    real = indexes._sha256_of

    def sha256_of(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(indexes, "_sha256_of", sha256_of)
    for name, version, requires in (("local", "1.0", ["dep"]), ("local", "2.0", ["dep>=2"]),
                                    ("dep", "2.0", [])):
        (wheels / f"{name}-{version}-py3-none-any.whl").write_bytes(
            make_wheel(name, version, metadata_text(name, version, requires)))
    (wheels / "README.txt").write_text("not a distribution")
    packages = resolution(tmp_path, "local\n", "--no-index", "--find-links", str(wheels),
                          capsys=capsys)
    assert versions(packages) == {"local": "2.0", "dep": "2.0"}
    file = packages["local"]["file"]
    assert isinstance(file, dict)
    assert file["url"] == (wheels / "local-2.0-py3-none-any.whl").as_uri()
    assert file["sha256"] == hashlib.sha256(
        (wheels / "local-2.0-py3-none-any.whl").read_bytes()).hexdigest()
    assert "big-1.0-py3-none-any.whl" not in hashed
    # the same from a requirements file, relative to it
    more = resolution(tmp_path, "--no-index\n-f wheels\nlocal<2\n", capsys=capsys)
    assert versions(more) == {"local": "1.0", "dep": "2.0"}


def test_find_links_are_added_to_an_index(
    html_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "gamma-3.0-py3-none-any.whl").write_bytes(
        make_wheel("gamma", "3.0", metadata_text("gamma", "3.0")))
    packages = resolution(tmp_path, "alpha\n", "--index-url", f"{html_index.url}/simple",
                          "--find-links", str(wheels), capsys=capsys)
    assert versions(packages) == {"alpha": "1.0", "beta": "2.0", "gamma": "3.0"}


def test_find_links_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as s:
        s.add_wheel("local", "1.0", [])
        s.add_wheel("local", "2.0", [])
        s.publish()
        sha = hashlib.sha256(s.routes["/files/local/local-1.0-py3-none-any.whl"]).hexdigest()
        s.routes["/links.html"] = (
            f'<a href="files/local/local-1.0-py3-none-any.whl#sha256={sha}">one</a>\n'
            '<a href="files/local/local-2.0-py3-none-any.whl">no hash: left out</a>\n').encode()
        s.headers["/links.html"] = {"Content-Type": "text/html"}
        req = write(tmp_path / "requirements.txt", "local\n")
        code, out, err = resolve(["resolve", "-r", str(req), "--no-index", "--find-links",
                                  f"{s.url}/links.html", "--cache-dir", str(tmp_path / "c"),
                                  "--format", "pins", *TARGET_ARGS], capsys)
    assert code == 0, err
    assert pins_of(out) == {"local": "1.0"}
    assert "local-2.0-py3-none-any.whl is left out: its link has no #sha256=" in err


def test_find_links_directory_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = write(tmp_path / "requirements.txt", "local\n")
    code, out, err = resolve(["resolve", "-r", str(req), "--no-index", "--find-links",
                              str(tmp_path / "nowhere"), *TARGET_ARGS], capsys)
    assert code == 1 and out == ""
    assert f"--find-links {tmp_path / 'nowhere'}: there is no such directory" in err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize(("option", "url", "expected"), [
    ("--index-url", "https://", "--index-url https://: the URL names no host"),
    ("--index-url", "http://[::1", "--index-url http://[::1 is not a valid URL (Invalid IPv6"),
    ("--extra-index-url", "https://u:hunter2@[::1/simple",
     "--extra-index-url https://***@[::1/simple is not a valid URL"),
    ("--index-url", "https://x.example:99999/simple", "is not a valid URL (Port out of range"),
    ("--find-links", "http://[::1/links", "--find-links http://[::1/links is not a valid URL"),
    ("--find-links", "https://", "--find-links https://: the URL names no host"),
    ("--find-links", "~no-such-user-here/wheels",
     "--find-links ~no-such-user-here/wheels: Could not determine home directory"),
])
def test_an_index_url_that_does_not_parse_is_a_message(
    option: str, url: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = write(tmp_path / "requirements.txt", "local\n")
    code, out, err = resolve(["resolve", "-r", str(req), option, url, "--offline",
                              "--cache-dir", str(tmp_path / "c"), *TARGET_ARGS], capsys)
    assert code == 1 and out == ""
    assert expected in err
    assert "Traceback" not in err and "hunter2" not in err and err.count("\n") == 1


def test_project_on_no_index(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    req = write(tmp_path / "requirements.txt", "nosuch\n")
    code, _, err = resolve(["resolve", "-r", str(req), "--cache-dir", str(tmp_path / "c"),
                            "--index-url", f"{public.url}/simple", "--extra-index-url",
                            f"{private.url}/simple", *TARGET_ARGS], capsys)
    assert code == 1 and "Traceback" not in err
    assert f"each of the indexes ({private.url}/simple, {public.url}/simple) has no project " \
        "named nosuch" in err
    assert f"{private.url}/simple/nosuch/, {public.url}/simple/nosuch/ answer 404" in err


def test_pip_index_url_environment(
    html_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", f"{html_index.url}/simple")
    assert versions(resolution(tmp_path, "gamma\n", capsys=capsys)) == {"gamma": "1.1"}
    # the command line wins over the environment
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/nothing-here")
    packages = resolution(tmp_path, "gamma\n", "--index-url", f"{html_index.url}/simple",
                          capsys=capsys)
    assert versions(packages) == {"gamma": "1.1"}


def test_pip_extra_index_url_environment(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private, public = two_indexes
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    # whitespace-separated, as pip reads it; both searched before PyPI (not asked at all)
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", f"  {private.url}/simple\n {public.url}/simple ")
    packages = resolution(tmp_path, "corp\n", capsys=capsys)
    assert versions(packages) == {"corp": "1.0", "gamma": "1.0"}
    assert packages["gamma"]["file"]["index"] == f"{public.url}/simple"  # type: ignore[index]


def test_index_options_in_requirements_file(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    text = f"-i {public.url}/simple\n--extra-index-url={private.url}/simple\ncorp\n"
    assert versions(resolution(tmp_path, text, capsys=capsys)) == {"corp": "1.0", "gamma": "1.0"}
    # the command line's main index wins over the file's
    text = f"-i http://127.0.0.1:9/nothing\n--extra-index-url={private.url}/simple\ncorp\n"
    packages = resolution(tmp_path, text, "--index-url", f"{public.url}/simple", capsys=capsys)
    assert versions(packages) == {"corp": "1.0", "gamma": "1.0"}


def test_index_options_with_a_pinned_index_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = write(tmp_path / "requirements.txt", "gamma\n")
    code, _, err = resolve(["resolve", "-r", str(req), "--index", str(tmp_path),
                            "--extra-index-url", "https://x.example/simple"], capsys)
    assert code == 1 and "--extra-index-url is for resolving online" in err


# --- credentials ---------------------------------------------------------------------------


@pytest.fixture
def private_index() -> Iterator[FakePyPI]:
    """An HTML index behind basic auth whose pages echo the credentials in absolute links."""
    with serve() as s:
        s.simple_format = "html"
        s.auth = ("user", TOKEN)
        s.echo_credentials = ("user", TOKEN)
        add_projects(s, metadata_files=False)
        s.publish()
        yield s


def secret_forms() -> list[bytes]:
    return [TOKEN.encode(), base64.b64encode(f"user:{TOKEN}".encode())]


def assert_nowhere(paths: list[Path], *texts: str) -> None:
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        assert files, path
        for f in files:
            data = f.read_bytes()
            for secret in secret_forms():
                assert secret not in data, f"{f} holds the credentials"
    for text in texts:
        for secret in secret_forms():
            assert secret.decode() not in text


def test_credentials_in_the_url_are_used_and_never_written(
    private_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = private_index.url.replace("://", f"://user:{TOKEN}@") + "/simple/"
    req = write(tmp_path / "requirements.txt", "alpha\n")
    cache = tmp_path / "cache"
    code, out, err = resolve(["resolve", "-r", str(req), "--index-url", url, "--cache-dir",
                              str(cache), *TARGET_ARGS], capsys)
    assert code == 0, err
    packages = json.loads(out)["packages"]
    assert versions(packages) == {"alpha": "1.0", "beta": "2.0", "gamma": "1.1"}
    assert packages["alpha"]["file"]["url"] == (
        f"{private_index.url}/files/alpha/alpha-1.0-py3-none-any.whl")
    assert packages["alpha"]["file"]["index"] == f"{private_index.url}/simple"
    lock = tmp_path / "mach-nix.lock.json"
    code, out2, err2 = resolve(["lock", "-r", str(req), "--index-url", url, "--cache-dir",
                                str(cache), "--refresh", *TARGET_ARGS, "-o", str(lock)], capsys)
    assert code == 0, err2
    assert_nowhere([cache, lock], out, err, out2, err2)


def test_credentials_from_netrc(
    private_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    netrc = write(tmp_path / "netrc", f"machine 127.0.0.1\n  login user\n  password {TOKEN}\n")
    monkeypatch.setenv("NETRC", str(netrc))
    packages = resolution(tmp_path, "alpha\n", "--index-url", f"{private_index.url}/simple",
                          capsys=capsys)
    assert versions(packages) == {"alpha": "1.0", "beta": "2.0", "gamma": "1.1"}
    assert_nowhere([tmp_path / "cache", tmp_path / "resolution.json"])


def test_missing_or_wrong_credentials_are_one_paragraph(
    private_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    req = write(tmp_path / "requirements.txt", "alpha\n")
    argv = ["resolve", "-r", str(req), "--cache-dir", str(tmp_path / "cache"), *TARGET_ARGS]
    code, out, err = resolve([*argv, "--index-url", f"{private_index.url}/simple"], capsys)
    assert code == 1 and out == ""
    assert f"GET {private_index.url}/simple/alpha/ failed with HTTP 401" in err
    assert "none were given" in err and "netrc" in err
    assert "Traceback" not in err and err.count("\n") == 1
    wrong = private_index.url.replace("://", "://user:wrong-token-99@") + "/simple"
    code, out, err = resolve([*argv, "--index-url", wrong], capsys)
    assert code == 1 and "other credentials" in err
    assert "wrong-token-99" not in err and "Traceback" not in err


def test_credentials_in_a_requirements_file_are_not_locked(
    private_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = private_index.url.replace("://", f"://user:{TOKEN}@") + "/simple"
    req = write(tmp_path / "requirements.txt", f"--index-url {url}\nalpha\n")
    lock = tmp_path / "mach-nix.lock.json"
    code, out, err = resolve(["lock", "-r", str(req), "--cache-dir", str(tmp_path / "cache"),
                              *TARGET_ARGS, "-o", str(lock)], capsys)
    assert code == 1 and not lock.exists()
    assert "would be written into the lock file" in err and "netrc" in err
    assert_nowhere([], out, err)
    # nor in a direct reference's URL
    req.write_text(f"pkg @ git+https://user:{TOKEN}@127.0.0.1:9/pkg.git@main\n")
    code, out, err = resolve(["lock", "-r", str(req), "--cache-dir", str(tmp_path / "cache"),
                              *TARGET_ARGS, "-o", str(lock)], capsys)
    assert code == 1 and not lock.exists() and "would be written into the lock" in err
    assert_nowhere([], out, err)
    # resolving (nothing recorded) takes them
    packages = resolution(tmp_path, f"--index-url {url}\nalpha\n", capsys=capsys)
    assert versions(packages) == {"alpha": "1.0", "beta": "2.0", "gamma": "1.1"}
    assert_nowhere([tmp_path / "cache", tmp_path / "resolution.json"])


def test_credentials_go_to_their_host_only(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    private.auth = ("user", TOKEN)
    url = private.url.replace("://", f"://user:{TOKEN}@") + "/simple"
    packages = resolution(tmp_path, "corp\n", "--index-url", f"{public.url}/simple",
                          "--extra-index-url", url, capsys=capsys)
    assert versions(packages) == {"corp": "1.0", "gamma": "1.0"}
    assert sum(private.authorized.values()) >= 2 and not public.authorized


def test_credentials_are_not_sent_after_a_redirect_to_another_host(
    private_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve() as files:  # the file host the index redirects to, as many indexes do
        files.add_wheel("gamma", "1.1", [])
        files.publish()
        wheel = "/files/gamma/gamma-1.1-py3-none-any.whl"
        private_index.redirects[wheel] = files.url + wheel
        url = private_index.url.replace("://", f"://user:{TOKEN}@") + "/simple"
        packages = resolution(tmp_path, "gamma==1.1\n", "--index-url", url, capsys=capsys)
    assert versions(packages) == {"gamma": "1.1"}
    assert files.ok[wheel] >= 1 and not files.authorized  # read there, without credentials
    assert private_index.authorized[wheel] >= 1


def test_credentials_helpers(tmp_path: Path) -> None:
    assert split_credentials("https://u:p%40ss@h.example:8443/simple") == (
        "https://h.example:8443/simple", ("u", "p@ss"))
    assert redact("https://u:tok@h.example/simple") == "https://***@h.example/simple"
    creds = Credentials(netrc_file=write(tmp_path / "netrc",
                                         "machine other.example login a password b\n"))
    assert creds.add_url("https://tok@h.example/simple") == "https://h.example/simple"
    assert creds.header("https://h.example/x") == "Basic " + base64.b64encode(b"tok:").decode()
    assert creds.header("https://h.example:444/x") is None  # another port: another server
    assert creds.header("https://other.example/x") == "Basic " + base64.b64encode(b"a:b").decode()
    assert creds.header("https://third.example/x") is None
    # two indexes on one host, each with its own token (GitLab: one index per project)
    creds.add_url("https://a:one@git.example/api/projects/1/pypi/simple")
    creds.add_url("https://a:two@git.example/api/projects/2/pypi/simple")
    one, two = (f"Basic {base64.b64encode(t).decode()}" for t in (b"a:one", b"a:two"))
    assert creds.header("https://git.example/api/projects/2/pypi/simple/x/") == two
    assert creds.header("https://git.example/api/projects/2/pypi/files/x.whl") == two
    assert creds.header("https://git.example/api/projects/1/pypi/files/x.whl") == one
    assert creds.header("https://git.example/elsewhere/x.whl") == one  # the first given


# --- the same answer as uv ------------------------------------------------------------------


@pytest.mark.parametrize(("requirements", "expected"), [
    # the big wheel's METADATA read by range requests; yanked and Requires-Python skipped
    ("alpha\n", {"alpha": "1.0", "beta": "2.0", "gamma": "1.1"}),
    # an sdist's static PKG-INFO
    ("alpha\nbeta<2\n", {"alpha": "1.0", "beta": "1.0", "gamma": "1.1"}),
    # a yanked release pinned exactly
    ("alpha==2.0\ngamma<1.1\n", {"alpha": "2.0", "beta": "2.0", "gamma": "1.0"}),
])
def test_same_pins_as_uv_on_an_html_index(
    requirements: str, expected: dict[str, str], html_index: FakePyPI, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Done when: `mach-nix resolve --index-url ... --format pins` against an HTML-only index
    without metadata files pins what `uv pip compile` pins against the same index."""
    uv = pytest.importorskip("uv", reason="uv (from PyPI, in the test extra) runs the check")
    req = write(tmp_path / "requirements.txt", requirements)
    index_url = f"{html_index.url}/simple/"
    code, ours, err = resolve(["resolve", "--index-url", index_url, "-r", str(req), "--format",
                               "pins", "--cache-dir", str(tmp_path / "cache"), *TARGET_ARGS],
                              capsys)
    assert code == 0, err
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UV_", "PIP_"))
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", UV_PYTHON_DOWNLOADS="never",
               UV_NO_PROGRESS="1")
    python_version = f"{sys.version_info.major}.{sys.version_info.minor}"
    result = subprocess.run(
        [uv.find_uv_bin(), "pip", "compile", str(req), "--index-url", index_url,
         "--python", sys.executable, "--python-version", python_version,
         "--no-header", "--no-annotate", "--no-config", "--color", "never",
         "--cache-dir", str(tmp_path / "uv-cache")],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    theirs = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert pins_of(ours) == pins_of("\n".join(theirs))
    assert pins_of(ours) == expected


# --- `mach-nix index` from a private index -------------------------------------------------


def test_crawl_a_private_html_index_into_a_pinned_index(
    private_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = private_index.url.replace("://", f"://user:{TOKEN}@") + "/simple/"
    out = tmp_path / "index"
    code, _, err = resolve(["index", "--out", str(out), "--index-url", url, "-q", "alpha"],
                           capsys)
    assert code == 0, err
    meta = json.loads((out / "index.json").read_text())
    assert meta["source"] == f"{private_index.url}/simple" and meta["api"] == "simple"
    # nothing announced: no .metadata asked for; the big wheel read by ranges
    assert not [p for p in private_index.hits if p.endswith(".metadata")]
    wheel = "/files/beta/beta-2.0-py3-none-any.whl"
    assert 0 < private_index.served[wheel] < len(private_index.routes[wheel]) / 4
    assert_nowhere([out], err)
    # the pinned index resolves as the index itself does online
    offline = resolution(tmp_path, "alpha\n", "--index", str(out), capsys=capsys)
    online = resolution(tmp_path, "alpha\n", "--index-url", url, capsys=capsys)
    assert versions(offline) == versions(online) == {"alpha": "1.0", "beta": "2.0",
                                                     "gamma": "1.1"}
    assert {n: p["file"] for n, p in offline.items()} == {
        n: {k: v for k, v in p["file"].items() if k != "index"}  # type: ignore[attr-defined]
        for n, p in online.items()}
    # a refresh reads the recorded index again; the credentials come from netrc then
    monkeypatch.setenv("NETRC", str(write(
        tmp_path / "netrc", f"machine 127.0.0.1 login user password {TOKEN}\n")))
    code, _, err = resolve(["index", "update", str(out), "-q"], capsys)
    assert code == 0, err
    assert json.loads((out / "index.json").read_text())["source"] == meta["source"]


def test_an_unreadable_netrc_is_a_warning(
    html_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NETRC", str(write(tmp_path / "netrc", f"machine\nsecret {TOKEN}\n")))
    req = write(tmp_path / "requirements.txt", "gamma\n")
    code, out, err = resolve(["resolve", "-r", str(req), "--index-url", f"{html_index.url}/simple",
                              "--cache-dir", str(tmp_path / "c"), "--format", "pins",
                              *TARGET_ARGS], capsys)
    assert code == 0 and pins_of(out) == {"gamma": "1.1"}
    assert f"warning: the netrc file {tmp_path / 'netrc'}, line" in err
    assert TOKEN not in err


def test_crawl_several_indexes_first_index(
    two_indexes: tuple[FakePyPI, FakePyPI], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = two_indexes
    out = tmp_path / "index"
    code, _, err = resolve(["index", "--out", str(out), "--index-url", f"{public.url}/simple",
                            "--extra-index-url", f"{private.url}/simple", "-q", "corp"], capsys)
    assert code == 0, err
    corp = Index(out).project("corp")
    assert corp is not None and [r.version for r in corp.releases] == ["1.0"]  # not 9.0
    assert public.hits["/simple/corp/"] == 0
    assert Index(out).project("gamma") is not None  # from the public index
    assert json.loads((out / "index.json").read_text())["source"] == (
        f"{private.url}/simple {public.url}/simple")


def test_pip_find_links_environment_is_not_read(
    html_index: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "gamma-9.0-py3-none-any.whl").write_bytes(
        make_wheel("gamma", "9.0", metadata_text("gamma", "9.0")))
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    packages = resolution(tmp_path, "gamma\n", "--index-url", f"{html_index.url}/simple",
                          capsys=capsys)
    assert versions(packages) == {"gamma": "1.1"}


# --- Nix: a requirements text with credentials never reaches the store -----------------------


@nixutil.requires_nix
@pytest.mark.parametrize(("text", "refused"), [
    (f"--extra-index-url https://user:{TOKEN}@pypi.example/simple\nsix\n", True),
    (f"-i https://{TOKEN}@pypi.example/simple\nsix\n", True),
    (f"pkg @ git+https://user:{TOKEN}@git.example/pkg.git@v1\n", True),
    (f"pkg @ git+ssh://git:{TOKEN}@git.example/pkg.git@v1\n", True),
    ("pkg @ git+ssh://git@git.example/pkg.git@v1\n", False),  # a user name, no secret
    ("--extra-index-url https://pypi.example/simple\nsix\n", False),
])
def test_nix_refuses_requirements_with_credentials(text: str, refused: bool) -> None:
    root = Path(__file__).resolve().parent.parent
    expr = (f"let pkgs = import {root}/tests/nixpkgs-double {{ }}; m = import {root} "
            f"{{ inherit pkgs; }}; in (m.mkRequest {{ python = pkgs.python3; "
            f"requirements = builtins.fromJSON {json.dumps(json.dumps(text))}; }}).requirements")
    if refused:
        err = nixutil.nix_eval_error(expr)
        assert "URL with credentials in it" in err and "netrc" in err
        assert TOKEN not in err
    else:
        assert nixutil.nix_eval_json(expr) == text


def test_crawl_pypi_json_api_with_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve() as s:
        s.auth = ("user", TOKEN)
        s.add_wheel("gamma", "1.0", [])
        s.publish()
        out = tmp_path / "index"
        url = s.url.replace("://", f"://user:{TOKEN}@")
        code, _, err = resolve(["index", "--out", str(out), "--pypi-url", url, "-q", "gamma"],
                               capsys)
    assert code == 0, err
    assert json.loads((out / "index.json").read_text())["source"] == s.url
    assert_nowhere([out], err)
