"""The online resolver (`mach-nix resolve` without --index) and `mach-nix lock`, against the fake
PyPI of tests/pypiserver.py on 127.0.0.1: the PEP 691 simple API, `.metadata` files, wheels read
by range requests, sdists; the persistent cache; network failures."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from mach_nix import crawler, online
from mach_nix.cache import Cache, CachedPage, CachedRelease
from mach_nix.cli import main
from mach_nix.errors import NetworkError, OfflineError, ResolutionError, UnknownPackageError
from mach_nix.formats import Resolution, dump_resolution
from mach_nix.http import HttpClient
from mach_nix.index import Index
from mach_nix.online import SimpleSource, parse_project_page
from mach_nix.requirements import parse_requirement_set
from mach_nix.resolve import resolve_requirements
from mach_nix.target import Libc, Target
from pypiserver import FakePyPI, metadata_text, serve

TARGET = Target("x86_64-linux", "cpython", "3.11.2", Libc("glibc", "2.36"))
TARGET_ARGS = ["--python", "3.11.2", "--platform", "x86_64-linux", "--glibc", "2.36"]
TAGS = frozenset(str(t) for t in TARGET.supported_tags())


pytestmark = pytest.mark.usefixtures("no_pip_settings")  # tests/conftest.py


@pytest.fixture
def pypi() -> Iterator[FakePyPI]:
    """A small PyPI: every way of getting at a release's dependencies, and enough versions to
    see which ones were looked at."""
    with serve() as s:
        s.add_wheel("app", "1.0", ["lib>=1"])
        s.add_wheel("app", "2.0", ["lib>=2", 'speed; extra == "fast"', "old"], announce=False)
        s.add_wheel("app", "3.0rc1", ["lib>=3"])
        s.add_wheel("lib", "1.0", [])
        s.add_wheel("lib", "2.0", ["eggy"])
        # no .metadata file: read from the wheel by range requests
        s.add_wheel("lib", "2.1", ["eggy>=1"], serve_metadata=False, announce=False,
                    padding=1_000_000)
        s.add_wheel("lib", "3.0", [], requires_python=">=3.99")
        s.add_wheel("speed", "1.0", [], yanked=True)
        s.add_wheel("speed", "0.9", [])
        # sdist only: static metadata (2.2), egg-info requires.txt, and dynamic (unusable)
        s.add_sdist("old", "1.0", {"PKG-INFO": metadata_text(
            "old", "1.0", ["eggy"], metadata_version="2.2")})
        s.add_sdist("eggy", "1.0", {
            "PKG-INFO": metadata_text("eggy", "1.0", metadata_version="1.2"),
            "eggy.egg-info/PKG-INFO": metadata_text("eggy", "1.0", metadata_version="1.2"),
            "eggy.egg-info/requires.txt": 'leaf\n\n[:python_version < "3"]\nnever\n',
        })
        s.add_sdist("dyn", "1.0", {"PKG-INFO": metadata_text(
            "dyn", "1.0", ["leaf"], metadata_version="2.2", dynamic=["Requires-Dist"])})
        s.add_wheel("dyn", "0.5", ["leaf"])
        s.add_wheel("leaf", "1.0", [])
        for i in range(1, 11):
            s.add_wheel("many", f"{i}.0", ["leaf"])
        # backtracking: bta 2.0 and btb cannot agree on btc
        s.add_wheel("bta", "1.0", ["btc<2", "leaf"])
        s.add_wheel("bta", "2.0", ["btc>=3", "many>=9"])
        s.add_wheel("btb", "1.0", ["btc<3", "leaf"])
        for v in ("1.0", "2.0", "3.0"):
            s.add_wheel("btc", v, ["leaf"])
        s.publish()
        yield s


def resolve_online(pypi: FakePyPI, text: str, cache: Path, **kwargs: object) -> Resolution:
    with source(pypi, cache, **kwargs) as src:
        return resolve_requirements(parse_requirement_set(text), index=src, target=TARGET)


def source(pypi: FakePyPI, cache: Path, **kwargs: object) -> SimpleSource:
    client = HttpClient(retries=2, backoff=0.01, timeout=10)
    kwargs.setdefault("tags", TAGS)  # as the command line does
    kwargs.setdefault("probe_metadata", True)  # as on PyPI, which this fake stands for
    return SimpleSource(f"{pypi.url}/simple", cache=Cache(cache), client=client,
                        **kwargs)  # type: ignore[arg-type]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def online_args(pypi: FakePyPI, cache: Path) -> list[str]:
    return ["--index-url", f"{pypi.url}/simple", "--cache-dir", str(cache), *TARGET_ARGS]


def without_index(r: Resolution) -> Resolution:
    """The resolution without the files' `index` (which a pinned index does not record)."""
    return replace(r, packages={n: replace(p, file=replace(p.file, index=None))
                                for n, p in r.packages.items()})


