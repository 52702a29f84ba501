"""A simple API (PyPI or any other index) as a package source: the command line's online mode.

For each project the resolver asks for, one GET of `{index-url}/{name}/`, asking for the JSON
form (PEP 691) first and the HTML form (PEP 503) next, gives every file with its sha256,
Requires-Python and yanked flag (an HTML page is turned into the JSON form as it is read,
`parse_html_page`); files are grouped into releases by the version in their name.
A release's dependencies are read only when the resolver tries it (`metadata`), from one of its
files as `mach_nix.metadata` says: a wheel's PEP 658 `.metadata` file (when announced, and on
PyPI for every wheel), else the wheel's METADATA by range requests, else the sdist's static
metadata, else (when given a `BuildEnv`) what the sdist's build backend says. What the
resolver asks for next is downloaded ahead, in parallel (`prefetch`,
`prefetch_metadata`): the pages of the projects a tried release depends on, and the metadata
of the release it will try first for each of them (see `IndexProvider.prefetch`).

Everything goes through the persistent cache (`cache.Cache`): pages while they are fresh,
metadata forever. Of a page the cache keeps its releases in version order (`page_releases`),
so that a run from the cache reads the versions and Requires-Python of every release but the
files only of the releases it looks at (`project_of_releases`), never the whole page.
`offline` never touches the network; `refresh` fetches pages and metadata again.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ThreadPoolExecutor
from html.parser import HTMLParser
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

from packaging.version import InvalidVersion, Version

from .auth import Credentials, strip_credentials
from .cache import Cache, CachedPage, CachedRelease
from .errors import NetworkError, OfflineError
from .http import HttpClient, HTTPNotFound
from .index import File, Project, Release
from .metadata import Dist, FileMetadata, MetadataError, read_dist_metadata, release_metadata
from .names import normalize
from .source import ReleaseMetadata

if TYPE_CHECKING:
    from .buildmeta import BuildEnv

DEFAULT_INDEX_URL = "https://pypi.org/simple"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"
#: PEP 691 content negotiation: JSON preferred, then the HTML forms (PEP 503)
ACCEPT = f"{SIMPLE_JSON}, {SIMPLE_HTML};q=0.2, text/html;q=0.01"
DEFAULT_MAX_SDIST_BYTES = 20 * 1024 * 1024

_SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar")

_FAILURE_HINT = (
    "Check the network connection and that the index is up, then run the command again (what "
    "was downloaded is kept in the cache), or resolve from the cache alone with --offline."
)

_UNKNOWN_DEPENDENCIES = (
    "its dependencies cannot be known without building it (no wheel metadata, and the sdist "
    "has no static metadata; mach-nix builds it to read them when not --offline)"
)


def online_client(*, timeout: float = 30.0, retries: int = 4) -> HttpClient:
    """An HTTP client whose messages speak of the online resolver's options."""
    return HttpClient(timeout=timeout, retries=retries, url_option="--index-url",
                      failure_hint=_FAILURE_HINT)


# --- the simple API's project page -----------------------------------------------------------


def _wheel_tags(py: Sequence[str], abi: Sequence[str], plat: Sequence[str]) -> tuple[str, ...]:
    """`File.wheel_tags` from the (lower-cased, split) tag parts of a wheel's name, without
    building `Tag` objects: a project page lists thousands of wheels."""
    return tuple(sorted({f"{i}-{a}-{p}" for i in py for a in abi for p in plat}))


