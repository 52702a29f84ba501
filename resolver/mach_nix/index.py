"""The pinned package index (docs/index-format.md): data model, reader and writer.

An index is a directory:

    DIR/index.json                          {"schemaVersion": 2, "layout": "shard2", ...}
    DIR/projects/<shard>/<name>.jsonl       one file per project (PEP 503 normalized name)

`<shard>` is the first two characters of the normalized name (the whole name if shorter), so a
directory never holds more than a few thousand files even for all of PyPI. The reader opens a
project file only when the resolver asks for that project, and reads only its first line (what
choosing a release needs); the URLs and hashes of a release's files are on a line of their own,
read for the release that is chosen. Indexes of version 1 (`<name>.json`, everything in one JSON
document) are still read; `mach-nix index upgrade DIR` rewrites one as version 2.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from .errors import IndexFormatError
from .names import normalize
from .source import ReleaseMetadata

#: what this mach-nix writes
SCHEMA_VERSION = 2
#: what it reads
READABLE_SCHEMA_VERSIONS = (1, 2)
LAYOUT = "shard2"


def shard(name: str) -> str:
    """The shard directory of a normalized project name."""
    return name[:2]


def project_path(root: Path, name: str) -> Path:
    """Where a project's file is written (version 2)."""
    norm = normalize(name)
    return root / "projects" / shard(norm) / f"{norm}.jsonl"


def v1_project_path(root: Path, name: str) -> Path:
    norm = normalize(name)
    return root / "projects" / shard(norm) / f"{norm}.json"


@dataclass(frozen=True)
class File:
    """One distribution file of a release."""

    filename: str
    url: str
    sha256: str
    kind: str  # "wheel" | "sdist"
    tags: tuple[str, ...] = ()  # wheel tags, expanded ("cp311-cp311-manylinux_2_17_x86_64"); () for sdists
    requires_python: str | None = None
    yanked: bool = False
    #: when it was uploaded, ISO 8601 UTC as PyPI reports it ("2024-05-29T15:37:47.613Z");
    #: lets a resolver ignore files newer than a date. None when the source does not say.
    upload_time: str | None = None
    #: the index the file was found on (its URL, without credentials), for the resolution;
    #: not part of the pinned index format (None when read from a pinned index)
    index: str | None = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> File:
        return cls(
            filename=d["filename"],
            url=d["url"],
            sha256=d["sha256"],
            kind=d["kind"],
            tags=tuple(d.get("tags") or ()),
            requires_python=d.get("requires_python"),
            yanked=bool(d.get("yanked", False)),
            upload_time=d.get("upload_time"),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "filename": self.filename,
            "url": self.url,
            "sha256": self.sha256,
            "kind": self.kind,
        }
        if self.tags:
            d["tags"] = list(self.tags)
        if self.requires_python:
            d["requires_python"] = self.requires_python
        if self.yanked:
            d["yanked"] = True
        if self.upload_time:
            d["upload_time"] = self.upload_time
        return d

    @staticmethod
    def wheel_tags(filename: str) -> tuple[str, ...]:
        """Expanded, sorted tags of a wheel filename (PEP 425 compressed tag sets expanded)."""
        try:
            _, _, _, tags = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            return ()
        return tuple(sorted(str(t) for t in tags))


class _LazyFiles(Protocol):
    """A release's files as read from a project file, made into `File` objects on demand."""

    def summaries(self) -> list[tuple[str, str, str | None, bool]]: ...

    def file(self, i: int) -> File: ...

    def all(self) -> tuple[File, ...]: ...


class _V1Files:
    """Files of a v1 project file: one dict per file, all in the file."""

    __slots__ = ("raw",)

    def __init__(self, raw: Sequence[Mapping[str, Any]]) -> None:
        self.raw = raw

    def summaries(self) -> list[tuple[str, str, str | None, bool]]:
        return [(f["filename"], f["kind"], f.get("requires_python"), bool(f.get("yanked")))
                for f in self.raw]

    def file(self, i: int) -> File:
        return File.from_dict(self.raw[i])

    def all(self) -> tuple[File, ...]:
        return tuple(File.from_dict(f) for f in self.raw)