def pins(r: Resolution) -> dict[str, str]:
    return {name: p.version for name, p in r.packages.items()}


# --- resolving online ---------------------------------------------------------------------


@pytest.mark.parametrize("tags", [TAGS, None], ids=["target-wheels", "all-wheels"])
def test_online_equals_offline_on_the_same_data(
    pypi: FakePyPI, tmp_path: Path, tags: frozenset[str] | None
) -> None:
    text = "app[fast]\nmany<5\n"
    online = resolve_online(pypi, text, tmp_path / "cache", tags=tags)
    assert pins(online) == {"app": "2.0", "lib": "2.1", "speed": "0.9", "old": "1.0",
                            "eggy": "1.0", "leaf": "1.0", "many": "4.0"}
    # an index of the same data, built by `mach-nix index` from the JSON API
    assert crawler.main(["--out", str(tmp_path / "index"), "--pypi-url", pypi.url, "-q",
                         "app[fast]", "many"]) == 0
    offline = resolve_requirements(parse_requirement_set(text), index=Index(tmp_path / "index"),
                                   target=TARGET)
    # the same, but for where each file was found (recorded online only)
    assert {p.file.index for p in online.packages.values()} == {f"{pypi.url}/simple"}
    assert all(p.file.index is None for p in offline.packages.values())
    assert dump_resolution(without_index(online)) == dump_resolution(offline)
    assert online.packages["old"].provider == "sdist"
    assert online.packages["lib"].file.url == f"{pypi.url}/files/lib/lib-2.1-py3-none-any.whl"


def test_only_the_metadata_of_tried_releases_is_fetched(pypi: FakePyPI, tmp_path: Path) -> None:
    r = resolve_online(pypi, "many<5\n", tmp_path / "cache")
    assert pins(r) == {"many": "4.0", "leaf": "1.0"}
    fetched = sorted(pypi.metadata_hits())
    assert fetched == ["/files/leaf/leaf-1.0-py3-none-any.whl.metadata",
                       "/files/many/many-4.0-py3-none-any.whl.metadata"]
    assert pypi.simple_hits() == 2


@pytest.mark.parametrize("text", ["app[fast]\nmany<5\n", "bta\nbtb\n", "dyn\napp\n",
                                  "lib[x]\nlib==2.0\n"])