class _PageFile:
    """A file of a project page, classified from its name alone (cheap: pages list thousands
    of wheels, and most are for other targets)."""

    __slots__ = ("entry", "filename", "sha256", "kind", "tag_text")

    def __init__(self, entry: dict[str, Any], filename: str, sha256: str, kind: str,
                 tag_text: tuple[str, str, str] = ("", "", "")) -> None:
        self.entry = entry
        self.filename = filename
        self.sha256 = sha256
        self.kind = kind
        #: a wheel's python, abi and platform tag parts, as in its name
        self.tag_text = tag_text

    def tag_parts(self) -> tuple[list[str], list[str], list[str]]:
        py, abi, plat = self.tag_text
        return py.lower().split("."), abi.lower().split("."), plat.lower().split(".")

    @property
    def pure(self) -> bool:
        _, abi, plat = self.tag_parts()
        return "none" in abi and "any" in plat

    def fits(self, tags: AbstractSet[str], platforms: AbstractSet[str]) -> bool:
        plat = self.tag_text[2].lower().split(".")
        if not any(p in platforms for p in plat):
            return False  # most wheels are for other platforms: decided without joining tags
        py, abi, _ = self.tag_parts()
        return any(f"{i}-{a}-{p}" in tags for i in py for a in abi for p in plat)


def _classify(
    name: str, entry: dict[str, Any], names: dict[str, str]
) -> tuple[str, _PageFile] | None:
    """(version as in the file name, the file) for a wheel or sdist of project `name`; None
    for other files (eggs, installers), files of other projects and files without sha256.
    `names` caches the normalized spellings of project names met so far."""
    filename = entry.get("filename")
    hashes = entry.get("hashes")
    sha256 = hashes.get("sha256") if type(hashes) is dict else None
    if type(filename) is not str or type(sha256) is not str or not entry.get("url"):
        return None
    if filename.endswith(".whl"):
        # {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl (PEP 427)
        parts = filename[:-4].split("-")
        project = parts[0]
        if project not in names:
            names[project] = normalize(project)
        if len(parts) not in (5, 6) or names[project] != name:
            return None
        py, abi, plat = parts[-3:]
        if not (py and abi and plat):
            return None
        return parts[1], _PageFile(entry, filename, sha256.lower(), "wheel", (py, abi, plat))
    lower = filename.lower()
    for suffix in _SDIST_SUFFIXES:
        if lower.endswith(suffix):
            stem = filename[: -len(suffix)]
            # the name may contain dashes: split where the part before is this project's name
            for i, ch in enumerate(stem):
                if ch == "-":
                    project = stem[:i]
                    if project not in names:
                        names[project] = normalize(project)
                    if names[project] == name:
                        return stem[i + 1 :], _PageFile(entry, filename, sha256.lower(), "sdist")
            return None
    return None


def _page_files(name: str, page: Mapping[str, Any]) -> Iterator[tuple[str, _PageFile]]:
    """(version as in the file name, the file) of each wheel and sdist of project `name` on a
    PEP 691 page (normalized `name`)."""
    names: dict[str, str] = {}
    for entry in page.get("files") or ():
        if type(entry) is dict:
            classified = _classify(name, entry, names)
            if classified is not None:
                yield classified


def _yanked(value: Any) -> bool:
    # PEP 691: false, true, or a non-empty string (the reason)
    return value is True or (isinstance(value, str) and bool(value))


#: Where a page entry announces its PEP 658 metadata file: `core-metadata` (PEP 714), or the
#: older spellings.
_METADATA_KEYS = ("core-metadata", "dist-info-metadata", "data-dist-info-metadata")


def _metadata_field(entry: Mapping[str, Any]) -> Any:
    """The entry's first stated metadata announcement (`_METADATA_KEYS`), or None."""
    for key in _METADATA_KEYS:
        value = entry.get(key)
        if value is not None:
            return value
    return None


def _metadata_sha256(entry: Mapping[str, Any]) -> str | None:
    """The announced metadata file's sha256, if the announcement gives one."""
    value = _metadata_field(entry)
    sha = value.get("sha256") if type(value) is dict else None
    return sha if isinstance(sha, str) else None


def _metadata_announced(entry: Mapping[str, Any]) -> bool:
    value = _metadata_field(entry)
    return value is True or type(value) is dict


def is_pypi(index_url: str) -> bool:
    """Whether the index is PyPI's, which serves a `.metadata` file for every wheel even where a
    page does not announce it."""
    return (urlsplit(index_url).hostname or "").lower() == "pypi.org"


