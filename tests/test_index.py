"""The index format (v2, and v1 still read): model round trips, the reader, the writer, upgrading, and
the committed fixture."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from mach_nix.errors import IndexFormatError
from mach_nix.index import (
    File,
    Index,
    Project,
    Release,
    atomic_write,
    dump_json,
    project_path,
    shard,
    upgrade_index,
    write_index_meta,
    write_project,
)
from mach_nix.names import normalize
from packaging.requirements import Requirement
from packaging.version import Version

FIXTURE = Path(__file__).parent / "data" / "index"

WHEEL = File(
    filename="charset_normalizer-3.3.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    url="https://files.example/charset_normalizer-3.3.2-cp311-cp311-manylinux_2_17_x86_64.whl",
    sha256="a" * 64,
    kind="wheel",
    tags=File.wheel_tags(
        "charset_normalizer-3.3.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    ),
    requires_python=">=3.7",
    upload_time="2023-10-28T09:00:00.000000Z",
)
SDIST = File(
    filename="charset-normalizer-3.3.2.tar.gz",
    url="https://files.example/charset-normalizer-3.3.2.tar.gz",
    sha256="b" * 64,
    kind="sdist",
    yanked=True,
)


def test_file_round_trip_and_compact_dict() -> None:
    assert WHEEL.tags == (
        "cp311-cp311-manylinux2014_x86_64",
        "cp311-cp311-manylinux_2_17_x86_64",
    )
    for f in (WHEEL, SDIST):
        assert File.from_dict(f.to_dict()) == f
    # defaults are left out of the document
    assert SDIST.to_dict() == {
        "filename": SDIST.filename,
        "url": SDIST.url,
        "sha256": SDIST.sha256,
        "kind": "sdist",
        "yanked": True,
    }
    assert WHEEL.to_dict()["upload_time"] == "2023-10-28T09:00:00.000000Z"
    assert File.wheel_tags("not-a-wheel.whl") == ()


def test_release_round_trip_and_null_requires_dist() -> None:
    rel = Release("3.3.2", ("idna>=2; extra == 'x'",), ">=3.7", (WHEEL, SDIST))
    assert Release.from_dict("3.3.2", rel.to_dict()) == Release(
        "3.3.2", rel.requires_dist, ">=3.7", (SDIST, WHEEL)  # files come back sorted by name
    )
    unknown = Release("1.0", None, files=(SDIST,))
    d = unknown.to_dict()
    assert d["requires_dist"] is None and "requires_python" not in d
    assert Release.from_dict("1.0", d).requires_dist is None
    assert Release.from_dict("1.0", {"requires_dist": [], "files": []}).requires_dist == ()


def test_release_yanked_only_when_every_file_is() -> None:
    assert Release("1", (), files=(SDIST,)).yanked
    assert not Release("1", (), files=(SDIST, WHEEL)).yanked
    assert not Release("1", ()).yanked  # no files: nothing was yanked
    assert Release("1", (), files=(SDIST,)).to_dict()["yanked"] is True


def test_project_round_trip_sorts_versions() -> None:
    project = Project(
        "Foo.Bar",
        (Release("1.10", ()), Release("1.9", ()), Release("1.0rc1", ()), Release("junk", ())),
    )
    d = project.to_dict()
    assert d["schemaVersion"] == 1
    assert list(d["releases"]) == ["junk", "1.0rc1", "1.9", "1.10"]
    back = Project.from_dict(json.loads(dump_json(d)))
    assert back.name == "foo-bar"
    assert [r.version for r in back.releases] == ["junk", "1.0rc1", "1.9", "1.10"]


def test_project_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError) as e:
        Project.from_dict({"schemaVersion": 2, "name": "x", "releases": {}}, source="x.json")
    msg = str(e.value)
    assert msg.startswith("x.json: index project file has schemaVersion 2")
    assert "must be version 1" in msg and "mach-nix index" in msg
    write_index_meta(tmp_path)
    atomic_write(project_path(tmp_path, "x"), b'{"schemaVersion":3,"name":"x","releases":{}}\n')
    with pytest.raises(IndexFormatError, match="schemaVersion 3, but a .jsonl project file"):
        Index(tmp_path).project("x")


def test_v2_project_file_round_trips_and_reads_details_lazily(tmp_path: Path) -> None:
    wheel = File(filename="foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", url="https://h/w",
                 sha256="c" * 64, kind="wheel",
                 tags=File.wheel_tags("foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"),
                 requires_python=">=3.8", upload_time="2024-01-01T00:00:00Z")
    old_sdist = File(filename="foo-0.9.tar.gz", url="https://h/s0", sha256="d" * 64,
                     kind="sdist", yanked=True)
    project = Project("foo", (
        Release("1.0", ("bar>=1",), ">=3.8", (wheel, SDIST)),
        Release("0.9", None, files=(old_sdist,)),
    ))
    write_project(tmp_path, project)
    write_index_meta(tmp_path)
    path = project_path(tmp_path, "foo")
    assert path.name == "foo.jsonl"
    head, *lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 2  # one line of file details per release
    assert b"https://h/w" not in head and b"c" * 64 not in head
    back = Index(tmp_path).project("foo")
    assert back is not None and [r.version for r in back.releases] == ["0.9", "1.0"]
    assert back.releases[0].yanked and back.releases[0].requires_dist is None
    # the first line is enough to choose a file; the details are read for the chosen one
    summaries = back.releases[1].file_summaries()
    assert [s[0] for s in summaries] == [SDIST.filename, wheel.filename]  # sorted by name
    assert summaries[1][1:] == ("wheel", ">=3.8", False)
    assert back.releases[1].file(1) == wheel
    assert back == Project("foo", (
        Release("0.9", None, files=(old_sdist,)),
        Release("1.0", ("bar>=1",), ">=3.8", (SDIST, wheel)),  # files sorted by name
    ))
    # deterministic: the same project gives the same bytes
    write_project(tmp_path, project)
    assert path.read_bytes() == b"".join([head, *lines])


def test_v2_damaged_details_are_refused(tmp_path: Path) -> None:
    write_project(tmp_path, Project("foo", (Release("1.0", (), files=(SDIST, WHEEL)),)))
    write_index_meta(tmp_path)
    path = project_path(tmp_path, "foo")
    head = path.read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(head + b"[]\n")
    project = Index(tmp_path).project("foo")
    assert project is not None
    with pytest.raises(IndexFormatError, match="does not match the first line.*rebuild the index"):
        project.releases[0].file(0)
    path.write_bytes(head + b"[[\n")
    project = Index(tmp_path).project("foo")
    assert project is not None
    with pytest.raises(IndexFormatError, match="foo.jsonl: the file details .*cannot be read"):
        project.releases[0].files  # noqa: B018


def test_v1_index_is_read_and_upgraded(tmp_path: Path) -> None:
    project = Project("requests", (Release("2.0", ("idna",), ">=3.7", (SDIST, WHEEL)),))
    v1 = tmp_path / "projects" / "re" / "requests.json"
    atomic_write(v1, dump_json(project.to_dict()))
    atomic_write(tmp_path / "index.json", b'{"layout":"shard2","roots":["requests"],'
                                          b'"schemaVersion":1}\n')
    before = Index(tmp_path).project("requests")
    assert before == project and list(Index(tmp_path).names()) == ["requests"]
    assert upgrade_index(tmp_path) == 1
    assert not v1.exists() and project_path(tmp_path, "requests").exists()
    assert json.loads((tmp_path / "index.json").read_text())["schemaVersion"] == 2
    assert Index(tmp_path).project("requests") == project
    assert upgrade_index(tmp_path) == 0  # nothing left to do


def test_index_reader_and_writer(tmp_path: Path) -> None:
    write_project(tmp_path, Project("requests", (Release("2.0", ("idna",), files=(SDIST,)),)))
    write_project(tmp_path, Project("a", ()))
    write_index_meta(tmp_path, {"roots": ["requests"]})
    assert project_path(tmp_path, "Requests") == tmp_path / "projects/re/requests.jsonl"
    assert shard("a") == "a"
    index = Index(tmp_path)
    assert index.meta["roots"] == ["requests"]
    proj = index.project("REQUESTS")
    assert proj is not None and proj.releases[0].requires_dist == ("idna",)
    assert index.project("requests") is proj  # cached
    assert index.project("nope") is None
    assert list(index.names()) == ["a", "requests"]
    # deterministic bytes
    assert (tmp_path / "index.json").read_bytes() == (
        b'{"layout":"shard2","roots":["requests"],"schemaVersion":2}\n'
    )


def test_index_refuses_missing_and_foreign_indexes(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="has no index.json. Build one with"):
        Index(tmp_path)
    (tmp_path / "index.json").write_text('{"schemaVersion": 7, "layout": "shard2"}')
    with pytest.raises(IndexFormatError, match="schemaVersion 7 .*reads schemaVersion 1 or 2"):
        Index(tmp_path)
    (tmp_path / "index.json").write_text("{not json")
    with pytest.raises(IndexFormatError, match="cannot be read"):
        Index(tmp_path)


def test_index_refuses_a_corrupt_project_file(tmp_path: Path) -> None:
    write_index_meta(tmp_path)
    atomic_write(project_path(tmp_path, "bad"), b"{")
    with pytest.raises(IndexFormatError, match=r"bad\.jsonl cannot be read"):
        Index(tmp_path).project("bad")


def test_atomic_write_writes_into_special_files(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, b"through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)
    atomic_write(Path(os.devnull), b"nothing")  # `-o /dev/null` must not replace /dev/null
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_atomic_write_gives_new_files_a_regular_mode_and_keeps_an_old_one(tmp_path: Path) -> None:
    new = tmp_path / "lock.json"
    atomic_write(new, b"{}")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644  # not mkstemp's 0600
    new.chmod(0o640)
    atomic_write(new, b"{}\n")
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "d" / "f.json"
    atomic_write(target, b"1")
    atomic_write(target, b"2")
    assert target.read_bytes() == b"2"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]


# --------------------------------------------------------------------------- the fixture index

FIXTURE_ROOTS = [
    "requests", "attrs", "resolvelib", "packaging", "six", "python-dateutil", "click", "flask",
    "jinja2", "markupsafe", "werkzeug", "itsdangerous", "blinker", "urllib3", "idna", "certifi",
    "charset-normalizer", "pysocks", "typing-extensions", "pyyaml", "tomli", "exceptiongroup",
    "iniconfig", "pluggy", "pytest", "colorama", "importlib-metadata", "zipp",
]


def test_fixture_index_is_readable_and_closed() -> None:
    index = Index(FIXTURE)
    names = set(index.names())
    assert set(FIXTURE_ROOTS) <= names
    requested = {"requests": {"socks"}}
    for name in sorted(names):
        project = index.project(name)
        assert project is not None and project.name == name and project.releases
        for rel in project.releases:
            Version(rel.version)
            for f in rel.files:
                assert f.url.startswith("https://files.pythonhosted.org/packages/")
                assert len(f.sha256) == 64 and f.kind in ("wheel", "sdist")
            for line in rel.requires_dist or ():
                req = Requirement(line)
                marker = str(req.marker or "")
                extra_only = "extra ==" in marker and not any(
                    f'extra == "{e}"' in marker for e in requested.get(name, ())
                )
                if not extra_only:
                    # every dependency outside unrequested extras is in the index
                    assert normalize(req.name) in names, line
    assert (FIXTURE / "index.json").read_bytes().endswith(b"}\n")


def test_fixture_newest_releases_have_wheels_for_cpython_3_11_and_3_13() -> None:
    index = Index(FIXTURE)
    for name in ("requests", "urllib3", "charset-normalizer", "idna", "certifi", "pysocks",
                 "attrs"):
        project = index.project(name)
        assert project is not None
        newest = [r for r in project.releases
                  if not Version(r.version).is_prerelease and not r.yanked][-1]
        assert newest.requires_dist is not None, name
        tags = {t for f in newest.files if f.kind == "wheel" for t in f.tags}
        for py in ("311", "313"):
            ok = any(t.endswith("-none-any") for t in tags) or any(
                t.startswith((f"cp{py}-cp{py}-", "cp37-abi3-")) and t.endswith("x86_64")
                for t in tags
            )
            assert ok, (name, py, sorted(tags))