def test_downloading_ahead_fetches_nothing_the_resolver_does_not_try(
    pypi: FakePyPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    def files_hit() -> set[str]:
        return {p for p in pypi.metadata_hits() if pypi.hits[p]}

    with monkeypatch.context() as m:  # one release at a time, as the resolver asks
        m.setattr(SimpleSource, "prefetch_metadata", lambda *a: None)
        m.setattr(SimpleSource, "prefetch", lambda *a: None)
        lazy = resolve_online(pypi, text, tmp_path / "lazy")
    expected = files_hit()
    pypi.hits.clear()
    ahead = resolve_online(pypi, text, tmp_path / "ahead")
    assert dump_resolution(ahead) == dump_resolution(lazy)
    assert files_hit() == expected


def test_unusable_releases_are_skipped_while_trying(pypi: FakePyPI, tmp_path: Path) -> None:
    # dyn 1.0 has only an sdist with dynamic Requires-Dist: tried, found unusable, skipped
    r = resolve_online(pypi, "dyn\n", tmp_path / "cache")
    assert pins(r) == {"dyn": "0.5", "leaf": "1.0"}
    assert pypi.hits["/files/dyn/dyn-1.0.tar.gz"] == 1
    from mach_nix.errors import ResolutionError

    with pytest.raises(ResolutionError) as e:
        resolve_online(pypi, "dyn==1.0\n", tmp_path / "cache")
    assert "1.0: its dependencies cannot be known without building it" in str(e.value)


def test_metadata_sources(pypi: FakePyPI, tmp_path: Path) -> None:
    r = resolve_online(pypi, "app[fast]\n", tmp_path / "cache")
    assert r.packages["app"].dependencies == ("lib", "old", "speed")
    # not announced on the page, fetched all the same
    assert pypi.hits["/files/app/app-2.0-py3-none-any.whl.metadata"] == 1
    assert pypi.ok["/files/app/app-2.0-py3-none-any.whl"] == 0
    # no .metadata: the wheel's METADATA by range requests, not the whole wheel
    wheel = "/files/lib/lib-2.1-py3-none-any.whl"
    assert pypi.hits[wheel + ".metadata"] == 1
    assert 0 < pypi.served[wheel] <= 2 * 64 * 1024 < len(pypi.routes[wheel]) / 4
    assert r.packages["lib"].dependencies == ("eggy",)
    # sdists: static PKG-INFO, then egg-info requires.txt with a section marker
    assert r.packages["old"].dependencies == ("eggy",)
    assert r.packages["eggy"].dependencies == ("leaf",)


def test_requires_python_and_yanked(pypi: FakePyPI, tmp_path: Path) -> None:
    r = resolve_online(pypi, "lib\nspeed\n", tmp_path / "cache")
    assert pins(r)["lib"] == "2.1"  # 3.0 needs Python >= 3.99 (said by its file: not fetched)
    assert pypi.hits["/files/lib/lib-3.0-py3-none-any.whl.metadata"] == 0
    assert pins(r)["speed"] == "0.9"  # 1.0 is yanked
    assert pins(resolve_online(pypi, "speed==1.0\n", tmp_path / "cache"))["speed"] == "1.0"


def test_unknown_project(pypi: FakePyPI, tmp_path: Path) -> None:
    with pytest.raises(UnknownPackageError) as e:
        resolve_online(pypi, "nosuch\n", tmp_path / "cache")
    msg = str(e.value)
    assert f"{pypi.url}/simple has no project named nosuch" in msg
    assert f"{pypi.url}/simple/nosuch/ answers 404" in msg


def test_project_page_parsing() -> None:
    page = {
        "meta": {"api-version": "1.1"},
        "name": "Foo.Bar",
        "versions": ["1.0", "2.0rc1"],
        "files": [
            {"filename": "foo_bar-1.0-py2.py3-none-any.whl", "url": "../../f/foo_bar-1.0.whl",
             "hashes": {"sha256": "A" * 64}, "core-metadata": {"sha256": "b" * 64}},
            {"filename": "Foo.Bar-1.0.tar.gz", "url": "https://x/Foo.Bar-1.0.tar.gz",
             "hashes": {"sha256": "c" * 64}, "requires-python": ">=3.8", "yanked": "broken"},
            {"filename": "foo-bar-2.0rc1.zip", "url": "https://x/z", "hashes": {"sha256": "d" * 64},
             "dist-info-metadata": True},
            {"filename": "foo_bar-1.0-py2.7.egg", "url": "https://x/e", "hashes": {"sha256": "e" * 64}},
            {"filename": "other-1.0.tar.gz", "url": "https://x/o", "hashes": {"sha256": "f" * 64}},
            {"filename": "foo_bar-3.0.tar.gz", "url": "https://x/n", "hashes": {}},
        ],
    }
    # only the wheels a target can install, and those the metadata is read from, are kept
    many = {**page, "versions": ["1.0"], "files": [
        {"filename": f"foo_bar-1.0-cp311-cp311-{plat}.whl", "url": f"https://x/{plat}",
         "hashes": {"sha256": "0" * 64}}
        for plat in ("win_amd64", "macosx_11_0_arm64", "manylinux_2_17_x86_64", "musllinux_1_1_x86_64")]}
    kept, _ = parse_project_page("foo-bar", many, "https://idx/", TAGS)
    assert [f.filename.split("-")[-1] for f in kept.releases[0].files] == [
        "macosx_11_0_arm64.whl", "manylinux_2_17_x86_64.whl", "musllinux_1_1_x86_64.whl"]
    project, dists = parse_project_page("foo-bar", page, "https://idx/simple/foo-bar/")
    assert [r.version for r in project.releases] == ["1.0", "2.0rc1"]
    one = project.releases[0]
    assert [f.filename for f in one.files] == ["Foo.Bar-1.0.tar.gz",
                                              "foo_bar-1.0-py2.py3-none-any.whl"]
    sd, wh = one.files
    assert sd.kind == "sdist" and sd.yanked and sd.requires_python == ">=3.8"
    assert one.requires_python == ">=3.8" and one.requires_dist is None
    assert wh.tags == ("py2-none-any", "py3-none-any") and wh.sha256 == "a" * 64
    assert wh.url == "https://idx/f/foo_bar-1.0.whl"
    assert {d.file.filename: d.metadata_sha256 for d in dists["1.0"]} == {
        "foo_bar-1.0-py2.py3-none-any.whl": "b" * 64, "Foo.Bar-1.0.tar.gz": None}


# --- the cache ------------------------------------------------------------------------------


def test_second_run_makes_no_request(pypi: FakePyPI, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("app[fast]\nmany<5\n")
    argv = ["resolve", "-r", str(req), *online_args(pypi, tmp_path / "cache")]
    code, first, err = run(argv, capsys)
    assert code == 0, err
    before = sum(pypi.hits.values())
    assert before > 0
    code, second, err = run(argv, capsys)
    assert code == 0, err
    assert second == first
    assert sum(pypi.hits.values()) == before  # within max-age: nothing asked
    code, third, err = run([*argv, "--offline"], capsys)
    assert (code, third) == (0, first), err
    assert sum(pypi.hits.values()) == before


def test_offline_without_the_cache_is_a_clear_error(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("app\n")
    code, out, err = run(["resolve", "-r", str(req), "--offline",
                          *online_args(pypi, tmp_path / "empty")], capsys)
    assert code == 1 and out == ""
    assert err.startswith("mach-nix: error: --offline: the cache")
    assert "has no page of app" in err and "without --offline" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert sum(pypi.hits.values()) == 0
    # pages cached but not every needed metadata: named too
    resolve_online(pypi, "lib==1.0\n", tmp_path / "partial")
    with pytest.raises(OfflineError, match=r"no metadata of lib from lib-2\.1"):
        resolve_online(pypi, "lib\n", tmp_path / "partial", offline=True)


def test_stale_pages_are_revalidated(pypi: FakePyPI, tmp_path: Path) -> None:
    pypi.page_headers = {"Cache-Control": "max-age=0"}
    first = resolve_online(pypi, "app\n", tmp_path / "cache")
    pages, files = pypi.simple_hits(), sum(pypi.metadata_hits().values())
    second = resolve_online(pypi, "app\n", tmp_path / "cache")
    assert dump_resolution(second) == dump_resolution(first)
    assert pypi.simple_hits() == 2 * pages
    assert sum(pypi.not_modified.values()) == pages  # every page answered 304
    assert sum(pypi.metadata_hits().values()) == files  # metadata is never stale


def test_clock_max_age_and_refresh(pypi: FakePyPI, tmp_path: Path) -> None:
    now = [1000.0]
    resolve_online(pypi, "leaf\n", tmp_path / "cache", clock=lambda: now[0])
    assert pypi.simple_hits() == 1
    now[0] += 599
    resolve_online(pypi, "leaf\n", tmp_path / "cache", clock=lambda: now[0])
    assert pypi.simple_hits() == 1  # max-age=600
    now[0] += 2
    resolve_online(pypi, "leaf\n", tmp_path / "cache", clock=lambda: now[0])
    assert (pypi.simple_hits(), sum(pypi.not_modified.values())) == (2, 1)
    # --refresh: asked again at once, and metadata downloaded again
    resolve_online(pypi, "leaf\n", tmp_path / "cache", clock=lambda: now[0], refresh=True)
    assert pypi.simple_hits() == 3
    assert pypi.hits["/files/leaf/leaf-1.0-py3-none-any.whl.metadata"] == 2


def cached_page_files(cache: Path) -> dict[str, Path]:
    return {p.stem: p for p in cache.glob("simple-v2/*/*/*.jsonl")}


@pytest.mark.parametrize("simple_format", ["json", "html"])
def test_a_warm_run_reads_only_the_releases_it_looks_at(
    pypi: FakePyPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, simple_format: str
) -> None:
    pypi.simple_format = simple_format
    for i in range(11, 40):
        pypi.add_wheel("many", f"{i}.0", ["leaf"])
    pypi.publish()
    text = "app[fast]\nmany<5\n"
    cold = resolve_online(pypi, text, tmp_path / "cache")
    # a fresh cached page is never parsed as a page again: its first line says what
    # choosing needs, and only the releases looked at have their files read
    def no_page(*args: object, **kwargs: object) -> None:
        raise AssertionError("a whole page was parsed")

    monkeypatch.setattr(online, "page_releases", no_page)
    monkeypatch.setattr(online, "parse_simple_response", no_page)
    hits = sum(pypi.hits.values())
    with source(pypi, tmp_path / "cache") as src:
        warm = resolve_requirements(parse_requirement_set(text), index=src, target=TARGET)
        page = src._page_future("many").result()
        assert page is not None
        assert [r.version for r in page.releases if r.loaded] == ["4.0"]
    assert dump_resolution(warm) == dump_resolution(cold)
    assert sum(pypi.hits.values()) == hits
    offline = resolve_online(pypi, text, tmp_path / "cache", offline=True)
    assert dump_resolution(offline) == dump_resolution(cold)


def test_a_changed_page_replaces_the_cache_entry_and_a_304_keeps_it(
    pypi: FakePyPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pypi.page_headers = {"Cache-Control": "max-age=0"}  # revalidated on every run
    parsed: list[str] = []
    page_releases = online.page_releases

    def counted(name: str, page: Any) -> list[CachedRelease]:
        parsed.append(name)
        return page_releases(name, page)

    monkeypatch.setattr(online, "page_releases", counted)
    cache = tmp_path / "cache"
    assert pins(resolve_online(pypi, "many\n", cache))["many"] == "10.0"
    assert sorted(parsed) == ["leaf", "many"]
    entry = cached_page_files(cache)["many"]
    before = entry.read_bytes()
    # 304: the entry is kept (fresh again: a new first line), its release lines as they were
    assert pins(resolve_online(pypi, "many\n", cache))["many"] == "10.0"
    assert sum(pypi.not_modified.values()) == 2 and sorted(parsed) == ["leaf", "many"]
    after = entry.read_bytes()
    assert after != before and after.split(b"\n")[1:] == before.split(b"\n")[1:]
    # 200 with a new body: the entry is made again from it
    pypi.add_wheel("many", "11.0", ["leaf"], yanked=True)
    pypi.add_wheel("many", "12.0", ["leaf"], requires_python=">=3.99")
    pypi.add_wheel("many", "13.0", ["leaf"])
    pypi.publish()
    assert pins(resolve_online(pypi, "many\n", cache))["many"] == "13.0"
    assert parsed.count("many") == 2
    page = Cache(cache).load_page(f"{pypi.url}/simple", "many")
    assert page is not None and not page.absent
    assert [(r.version, r.requires_python) for r in page.releases][-4:] == [
        ("10.0", None), ("11.0", None), ("12.0", ">=3.99"), ("13.0", None)]
    # what choosing a release reads from the entry: yanked, Requires-Python
    assert pins(resolve_online(pypi, "many>10\n", cache, offline=True))["many"] == "13.0"
    assert pins(resolve_online(pypi, "many==11.0\n", cache))["many"] == "11.0"
    with pytest.raises(ResolutionError, match=r"yanked.*11\.0.*12\.0: it requires Python >=3\.99"):
        resolve_online(pypi, "many>10,<13\n", cache, offline=True)


@pytest.mark.parametrize("damage", ["flip", "truncate", "old-format", "empty"])
def test_a_damaged_or_old_cache_entry_is_fetched_again(
    pypi: FakePyPI, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / "cache"
    first = resolve_online(pypi, "many\n", cache)
    entry = cached_page_files(cache)["many"]
    data = entry.read_bytes()
    if damage == "flip":  # in a release line, which is parsed only when looked at
        at = data.rindex(b"many-10.0")
        data = data[:at] + b"X" + data[at + 1:]
    elif damage == "truncate":
        data = data[:-10]
    elif damage == "old-format":  # a page entry of mach-nix's cache version 1
        data = json.dumps({"schemaVersion": 1, "url": "u", "fetched": 0.0, "lifetime": 1e9,
                           "page": {"files": []}}).encode()
    else:
        data = b""
    entry.write_bytes(data)
    # offline, such an entry is no entry: the error says the page is not in the cache
    with pytest.raises(OfflineError, match="has no page of many"):
        resolve_online(pypi, "many\n", cache, offline=True)
    hits = pypi.hits["/simple/many/"]
    assert dump_resolution(resolve_online(pypi, "many\n", cache)) == dump_resolution(first)
    assert pypi.hits["/simple/many/"] == hits + 1
    assert Cache(cache).load_page(f"{pypi.url}/simple", "many") is not None


def test_cached_page_round_trip() -> None:
    releases = [CachedRelease("1.0", ">=3.8", [{"filename": "a-1.0.tar.gz", "url": "u\n"}]),
                CachedRelease("2.0", None, [])]
    page = CachedPage(url="https://i/simple/a/", releases=releases, fetched=5.0, lifetime=60.0,
                      etag='"x"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    back = CachedPage.from_bytes(page.to_bytes())
    assert not any(r.loaded for r in back.releases)
    assert [(r.version, r.requires_python, r.files()) for r in back.releases] == [
        (r.version, r.requires_python, r.files()) for r in releases]
    assert (back.url, back.fetched, back.lifetime, back.etag, back.last_modified,
            back.absent) == (page.url, 5.0, 60.0, '"x"', page.last_modified, False)
    again = CachedPage.from_bytes(back.revalidated({}, 9.0).to_bytes())
    assert again.fetched == 9.0 and again.releases[0].files() == releases[0].files()
    gone = CachedPage.from_bytes(CachedPage.not_found("https://i/simple/b/", 1.0).to_bytes())
    assert gone.absent and gone.releases == ()


def test_a_page_without_caching_headers_is_fresh_for_ten_minutes(
    pypi: FakePyPI, tmp_path: Path
) -> None:
    pypi.page_headers = {}
    now = [1000.0]
    for _ in range(2):
        resolve_online(pypi, "leaf\n", tmp_path / "cache", clock=lambda: now[0])
    assert pypi.simple_hits() == 1
    now[0] += 601
    resolve_online(pypi, "leaf\n", tmp_path / "cache", clock=lambda: now[0])
    assert pypi.simple_hits() == 2


def test_cache_dir_from_the_environment(
    pypi: FakePyPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("leaf\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MACH_NIX_CACHE_DIR", raising=False)
    argv = ["resolve", "-r", str(req), "--index-url", f"{pypi.url}/simple", *TARGET_ARGS]
    assert run(argv, capsys)[0] == 0
    assert list((tmp_path / "xdg" / "mach-nix" / "simple-v2").glob("*/le/leaf.jsonl"))
    monkeypatch.setenv("MACH_NIX_CACHE_DIR", str(tmp_path / "own"))
    assert run(argv, capsys)[0] == 0
    assert list((tmp_path / "own" / "metadata-v1").glob("*/*.json"))


def test_a_cache_dir_that_cannot_be_written_is_a_message(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("leaf\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, _, err = run(["resolve", "-r", str(req), "--index-url", f"{pypi.url}/simple",
                        "--cache-dir", str(blocker), *TARGET_ARGS], capsys)
    assert code != 0
    assert "Traceback" not in err
    assert f"the cache directory {blocker} cannot be written" in err
    assert "--cache-dir" in err


# --- network failures -----------------------------------------------------------------------


def test_retry_on_503_then_success(pypi: FakePyPI, tmp_path: Path) -> None:
    pypi.failures["/simple/leaf/"] = 1
    pypi.failures["/files/leaf/leaf-1.0-py3-none-any.whl.metadata"] = 2
    assert pins(resolve_online(pypi, "leaf\n", tmp_path / "cache")) == {"leaf": "1.0"}
    assert pypi.hits["/simple/leaf/"] == 2
    assert pypi.hits["/files/leaf/leaf-1.0-py3-none-any.whl.metadata"] == 3


def test_persistent_failure_is_one_paragraph_and_the_cache_stays_whole(
    pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # off PyPI, unannounced .metadata files are not asked for: the wheel is read by ranges
    pypi.failures["/files/lib/lib-2.1-py3-none-any.whl"] = -1
    req = tmp_path / "requirements.txt"
    req.write_text("app\n")
    cache = tmp_path / "cache"
    code, out, err = run(["resolve", "-r", str(req), "--retries", "1",
                          *online_args(pypi, cache)], capsys)
    assert code == 1 and out == ""
    url = f"{pypi.url}/files/lib/lib-2.1-py3-none-any.whl"
    assert err.startswith(f"mach-nix: error: GET {url} failed after 2 tries: HTTP 503")
    assert "--offline" in err and "Traceback" not in err and err.count("\n") == 1
    # what was fetched before the failure is kept, every entry complete
    entries = list(cache.rglob("*"))
    assert [p for p in entries if p.name.endswith(".json")]
    assert not [p for p in entries if p.name.endswith(".tmp")]
    for p in entries:
        if p.is_file():  # a page is JSON lines; an entry is parsed whole to check it
            [json.loads(line) for line in p.read_bytes().splitlines()]
    del pypi.failures["/files/lib/lib-2.1-py3-none-any.whl"]
    before = {p: n for p, n in pypi.hits.items() if p.startswith("/simple/")}
    assert run(["resolve", "-r", str(req), *online_args(pypi, cache)], capsys)[0] == 0
    # the pages fetched before the failure were kept: not asked for again
    assert before and all(pypi.hits[p] == n for p, n in before.items())


def test_a_page_that_is_no_simple_api_is_refused_clearly(tmp_path: Path) -> None:
    with serve() as s:
        s.routes["/simple/leaf/"] = b"leaf 1.0"
        s.headers["/simple/leaf/"] = {"Content-Type": "text/plain"}
        with pytest.raises(NetworkError, match="answered with text/plain, not a simple API page"):
            resolve_online(s, "leaf\n", tmp_path / "cache")


# --- the command line -----------------------------------------------------------------------


def test_index_and_online_options_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("leaf\n")
    code, _, err = run(["resolve", "-r", str(req), "--index", str(tmp_path), "--offline"],
                       capsys)
    assert code == 1 and "--offline is for resolving online" in err
    code, _, err = run(["resolve", "-r", str(req), "--offline", "--refresh"], capsys)
    assert code == 1 and "contradict" in err


# --- lock files -----------------------------------------------------------------------------


def test_lock(pypi: FakePyPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "# my app\napp[fast] >= 1  # the app\n-r more.txt\n"
    (tmp_path / "requirements.txt").write_text(text)
    (tmp_path / "more.txt").write_text("many<5\n")
    out = tmp_path / "mach-nix.lock.json"
    argv = ["lock", "-r", str(tmp_path / "requirements.txt"), "-o", str(out),
            *online_args(pypi, tmp_path / "cache"), "--provider", "old=sdist"]
    code, stdout, err = run(argv, capsys)
    assert (code, stdout) == (0, ""), err
    lock = json.loads(out.read_text())
    assert lock["request"] == {
        "schemaVersion": 1,
        "requirements": text,
        "target": lock["target"],
        "providers": {"_default": "wheel,sdist", "old": "sdist"},
        "pre": False,
    }
    assert lock["target"] == TARGET.to_dict()
    # the rest is the resolution `resolve` prints, includes followed
    code, resolved, err = run(["resolve", "-r", str(tmp_path / "requirements.txt"),
                               *online_args(pypi, tmp_path / "cache"), "--provider",
                               "old=sdist"], capsys)
    assert code == 0, err
    assert {k: v for k, v in lock.items() if k != "request"} == json.loads(resolved)
    assert lock["packages"]["many"]["version"] == "4.0"
    # it reads back as a lock, and writing it again gives the same bytes
    r = Resolution.from_json(out.read_bytes())
    assert r.is_lock and r.request is not None and r.request.requirements == text
    assert dump_resolution(r) == out.read_bytes()
    first = out.read_bytes()
    assert run(argv, capsys)[0] == 0
    assert out.read_bytes() == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_lock_from_an_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from indexfactory import make_index, release

    index = make_index(tmp_path / "index", {"a": {"1.0": release([])}})
    (tmp_path / "r.txt").write_text("a\n")
    code, out, err = run(["lock", "-r", str(tmp_path / "r.txt"), "-o", "-", "--index",
                          str(index), *TARGET_ARGS], capsys)
    assert code == 0, err
    assert json.loads(out)["request"]["requirements"] == "a\n"
    assert json.loads(out)["packages"]["a"]["version"] == "1.0"


def test_lock_refuses_several_requirement_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "b.txt").write_text("b\n")
    code, _, err = run(["lock", "-r", str(tmp_path / "a.txt"), "-r", str(tmp_path / "b.txt"),
                        "-o", str(tmp_path / "lock.json")], capsys)
    assert code == 1
    assert "a lock is made from one requirements file" in err and "Traceback" not in err
    assert not (tmp_path / "lock.json").exists()


def test_lock_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["lock", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "--index-url" in out and "--offline" in out and "lockFile" in out


def test_lock_reads_a_pipe_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `mach-nix lock -r <(echo a)`: the requirements file can be read only once
    import threading

    from indexfactory import make_index, release

    index = make_index(tmp_path / "index", {"a": {"1.0": release([])}})
    fifo = tmp_path / "requirements.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=("a\n",), daemon=True)
    writer.start()
    code, out, err = run(["lock", "-r", str(fifo), "-o", "-", "--index", str(index),
                          *TARGET_ARGS], capsys)
    writer.join(timeout=5)
    assert code == 0, err
    assert sorted(json.loads(out)["packages"]) == ["a"]


def test_connections_are_kept_alive(pypi: FakePyPI, tmp_path: Path) -> None:
    client = HttpClient(retries=0)
    with SimpleSource(f"{pypi.url}/simple", cache=Cache(tmp_path / "cache"), client=client,
                      jobs=1) as src:
        resolve_requirements(parse_requirement_set("app[fast]\nmany<5\n"), index=src,
                             target=TARGET)
    assert client.requests == sum(pypi.hits.values()) > 10
    assert pypi.connections <= 3  # the main thread's, the prefetch thread's (and a spare)
    client.close()


def test_a_lock_whose_request_names_another_target_is_refused(tmp_path: Path) -> None:
    from mach_nix.errors import FormatError
    from mach_nix.formats import ProviderConfig, Request

    request = Request("a\n", TARGET, ProviderConfig(), False)
    other = Target("aarch64-linux", "cpython", "3.11.2", Libc("glibc", "2.36"))
    lock = Resolution(target=TARGET, roots=(), packages={}, request=request)
    assert Resolution.from_json(dump_resolution(lock)) == lock
    d = json.loads(dump_resolution(lock))
    d["request"]["target"] = other.to_dict()
    with pytest.raises(FormatError, match="request.target differs from its target"):
        Resolution.from_dict(d)
    assert "request" not in json.loads(dump_resolution(Resolution(TARGET, (), {})))