# --- the HTML form (PEP 503) -----------------------------------------------------------------


class _AnchorParser(HTMLParser):
    """The anchors of a PEP 503 page (and its `<base href>`), attributes unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._close()
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close()

    def _close(self) -> None:
        if self._open is not None:
            self.anchors.append((self._open, "".join(self._text).strip()))
            self._open = None

    def close(self) -> None:
        super().close()
        self._close()


def _hash_value(text: str | None) -> dict[str, str] | bool:
    """`data-core-metadata`'s value as PEP 691 spells it: `{"sha256": ...}` or True."""
    name, sep, value = (text or "").partition("=")
    if sep and name.strip().lower() == "sha256" and value.strip():
        return {"sha256": value.strip().lower()}
    return True


def parse_html_page(body: bytes, url: str, charset: str | None = None) -> dict[str, Any]:
    """A PEP 503 HTML page (or a find-links page of links) in the PEP 691 JSON form: `files`
    with absolute URLs (relative ones joined to `url` or the page's `<base href>`, credentials
    removed), the `#sha256=` fragment as `hashes`, `data-requires-python`, `data-yanked` and
    `data-core-metadata` / `data-dist-info-metadata` (PEP 658/714)."""
    parser = _AnchorParser()
    try:
        text = body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    parser.feed(text)
    parser.close()
    base = urljoin(url, parser.base) if parser.base else url
    files = []
    for attrs, text in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        absolute, _, fragment = urljoin(base, href).partition("#")
        # PEP 503: the anchor's text is the URL's last path component; the URL is what pip
        # and uv go by
        filename = unquote(urlsplit(absolute).path.rsplit("/", 1)[-1]) or text
        entry: dict[str, Any] = {"filename": filename, "url": strip_credentials(absolute),
                                 "hashes": {}}
        algorithm, sep, digest = fragment.partition("=")
        if sep and digest:
            entry["hashes"][algorithm.lower()] = digest.lower()
        if attrs.get("data-requires-python"):
            entry["requires-python"] = attrs["data-requires-python"]
        if "data-yanked" in attrs:
            entry["yanked"] = attrs["data-yanked"] or True
        for attr, key in (("data-core-metadata", "core-metadata"),
                          ("data-dist-info-metadata", "data-dist-info-metadata")):
            if attr in attrs and (attrs[attr] or "").lower() != "false":
                entry[key] = _hash_value(attrs[attr])
        files.append(entry)
    return {"meta": {"api-version": "1.0"}, "files": files}


def _without_credentials(page: dict[str, Any]) -> dict[str, Any]:
    """The page with any `user:password@` removed from its file URLs (an index may echo the
    credentials it was asked with): what is cached must not hold them."""
    for entry in page.get("files") or ():
        if type(entry) is dict and isinstance(entry.get("url"), str) and "@" in entry["url"]:
            entry["url"] = strip_credentials(entry["url"])
    return page


#: The keys of a page's file entry that the resolver reads (the cache keeps only these).
_ENTRY_KEYS = ("filename", "url", "requires-python", "yanked", "size", "upload-time",
               *_METADATA_KEYS)


def _compact(entry: Mapping[str, Any], sha256: str) -> dict[str, Any]:
    compact = {k: entry[k] for k in _ENTRY_KEYS if k in entry}
    compact["hashes"] = {"sha256": sha256}
    return compact


def page_releases(name: str, page: Mapping[str, Any]) -> list[CachedRelease]:
    """The releases of a PEP 691 project page, in version order: each with its version
    (spelled as the page's `versions` list spells it when it has one), the first
    Requires-Python its files state, and its wheels' and sdists' entries (only the keys read
    later). The same for every target: this is what the cache keeps of a page."""
    name = normalize(name)
    spelled: dict[Version, str] = {}
    for v in page.get("versions") or ():
        try:
            spelled.setdefault(Version(str(v)), str(v))
        except InvalidVersion:
            continue
    found: dict[str, list[_PageFile]] = {}
    versions: dict[str, Version | None] = {}
    for version_text, page_file in _page_files(name, page):
        if version_text not in versions:
            try:
                versions[version_text] = Version(version_text)
            except InvalidVersion:
                versions[version_text] = None
        version = versions[version_text]
        if version is not None:
            found.setdefault(spelled.get(version, version_text), []).append(page_file)
    parsed = {spelled.get(v, text): v for text, v in versions.items() if v is not None}
    return [CachedRelease(version, _first_requires_python(files) or None,
                          [_compact(f.entry, f.sha256) for f in files])
            for version, files in sorted(found.items(), key=lambda item: parsed[item[0]])]


