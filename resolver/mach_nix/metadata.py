"""Reading a release's core metadata (Requires-Dist, Requires-Python) from PyPI's files.

Shared by `mach-nix index` (crawler.py) and the online resolver (online.py). For one release,
the files are tried in this order (`files_to_try`, `release_metadata`):

1. a wheel's PEP 658 metadata file `{wheel url}.metadata` (one small GET; checked against the
   PEP 714 `core-metadata` sha256 when the index announces one; tried unannounced only on
   PyPI, `Dist.probe_metadata`);
2. if that is missing, the wheel's `*.dist-info/METADATA`, read with HTTP range requests (the
   zip's central directory, then the one member), so big wheels are not downloaded;
3. for releases without a usable wheel, the sdist (size-capped): its PKG-INFO when that is
   Metadata-Version >= 2.2 with Requires-Dist not `Dynamic`, else `*.egg-info/requires.txt`,
   else a PKG-INFO from a backend that writes static metadata (non-empty Requires-Dist, no
   egg-info), else, when the caller allows builds, its build backend's (`buildmeta`), else
   unknown (`requires_dist` None).

Up to three wheels stand for the release (PyPI computes per-file metadata, but wheels of one
release that declare different dependencies are a packaging error we do not model).
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import hashlib
import io
import re
import tarfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from packaging.version import InvalidVersion, Version

from .http import HttpClient, HTTPNotFound
from .index import File
from .names import normalize

if TYPE_CHECKING:
    from .buildmeta import BuildEnv


class MetadataError(Exception):
    """A distribution whose metadata cannot be read (internal; becomes a warning or a reason).

    `permanent` is False when another try may work (a size limit, not the file's content), so
    that callers do not remember the answer.
    """

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.permanent = permanent

@dataclass(frozen=True)
class CoreMetadata:
    """The fields of a METADATA / PKG-INFO file the index needs."""

    metadata_version: str | None
    requires_dist: tuple[str, ...]
    requires_python: str | None
    dynamic: frozenset[str] = frozenset()  # lower-cased field names (Metadata-Version 2.2+)
    #: Name and Version as the file spells them (None when absent): a source tree's identity
    #: is only known from its metadata (`buildmeta`).
    name: str | None = None
    version: str | None = None

    @property
    def static_requires_dist(self) -> bool:
        """Requires-Dist is final: metadata 2.2+ and not declared `Dynamic` (PEP 643)."""
        try:
            new_enough = Version(self.metadata_version or "0") >= Version("2.2")
        except InvalidVersion:
            return False
        return new_enough and "requires-dist" not in self.dynamic


def _header_value(value: str) -> str:
    # Folded header lines come back with their line breaks; a requirement is one line.
    return re.sub(r"\s*\n\s*", " ", value).strip()


def parse_core_metadata(data: bytes) -> CoreMetadata:
    """Parse the RFC 822-style core metadata format (METADATA, PKG-INFO, `.metadata`).

    Only the header block is read; the description body is ignored. Plain `email.parser`
    rather than `packaging.metadata`, which is not in every packaging >= 23.
    """
    text = data.decode("utf-8", errors="replace")
    msg: email.message.Message = email.parser.HeaderParser(policy=email.policy.compat32).parsestr(
        text
    )

    def all_of(key: str) -> list[str]:
        return [_header_value(str(v)) for v in (msg.get_all(key) or [])]

    def first(key: str) -> str | None:
        values = all_of(key)
        return values[0] if values and values[0] else None

    return CoreMetadata(
        metadata_version=first("Metadata-Version"),
        requires_dist=tuple(v for v in all_of("Requires-Dist") if v),
        requires_python=first("Requires-Python"),
        dynamic=frozenset(v.lower() for v in all_of("Dynamic")),
        name=first("Name"),
        version=first("Version"),
    )


def requires_txt_to_requires_dist(text: str) -> list[str]:
    """Turn setuptools' `*.egg-info/requires.txt` into Requires-Dist lines.

    Sections: `[extra]`, `[:marker]` and `[extra:marker]`; lines before any section are
    unconditional.
    """
    out: list[str] = []
    extra: str | None = None
    section_marker: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            inner = line[1:-1].strip()
            name, sep, marker = inner.partition(":")
            extra = name.strip() or None
            section_marker = marker.strip() or None if sep else None
            continue
        req, _, own_marker = line.partition(";")
        clauses = [c.strip() for c in (own_marker, section_marker) if c and c.strip()]
        if extra is not None:
            clauses.append(f'extra == "{extra}"')
        if not clauses:
            out.append(req.strip())
        elif len(clauses) == 1:
            out.append(f"{req.strip()}; {clauses[0]}")
        else:
            out.append(f"{req.strip()}; " + " and ".join(f"({c})" for c in clauses))
    return out


def metadata_from_wheel(zf: zipfile.ZipFile, project: str) -> CoreMetadata:
    """Read `<name>-<version>.dist-info/METADATA` from an open wheel."""
    candidates = sorted(
        n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n) is not None
    )
    if not candidates:
        raise MetadataError("the wheel has no *.dist-info/METADATA")
    # A wheel has one .dist-info; if a broken one has more, take the project's own.
    own = [n for n in candidates if normalize(n.split("-")[0]) == normalize(project)]
    return parse_core_metadata(zf.read((own or candidates)[0]))


@dataclass(frozen=True)
class SdistMetadata:
    requires_dist: tuple[str, ...] | None
    requires_python: str | None
    source: str  # "pkg-info" | "requires.txt" | "egg-info" | "pkg-info-static" | "none"


def sdist_metadata_members(filename: str, data: bytes) -> dict[str, bytes]:
    """The small metadata members of an sdist (PKG-INFO files, egg-info files), by path."""

    def wanted(path: str) -> bool:
        parts = path.split("/")
        if len(parts) == 2:
            return parts[1] == "PKG-INFO"
        if len(parts) == 3 and parts[1].endswith(".egg-info"):
            return parts[2] in ("PKG-INFO", "requires.txt")
        if len(parts) == 4 and parts[1] == "src" and parts[2].endswith(".egg-info"):
            return parts[3] in ("PKG-INFO", "requires.txt")
        return False

    found: dict[str, bytes] = {}
    lower = filename.lower()
    try:
        if lower.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in zf.namelist():
                    if wanted(name):
                        found[name] = zf.read(name)
        else:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
                for member in tf:
                    path = member.name.removeprefix("./")
                    if member.isfile() and wanted(path):
                        fobj = tf.extractfile(member)
                        if fobj is not None:
                            found[path] = fobj.read()
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise MetadataError(f"the archive cannot be read: {e}") from None
    return found


def metadata_from_sdist(filename: str, data: bytes) -> SdistMetadata:
    """Requires-Dist of an sdist, or None when it cannot be known without building it."""
    members = sdist_metadata_members(filename, data)
    pkg_infos = sorted(p for p in members if p.count("/") == 1)
    pkg_info = parse_core_metadata(members[pkg_infos[0]]) if pkg_infos else None
    rp = pkg_info.requires_python if pkg_info else None
    if pkg_info is not None and pkg_info.static_requires_dist:
        return SdistMetadata(pkg_info.requires_dist, rp, "pkg-info")
    egg_dirs = sorted({p.rsplit("/", 1)[0] for p in members if ".egg-info/" in p})
    if egg_dirs:
        # setuptools writes requires.txt only when there is something to require, so an
        # egg-info without one means "no dependencies".
        req_txt = members.get(f"{egg_dirs[0]}/requires.txt")
        if req_txt is None:
            return SdistMetadata((), rp, "egg-info")
        lines = requires_txt_to_requires_dist(req_txt.decode("utf-8", errors="replace"))
        return SdistMetadata(tuple(lines), rp, "requires.txt")
    if pkg_info is not None and pkg_info.requires_dist and "requires-dist" not in pkg_info.dynamic:
        # No setuptools egg-info but Requires-Dist filled in (and not declared dynamic): flit,
        # poetry, hatch and pdm write static metadata even under Metadata-Version 2.1.
        return SdistMetadata(pkg_info.requires_dist, rp, "pkg-info-static")
    return SdistMetadata(None, rp, "none")


class RangeReader(io.RawIOBase):
    """A read-only, seekable view of a remote file, fetched in blocks by HTTP range requests.

    Enough for `zipfile.ZipFile`, which reads the end of the archive (central directory) and
    then one member, so reading a wheel's METADATA costs two or three small requests.
    """

    BLOCK = 64 * 1024

    def __init__(self, client: HttpClient, url: str) -> None:
        super().__init__()
        self._client = client
        self._url = url
        self._chunks: list[tuple[int, bytes]] = []
        self._pos = 0
        resp = client.get_range(url, -self.BLOCK)
        cr = resp.content_range() if resp.status == 206 else None
        if cr is None:  # the server ignored the range: we have the whole file
            self._size = len(resp.body)
            self._chunks.append((0, resp.body))
        else:
            first, _, total = cr
            self._size = total if total is not None else first + len(resp.body)
            self._chunks.append((first, resp.body))

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = min(len(view), self._size - self._pos)
        if n <= 0:
            return 0
        data = self._read_at(self._pos, n)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _read_at(self, pos: int, n: int) -> bytes:
        for start, chunk in self._chunks:
            if start <= pos and pos + n <= start + len(chunk):
                return chunk[pos - start : pos - start + n]
        end = min(self._size, pos + max(n, self.BLOCK)) - 1
        resp = self._client.get_range(self._url, pos, end)
        cr = resp.content_range() if resp.status == 206 else None
        start = 0 if cr is None else cr[0]
        self._chunks.append((start, resp.body))
        if not (start <= pos and pos + n <= start + len(resp.body)):
            raise MetadataError(f"the server answered a range request for {self._url} wrongly")
        return resp.body[pos - start : pos - start + n]



@dataclass(frozen=True)
class Dist:
    """A distribution file as an index page describes it, with what reading metadata needs."""

    file: File
    size: int | None = None
    metadata_sha256: str | None = None  # PEP 714 `core-metadata` hash, when announced
    #: the index announces a PEP 658 metadata file (with or without a hash)
    metadata_announced: bool = False
    #: try `{url}.metadata` even when it is not announced: PyPI (and its mirrors) serve it
    #: for every wheel; other indexes are asked only for what they announce (PEP 658)
    probe_metadata: bool = True


@dataclass(frozen=True)
class FileMetadata:
    """What one distribution file says about its release."""

    #: None: the file cannot tell without a build (an sdist without static metadata).
    requires_dist: tuple[str, ...] | None
    requires_python: str | None


def _wheel_preference(d: Dist) -> tuple[int, int, str]:
    # Announced metadata first (hash-checked, certainly there), then pure wheels (the metadata
    # every platform sees), then by name for determinism.
    pure = any(t.endswith("-none-any") for t in d.file.tags)
    return (d.metadata_sha256 is None, not pure, d.file.filename)


def _sdist_preference(d: Dist) -> tuple[int, str]:
    return (0 if d.file.filename.endswith(".tar.gz") else 1, d.file.filename)


def files_to_try(dists: Iterable[Dist]) -> list[Dist]:
    """The files a release's metadata is read from, in order: up to three wheels, then one
    sdist."""
    dists = list(dists)
    wheels = sorted((d for d in dists if d.file.kind == "wheel"), key=_wheel_preference)
    sdists = sorted((d for d in dists if d.file.kind == "sdist"), key=_sdist_preference)
    return wheels[:3] + sdists[:1]


#: Reads one file's metadata, appending anything worth a warning to the list. Raises
#: MetadataError (this file cannot tell: the next is tried) or HTTPNotFound.
FileReader = Callable[[Dist, "list[str]"], FileMetadata]


def release_metadata(
    dists: Iterable[Dist], read: FileReader
) -> tuple[FileMetadata | None, tuple[str, ...]]:
    """The metadata of a release from the first of its files that tells, and the problems met
    on the way; (None, problems) when none does."""
    problems: list[str] = []
    for dist in files_to_try(dists):
        try:
            return read(dist, problems), tuple(problems)
        except HTTPNotFound:
            problems.append(f"{dist.file.filename} is gone from the file host (404)")
        except MetadataError as e:
            problems.append(f"{dist.file.filename}: {e}")
    return None, tuple(problems)


def read_dist_metadata(
    client: HttpClient, project: str, dist: Dist, problems: list[str], *, max_sdist_bytes: int,
    build: BuildEnv | None = None,
) -> FileMetadata:
    """One file's metadata, over the network (a `FileReader` once the options are bound).

    With `build`, an sdist without static metadata is built in isolation to read it
    (`buildmeta.sdist_metadata`); without, its `requires_dist` is None (unknown).
    """
    if dist.file.kind == "wheel":
        md = _wheel_metadata(client, project, dist, problems)
        return FileMetadata(md.requires_dist, md.requires_python)
    if dist.size is not None and dist.size > max_sdist_bytes:
        raise MetadataError(
            f"{dist.size / 1e6:.0f} MB, over the sdist size limit; not downloaded", permanent=False
        )
    body = client.get(dist.file.url).body
    if hashlib.sha256(body).hexdigest() != dist.file.sha256:
        raise MetadataError("its sha256 does not match the one on the index page")
    sm = metadata_from_sdist(dist.file.filename, body)
    if sm.requires_dist is None and build is not None:
        from .buildmeta import sdist_metadata  # not on the Nix resolver's path

        md = sdist_metadata(dist.file.filename, body, build=build, sha256=dist.file.sha256)
        return FileMetadata(md.requires_dist, md.requires_python or sm.requires_python)
    return FileMetadata(sm.requires_dist, sm.requires_python)


def _wheel_metadata(
    client: HttpClient, project: str, dist: Dist, problems: list[str]
) -> CoreMetadata:
    url = dist.file.url
    body: bytes | None = None
    if dist.metadata_announced or dist.metadata_sha256 or dist.probe_metadata:
        try:
            body = client.get(url + ".metadata").body
        except HTTPNotFound:
            pass
    if body is not None:
        if dist.metadata_sha256 is None or (
            hashlib.sha256(body).hexdigest() == dist.metadata_sha256
        ):
            return parse_core_metadata(body)
        problems.append(
            f"{dist.file.filename}.metadata does not match its announced sha256; "
            "reading the wheel instead"
        )
    try:
        with zipfile.ZipFile(RangeReader(client, url)) as zf:
            return metadata_from_wheel(zf, project)
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise MetadataError(f"not a readable wheel ({e})") from None
