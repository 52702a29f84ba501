"""The online resolver's persistent cache: simple-API pages and release metadata on disk.

    CACHE/simple-v2/<index>/<shard>/<name>.jsonl  what the resolver reads of a project's
                                                  simple-API page (`CachedPage.to_bytes`): a
                                                  first line with when it was fetched, how long
                                                  it stays fresh, its validators (ETag,
                                                  Last-Modified) and per release its version and
                                                  Requires-Python; then one line per release
                                                  with its files, parsed when it is looked at
    CACHE/metadata-v1/<ab>/<sha256>.json          what a distribution file's core metadata
                                                  says, keyed by the file's sha256
    CACHE/built-v1/<ab>/<sha256>.json             the core metadata an sdist's build backend
                                                  produced (`buildmeta`), by the sdist's sha256

CACHE is `--cache-dir`, else `$MACH_NIX_CACHE_DIR`, else `$XDG_CACHE_HOME/mach-nix`, else
`~/.cache/mach-nix`. `<index>` tells index URLs apart (host and path, plus a digest of the URL).

Metadata and built entries never go stale: a file with a given sha256 always says the same, so they are
kept forever. Pages follow HTTP caching: fresh for `Cache-Control: max-age` (less `Age`), or
until `Expires`; a page with no caching headers is taken as fresh for `DEFAULT_LIFETIME`, the
max-age PyPI itself sends; `no-cache` and `no-store` make it stale at once (it is still kept,
for `--offline`). A stale page is revalidated with `If-None-Match` / `If-Modified-Since`:
a 304 keeps the entry (a new first line before the same release lines), a 200 replaces it.
A project the index does not have (404) is remembered as such for `DEFAULT_LIFETIME`
(`CachedPage.absent`): with several indexes, most projects are missing from all but one, and a
second run must ask none of them again (nor fail `--offline`).

Every write is atomic (`index.atomic_write`): after an interruption or a network failure an
entry is the old one, the new one, or absent, never half written. An entry that cannot be read
(another version's, damaged by hand: a page entry's first line holds its body's length and
CRC-32) counts as absent, and is fetched again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Union

from .errors import MachNixError
from .index import atomic_write, dump_json, shard
from .metadata import CoreMetadata, FileMetadata
from .names import normalize

CACHE_VERSION = 1
#: The page entries' format (`simple-v<N>/`): 2 keeps what choosing a release needs on a first
#: line and each release's files on a line of their own (1 kept the whole page as JSON).
PAGE_VERSION = 2

#: Seconds a page without caching headers stays fresh (pypi.org sends max-age=600).
DEFAULT_LIFETIME = 600.0

#: A file's cached metadata: what it says, or why it cannot tell (a permanent answer).
CachedMetadata = Union[FileMetadata, str]

def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`$MACH_NIX_CACHE_DIR`, else `$XDG_CACHE_HOME/mach-nix`, else `~/.cache/mach-nix`."""
    env = os.environ if environ is None else environ
    if env.get("MACH_NIX_CACHE_DIR"):
        return Path(env["MACH_NIX_CACHE_DIR"])
    xdg = env.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is to be ignored
        return Path(xdg) / "mach-nix"
    return Path.home() / ".cache" / "mach-nix"


# --- HTTP freshness ------------------------------------------------------------------------


def _cache_control(headers: Mapping[str, str]) -> dict[str, str | None]:
    directives: dict[str, str | None] = {}
    for part in headers.get("cache-control", "").split(","):
        key, sep, value = part.strip().partition("=")
        if key:
            directives[key.lower()] = value.strip().strip('"') if sep else None
    return directives


def freshness_lifetime(headers: Mapping[str, str], default: float = DEFAULT_LIFETIME) -> float:
    """Seconds a response stays fresh from when it was received (RFC 9111, private cache)."""
    cc = _cache_control(headers)
    if "no-store" in cc or "no-cache" in cc:
        return 0.0
    lifetime: float | None = None
    max_age = cc.get("max-age")
    if max_age is not None:
        try:
            lifetime = float(int(max_age))
        except ValueError:
            lifetime = 0.0  # an unreadable max-age: stale (RFC 9111 4.2.1)
    elif "expires" in headers:
        try:
            expires = parsedate_to_datetime(headers["expires"])
            if "date" in headers:
                lifetime = (expires - parsedate_to_datetime(headers["date"])).total_seconds()
            else:
                lifetime = expires.timestamp() - time.time()
        except (TypeError, ValueError):
            lifetime = 0.0  # "Expires: 0" and other invalid dates mean already expired
    if lifetime is None:
        lifetime = default
    try:
        age = float(int(headers.get("age", "0")))
    except ValueError:
        age = 0.0
    return max(0.0, lifetime - age)