def parse_project_page(
    name: str, page: Mapping[str, Any], base_url: str, tags: AbstractSet[str] | None = None,
    *, index: str | None = None, probe_metadata: bool = True,
) -> tuple[Project, Mapping[str, tuple[Dist, ...]]]:
    """A PEP 691 project page as an index project (releases with files; `requires_dist` not
    known yet) and the distributions of each release (by version string) to read metadata
    from: `project_of_releases` of `page_releases`."""
    return project_of_releases(name, page_releases(name, page), base_url, tags, index=index,
                               probe_metadata=probe_metadata)


def project_of_releases(
    name: str, releases: Sequence[CachedRelease], base_url: str,
    tags: AbstractSet[str] | None = None, *, index: str | None = None,
    probe_metadata: bool = True, platforms: AbstractSet[str] | None = None,
) -> tuple[Project, Mapping[str, tuple[Dist, ...]]]:
    """A page's releases (`page_releases`, or as the cache kept them) as an index project
    (releases with files; `requires_dist` not known yet) and the distributions of each release
    (by version string) to read metadata from. A release's files are read and classified
    when it is first looked at (`_PageRelease`).

    With `tags` (the target's wheel tags), a release keeps only the wheels the target can
    install, its sdists, and the wheels its metadata is read from (`metadata.files_to_try`):
    projects with binary wheels list hundreds per release, and the others could never be
    chosen. Every file records `index` (where it was found); `probe_metadata` asks for
    unannounced `.metadata` files (`Dist.probe_metadata`); `platforms` are the tags' platform
    parts (`tag_platforms`), when the caller has them.
    """
    name = normalize(name)
    plats = tag_platforms(tags) if platforms is None else platforms

    def make_dists(release: CachedRelease) -> tuple[Dist, ...]:
        names: dict[str, str] = {}
        page_files = [c[1] for entry in release.files()
                      if (c := _classify(name, entry, names)) is not None]
        page_files.sort(key=lambda f: f.filename)
        kept = page_files
        if tags is not None:
            wheels = [f for f in page_files if f.kind == "wheel"]
            # the order of metadata._wheel_preference, from the names alone
            for_metadata = sorted(wheels, key=lambda f: (
                _metadata_sha256(f.entry) is None, not f.pure, f.filename))[:3]
            chosen = {id(f) for f in for_metadata}
            kept = [f for f in page_files if f.kind == "sdist" or id(f) in chosen
                    or f.fits(tags, plats)]
        return tuple(_dist(f, base_url, index, probe_metadata) for f in kept)

    project_releases = []
    dists: dict[str, _PageRelease] = {}
    for release in releases:
        page_release = dists[release.version] = _PageRelease(release, make_dists)
        project_releases.append(Release(
            version=release.version,
            requires_dist=None,  # read on demand: SimpleSource.metadata
            # what the files say (the first one that says something, by filename, among all
            # of them), as the index crawler records when the metadata itself has none
            requires_python=release.requires_python,
            lazy_files=page_release,
        ))
    return Project(name=name, releases=tuple(project_releases)), _ReleaseDists(dists)


def tag_platforms(tags: AbstractSet[str] | None) -> frozenset[str]:
    """The platform parts of wheel tags (`_PageFile.fits` rules out the others first)."""
    return frozenset(t.rsplit("-", 1)[-1] for t in tags) if tags is not None else frozenset()


