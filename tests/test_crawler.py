"""`mach-nix index` against a fake PyPI on 127.0.0.1 that serves packages the tests build."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from mach_nix import crawler
from mach_nix.crawler import (
    ConsoleReporter,
    Progress,
    file_url,
    requirement_applies,
    select_releases,
)
from mach_nix.errors import NetworkError
from mach_nix.http import HttpClient, HTTPNotFound
from mach_nix.index import Index
from mach_nix.metadata import metadata_from_sdist, parse_core_metadata, requires_txt_to_requires_dist
from packaging.requirements import Requirement
from pypiserver import FakePyPI, make_sdist, metadata_text, serve


@pytest.fixture
def server() -> Iterator[FakePyPI]:
    with serve() as fake:
        yield fake


# --------------------------------------------------------------------------- the test universe

ALPHA_1 = ["beta>=1.0", 'gamma; extra == "fast"', 'ghost; extra == "haunted"']
ALPHA_2 = ["beta>=2", 'gamma; extra == "fast"', 'winonly; sys_platform == "win32"']
BETA_REQUIRES_TXT = 'delta>=1\n\n[socks]\nepsilon\n\n[:python_version < "3.8"]\nzeta\n'


@pytest.fixture
def pypi(server: FakePyPI) -> FakePyPI:
    s = server
    s.add_sdist("alpha", "0.9", {"PKG-INFO": metadata_text("alpha", "0.9", ["beta>=1.0"],
                                                           metadata_version="2.2")})
    s.add_wheel("alpha", "1.0", ALPHA_1)
    s.add_wheel("alpha", "1.5b1", ["beta"])
    s.add_wheel("alpha", "2.0", ALPHA_2, serve_metadata=False, announce=False, padding=1_000_000,
                requires_python=">=3.8")
    s.add_wheel("alpha", "3.0", ["beta"], yanked=True)
    s.add_wheel("alpha", "4.0rc1", ["beta"])
    s.add_sdist("beta", "1.0", {
        "PKG-INFO": metadata_text("beta", "1.0", metadata_version="1.2"),
        "beta.egg-info/PKG-INFO": metadata_text("beta", "1.0", metadata_version="1.2"),
        "beta.egg-info/requires.txt": BETA_REQUIRES_TXT,
    })
    s.add_wheel("beta", "2.0", ["delta>=1"], bad_announce=True)
    s.add_wheel("gamma", "1.0", ["delta"], relative=True)
    for leaf in ("delta", "epsilon", "zeta", "winonly"):
        s.add_wheel(leaf, "1.0")
    s.add_sdist("dyn", "1.0", {"PKG-INFO": metadata_text(
        "dyn", "1.0", ["delta"], metadata_version="2.2", dynamic=["Requires-Dist"])})
    s.publish()
    return s


def crawl(pypi: FakePyPI, out: Path, *args: str) -> int:
    return crawler.main(["--out", str(out), "--pypi-url", pypi.url, "--jobs", "4", *args])


def releases(out: Path, name: str) -> dict[str, Any]:
    project = Index(out).project(name)
    assert project is not None, name
    return {r.version: r for r in project.releases}


# --------------------------------------------------------------------------- crawls


def test_closure_follows_requested_extras_and_every_marker(
    pypi: FakePyPI, tmp_path: Path
) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha[fast]", "dyn") == 0
    index = Index(out)
    # beta's [socks] extra (epsilon) and alpha's [haunted] (ghost) are asked for by nobody;
    # the win32-only and python<3.8-only dependencies are in: the index is target-independent.
    assert sorted(index.names()) == ["alpha", "beta", "delta", "dyn", "gamma", "winonly", "zeta"]
    meta = json.loads((out / "index.json").read_text())
    assert meta["schemaVersion"] == 2 and meta["roots"] == ["alpha[fast]", "dyn"]
    assert meta["extras"] == "requested" and meta["maxReleases"] is None


def test_extras_all_follows_every_extra_and_skips_missing_projects(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha", "--extras", "all") == 0
    names = set(Index(out).names())
    assert {"epsilon", "gamma", "zeta", "winonly"} <= names and "ghost" not in names
    err = capsys.readouterr().err
    assert "ghost (required by alpha) is not on PyPI" in err
    assert "not on PyPI: ghost" in err


def test_requires_dist_from_each_source(pypi: FakePyPI, tmp_path: Path) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha[fast]", "dyn") == 0
    alpha = releases(out, "alpha")
    assert alpha["1.0"].requires_dist == tuple(ALPHA_1)  # PEP 658 .metadata
    assert alpha["2.0"].requires_dist == tuple(ALPHA_2)  # wheel METADATA by range requests
    assert alpha["2.0"].requires_python == ">=3.8"
    assert alpha["0.9"].requires_dist == ("beta>=1.0",)  # sdist PKG-INFO 2.2
    beta = releases(out, "beta")
    assert beta["1.0"].requires_dist == (  # sdist egg-info/requires.txt
        "delta>=1",
        'epsilon; extra == "socks"',
        'zeta; python_version < "3.8"',
    )
    # .metadata whose announced hash does not match: read from the wheel instead
    assert beta["2.0"].requires_dist == ("delta>=1",)
    assert releases(out, "dyn")["1.0"].requires_dist is None  # Dynamic: Requires-Dist
    assert releases(out, "delta")["1.0"].requires_dist == ()

    # the wheel fallback asked for .metadata once, then read ranges, not the whole wheel
    wheel = "/files/alpha/alpha-2.0-py3-none-any.whl"
    assert pypi.hits[wheel + ".metadata"] == 1
    assert 0 < pypi.served[wheel] <= 2 * 64 * 1024 < len(pypi.routes[wheel]) / 4


def test_files_yanked_and_urls(pypi: FakePyPI, tmp_path: Path) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha[fast]") == 0
    alpha = releases(out, "alpha")
    assert alpha["3.0"].yanked and alpha["3.0"].files[0].yanked
    assert not alpha["2.0"].yanked
    (f,) = alpha["2.0"].files
    body = pypi.routes["/files/alpha/alpha-2.0-py3-none-any.whl"]
    assert f.sha256 == hashlib.sha256(body).hexdigest()
    assert f.kind == "wheel" and f.tags == ("py3-none-any",)
    assert f.url == f"{pypi.url}/files/alpha/alpha-2.0-py3-none-any.whl"
    assert f.upload_time == "2024-01-02T03:04:05.000000Z"
    (sd,) = alpha["0.9"].files
    assert sd.kind == "sdist" and sd.tags == ()
    # a relative URL on the JSON page is resolved against the page
    (g,) = releases(out, "gamma")["1.0"].files
    assert g.url == f"{pypi.url}/files/gamma/gamma-1.0-py3-none-any.whl"


def test_max_releases(pypi: FakePyPI, tmp_path: Path) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha", "--max-releases", "1") == 0
    # newest final (2.0), the yanked 3.0 above it and the pre-release above the newest final;
    # 1.5b1 is older than the newest final, 1.0 and 0.9 are over the limit.
    assert sorted(releases(out, "alpha")) == ["2.0", "3.0", "4.0rc1"]
    assert pypi.hits["/files/alpha/alpha-0.9.tar.gz"] == 0  # sdists of dropped releases: untouched
    assert json.loads((out / "index.json").read_text())["maxReleases"] == 1


def test_retry_on_503_then_success(pypi: FakePyPI, tmp_path: Path) -> None:
    pypi.failures["/pypi/gamma/json"] = 1
    pypi.failures["/files/gamma/gamma-1.0-py3-none-any.whl.metadata"] = 1
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha[fast]") == 0
    assert pypi.hits["/pypi/gamma/json"] == 2
    assert releases(out, "gamma")["1.0"].requires_dist == ("delta",)


def test_persistent_failure_is_a_clear_error(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pypi.failures["/pypi/beta/json"] = -1
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha", "--retries", "1") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"mach-nix index: GET {pypi.url}/pypi/beta/json failed after 2 tries: HTTP 503" in err
    assert pypi.hits["/pypi/beta/json"] == 2
    assert not (out / "index.json").exists()


def test_unknown_root_is_an_error(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert crawl(pypi, tmp_path / "index", "nosuchthing") == 1
    err = capsys.readouterr().err
    assert "mach-nix index: nosuchthing is not on" in err and "404" in err
    assert "Traceback" not in err


def test_pypi_url_without_scheme_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert crawler.main(["--out", str(tmp_path), "--pypi-url", "pypi.org", "six"]) == 1
    err = capsys.readouterr().err
    assert "'pypi.org/pypi/six/json' is not an http(s) URL" in err and "Traceback" not in err


def test_two_runs_are_byte_identical_and_a_rerun_reuses(pypi: FakePyPI, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert crawl(pypi, a, "alpha[fast]", "dyn") == 0
    assert crawl(pypi, b, "alpha[fast]", "dyn", "--jobs", "1") == 0
    assert tree(a) == tree(b)
    before = sum(n for p, n in pypi.hits.items() if p.endswith(".metadata"))
    assert crawl(pypi, a, "alpha[fast]", "dyn") == 0
    assert tree(a) == tree(b)
    # every release whose metadata was known was reused, not fetched again
    assert sum(n for p, n in pypi.hits.items() if p.endswith(".metadata")) == before


def test_refresh_prune_and_recorded_roots(pypi: FakePyPI, tmp_path: Path) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha[fast]", "--max-releases", "2") == 0
    first = tree(out)
    assert crawl(pypi, out) == 0  # no requirements: the recorded roots and options
    assert tree(out) == first
    assert crawl(pypi, out, "delta") == 0  # a new set of roots replaces the old closure
    assert sorted(Index(out).names()) == ["delta"]
    assert crawl(pypi, out, "gamma", "--no-prune", "--no-deps") == 0
    assert sorted(Index(out).names()) == ["delta", "gamma"]


def test_requirements_file(pypi: FakePyPI, tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("# a comment\n\nalpha[fast] >= 1.0  # pinned later\ndyn\n")
    out = tmp_path / "index"
    assert crawl(pypi, out, "-r", str(req)) == 0
    assert {"alpha", "gamma", "dyn"} <= set(Index(out).names())


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- update, resume

RESOLVER = Path(__file__).resolve().parent.parent / "resolver"


def update(pypi: FakePyPI, out: Path, *args: str) -> int:
    # no --pypi-url: `update` takes the recorded one
    return crawler.main(["update", str(out), "--jobs", "4", *args])


def fetched(pypi: FakePyPI) -> Counter[str]:
    """Successful answers so far for files and metadata (not JSON pages), per path."""
    return Counter({p: n for p, n in pypi.ok.items() if not p.startswith("/pypi/")})


def journal_entries(out: Path) -> list[dict[str, Any]]:
    lines = (out / crawler.JOURNAL_NAME).read_bytes().splitlines()
    return [json.loads(line) for line in lines[1:]]


def add_second_releases(pypi: FakePyPI) -> None:
    """What PyPI gains between two crawls: a release needing a new project, and a release of a
    dependency."""
    pypi.add_wheel("alpha", "5.0", ["beta>=2", "eta"])
    pypi.add_wheel("eta", "1.0", ["delta"])
    pypi.add_wheel("beta", "3.0", ["delta>=1"])
    pypi.publish()


def test_update_fetches_only_new_releases_and_removes_nothing(
    pypi: FakePyPI, tmp_path: Path
) -> None:
    out = tmp_path / "index"
    assert crawl(pypi, out, "alpha[fast]") == 0
    meta_before = (out / "index.json").read_bytes()
    before = {name: releases(out, name) for name in Index(out).names()}
    add_second_releases(pypi)
    got = fetched(pypi)
    assert update(pypi, out) == 0
    assert (out / "index.json").read_bytes() == meta_before  # same roots and options
    assert "5.0" in releases(out, "alpha") and "3.0" in releases(out, "beta")
    assert releases(out, "eta")["1.0"].requires_dist == ("delta",)
    # every project file still holds every release it held (same files, same metadata)
    assert len(before) == 6
    for name, old in before.items():
        new = releases(out, name)
        assert {v: new[v] for v in old} == old
    assert fetched(pypi) - got == Counter({
        "/files/alpha/alpha-5.0-py3-none-any.whl.metadata": 1,
        "/files/beta/beta-3.0-py3-none-any.whl.metadata": 1,
        "/files/eta/eta-1.0-py3-none-any.whl.metadata": 1,
    })
    assert not (out / crawler.JOURNAL_NAME).exists()
    # the same as building from scratch now
    fresh = tmp_path / "fresh"
    assert crawl(pypi, fresh, "alpha[fast]") == 0
    assert tree(fresh) == tree(out)


def test_update_command_line(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert crawler.main(["update", str(tmp_path / "nothing")]) == 1
    assert "holds no interrupted crawl to continue" in capsys.readouterr().err
    assert crawler.main(["update", str(tmp_path), "alpha"]) == 1
    assert "takes one index directory and no requirements" in capsys.readouterr().err
    assert crawler.main(["alpha"]) == 1
    assert "Give --out DIR" in capsys.readouterr().err
    # with --out, `update` is a requirement like any other
    out = tmp_path / "index"
    assert crawl(pypi, out, "update") == 1
    assert "update is not on" in capsys.readouterr().err
    # options given to update override the recorded ones, and are recorded
    assert crawl(pypi, out, "alpha") == 0
    assert update(pypi, out, "--max-releases", "1") == 0
    assert json.loads((out / "index.json").read_text())["maxReleases"] == 1
    assert sorted(releases(out, "alpha")) == ["2.0", "3.0", "4.0rc1"]


def test_failed_crawl_resumes_where_it_stopped(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = tmp_path / "reference"
    assert crawl(pypi, reference, "alpha[fast]", "dyn") == 0
    needed = set(fetched(pypi))
    pypi.ok.clear()

    # delta is the last project reached (through beta and gamma): everything else is done
    # when its metadata fails for good
    out = tmp_path / "index"
    pypi.failures["/files/delta/delta-1.0-py3-none-any.whl.metadata"] = -1
    assert crawl(pypi, out, "alpha[fast]", "dyn", "--retries", "0", "--jobs", "1") == 1
    err = capsys.readouterr().err
    assert f"`mach-nix index update {out}` continues from there" in err
    assert not (out / "index.json").exists()  # written last
    written = list((out / "projects").rglob("*.jsonl"))
    assert written  # the projects finished before the failure
    for path in written:
        assert json.loads(path.read_bytes().splitlines()[0])["schemaVersion"] == 2
    journaled = {(e["m"], e["v"]) for e in journal_entries(out) if "m" in e}
    assert ("alpha", "2.0") in journaled and ("delta", "1.0") not in journaled
    first = fetched(pypi)

    del pypi.failures["/files/delta/delta-1.0-py3-none-any.whl.metadata"]
    pages = pypi.ok.copy()
    assert update(pypi, out) == 0
    assert "taken from the interrupted crawl" in capsys.readouterr().err
    # alpha was complete before the failure: kept as written, its page not fetched again
    assert pypi.ok["/pypi/alpha/json"] == pages["/pypi/alpha/json"]
    assert tree(out) == tree(reference)
    resumed = fetched(pypi) - first
    # only what was missing was fetched again: nothing the first run had (even what its workers
    # fetched after delta failed), and together exactly what one uninterrupted crawl fetches
    assert "/files/delta/delta-1.0-py3-none-any.whl.metadata" in resumed
    assert not set(resumed) & set(first)
    assert set(first) | set(resumed) == needed


def test_torn_journal_line_and_a_second_crawl(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "index"
    pypi.failures["/files/delta/delta-1.0-py3-none-any.whl.metadata"] = -1
    assert crawl(pypi, out, "alpha[fast]", "--retries", "0", "--jobs", "1") == 1
    del pypi.failures["/files/delta/delta-1.0-py3-none-any.whl.metadata"]
    with (out / crawler.JOURNAL_NAME).open("ab") as f:
        f.write(b'{"m":"gamma","v":"1.0","f":"')  # killed in the middle of a line
    # while one crawl holds DIR, another refuses to start
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert update(pypi, out) == 1
        assert "another `mach-nix index` is writing" in capsys.readouterr().err
    finally:
        os.close(fd)
    assert update(pypi, out) == 0
    assert "taken from the interrupted crawl" in capsys.readouterr().err
    assert releases(out, "gamma")["1.0"].requires_dist == ("delta",)
    assert not (out / crawler.JOURNAL_NAME).exists()


def test_resumed_refresh_redoes_projects_written_without_refresh(
    pypi: FakePyPI, tmp_path: Path
) -> None:
    out = tmp_path / "index"
    pypi.failures["/files/delta/delta-1.0-py3-none-any.whl.metadata"] = -1
    assert crawl(pypi, out, "alpha[fast]", "--retries", "0", "--jobs", "1") == 1
    del pypi.failures["/files/delta/delta-1.0-py3-none-any.whl.metadata"]
    first = fetched(pypi)
    pages = pypi.ok["/pypi/alpha/json"]
    assert update(pypi, out, "--refresh") == 0
    assert pypi.ok["/pypi/alpha/json"] == pages + 1  # written before without --refresh: redone
    # ... but what the interrupted crawl fetched is fresh: not fetched again
    assert not set(fetched(pypi) - first) & set(first)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_killed_update_leaves_a_valid_index_and_resumes(
    pypi: FakePyPI, tmp_path: Path, how: str
) -> None:
    out, twin = tmp_path / "index", tmp_path / "twin"
    assert crawl(pypi, out, "alpha[fast]") == 0
    shutil.copytree(out, twin)
    old = tree(out)
    add_second_releases(pypi)
    stalled = "/files/beta/beta-3.0-py3-none-any.whl.metadata"
    pypi.stalls.add(stalled)

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(RESOLVER), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mach_nix.crawler", "update", str(out), "--jobs", "4",
         "--timeout", "5", "--retries", "0"],
        env=env, stderr=subprocess.PIPE, text=True,
    )
    try:
        # wait until the new project eta is written (its journal line comes after the file)
        # and the stalled download has started: the workers reach them in either order
        deadline = time.monotonic() + 30
        while not ({"d": "eta"} in _entries_or_none(out) and pypi.hits[stalled] == 1) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert {"d": "eta"} in _entries_or_none(out)
        assert pypi.hits[stalled] == 1
        proc.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    pypi.stalls.clear()
    pypi.unstall.set()
    if how == "SIGINT":
        assert proc.returncode == 130
        assert f"`mach-nix index update {out}` continues from there" in stderr
        assert "Traceback" not in stderr

    # valid meanwhile: the old index.json, and each project file the old one or a new one
    assert (out / "index.json").read_bytes() == old["index.json"]
    index = Index(out)
    for name in index.names():
        assert index.project(name) is not None
    assert "5.0" in releases(out, "alpha") or (out / "projects/al/alpha.jsonl").read_bytes() == (
        old["projects/al/alpha.jsonl"])
    assert "3.0" not in releases(out, "beta")  # its metadata never came
    journaled = {(e["m"], e["v"]) for e in journal_entries(out) if "m" in e}
    assert ("eta", "1.0") in journaled

    got = fetched(pypi)
    assert update(pypi, out) == 0
    resumed = fetched(pypi) - got
    assert "/files/beta/beta-3.0-py3-none-any.whl.metadata" in resumed
    assert "/files/eta/eta-1.0-py3-none-any.whl.metadata" not in resumed
    for name, version in journaled:
        assert not any(f"/{name}-{version}" in p for p in resumed)

    assert update(pypi, twin) == 0  # the same update, never interrupted
    assert tree(out) == tree(twin)


def _entries_or_none(out: Path) -> list[dict[str, Any]]:
    try:
        return journal_entries(out)
    except (OSError, ValueError):
        return []


# --------------------------------------------------------------------------- http client


def test_http_client(server: FakePyPI) -> None:
    server.routes["/x"] = bytes(range(256))
    server.failures["/flaky"] = 2
    server.routes["/flaky"] = b"ok"
    retried: list[str] = []
    client = HttpClient(retries=2, backoff=0.01, on_retry=lambda u, r, d: retried.append(r))
    assert client.get(f"{server.url}/flaky").body == b"ok"
    assert retried == ["HTTP 503 Service Unavailable"] * 2
    r = client.get_range(f"{server.url}/x", 10, 19)
    assert r.status == 206 and r.body == bytes(range(10, 20)) and r.content_range() == (10, 19, 256)
    r = client.get_range(f"{server.url}/x", -6)
    assert r.body == bytes(range(250, 256)) and r.content_range() == (250, 255, 256)
    with pytest.raises(HTTPNotFound):
        client.get(f"{server.url}/missing")
    assert server.hits["/missing"] == 1  # a 404 is an answer, not retried
    server.failures["/down"] = -1
    with pytest.raises(NetworkError, match=r"/down failed after 3 tries: HTTP 503"):
        client.get(f"{server.url}/down")


def test_http_client_connection_refused() -> None:
    client = HttpClient(retries=1, backoff=0.01, timeout=2)
    with pytest.raises(NetworkError, match=r"http://127\.0\.0\.1:9/x failed after 2 tries"):
        client.get("http://127.0.0.1:9/x")


# --------------------------------------------------------------------------- pure parts


def test_parse_core_metadata_reads_headers_only() -> None:
    text = (
        "Metadata-Version: 2.2\nName: x\nVersion: 1\nDynamic: requires-dist\n"
        "Requires-Dist: a (>=1.0)\nRequires-Dist: b;\n extra == 'c'\nRequires-Python: >=3.8\n"
        "\nbody\nRequires-Dist: nope\n"
    )
    md = parse_core_metadata(text.encode())
    assert md.requires_dist == ("a (>=1.0)", "b; extra == 'c'")
    assert md.requires_python == ">=3.8" and md.metadata_version == "2.2"
    assert not md.static_requires_dist  # declared dynamic
    assert parse_core_metadata(b"Metadata-Version: 2.3\n\n").static_requires_dist
    assert not parse_core_metadata(b"Metadata-Version: 2.1\n\n").static_requires_dist


def test_requires_txt_sections() -> None:
    text = (
        "a>=1\nb; python_version < '3'\n\n[x]\nc\n\n[:sys_platform == \"win32\"]\nd\n\n"
        "[y:python_version >= \"3.8\"]\ne[z]>=2\n"
    )
    assert requires_txt_to_requires_dist(text) == [
        "a>=1",
        "b; python_version < '3'",
        'c; extra == "x"',
        'd; sys_platform == "win32"',
        'e[z]>=2; (python_version >= "3.8") and (extra == "y")',
    ]
    for line in requires_txt_to_requires_dist(text):
        Requirement(line)  # every line is valid PEP 508


def test_sdist_metadata_rules() -> None:
    def sd(members: dict[str, str]) -> tuple[tuple[str, ...] | None, str]:
        m = metadata_from_sdist("p-1.tar.gz", make_sdist("p", "1", members))
        return m.requires_dist, m.source

    pkg21 = metadata_text("p", "1", ["q"], metadata_version="2.1")
    assert sd({"PKG-INFO": metadata_text("p", "1", metadata_version="2.2")}) == ((), "pkg-info")
    # an egg-info without requires.txt: setuptools writes none when nothing is required
    assert sd({"PKG-INFO": pkg21, "p.egg-info/PKG-INFO": pkg21}) == ((), "egg-info")
    assert sd({"PKG-INFO": pkg21, "src/p.egg-info/requires.txt": "r\n"}) == (("r",), "requires.txt")
    # no egg-info, static Requires-Dist in an older PKG-INFO (flit, poetry, hatch)
    assert sd({"PKG-INFO": pkg21}) == (("q",), "pkg-info-static")
    assert sd({"PKG-INFO": metadata_text("p", "1", metadata_version="1.0")}) == (None, "none")


def test_requirement_applies_per_extra() -> None:
    def applies(line: str, extras: Sequence[str] | None) -> bool:
        return requirement_applies(Requirement(line), extras)

    assert applies('a; sys_platform == "win32"', [])
    assert not applies('a; extra == "x"', [])
    assert applies('a; extra == "x"', ["x"])
    assert applies('a; extra == "X_"', ["x-"])  # extras compare normalized
    assert applies('a; extra == "x"', None)  # None: every extra
    assert not applies('a; python_version < "3" and extra == "x"', ["y"])
    assert applies('a; (python_version < "3" or extra == "x") and os_name == "nt"', [])
    assert applies('a; extra != "x"', [])


def test_file_url_canonical_for_pypi() -> None:
    b2 = "58a2bb081bab032533a855d44de1d56f8e8426114ff1ba5d1f07a438a0a654f8"
    entry = {
        "filename": "idna-3.20-py3-none-any.whl",
        "url": f"../../packages/packages/58/a2/{b2[4:]}/idna-3.20-py3-none-any.whl",
        "digests": {"blake2b_256": b2},
    }
    page = "https://pypi.org/pypi/idna/json"
    assert file_url(entry, page, warehouse=True) == (
        f"https://files.pythonhosted.org/packages/58/a2/{b2[4:]}/idna-3.20-py3-none-any.whl"
    )
    assert file_url(entry, page, warehouse=False) == (
        f"https://pypi.org/packages/packages/58/a2/{b2[4:]}/idna-3.20-py3-none-any.whl"
    )
    other = {**entry, "url": "https://mirror.example/x/idna-3.20-py3-none-any.whl"}
    assert file_url(other, page, warehouse=True) == other["url"]


def test_select_releases_skips_unusable() -> None:
    def f(filename: str, packagetype: str, yanked: bool = False) -> dict[str, Any]:
        return {"filename": filename, "url": f"https://x/{filename}", "packagetype": packagetype,
                "digests": {"sha256": "0" * 64}, "yanked": yanked}

    page = {
        "1.0": [f("p-1.0-py2.7.egg", "bdist_egg")],  # eggs only: dropped
        "1.1": [f("p-1.1.tar.gz", "sdist")],
        "1.2": [],  # no files
        "banana": [f("p-banana.tar.gz", "sdist")],  # not PEP 440
        "2.0": [f("p-2.0-py3-none-any.whl", "bdist_wheel", yanked=True)],
    }
    assert [c.version for c in select_releases(page, None)] == ["2.0", "1.1"]
    # a yanked release does not count towards the limit, but is kept above the oldest kept one
    assert [c.version for c in select_releases(page, 1)] == ["2.0", "1.1"]


def test_console_reporter() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    p = Progress(projects_done=1, projects_known=2, metadata_done=3, metadata_total=4)
    tty = Tty()
    r = ConsoleReporter(tty)
    r.progress(p)
    r.warning("w")
    r.finish("done")
    assert tty.getvalue() == "\r\x1b[Kprojects 1/2, metadata 3/4\r\x1b[Kwarning: w\ndone\n"
    plain = io.StringIO()
    r = ConsoleReporter(plain, interval=3600)
    r.progress(p)
    r.progress(p)  # within the interval: not repeated
    assert plain.getvalue() == "projects 1/2, metadata 3/4\n"
