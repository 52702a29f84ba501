"""PyPI's simple API as a package source: the command line's online mode.

For each project the resolver asks for, one GET of `{index-url}/{name}/` with
`Accept: application/vnd.pypi.simple.v1+json` (PEP 691) gives every file with its sha256,
Requires-Python and yanked flag; files are grouped into releases by the version in their name.
A release's dependencies are read only when the resolver tries it (`metadata`), from one of its
files as `mach_nix.metadata` says: a wheel's PEP 658 `.metadata` file (announced or not: this
is tried for every wheel), else the wheel's METADATA by range requests, else the sdist's static
metadata. What the resolver asks for next is downloaded ahead, in parallel (`prefetch`,
`prefetch_metadata`): the pages of the projects a tried release depends on, and the metadata
of the release it will try first for each of them (see `IndexProvider.prefetch`).

Everything goes through the persistent cache (`cache.Cache`): pages while they are fresh,
metadata forever. `offline` never touches the network; `refresh` fetches pages and metadata
again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

from packaging.version import InvalidVersion, Version

from .cache import Cache, CachedPage
from .errors import NetworkError, OfflineError
from .http import HttpClient, HTTPNotFound
from .index import File, Project, Release
from .metadata import Dist, FileMetadata, MetadataError, read_dist_metadata, release_metadata
from .names import normalize
from .source import ReleaseMetadata

DEFAULT_INDEX_URL = "https://pypi.org/simple"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
DEFAULT_MAX_SDIST_BYTES = 20 * 1024 * 1024

_SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar")

_FAILURE_HINT = (
    "Check the network connection and that the index is up, then run the command again (what "
    "was downloaded is kept in the cache), or resolve from the cache alone with --offline."
)

_UNKNOWN_DEPENDENCIES = (
    "its dependencies cannot be known without building it (no wheel metadata, and the sdist "
    "has no static metadata)"
)


def online_client(*, timeout: float = 30.0, retries: int = 4) -> HttpClient:
    """An HTTP client whose messages speak of the online resolver's options."""
    return HttpClient(timeout=timeout, retries=retries, url_option="--index-url",
                      failure_hint=_FAILURE_HINT)


# --- the simple API's project page -----------------------------------------------------------


def _wheel_tags(tag_parts: Sequence[str]) -> tuple[str, ...] | None:
    """`File.wheel_tags` of the last three parts of a wheel's name, without building `Tag`
    objects: a project page lists thousands of wheels."""
    py, abi, plat = (p.lower().split(".") for p in tag_parts)
    if not all(py) or not all(abi) or not all(plat):
        return None
    return tuple(sorted({f"{i}-{a}-{p}" for i in py for a in abi for p in plat}))


def _filename_version(
    name: str, filename: str, names: dict[str, str]
) -> tuple[str, str, tuple[str, ...]] | None:
    """(kind, version as in the filename, wheel tags) of a wheel or sdist of project `name`;
    None for other files (eggs, installers) and files of other projects. `names` caches the
    normalized spellings of project names met so far."""

    def norm(text: str) -> str:
        if text not in names:
            names[text] = normalize(text)
        return names[text]

    if filename.endswith(".whl"):
        # {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl (PEP 427)
        parts = filename[:-4].split("-")
        if len(parts) not in (5, 6) or norm(parts[0]) != name:
            return None
        tags = _wheel_tags(parts[-3:])
        return None if tags is None else ("wheel", parts[1], tags)
    lower = filename.lower()
    for suffix in _SDIST_SUFFIXES:
        if lower.endswith(suffix):
            stem = filename[: -len(suffix)]
            # the name may contain dashes: split where the part before is this project's name
            for i, ch in enumerate(stem):
                if ch == "-" and norm(stem[:i]) == name:
                    return "sdist", stem[i + 1 :], ()
            return None
    return None


def _yanked(value: Any) -> bool:
    # PEP 691: false, true, or a non-empty string (the reason)
    return value is True or (isinstance(value, str) and bool(value))


def _metadata_sha256(entry: Mapping[str, Any]) -> str | None:
    """The announced PEP 658/714 metadata hash: `core-metadata` (PEP 714), or the older
    `dist-info-metadata` / `data-dist-info-metadata` spellings."""
    for key in ("core-metadata", "dist-info-metadata", "data-dist-info-metadata"):
        value = entry.get(key)
        if isinstance(value, Mapping):
            sha = value.get("sha256")
            return str(sha) if isinstance(sha, str) else None
        if value is not None:
            return None
    return None