class _V2Files:
    """Files of a v2 project file: names, yanked state and Requires-Python in the project's
    first line (`raw`, this release's entry there), decoded on first use; URL, sha256 and
    upload time in the release's own line, parsed when a file is made."""

    __slots__ = ("raw", "path", "data", "base", "version", "_decoded")

    def __init__(self, raw: Mapping[str, Any], path: Path, data: bytes, base: int,
                 version: str) -> None:
        self.raw, self.path, self.data, self.base, self.version = raw, path, data, base, version
        self._decoded: tuple[Sequence[str], frozenset[str], dict[str, str]] | None = None

    def _entry(self) -> tuple[Sequence[str], frozenset[str], dict[str, str]]:
        """(file names, yanked ones, Requires-Python by name)."""
        if self._decoded is None:
            try:
                names = self.raw["files"]
                self._decoded = (names, frozenset(self.raw.get("yanked", ())),
                                 _requires_python_by_name(names,
                                                          self.raw.get("files_requires_python")))
            except (KeyError, TypeError, ValueError) as e:
                raise self._damaged(f"{type(e).__name__}: {e}") from None
        return self._decoded

    def _damaged(self, problem: str) -> IndexFormatError:
        return IndexFormatError(
            f"{self.path}: release {self.version} cannot be read ({problem}). The file is "
            "damaged: rebuild the index with `mach-nix index update`."
        )

    def _details(self) -> list[Any]:
        """The release's line: [url, sha256, upload_time] per file, in the order of `files`."""
        names, _, _ = self._entry()
        try:
            offset, length = self.raw["details"]
            start = self.base + offset
            details = json.loads(self.data[start:start + length])
        except (KeyError, TypeError, ValueError) as e:
            details, problem = None, str(e)
        else:
            problem = "it does not match the first line"
        if not isinstance(details, list) or len(details) != len(names):
            raise IndexFormatError(
                f"{self.path}: the file details of a release cannot be read ({problem}). The "
                "file is damaged: rebuild the index with `mach-nix index update`."
            )
        return details

    def summaries(self) -> list[tuple[str, str, str | None, bool]]:
        names, yanked, rp = self._entry()
        return [(n, _kind(n), rp.get(n), n in yanked) for n in names]

    def file(self, i: int) -> File:
        return self._make(i, self._details())

    def all(self) -> tuple[File, ...]:
        details = self._details()
        return tuple(self._make(i, details) for i in range(len(details)))

    def _make(self, i: int, details: list[Any]) -> File:
        names, yanked, rp = self._entry()
        name = names[i]
        url, sha256, upload_time = details[i]
        kind = _kind(name)
        return File(filename=name, url=url, sha256=sha256, kind=kind,
                    tags=File.wheel_tags(name) if kind == "wheel" else (),
                    requires_python=rp.get(name), yanked=name in yanked,
                    upload_time=upload_time)


def _requires_python_by_name(names: Sequence[str], rps: Sequence[str | None] | None
                             ) -> dict[str, str]:
    if rps is None:
        return {}
    if len(rps) != len(names):
        raise ValueError("files_requires_python does not match files")
    return {n: rp for n, rp in zip(names, rps) if rp}


def _kind(filename: str) -> str:
    return "wheel" if filename.endswith(".whl") else "sdist"