def _first_requires_python(page_files: list[_PageFile]) -> str | None:
    """The first Requires-Python the files state, by file name."""
    stated = [(f.filename, rp) for f in page_files
              if isinstance(rp := f.entry.get("requires-python"), str) and rp]
    return min(stated)[1] if stated else None


class _PageRelease:
    """A release of a project page, whose files become `Dist`s (and `File`s) when first asked
    for: a page lists every file of every release, and a resolution looks at a few."""

    __slots__ = ("release", "make", "_dists")

    def __init__(self, release: CachedRelease,
                 make: Callable[[CachedRelease], tuple[Dist, ...]]) -> None:
        self.release = release
        self.make = make
        self._dists: tuple[Dist, ...] | None = None

    def dists(self) -> tuple[Dist, ...]:
        if self._dists is None:
            self._dists = self.make(self.release)
        return self._dists

    def summaries(self) -> list[tuple[str, str, str | None, bool]]:
        return [(d.file.filename, d.file.kind, d.file.requires_python, d.file.yanked)
                for d in self.dists()]

    def file(self, i: int) -> File:
        return self.dists()[i].file

    def all(self) -> tuple[File, ...]:
        return tuple(d.file for d in self.dists())


class _ReleaseDists(Mapping[str, "tuple[Dist, ...]"]):
    """The distributions of each release of a page, by version string, made on first use."""

    def __init__(self, releases: dict[str, _PageRelease]) -> None:
        self._releases = releases

    def __getitem__(self, version: str) -> tuple[Dist, ...]:
        return self._releases[version].dists()

    def __iter__(self) -> Iterator[str]:
        return iter(self._releases)

    def __len__(self) -> int:
        return len(self._releases)


def _dist(f: _PageFile, base_url: str, index: str | None, probe_metadata: bool) -> Dist:
    entry = f.entry
    url = str(entry["url"])
    size = entry.get("size")
    return Dist(
        file=File(
            filename=f.filename,
            url=url if url.startswith(("https://", "http://")) else urljoin(base_url, url),
            sha256=f.sha256,
            kind=f.kind,
            tags=_wheel_tags(*f.tag_parts()) if f.kind == "wheel" else (),
            requires_python=entry.get("requires-python") or None,
            yanked=_yanked(entry.get("yanked")),
            upload_time=entry.get("upload-time") or None,
            index=index,
        ),
        size=size if isinstance(size, int) else None,
        metadata_sha256=_metadata_sha256(entry),
        metadata_announced=_metadata_announced(entry),
        probe_metadata=probe_metadata,
    )


# --- the source ------------------------------------------------------------------------------

K = TypeVar("K")
V = TypeVar("V")


def once(lock: threading.Lock, futures: dict[K, Future[V]], key: K, compute: Callable[[K], V],
         pool: Callable[[], ThreadPoolExecutor] | None = None) -> Future[V]:
    """`compute(key)`, computed once: in the background in `pool` when one is given, else now
    in the caller's thread; whoever asks for `key` later (in any thread) gets the same future.
    `futures` and `lock` are the caller's memo of them."""
    with lock:
        future = futures.get(key)
        if future is not None:
            return future
        if pool is not None:
            future = futures[key] = pool().submit(compute, key)
            return future
        future = futures[key] = Future()
    try:
        future.set_result(compute(key))
    except BaseException as e:
        future.set_exception(e)
    return future



_C = TypeVar("_C", bound="ClosedOnExit")


