"""The pinned package index, format v1 (docs/index-format.md): data model, reader and writer.

An index is a directory:

    DIR/index.json                          {"schemaVersion": 1, "layout": "shard2", ...}
    DIR/projects/<shard>/<name>.json        one file per project (PEP 503 normalized name)

`<shard>` is the first two characters of the normalized name (the whole name if shorter), so a
directory never holds more than a few thousand files even for all of PyPI. The reader opens a
project file only when the resolver asks for that project.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from .errors import IndexFormatError
from .names import normalize
from .source import ReleaseMetadata

SCHEMA_VERSION = 1
LAYOUT = "shard2"


def shard(name: str) -> str:
    """The shard directory of a normalized project name."""
    return name[:2]


def project_path(root: Path, name: str) -> Path:
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


@dataclass(frozen=True)
class Release:
    """One version of a project, with the metadata the resolver needs."""

    version: str
    #: Requires-Dist lines; None when the metadata could not be read (the release is unusable).
    requires_dist: tuple[str, ...] | None
    requires_python: str | None = None
    files: tuple[File, ...] = ()

    @property
    def yanked(self) -> bool:
        """A release is yanked when every one of its files is (PEP 592 yanks files)."""
        return bool(self.files) and all(f.yanked for f in self.files)

    @classmethod
    def from_dict(cls, version: str, d: Mapping[str, Any]) -> Release:
        rd = d.get("requires_dist")
        return cls(
            version=version,
            requires_dist=None if rd is None else tuple(rd),
            requires_python=d.get("requires_python"),
            files=tuple(File.from_dict(f) for f in d.get("files", ())),
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
        if d.get("schemaVersion") != SCHEMA_VERSION:
            raise IndexFormatError(
                f"{source}: index project file has schemaVersion {d.get('schemaVersion')!r}, "
                f"but this mach-nix reads version {SCHEMA_VERSION}. Rebuild the index with "
                "`mach-nix index` from this version of mach-nix."
            )
        releases = []
        for version, rd in d.get("releases", {}).items():
            releases.append(Release.from_dict(version, rd))
        return cls(name=normalize(d["name"]), releases=tuple(sorted(releases, key=_version_key)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "name": self.name,
            "releases": {r.version: r.to_dict() for r in sorted(self.releases, key=_version_key)},
        }


def _version_key(r: Release) -> tuple[int, Version | str]:
    try:
        return (1, Version(r.version))
    except InvalidVersion:
        return (0, r.version)  # unparseable versions sort first and are never offered


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
        if meta.get("schemaVersion") != SCHEMA_VERSION or meta.get("layout") != LAYOUT:
            raise IndexFormatError(
                f"{self.root} is an index of schemaVersion {meta.get('schemaVersion')!r} "
                f"(layout {meta.get('layout')!r}); this mach-nix reads schemaVersion "
                f"{SCHEMA_VERSION} (layout {LAYOUT}). Rebuild it with `mach-nix index`."
            )
        self.meta: dict[str, Any] = meta
        self._cache: dict[str, Project | None] = {}

    def project(self, name: str) -> Project | None:
        """The project, or None when the index does not have it."""
        norm = normalize(name)
        if norm not in self._cache:
            path = project_path(self.root, norm)
            try:
                data = json.loads(path.read_bytes())
            except FileNotFoundError:
                self._cache[norm] = None
            except (OSError, ValueError) as e:
                raise IndexFormatError(f"{path} cannot be read: {e}.") from None
            else:
                self._cache[norm] = Project.from_dict(data, source=str(path))
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
            for f in sorted(sub.glob("*.json")):
                yield f.stem


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
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
    atomic_write(project_path(root, project.name), dump_json(project.to_dict()))