class Release:
    """One version of a project, with the metadata the resolver needs.

    Read from an index, a release makes `File` objects only when asked (`files`, `file`): a
    project file lists every file of every release, and a resolution looks at a few.
    """

    __slots__ = ("version", "requires_dist", "requires_python", "_files", "_lazy")

    def __init__(
        self,
        version: str,
        #: Requires-Dist lines; None when the metadata could not be read (the release is unusable).
        requires_dist: tuple[str, ...] | None,
        requires_python: str | None = None,
        files: tuple[File, ...] = (),
        *,
        lazy_files: _LazyFiles | None = None,
    ) -> None:
        self.version = version
        self.requires_dist = requires_dist
        self.requires_python = requires_python
        self._files: tuple[File, ...] | None = None if lazy_files is not None else tuple(files)
        self._lazy = lazy_files

    @property
    def files(self) -> tuple[File, ...]:
        if self._files is None:
            assert self._lazy is not None
            self._files = self._lazy.all()
            self._lazy = None
        return self._files

    def file_summaries(self) -> list[tuple[str, str, str | None, bool]]:
        """(filename, kind, requires_python, yanked) of each file, in the order of `files`,
        without making `File` objects (the provider chooses a file by these)."""
        if self._lazy is not None:
            return self._lazy.summaries()
        return [(f.filename, f.kind, f.requires_python, f.yanked) for f in self.files]

    def file(self, i: int) -> File:
        """`files[i]`, made alone when the files were not made yet."""
        if self._lazy is not None:
            return self._lazy.file(i)
        return self.files[i]

    @property
    def yanked(self) -> bool:
        """A release is yanked when every one of its files is (PEP 592 yanks files)."""
        summaries = self.file_summaries()
        return bool(summaries) and all(yanked for _, _, _, yanked in summaries)

    def _key(self) -> tuple[Any, ...]:
        return (self.version, self.requires_dist, self.requires_python, self.files)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Release) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Release(version={self.version!r}, requires_dist={self.requires_dist!r}, "
                f"requires_python={self.requires_python!r}, files={self.files!r})")

    @classmethod
    def from_dict(cls, version: str, d: Mapping[str, Any]) -> Release:
        rd = d.get("requires_dist")
        return cls(
            version=version,
            requires_dist=None if rd is None else tuple(rd),
            requires_python=d.get("requires_python"),
            lazy_files=_V1Files(d.get("files") or ()),
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "requires_dist": None if self.requires_dist is None else list(self.requires_dist),
            "files": [f.to_dict() for f in sorted(self.files, key=lambda f: f.filename)],
        }
        if self.requires_python:
            d["requires_python"] = self.requires_python
        if self.yanked:
            d["yanked"] = True
        return d


@dataclass(frozen=True)
class Project:
    name: str  # normalized
    releases: tuple[Release, ...] = field(default=())  # sorted, oldest first

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, source: str = "<dict>") -> Project:
        if d.get("schemaVersion") != 1:
            raise IndexFormatError(
                f"{source}: index project file has schemaVersion {d.get('schemaVersion')!r}, "
                "but a .json project file must be version 1 (version 2 files end in .jsonl). "
                "Rebuild the index with `mach-nix index` from this version of mach-nix."
            )
        releases = []
        for version, rd in d.get("releases", {}).items():
            releases.append(Release.from_dict(version, rd))
        return cls(name=normalize(d["name"]), releases=tuple(sorted(releases, key=_version_key)))

    def to_dict(self) -> dict[str, Any]:
        """The project as a version 1 document (one JSON object; `encode_project` writes the
        version 2 file)."""
        return {
            "schemaVersion": 1,
            "name": self.name,
            "releases": {r.version: r.to_dict() for r in sorted(self.releases, key=_version_key)},
        }