def parse_project_page(
    name: str, page: Mapping[str, Any], base_url: str
) -> tuple[Project, dict[str, tuple[Dist, ...]]]:
    """A PEP 691 project page as an index project (releases with files; `requires_dist` not
    known yet) and the distributions of each release (by version string) to read metadata
    from. Versions are spelled as the page's `versions` list spells them when it has them."""
    name = normalize(name)
    spelled: dict[Version, str] = {}
    for v in page.get("versions") or ():
        try:
            spelled.setdefault(Version(str(v)), str(v))
        except InvalidVersion:
            continue
    dists: dict[str, list[Dist]] = {}
    names: dict[str, str] = {}
    versions: dict[str, Version | None] = {}
    for entry in page.get("files") or ():
        if not isinstance(entry, Mapping):
            continue
        filename = str(entry.get("filename", ""))
        sha256 = (entry.get("hashes") or {}).get("sha256")
        if not filename or not isinstance(sha256, str) or not entry.get("url"):
            continue
        found = _filename_version(name, filename, names)
        if found is None:
            continue
        kind, version_text, tags = found
        if version_text not in versions:
            try:
                versions[version_text] = Version(version_text)
            except InvalidVersion:
                versions[version_text] = None
        version = versions[version_text]
        if version is None:
            continue
        url = str(entry["url"])
        size = entry.get("size")
        dist = Dist(
            file=File(
                filename=filename,
                url=url if url.startswith(("https://", "http://")) else urljoin(base_url, url),
                sha256=sha256.lower(),
                kind=kind,
                tags=tags,
                requires_python=entry.get("requires-python") or None,
                yanked=_yanked(entry.get("yanked")),
                upload_time=entry.get("upload-time") or None,
            ),
            size=size if isinstance(size, int) else None,
            metadata_sha256=_metadata_sha256(entry),
        )
        dists.setdefault(spelled.get(version, version_text), []).append(dist)
    releases = []
    for version_text, found_dists in dists.items():
        files = tuple(sorted((d.file for d in found_dists), key=lambda f: f.filename))
        releases.append(Release(
            version=version_text,
            requires_dist=None,  # read on demand: SimpleSource.metadata
            # what the files say (the first one that says something, by filename), as the
            # index crawler records when the metadata itself has none
            requires_python=next((f.requires_python for f in files if f.requires_python), None),
            files=files,
        ))
    releases.sort(key=lambda r: Version(r.version))
    return Project(name=name, releases=tuple(releases)), {
        v: tuple(ds) for v, ds in dists.items()
    }


# --- the source ------------------------------------------------------------------------------