class CachedRelease:
    """A release of a cached page: its version (as the page spells it), the first
    Requires-Python its files state (by file name), and its files' PEP 691 entries, which are
    read from the cache entry only when first asked for (`files`): a page lists every file of
    every release, and a resolution looks at a few."""

    __slots__ = ("version", "requires_python", "_files", "_raw")

    def __init__(self, version: str, requires_python: str | None,
                 files: list[dict[str, Any]] | None = None,
                 raw: tuple[bytes, int, int] | None = None) -> None:
        self.version = version
        self.requires_python = requires_python
        self._files = files
        #: (the entry's bytes, offset, length) of this release's line, not parsed yet
        self._raw = raw

    @property
    def loaded(self) -> bool:
        """Whether the files were read (or given): tests check that few are."""
        return self._files is not None

    def files(self) -> list[dict[str, Any]]:
        if self._files is None:
            assert self._raw is not None
            data, start, length = self._raw
            files = json.loads(data[start:start + length])
            if not isinstance(files, list):  # the entry's checksum matched: not damage
                raise ValueError(f"release {self.version}: not a list of files")
            self._files = files
        return self._files

    def line(self) -> bytes:
        """The release's files as a line of the cache entry (copied when read from one)."""
        if self._raw is not None:
            data, start, length = self._raw
            return data[start:start + length]
        return json.dumps(self._files, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class CachedPage:
    """A project's simple-API page as it was fetched, with its HTTP caching facts, in the
    form the resolver reads (`releases`, in version order), not the page itself."""

    url: str  # after redirects: relative file URLs are relative to it
    releases: Sequence[CachedRelease]
    fetched: float  # Unix time of the response, or of its last revalidation
    lifetime: float  # seconds it is fresh after `fetched`
    etag: str | None = None
    last_modified: str | None = None
    #: the index does not have the project (it answered 404)
    absent: bool = False

    @classmethod
    def from_response(
        cls, url: str, releases: Sequence[CachedRelease], headers: Mapping[str, str],
        now: float,
    ) -> CachedPage:
        return cls(url=url, releases=releases, fetched=now,
                   lifetime=freshness_lifetime(headers), etag=headers.get("etag"),
                   last_modified=headers.get("last-modified"))

    def revalidated(self, headers: Mapping[str, str], now: float) -> CachedPage:
        """The page after a 304: the same content, fresh again per the 304's headers."""
        lifetime = freshness_lifetime(headers) if (
            "cache-control" in headers or "expires" in headers
        ) else self.lifetime
        return CachedPage(url=self.url, releases=self.releases, fetched=now, lifetime=lifetime,
                          etag=headers.get("etag", self.etag),
                          last_modified=headers.get("last-modified", self.last_modified))

    def fresh(self, now: float) -> bool:
        return 0.0 <= now - self.fetched < self.lifetime

    @classmethod
    def not_found(cls, url: str, now: float) -> CachedPage:
        """The index does not have the project (it answered 404)."""
        return cls(url=url, releases=(), fetched=now, lifetime=DEFAULT_LIFETIME, absent=True)

    def validators(self) -> dict[str, str]:
        """Headers that make a request conditional on the page having changed."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def to_bytes(self) -> bytes:
        """The cache entry: a first line with the caching facts and, per release, its version,
        Requires-Python and where its line is; then one line per release with its files."""
        lines = [r.line() for r in self.releases]
        index, offset = [], 0
        for r, line in zip(self.releases, lines):
            index.append([r.version, r.requires_python, offset, len(line)])
            offset += len(line) + 1
        body = b"".join(line + b"\n" for line in lines)
        header = {"schemaVersion": PAGE_VERSION, "url": self.url, "fetched": self.fetched,
                  "lifetime": self.lifetime, "etag": self.etag,
                  "lastModified": self.last_modified, "absent": self.absent,
                  "releases": index, "bodyLength": len(body), "bodyCrc32": zlib.crc32(body)}
        return dump_json(header) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> CachedPage:
        """The page of a cache entry, its releases' lines not parsed yet. Raises ValueError
        (or KeyError, TypeError) for an entry of another version or a damaged one."""
        end = data.find(b"\n")
        if end < 0:
            raise ValueError("no first line")
        d = json.loads(data[:end])
        if not isinstance(d, dict) or d.get("schemaVersion") != PAGE_VERSION:
            raise ValueError("not a page of this cache version")
        base = end + 1
        # a checksum rather than trust: the lines are parsed later, mid-resolution, when a
        # damaged entry could no longer be refetched
        if d["bodyLength"] != len(data) - base or d["bodyCrc32"] != zlib.crc32(data[base:]):
            raise ValueError("damaged")
        releases = []
        for version, rp, offset, length in d["releases"]:
            if not (isinstance(version, str) and (rp is None or isinstance(rp, str))
                    and type(offset) is int and type(length) is int
                    and 0 <= offset and offset + length <= d["bodyLength"]):
                raise ValueError("damaged")
            releases.append(CachedRelease(version, rp, raw=(data, base + offset, length)))
        etag, last_modified = d.get("etag"), d.get("lastModified")
        return cls(url=str(d["url"]), releases=tuple(releases), fetched=float(d["fetched"]),
                   lifetime=float(d["lifetime"]),
                   etag=etag if isinstance(etag, str) else None,
                   last_modified=last_modified if isinstance(last_modified, str) else None,
                   absent=d.get("absent") is True)


# --- the cache directory -------------------------------------------------------------------


def index_key(index_url: str) -> str:
    """A directory name per index URL: readable, and unique by a digest of the URL."""
    readable = re.sub(r"[^A-Za-z0-9.]+", "-", re.sub(r"^\w+://", "", index_url)).strip("-")
    return f"{readable[:60]}-{hashlib.sha256(index_url.encode()).hexdigest()[:12]}"


class Cache:
    """The cache directory. Safe to share between threads and processes (atomic writes)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _page_path(self, index_url: str, name: str) -> Path:
        norm = normalize(name)
        return (self.root / f"simple-v{PAGE_VERSION}" / index_key(index_url) / shard(norm)
                / f"{norm}.jsonl")

    def _sha_path(self, kind: str, sha256: str) -> Path:
        """`metadata-v1/` or `built-v1/` entry of a file, by its sha256."""
        sha = sha256.lower()
        return self.root / kind / sha[:2] / f"{sha}.json"

    def _write(self, path: Path, data: bytes) -> None:
        try:
            atomic_write(path, data)
        except OSError as e:
            raise MachNixError(
                f"the cache directory {self.root} cannot be written ({path}: "
                f"{e.strerror or e}). Give a writable directory with --cache-dir DIR (or "
                "$MACH_NIX_CACHE_DIR), or fix the directory's permissions."
            ) from None

    @staticmethod
    def _read(path: Path) -> Any:
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None

    def load_page(self, index_url: str, name: str) -> CachedPage | None:
        """The cached page, its releases' files not read yet; None when there is none or it
        cannot be read (another version's, damaged): it is then fetched again."""
        try:
            return CachedPage.from_bytes(self._page_path(index_url, name).read_bytes())
        except (OSError, KeyError, TypeError, ValueError):
            return None

    def store_page(self, index_url: str, name: str, page: CachedPage) -> None:
        self._write(self._page_path(index_url, name), page.to_bytes())

    def page_names(self, index_url: str) -> list[str]:
        """The projects with a cached page for this index (for "did you mean")."""
        base = self.root / f"simple-v{PAGE_VERSION}" / index_key(index_url)
        if not base.is_dir():
            return []
        # read on failures only (suggestions): the names a 404 was remembered for are not names
        return sorted(p.stem for p in base.glob("*/*.jsonl")
                      if (page := self.load_page(index_url, p.stem)) is not None and not page.absent)

    def load_metadata(self, sha256: str) -> CachedMetadata | None:
        d = self._read(self._sha_path("metadata-v1", sha256))
        if not isinstance(d, dict) or d.get("schemaVersion") != CACHE_VERSION:
            return None
        if isinstance(d.get("unreadable"), str):
            return str(d["unreadable"])
        rd, rp = d.get("requires_dist"), d.get("requires_python")
        if (rd is not None and not (isinstance(rd, list) and all(isinstance(r, str) for r in rd))
                or rp is not None and not isinstance(rp, str)):
            return None
        return FileMetadata(None if rd is None else tuple(rd), rp)

    def store_metadata(self, sha256: str, entry: CachedMetadata) -> None:
        d: dict[str, Any] = {"schemaVersion": CACHE_VERSION}
        if isinstance(entry, str):
            d["unreadable"] = entry
        else:
            d["requires_dist"] = None if entry.requires_dist is None else list(entry.requires_dist)
            d["requires_python"] = entry.requires_python
        self._write(self._sha_path("metadata-v1", sha256), dump_json(d))

    def load_built(self, sha256: str) -> CoreMetadata | None:
        """What the build backend said about the sdist with this sha256, if it ran before."""
        d = self._read(self._sha_path("built-v1", sha256))
        if not isinstance(d, dict) or d.get("schemaVersion") != CACHE_VERSION:
            return None
        rd = d.get("requires_dist")
        if not (isinstance(rd, list) and all(isinstance(r, str) for r in rd)):
            return None
        text = {k: d.get(k) for k in ("metadata_version", "requires_python", "name", "version")}
        if not all(v is None or isinstance(v, str) for v in text.values()):
            return None
        return CoreMetadata(metadata_version=text["metadata_version"], requires_dist=tuple(rd),
                            requires_python=text["requires_python"], name=text["name"],
                            version=text["version"])

    def store_built(self, sha256: str, md: CoreMetadata) -> None:
        d: dict[str, Any] = {"schemaVersion": CACHE_VERSION, "name": md.name,
                             "version": md.version, "metadata_version": md.metadata_version,
                             "requires_dist": list(md.requires_dist),
                             "requires_python": md.requires_python}
        self._write(self._sha_path("built-v1", sha256), dump_json(d))