class ClosedOnExit:
    """A source with a small thread pool to download ahead with (`_executor`, made on first
    use). `with source:` closes it on the way out, without waiting for downloads under way
    after an error (their answers are not needed)."""

    _pool: ThreadPoolExecutor | None = None
    _jobs = 8
    _thread_name = "mach-nix-prefetch"

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._jobs,
                                            thread_name_prefix=self._thread_name)
        return self._pool

    def close(self, *, wait: bool = True) -> None:
        """Stop downloading ahead. `wait` False does not wait for the downloads under way
        (after an error or an interruption: their answers are not needed)."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(wait=exc_type is None)


class SimpleSource(ClosedOnExit):
    """A `PackageSource` on a simple API, JSON (PEP 691) or HTML (PEP 503), PyPI by default,
    with a persistent cache.

    Use it as a context manager (or call `close`): it runs a small thread pool for prefetching.
    Give it the target's wheel `tags` (`Target.supported_tags`) when resolving for one target:
    reading a project is then much quicker.
    With `build`, an sdist without static metadata is built in isolation to read its
    dependencies (`buildmeta`, once per file: the answer is cached); without, such a release
    is skipped as unknown. `offline` never builds.
    `client.requests` counts the HTTP requests made.

    Credentials in `index_url` (`user:token@`) are moved into `credentials` (one is made if
    none is given, and handed to a client that has none): `index_url`, the cache and every
    file URL are without them. `probe_metadata` (default: on PyPI only) asks for `.metadata`
    files the pages do not announce.
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
        tags: AbstractSet[str] | None = None,
        credentials: Credentials | None = None,
        probe_metadata: bool | None = None,
        build: BuildEnv | None = None,
    ) -> None:
        self.credentials = credentials if credentials is not None else Credentials()
        self.index_url = self.credentials.add_url(index_url).rstrip("/")
        self.label = self.index_url
        self.cache = cache
        self.client = client or online_client()
        if self.client.authorization is None:
            self.client.authorization = self.credentials.header
        self.probe_metadata = is_pypi(self.index_url) if probe_metadata is None else probe_metadata
        self.offline = offline
        self.refresh = refresh
        self.max_sdist_bytes = max_sdist_bytes
        self.clock = clock
        #: the target's wheel tags: other wheels are left out (`parse_project_page`)
        self.tags = tags
        self._platforms = tag_platforms(tags)  # once: a target has about a thousand tags
        #: how to build an sdist without static metadata to read it; None: never build
        self.build = build
        self._build_lock = threading.Lock()  # one build at a time: they are heavy
        #: problems met while reading metadata that did not stop the resolution
        self.warnings: list[str] = []
        self._jobs = max(1, jobs)
        self._lock = threading.Lock()
        self._pages: dict[str, Future[CachedPage | None]] = {}
        self._metadata: dict[tuple[str, str], Future[ReleaseMetadata]] = {}
        self._projects: dict[str, Project | None] = {}
        self._dists: dict[str, Mapping[str, tuple[Dist, ...]]] = {}

    # --- PackageSource ----------------------------------------------------------------------

    def project(self, name: str) -> Project | None:
        name = normalize(name)
        if name not in self._projects:
            page = self._page_future(name).result()
            if page is None:
                self._projects[name] = None
            else:
                project, dists = project_of_releases(
                    name, page.releases, page.url, self.tags, index=self.index_url,
                    probe_metadata=self.probe_metadata, platforms=self._platforms)
                self._dists[name] = dists
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
        dists = self._dists.get(name, {}).get(release.version, ())

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

    def close(self, *, wait: bool = True) -> None:
        super().close(wait=wait)
        self.client.close()
    # --- pages ------------------------------------------------------------------------------

    def _page_future(self, name: str, *, background: bool = False) -> Future[CachedPage | None]:
        return once(self._lock, self._pages, name, self._page,
                    self._executor if background else None)

    def _page(self, name: str) -> CachedPage | None:
        """The project's page: from the cache while fresh (or offline), else fetched or
        revalidated; None when the index does not have the project."""
        url = f"{self.index_url}/{name}/"
        cached = None if (self.refresh and not self.offline) else self.cache.load_page(
            self.index_url, name)
        if cached is not None and (self.offline or cached.fresh(self.clock())):
            return None if cached.absent else cached
        if self.offline:
            raise OfflineError(
                f"--offline: the cache ({self.cache.root}) has no page of {name} from "
                f"{self.index_url}, so its releases are unknown. Run the command once without "
                "--offline to fill the cache."
            )
        headers = {"Accept": ACCEPT, **(cached.validators() if cached else {})}
        try:
            resp = self.client.get(url, headers=headers, compressed=True)
        except HTTPNotFound:
            self.cache.store_page(self.index_url, name, CachedPage.not_found(url, self.clock()))
            return None
        now = self.clock()
        if resp.status == 304 and cached is not None and not cached.absent:
            page = cached.revalidated(resp.headers, now)
        else:
            page = CachedPage.from_response(
                strip_credentials(resp.url),
                page_releases(name, parse_simple_response(url, resp.url, resp.headers,
                                                          resp.body)),
                resp.headers, now)
        self.cache.store_page(self.index_url, name, page)
        return page

    # --- metadata ---------------------------------------------------------------------------

    def _file_metadata(self, name: str, dist: Dist, problems: list[str]) -> FileMetadata:
        """One file's metadata: from the cache (by the file's sha256), else downloaded and
        kept. Raises MetadataError when the file cannot tell (remembered too)."""
        sha = dist.file.sha256
        if not self.refresh or self.offline:
            cached = self.cache.load_metadata(sha)
            # "unknown without a build", from a run that did not build: build now if we may
            if isinstance(cached, FileMetadata) and (
                    cached.requires_dist is not None or self.build is None or self.offline):
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
            build = self.build if dist.file.kind == "sdist" else None
            with self._build_lock if build is not None else contextlib.nullcontext():
                md = read_dist_metadata(self.client, name, dist, problems,
                                        max_sdist_bytes=self.max_sdist_bytes, build=build)
        except MetadataError as e:
            if e.permanent:
                self.cache.store_metadata(sha, str(e))
            raise
        self.cache.store_metadata(sha, md)
        return md