class SimpleSource:
    """A `PackageSource` on a PEP 691 simple API (PyPI by default), with a persistent cache.

    Use it as a context manager (or call `close`): it runs a small thread pool for prefetching.
    `client.requests` counts the HTTP requests made.
    """

    def __init__(
        self,
        index_url: str = DEFAULT_INDEX_URL,
        *,
        cache: Cache,
        client: HttpClient | None = None,
        offline: bool = False,
        refresh: bool = False,
        jobs: int = 8,
        max_sdist_bytes: int = DEFAULT_MAX_SDIST_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.index_url = index_url.rstrip("/")
        self.label = self.index_url
        self.cache = cache
        self.client = client or online_client()
        self.offline = offline
        self.refresh = refresh
        self.max_sdist_bytes = max_sdist_bytes
        self.clock = clock
        #: problems met while reading metadata that did not stop the resolution
        self.warnings: list[str] = []
        self._jobs = max(1, jobs)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._pages: dict[str, Future[CachedPage | None]] = {}
        self._metadata: dict[tuple[str, str], Future[ReleaseMetadata]] = {}
        self._projects: dict[str, Project | None] = {}
        self._dists: dict[tuple[str, str], tuple[Dist, ...]] = {}

    # --- PackageSource ----------------------------------------------------------------------

    def project(self, name: str) -> Project | None:
        name = normalize(name)
        if name not in self._projects:
            page = self._page_future(name).result()
            if page is None:
                self._projects[name] = None
            else:
                project, dists = parse_project_page(name, page.page, page.url)
                for version, ds in dists.items():
                    self._dists[(name, version)] = ds
                self._projects[name] = project
        return self._projects[name]

    def metadata(self, name: str, release: Release) -> ReleaseMetadata:
        name = normalize(name)
        with self._lock:
            future = self._metadata.get((name, release.version))
        if future is not None:
            return future.result()
        return self._read_metadata(name, release)

    def prefetch_metadata(self, name: str, release: Release) -> None:
        name = normalize(name)
        with self._lock:
            if (name, release.version) not in self._metadata:
                self._metadata[(name, release.version)] = self._executor().submit(
                    self._read_metadata, name, release)

    def _read_metadata(self, name: str, release: Release) -> ReleaseMetadata:
        dists = self._dists.get((name, release.version), ())

        def read(dist: Dist, problems: list[str]) -> FileMetadata:
            return self._file_metadata(name, dist, problems)

        md, problems = release_metadata(dists, read)
        self.warnings.extend(f"{name} {release.version}: {p}" for p in problems)
        if md is None or md.requires_dist is None:
            return ReleaseMetadata(None, release.requires_python, _UNKNOWN_DEPENDENCIES)
        return ReleaseMetadata(md.requires_dist, md.requires_python or release.requires_python)

    def metadata_at_hand(self, name: str, release: Release) -> ReleaseMetadata | None:
        # Not even from the persistent cache: what the resolver tries must not depend on
        # what an earlier run happened to download.
        return None

    def names(self) -> Iterable[str]:
        return self.cache.page_names(self.index_url)

    def missing_hint(self, names: Sequence[str], *, dependency: bool) -> str:
        if dependency:
            return f"pin a version of the package that needs it which does not ({self.label})"
        return (f"Check the spelling, and that --index-url is the index you mean "
                f"({self.index_url}/{normalize(names[0])}/ answers 404).")

    def prefetch(self, names: Iterable[str]) -> None:
        """Fetch these projects' pages in the background: the resolver asks for them next."""
        if self.offline:
            return
        for name in names:
            self._page_future(normalize(name), background=True)

    # --- lifecycle --------------------------------------------------------------------------

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._jobs,
                                            thread_name_prefix="mach-nix-prefetch")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> SimpleSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- pages ------------------------------------------------------------------------------

    def _page_future(self, name: str, *, background: bool = False) -> Future[CachedPage | None]:
        with self._lock:
            future = self._pages.get(name)
            if future is not None:
                return future
            if background:
                future = self._executor().submit(self._page, name)
                self._pages[name] = future
                return future
            future = Future()
            self._pages[name] = future
        try:
            future.set_result(self._page(name))
        except BaseException as e:
            future.set_exception(e)
        return future

    def _page(self, name: str) -> CachedPage | None:
        """The project's page: from the cache while fresh (or offline), else fetched or
        revalidated; None when the index does not have the project."""
        url = f"{self.index_url}/{name}/"
        cached = None if (self.refresh and not self.offline) else self.cache.load_page(
            self.index_url, name)
        if cached is not None and (self.offline or cached.fresh(self.clock())):
            return cached
        if self.offline:
            raise OfflineError(
                f"--offline: the cache ({self.cache.root}) has no page of {name} from "
                f"{self.index_url}, so its releases are unknown. Run the command once without "
                "--offline to fill the cache."
            )
        headers = {"Accept": SIMPLE_JSON, **(cached.validators() if cached else {})}
        try:
            resp = self.client.get(url, headers=headers, compressed=True)
        except HTTPNotFound:
            return None
        now = self.clock()
        if resp.status == 304 and cached is not None:
            page = cached.revalidated(resp.headers, now)
        else:
            page = CachedPage.from_response(resp.url, self._parse(url, resp.headers, resp.body),
                                            resp.headers, now)
        self.cache.store_page(self.index_url, name, page)
        return page

    @staticmethod
    def _parse(url: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in (SIMPLE_JSON, "application/json"):
            raise NetworkError(
                f"{url} answered with {content_type or 'no content type'}, not the JSON simple "
                f"API (PEP 691, {SIMPLE_JSON}). mach-nix reads only that; use an index that "
                "serves it (PyPI does), or build a pinned index with `mach-nix index` and use "
                "--index."
            )
        try:
            data = json.loads(body)
        except ValueError as e:
            raise NetworkError(f"{url} answered with JSON that cannot be read ({e}); try "
                               "again later, or check --index-url.") from None
        if not isinstance(data, dict) or not isinstance(data.get("files"), list):
            raise NetworkError(f"{url} answered with JSON that is not a PEP 691 project page; "
                               "check --index-url.")
        return data

    # --- metadata ---------------------------------------------------------------------------

    def _file_metadata(self, name: str, dist: Dist, problems: list[str]) -> FileMetadata:
        """One file's metadata: from the cache (by the file's sha256), else downloaded and
        kept. Raises MetadataError when the file cannot tell (remembered too)."""
        sha = dist.file.sha256
        if not self.refresh or self.offline:
            cached = self.cache.load_metadata(sha)
            if isinstance(cached, FileMetadata):
                return cached
            if isinstance(cached, str):
                raise MetadataError(cached)
        if self.offline:
            raise OfflineError(
                f"--offline: the cache ({self.cache.root}) has no metadata of {name} from "
                f"{dist.file.filename}, so its dependencies are unknown. Run the command once "
                "without --offline to fill the cache."
            )
        try:
            md = read_dist_metadata(self.client, name, dist, problems,
                                    max_sdist_bytes=self.max_sdist_bytes)
        except MetadataError as e:
            if e.permanent:
                self.cache.store_metadata(sha, str(e))
            raise
        self.cache.store_metadata(sha, md)
        return md