@functools.cache
def parse_version(text: str) -> Version | None:
    """`Version(text)`, or None when it is not a PEP 440 version; memoized: the reader sorts
    by version and the provider matches by version, the same strings each time."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _version_key(r: Release) -> tuple[int, Version | str]:
    v = parse_version(r.version)
    return (0, r.version) if v is None else (1, v)  # unparseable first, never offered


class Index:
    """Read-only view of an index directory. Projects are loaded lazily and cached.

    A `source.PackageSource` whose metadata is always at hand: it is in the project files.
    """

    label = "the index"

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        meta_path = self.root / "index.json"
        try:
            meta = json.loads(meta_path.read_text())
        except FileNotFoundError:
            raise IndexFormatError(
                f"{self.root} is not a mach-nix index: it has no index.json. Build one with "
                "`mach-nix index --out DIR -r requirements.txt`."
            ) from None
        except (OSError, ValueError) as e:
            raise IndexFormatError(f"{meta_path} cannot be read: {e}.") from None
        if (meta.get("schemaVersion") not in READABLE_SCHEMA_VERSIONS
                or meta.get("layout") != LAYOUT):
            raise IndexFormatError(
                f"{self.root} is an index of schemaVersion {meta.get('schemaVersion')!r} "
                f"(layout {meta.get('layout')!r}); this mach-nix reads schemaVersion "
                f"{' or '.join(map(str, READABLE_SCHEMA_VERSIONS))} (layout {LAYOUT}). "
                "Rebuild it with `mach-nix index`."
            )
        self.meta: dict[str, Any] = meta
        self._cache: dict[str, Project | None] = {}

    def project(self, name: str) -> Project | None:
        """The project, or None when the index does not have it."""
        norm = normalize(name)
        if norm not in self._cache:
            self._cache[norm] = load_project(self.root, norm)
        return self._cache[norm]

    def metadata(self, name: str, release: Release) -> ReleaseMetadata:
        if release.requires_dist is None:
            return ReleaseMetadata(None, release.requires_python,
                                   "its metadata is not in the index")
        return ReleaseMetadata(release.requires_dist, release.requires_python)

    def metadata_at_hand(self, name: str, release: Release) -> ReleaseMetadata | None:
        return self.metadata(name, release)

    def prefetch(self, names: Iterable[str]) -> None:
        pass  # reading a project file is quick, and done when asked

    def prefetch_metadata(self, name: str, release: Release) -> None:
        pass  # in the project file already

    def missing_hint(self, names: Sequence[str], *, dependency: bool) -> str:
        if dependency:
            return "rebuild the index with it (`mach-nix index`)"
        what = "this project" if len(names) == 1 else "these projects"
        return f"Check the spelling, or rebuild the index with {what} in it (`mach-nix index`)."

    def names(self) -> Iterator[str]:
        """Every project name in the index (walks the directory; for suggestions, not hot paths)."""
        projects = self.root / "projects"
        if not projects.is_dir():
            return
        for sub in sorted(projects.iterdir()):
            yield from sorted({f.stem for f in sub.iterdir() if f.suffix in (".json", ".jsonl")
                               and not f.name.startswith(".")})


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never half of it.

    A path that is not a regular file (`-o /dev/null`, `/dev/stdout`, a pipe) is written to,
    not replaced: renaming over /dev/null would turn it into a file."""
    try:
        mode = path.stat().st_mode
        special = stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)
    except OSError:
        special = False
    if special:
        with path.open("wb") as f:
            f.write(data)
        return
    import tempfile  # not at the top: a resolution writes nothing but its output

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); what replaces a file keeps its mode, a new
        # one gets a regular file's (a lock file is committed, an index shared)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            mode = 0o644
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def dump_json(obj: Any) -> bytes:
    """Deterministic, compact JSON: sorted keys, no spaces, trailing newline."""
    return (json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


def write_index_meta(root: Path, extra: Mapping[str, Any] | None = None) -> None:
    meta = {"schemaVersion": SCHEMA_VERSION, "layout": LAYOUT, **(extra or {})}
    atomic_write(root / "index.json", dump_json(meta))


def write_project(root: Path, project: Project) -> None:
    """Write the project's file (version 2), replacing a version 1 file of it."""
    atomic_write(project_path(root, project.name), encode_project(project))
    v1_project_path(root, project.name).unlink(missing_ok=True)


# --- project files, version 2 ------------------------------------------------------------------
#
# Line 1: {"schemaVersion": 2, "name": ..., "releases": {version: {"requires_dist": [...]|null,
#          "requires_python": ..., "files": [filename, ...], "files_requires_python": [...],
#          "yanked": [filename, ...], "details": [offset, length]}}}
# Then one line per release: [[url, sha256, upload_time], ...] in the order of its "files";
# "details" is where that line starts, counted from the start of line 2, and its length.


def encode_project(project: Project) -> bytes:
    """A project's version 2 file: deterministic, like `dump_json`."""
    releases: dict[str, Any] = {}
    lines: list[bytes] = []
    offset = 0
    for r in sorted(project.releases, key=_version_key):
        files = sorted(r.files, key=lambda f: f.filename)
        line = dump_json([[f.url, f.sha256, f.upload_time] for f in files])
        entry: dict[str, Any] = {
            "requires_dist": None if r.requires_dist is None else list(r.requires_dist),
            "files": [f.filename for f in files],
            "details": [offset, len(line)],
        }
        if r.requires_python:
            entry["requires_python"] = r.requires_python
        if any(f.requires_python for f in files):
            entry["files_requires_python"] = [f.requires_python or None for f in files]
        if any(f.yanked for f in files):
            entry["yanked"] = [f.filename for f in files if f.yanked]
        releases[r.version] = entry
        lines.append(line)
        offset += len(line)
    head = dump_json({"schemaVersion": 2, "name": project.name, "releases": releases})
    return head + b"".join(lines)


def load_project(root: Path, name: str) -> Project | None:
    """A project of the index at `root` (version 2 file, else version 1), None when absent."""
    path = project_path(root, name)
    try:
        data = path.read_bytes()  # whole: a rename over it later must not change what we read
    except FileNotFoundError:
        return _load_v1(v1_project_path(root, name))
    except OSError as e:
        raise IndexFormatError(f"{path} cannot be read: {e}.") from None
    return _decode_v2(path, data)


def _load_v1(path: Path) -> Project | None:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise IndexFormatError(f"{path} cannot be read: {e}.") from None
    return Project.from_dict(data, source=str(path))


def _decode_v2(path: Path, data: bytes) -> Project:
    """Parse the first line; the others are parsed when a release's files are made."""
    base = data.find(b"\n") + 1 or len(data)
    try:
        d = json.loads(data[:base])
        if d.get("schemaVersion") != 2:
            raise IndexFormatError(
                f"{path}: index project file has schemaVersion {d.get('schemaVersion')!r}, "
                "but a .jsonl project file must be version 2. Rebuild the index with "
                "`mach-nix index` from this version of mach-nix."
            )
        releases = []
        for version, r in d["releases"].items():
            rd = r["requires_dist"]
            releases.append(Release(version, None if rd is None else tuple(rd),
                                    r.get("requires_python"),
                                    lazy_files=_V2Files(r, path, data, base, version)))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise IndexFormatError(f"{path} cannot be read: {type(e).__name__}: {e}.") from None
    return Project(name=normalize(d["name"]), releases=tuple(sorted(releases, key=_version_key)))


def upgrade_index(root: Path) -> int:
    """Rewrite every version 1 project file of the index at `root` as version 2 (no network),
    then index.json; returns how many were rewritten. Safe to interrupt and run again."""
    meta_path = root / "index.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as e:
        raise IndexFormatError(
            f"{root} is not a mach-nix index ({meta_path} cannot be read: {e}).") from None
    if meta.get("schemaVersion") not in READABLE_SCHEMA_VERSIONS or meta.get("layout") != LAYOUT:
        raise IndexFormatError(
            f"{root} is an index of schemaVersion {meta.get('schemaVersion')!r}, which this "
            "mach-nix cannot upgrade; rebuild it with `mach-nix index`.")
    count = 0
    projects = root / "projects"
    for path in sorted(projects.glob("*/*.json")) if projects.is_dir() else ():
        project = _load_v1(path)
        if project is not None:
            write_project(root, project)
            count += 1
    atomic_write(meta_path, dump_json({**meta, "schemaVersion": SCHEMA_VERSION}))
    return count