def parse_simple_response(
    url: str, final_url: str, headers: Mapping[str, str], body: bytes
) -> dict[str, Any]:
    """A project page of a simple API, JSON or HTML by its content type, in the PEP 691 JSON
    form, without credentials in its file URLs. `url` is for messages; relative links are
    relative to `final_url` (after redirects)."""
    content_type, _, params = headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    if content_type in (SIMPLE_HTML, "text/html"):
        charset = None
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip('"')
        return parse_html_page(body, strip_credentials(final_url), charset)
    if content_type not in (SIMPLE_JSON, "application/json"):
        raise NetworkError(
            f"{url} answered with {content_type or 'no content type'}, not a simple API "
            f"page (PEP 691 JSON, {SIMPLE_JSON}, or PEP 503 HTML). Check that the URL is "
            "the index's simple API (it usually ends in /simple/)."
        )
    try:
        data = json.loads(body)
    except ValueError as e:
        raise NetworkError(f"{url} answered with JSON that cannot be read ({e}); try "
                           "again later, or check --index-url.") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise NetworkError(f"{url} answered with JSON that is not a PEP 691 project page; "
                           "check --index-url.")
    return _without_credentials(data)


def releases_of_page(name: str, page: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A simple-API page's wheels and sdists by release, each as an entry of the JSON API's
    `releases` (`/pypi/NAME/json`): what the index crawler reads. Versions that differ only
    in spelling ("1.0", "1.0.0") are one release, spelled as first met."""
    spelled: dict[Version, str] = {}
    releases: dict[str, list[dict[str, Any]]] = {}
    for version_text, f in _page_files(normalize(name), page):
        entry = f.entry
        try:
            version_text = spelled.setdefault(Version(version_text), version_text)
        except InvalidVersion:
            continue
        core = _metadata_field(entry)
        releases.setdefault(version_text, []).append({
            "filename": f.filename,
            "url": entry["url"],
            "digests": {"sha256": f.sha256},
            "packagetype": "bdist_wheel" if f.kind == "wheel" else "sdist",
            "requires_python": entry.get("requires-python") or None,
            "yanked": _yanked(entry.get("yanked")),
            "size": entry.get("size"),
            "upload_time_iso_8601": entry.get("upload-time"),
            "core-metadata": core if core is True or type(core) is dict else False,
        })
    return releases
