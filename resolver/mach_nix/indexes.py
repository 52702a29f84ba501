"""Several indexes and find-links locations as one package source (docs/indexes.md).

The indexes are searched in the order `IndexOptions.search_order` gives: the extra indexes as
given, then the main index (`--index-url`, PyPI by default), as uv does. Two strategies:

- `first-index` (the default): a project's releases all come from the first index that has the
  project, so a name registered on a public index cannot shadow a private project of the same
  name (dependency confusion);
- `unsafe-best-match`: the releases of every index that has the project, merged (pip's way):
  the highest version wins wherever it comes from.

Find-links locations (a directory of wheels and sdists, or an HTML page of links) are flat
indexes: their files are added to whatever the indexes give, as pip and uv do.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from .auth import Credentials, redact, strip_credentials
from .cache import CachedPage
from .errors import MachNixError, OfflineError
from .http import HTTPNotFound
from .index import Project, Release
from .names import normalize
from .online import (
    DEFAULT_INDEX_URL,
    ClosedOnExit,
    SimpleSource,
    once,
    page_releases,
    parse_html_page,
)
from .source import ReleaseMetadata

STRATEGIES = ("first-index", "unsafe-best-match")


@dataclass(frozen=True)
class IndexOptions:
    """Where packages come from, as pip's and uv's options say it."""

    index_url: str = DEFAULT_INDEX_URL
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    strategy: str = "first-index"

    def search_order(self) -> list[str]:
        """The index URLs in the order they are searched: extra indexes first (earlier ones
        first), then the main index; none with `no_index`. Duplicates are searched once.
        Raises MachNixError for one that is not an http(s) URL (`check_url`)."""
        if self.no_index:
            return []
        urls: list[str] = []
        for url in (*self.extra_index_urls, self.index_url):
            check_url("--index-url" if url == self.index_url else "--extra-index-url", url)
            if strip_credentials(url).rstrip("/") not in [
                    strip_credentials(u).rstrip("/") for u in urls]:
                urls.append(url)
        return urls


def _project_of(filename: str) -> str | None:
    """The normalized project name of a wheel or sdist file name, or None for other files."""
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[0])
        return str(parse_sdist_filename(filename)[0])
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class FindLinksSource(SimpleSource):
    """`--find-links`: a local directory of distribution files, or an HTML page of links to
    them, read once. Files without a sha256 (a link without `#sha256=`) are left out with a
    warning: every file of a resolution is pinned by its hash. A directory's files are hashed
    when their project is asked for (a directory may hold big wheels of other projects)."""

    def __init__(self, location: str, **kwargs: Any) -> None:
        kwargs.setdefault("probe_metadata", False)
        self.location_path: Path | None = None
        if location.startswith(("http://", "https://")):
            check_url("--find-links", location)
        self.page_url = strip_credentials(location)
        if "://" not in location:
            try:
                self.location_path = Path(location).expanduser().resolve()
            except RuntimeError as e:  # `~user/...` of a user with no home directory
                raise MachNixError(f"--find-links {location}: {e} Give the directory's path "
                                   "without `~user`.") from None
            location = self.location_path.as_uri()
        super().__init__(location, **kwargs)
        self.label = (str(self.location_path) if self.location_path is not None
                      else self.index_url)
        self._listing: dict[str, list[dict[str, Any]]] | None = None
        self._listing_lock = threading.Lock()

    def _list(self) -> dict[str, list[dict[str, Any]]]:
        with self._listing_lock:
            if self._listing is None:
                entries = self._read_dir() if self.location_path is not None else self._read_page()
                listing: dict[str, list[dict[str, Any]]] = {}
                for entry in entries:
                    name = _project_of(str(entry["filename"]))
                    if name is None:
                        continue
                    if self.location_path is None and not (entry.get("hashes") or {}).get("sha256"):
                        self.warnings.append(
                            f"{self.label}: {entry['filename']} is left out: its link has no "
                            "#sha256= fragment, and every file is pinned by its hash")
                        continue
                    listing.setdefault(name, []).append(entry)
                self._listing = listing
            return self._listing

    def _read_dir(self) -> list[dict[str, Any]]:
        assert self.location_path is not None
        if not self.location_path.is_dir():
            raise MachNixError(
                f"--find-links {self.location_path}: there is no such directory. Give a "
                "directory of wheels and sdists, or the URL of a page of links to them."
            )
        return [{"filename": p.name, "url": p.as_uri(), "hashes": {}, "size": p.stat().st_size}
                for p in sorted(self.location_path.iterdir()) if p.is_file()]  # `_list` filters

    def _read_page(self) -> list[dict[str, Any]]:
        if self.offline:
            raise OfflineError(f"--offline: the find-links page {self.page_url} is not read "
                               "offline; run without --offline, or leave out --find-links.")
        try:
            resp = self.client.get(self.page_url, headers={"Accept": "text/html"})
        except HTTPNotFound:
            raise MachNixError(f"--find-links {self.page_url} answers 404; check the URL.") \
                from None
        files: list[dict[str, Any]] = parse_html_page(
            resp.body, strip_credentials(resp.url))["files"]
        return files

    def _page(self, name: str) -> CachedPage | None:
        entries = self._list().get(name)
        if entries is None:
            return None
        if self.location_path is not None:
            with self._listing_lock:
                for entry in entries:
                    if not entry["hashes"]:
                        entry["hashes"] = {"sha256": _sha256_of(self.location_path
                                                                / entry["filename"])}
        return CachedPage(url=self.page_url, releases=page_releases(name, {"files": entries}),
                          fetched=self.clock(), lifetime=0.0)

    def names(self) -> Iterable[str]:
        try:
            return sorted(self._list())
        except MachNixError:
            return []

    def missing_hint(self, names: Sequence[str], *, dependency: bool) -> str:
        return f"add its files to {self.label}" if dependency else (
            f"Check the spelling, and that {self.label} has its files.")


class MultiSource(ClosedOnExit):
    """Indexes searched in order, plus find-links locations (see the module's doc)."""

    def __init__(self, indexes: Sequence[SimpleSource], find_links: Sequence[SimpleSource] = (),
                 *, strategy: str = "first-index", jobs: int = 8) -> None:
        if strategy not in STRATEGIES:
            raise MachNixError(f"--index-strategy {strategy!r} is not known; use one of "
                               f"{', '.join(STRATEGIES)}.")
        if not indexes and not find_links:
            raise MachNixError("--no-index leaves no place to find packages; give --find-links "
                               "DIR (or URL), or leave out --no-index.")
        self.indexes = list(indexes)
        self.find_links = list(find_links)
        self.strategy = strategy
        self.label = ", ".join(s.label for s in [*self.indexes, *self.find_links])
        if len(self.indexes) + len(self.find_links) > 1:
            self.label = f"each of the indexes ({self.label})"  # "... has no project named x"
        self._jobs = max(1, jobs)
        self._thread_name = "mach-nix-indexes"
        self._lock = threading.Lock()
        self._lookups: dict[str, Future[Project | None]] = {}
        #: (name, version) -> each source that has the release, with its own Release
        self._origins: dict[tuple[str, str], list[tuple[SimpleSource, Release]]] = {}

    @property
    def credentials(self) -> Credentials | None:
        """The credentials the sources share (the command line gives them one)."""
        sources = [*self.indexes, *self.find_links]
        return sources[0].credentials if sources else None

    @property
    def warnings(self) -> list[str]:
        return [w for s in [*self.indexes, *self.find_links] for w in s.warnings]

    # --- PackageSource ----------------------------------------------------------------------

    def project(self, name: str) -> Project | None:
        return self._lookup(normalize(name), background=False).result()

    def metadata(self, name: str, release: Release) -> ReleaseMetadata:
        source, own = self._origin(normalize(name), release)
        return source.metadata(name, own)

    def metadata_at_hand(self, name: str, release: Release) -> ReleaseMetadata | None:
        return None

    def prefetch(self, names: Iterable[str]) -> None:
        for name in names:
            self._lookup(normalize(name), background=True)

    def prefetch_metadata(self, name: str, release: Release) -> None:
        source, own = self._origin(normalize(name), release)
        source.prefetch_metadata(name, own)

    def names(self) -> Iterable[str]:
        return sorted({n for s in [*self.indexes, *self.find_links] for n in s.names()})

    def missing_hint(self, names: Sequence[str], *, dependency: bool) -> str:
        if dependency:
            return f"pin a version of the package that needs it which does not ({self.label})"
        where = ", ".join(f"{s.index_url}/{normalize(names[0])}/" for s in self.indexes)
        pages = f" ({where} answer 404)" if where else ""
        return (f"Check the spelling, and that --index-url, --extra-index-url and --find-links "
                f"name the indexes you mean{pages}.")

    # --- looking a project up ---------------------------------------------------------------

    def _lookup(self, name: str, *, background: bool) -> Future[Project | None]:
        return once(self._lock, self._lookups, name, self._find,
                    self._executor if background else None)

    def _find(self, name: str) -> Project | None:
        found: list[tuple[SimpleSource, Project]] = []
        for source in self.indexes:
            project = source.project(name)
            if project is not None:
                found.append((source, project))
                if self.strategy == "first-index":
                    break  # later indexes are not even asked
        for source in self.find_links:
            project = source.project(name)
            if project is not None:
                found.append((source, project))
        if not found:
            return None
        if len(found) == 1:
            source, project = found[0]
            with self._lock:
                for r in project.releases:
                    self._origins[(name, r.version)] = [(source, r)]
            return project
        return self._merge(name, found)

    def _merge(self, name: str, found: Sequence[tuple[SimpleSource, Project]]) -> Project:
        """One project of the releases of several sources: a version's files are all of its
        files (the first source's copy of a file name wins), its Requires-Python the first
        source's, its metadata read from the first source that has it."""
        by_version: dict[Version, tuple[Release, list[tuple[SimpleSource, Release]]]] = {}
        for source, project in found:
            for r in project.releases:
                key = Version(r.version)
                if key in by_version:
                    first, origins = by_version[key]
                    names = {f.filename for f in first.files}
                    files = first.files + tuple(f for f in r.files if f.filename not in names)
                    by_version[key] = (Release(first.version, None, first.requires_python
                                               or r.requires_python, files),
                                       [*origins, (source, r)])
                else:
                    by_version[key] = (r, [(source, r)])
        releases = []
        with self._lock:
            for key in sorted(by_version):
                release, origins = by_version[key]
                releases.append(release)
                self._origins[(name, release.version)] = origins
        return Project(name=name, releases=tuple(releases))

    def _origin(self, name: str, release: Release) -> tuple[SimpleSource, Release]:
        with self._lock:
            origins = self._origins.get((name, release.version))
        if not origins:
            raise MachNixError(f"internal: {name} {release.version} was not listed by any index")
        return origins[0]

    # --- lifecycle --------------------------------------------------------------------------

    def close(self, *, wait: bool = True) -> None:
        super().close(wait=wait)
        for source in [*self.indexes, *self.find_links]:
            source.close(wait=wait)



def index_options(
    *,
    cli_index_url: str | None = None,
    cli_extra_index_urls: Sequence[str] = (),
    cli_find_links: Sequence[str] = (),
    cli_no_index: bool = False,
    strategy: str = "first-index",
    file_index_url: str | None = None,
    file_extra_index_urls: Sequence[str] = (),
    file_find_links: Sequence[str] = (),
    file_no_index: bool = False,
    environ: Mapping[str, str] | None = None,
) -> IndexOptions:
    """The options from the command line, the environment (PIP_INDEX_URL and
    PIP_EXTRA_INDEX_URL, a whitespace-separated list, as pip reads them) and the requirements
    files. The main index: the command line's, else the environment's, else the requirements
    file's, else PyPI. Extra indexes and find-links locations: all of them, the command line's
    first.

    PIP_FIND_LINKS and PIP_NO_INDEX are not read: a wheel directory set up for pip on one
    machine would end up, as file:// URLs, in locks meant for every machine."""
    env = os.environ if environ is None else environ
    env_extra = tuple(env.get("PIP_EXTRA_INDEX_URL", "").split())
    extras = [*cli_extra_index_urls, *env_extra, *file_extra_index_urls]
    return IndexOptions(
        index_url=(cli_index_url or env.get("PIP_INDEX_URL", "").strip() or file_index_url
                   or DEFAULT_INDEX_URL),
        extra_index_urls=tuple(dict.fromkeys(extras)),
        find_links=tuple(dict.fromkeys([*cli_find_links, *file_find_links])),
        no_index=cli_no_index or file_no_index,
        strategy=strategy,
    )


def check_url(option: str, url: str) -> None:
    """A message for an index URL that is not an http(s) URL with a host (quoted without its
    credentials)."""
    if not url.startswith(("http://", "https://")):
        raise MachNixError(f"{option} {redact(url)}: an index URL starts with https:// (or "
                           "http://); for a directory of files use --find-links DIR.")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises ValueError for a bad port
    except ValueError as e:
        raise MachNixError(f"{option} {redact(url)} is not a valid URL ({e}); write it as "
                           "https://HOST[:PORT]/PATH, e.g. https://pypi.org/simple.") from None
    if not host:
        raise MachNixError(f"{option} {redact(url)}: the URL names no host; write it as "
                           "https://HOST[:PORT]/PATH, e.g. https://pypi.org/simple.")
