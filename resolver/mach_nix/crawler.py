"""`mach-nix index`: build or refresh a pinned package index (docs/index-format.md) from PyPI.

Sources, per project: the JSON API page `{pypi}/pypi/NAME/json` (every release's files with
sha256, requires_python, yanked, upload time), or with `--index-url` (any index, private ones
too) the simple API page `{index-url}/NAME/` (PEP 691 JSON or PEP 503 HTML, read as the online
resolver reads it; with `--extra-index-url`, from the first index that has the project), and,
per release, the core metadata of one
distribution for Requires-Dist / Requires-Python, read as `mach_nix.metadata` says (PEP 658
`.metadata` file, else the wheel's METADATA by HTTP range requests, else the sdist's static
metadata, else unknown: `requires_dist: null`).

From the given requirements it follows the dependency closure: every project named by a kept
release's Requires-Dist, whatever the markers (the index is target-independent), for the extras
something in the closure asks for (`--extras requested`, the default: exactly what any
resolution of those requirements can reach) or for every extra (`--extras all`).

Incremental and resumable: a release whose files are unchanged keeps the metadata already in the
index; every project file is written atomically as soon as the project is complete, index.json
last; and a journal (`Journal`) records each metadata fetched and each project completed, so that
`mach-nix index update DIR` after an interruption continues the crawl instead of redoing it.

Library part: `Crawler` (raises `mach_nix.errors` types, reports through a `Reporter`). CLI part:
`configure_parser` / `run` (wired as `mach-nix index`), also `python -m mach_nix.crawler`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import queue
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import quote, unquote, urljoin, urlsplit

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from . import __version__
from .auth import Credentials, netrc_path, strip_credentials
from .errors import (
    IndexFormatError,
    MachNixError,
    NetworkError,
    RequirementsError,
    UnknownPackageError,
)
from .http import HttpClient, HTTPNotFound
from .index import (
    LAYOUT,
    READABLE_SCHEMA_VERSIONS,
    SCHEMA_VERSION,
    File,
    Project,
    Release,
    atomic_write,
    dump_json,
    load_project,
    upgrade_index,
    write_index_meta,
    write_project,
)
from .metadata import Dist, FileMetadata, read_dist_metadata, release_metadata
from .names import normalize
from .online import ACCEPT as SIMPLE_ACCEPT
from .online import is_pypi, parse_simple_response, releases_of_page
from .requirements import parse_requirements_file

DEFAULT_PYPI = "https://pypi.org"
DEFAULT_SIMPLE = "https://pypi.org/simple"
DEFAULT_MAX_SDIST_MB = 20.0
EXTRAS_MODES = ("requested", "all")


# --------------------------------------------------------------------------- release selection


@dataclass(frozen=True)
class Candidate:
    """A release picked for the index, before its metadata is known."""

    version: str
    dists: tuple[Dist, ...]

    @property
    def files(self) -> tuple[File, ...]:
        return tuple(sorted((d.file for d in self.dists), key=lambda f: f.filename))

    @property
    def yanked(self) -> bool:
        return all(d.file.yanked for d in self.dists)

    @property
    def file_requires_python(self) -> str | None:
        """Requires-Python as the JSON API reports it per file (first one, by filename)."""
        for f in self.files:
            if f.requires_python:
                return f.requires_python
        return None


_SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar")


PYPI_FILES = "https://files.pythonhosted.org/packages"


def file_url(d: Mapping[str, Any], base_url: str, *, warehouse: bool) -> str:
    """The absolute URL of a file entry of the JSON API.

    Relative URLs are resolved against the page they came from. For PyPI itself
    (`warehouse`), a URL whose path is Warehouse's storage path (derived from the file's
    blake2b digest) is written as the canonical files.pythonhosted.org URL, whatever host or
    mirror served the page, so the index works wherever PyPI's file host is reachable.
    """
    url = urljoin(base_url, str(d["url"]))
    b2 = (d.get("digests") or {}).get("blake2b_256")
    filename = str(d.get("filename", ""))
    if warehouse and isinstance(b2, str) and len(b2) == 64:
        storage = f"{b2[:2]}/{b2[2:4]}/{b2[4:]}/{filename}"
        if unquote(urlsplit(url).path).endswith("/" + storage):
            return f"{PYPI_FILES}/{b2[:2]}/{b2[2:4]}/{b2[4:]}/{quote(filename)}"
    return url


def dist_from_json(
    d: Mapping[str, Any], base_url: str = "", *, warehouse: bool = False,
    probe_metadata: bool = True,
) -> Dist | None:
    """One entry of the JSON API's file list, or None for kinds the index does not keep
    (eggs, wininst/msi installers, files without a sha256)."""
    filename = str(d.get("filename", ""))
    sha256 = (d.get("digests") or {}).get("sha256")
    if not filename or not sha256 or not d.get("url"):
        return None
    packagetype = d.get("packagetype")
    tags: tuple[str, ...] = ()
    if packagetype == "bdist_wheel" and filename.endswith(".whl"):
        kind = "wheel"
        tags = File.wheel_tags(filename)
        if not tags:
            return None  # an unparseable wheel name: no installer would take it
    elif packagetype == "sdist" and filename.lower().endswith(_SDIST_SUFFIXES):
        kind = "sdist"
    else:
        return None
    core = d.get("core-metadata", d.get("data-dist-info-metadata"))
    meta_sha = core.get("sha256") if isinstance(core, dict) else None
    size = d.get("size")
    # a wheel's unannounced .metadata is asked for on PyPI's JSON API only: other indexes
    # serve what they announce (PEP 658)
    return Dist(
        file=File(
            filename=filename,
            url=file_url(d, base_url, warehouse=warehouse),
            sha256=str(sha256),
            kind=kind,
            tags=tags,
            requires_python=d.get("requires_python") or None,
            yanked=bool(d.get("yanked", False)),
            upload_time=d.get("upload_time_iso_8601") or d.get("upload_time") or None,
        ),
        size=size if isinstance(size, int) else None,
        metadata_sha256=str(meta_sha) if meta_sha else None,
        metadata_announced=core is True or isinstance(core, dict),
        probe_metadata=probe_metadata,
    )


def select_releases(
    releases: Mapping[str, Sequence[Mapping[str, Any]]],
    max_releases: int | None,
    *,
    base_url: str = "",
    warehouse: bool = False,
    probe_metadata: bool = True,
) -> list[Candidate]:
    """The releases to keep, newest first.

    Dropped always: versions that are not PEP 440, and releases with no wheel or sdist. With
    `max_releases` N: the newest N final releases that are not yanked, the yanked final
    releases among them, and the pre-releases newer than the newest final release (a project
    with no final release keeps its newest N pre-releases).
    """
    found: list[tuple[Version, Candidate]] = []
    for version, files in releases.items():
        try:
            v = Version(version)
        except InvalidVersion:
            continue
        converted = (dist_from_json(f, base_url, warehouse=warehouse,
                                    probe_metadata=probe_metadata) for f in files)
        dists = tuple(d for d in converted if d is not None)
        if dists:
            found.append((v, Candidate(version, dists)))
    found.sort(key=lambda vc: (vc[0], vc[1].version), reverse=True)
    if max_releases is None:
        return [c for _, c in found]
    finals = [v for v, c in found if not v.is_prerelease and not c.yanked]
    if not finals:
        return [c for _, c in found][:max_releases]
    kept, newest, oldest = set(finals[:max_releases]), finals[0], finals[:max_releases][-1]
    return [
        c
        for v, c in found
        if v in kept
        or (v.is_prerelease and v > newest)
        or (c.yanked and not v.is_prerelease and v >= oldest)
    ]


# --------------------------------------------------------------------------- closure


def _marker_value(marker: Marker, extra: str) -> bool | None:
    """Evaluate a marker for `extra`, with every other variable unknown (Kleene logic):
    False only when no target could make it true."""

    def atom(item: tuple[Any, Any, Any]) -> bool | None:
        lhs, op, rhs = item
        lv, rv = type(lhs).__name__ == "Variable", type(rhs).__name__ == "Variable"
        if lv and lhs.value == "extra" and not rv:
            other = rhs.value
        elif rv and rhs.value == "extra" and not lv:
            other = lhs.value
        else:
            return None
        same = normalize(str(other)) == normalize(extra)
        if op.value == "==":
            return same
        if op.value == "!=":
            return not same
        return None

    def group(items: Sequence[Any]) -> bool | None:
        ors: list[bool | None] = []
        ands: list[bool | None] = []
        for item in items:
            if item == "or":
                ors.append(_and(ands))
                ands = []
            elif item == "and":
                continue
            elif isinstance(item, list):
                ands.append(group(item))
            else:
                ands.append(atom(item))
        ors.append(_and(ands))
        return _or(ors)

    return group(marker._markers)


def _and(values: Sequence[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _or(values: Sequence[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def requirement_applies(req: Requirement, extras: Iterable[str] | None) -> bool:
    """Whether a Requires-Dist entry can be needed when the project is asked for with `extras`
    (None: any extras), on some target."""
    if req.marker is None or extras is None:
        return True
    return any(_marker_value(req.marker, e) is not False for e in ("", *extras))


# --------------------------------------------------------------------------- journal

JOURNAL_NAME = ".mach-nix-index-journal"
JOURNAL_VERSION = 1


def files_key(files: Iterable[File]) -> str:
    """What a release's metadata depends on: its files, by name and sha256 (one digest)."""
    lines = sorted(f"{f.filename} {f.sha256}" for f in files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(frozen=True)
class JournalHeader:
    """The crawl a journal belongs to: its roots and the options that shape the index."""

    roots: tuple[str, ...]
    source: str
    max_releases: int | None
    extras: str
    follow_deps: bool
    #: `--refresh`: project files were written from fetched metadata only
    refresh: bool = False
    #: "simple": `source` is the index URLs (`--index-url`), else PyPI's JSON API
    api: str = "json"

    def to_dict(self) -> dict[str, Any]:
        return {
            "journal": JOURNAL_VERSION,
            "refresh": self.refresh,
            "roots": list(self.roots),
            "source": self.source,
            "maxReleases": self.max_releases,
            "extras": self.extras,
            "followDeps": self.follow_deps,
            **({"api": self.api} if self.api != "json" else {}),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> JournalHeader:
        if d.get("journal") != JOURNAL_VERSION:
            raise ValueError(f"journal version {d.get('journal')!r}")
        max_releases = d["maxReleases"]
        return cls(
            roots=tuple(str(r) for r in d["roots"]),
            source=str(d["source"]),
            max_releases=int(max_releases) if max_releases is not None else None,
            extras=str(d["extras"]),
            follow_deps=bool(d["followDeps"]),
            refresh=bool(d.get("refresh", False)),
            api=str(d.get("api", "json")),
        )

    def recorded(self) -> dict[str, Any]:
        """In the shape of index.json's fields, for `options_from_args`."""
        return {"roots": list(self.roots), "maxReleases": self.max_releases,
                "extras": self.extras, "followDeps": self.follow_deps, "api": self.api}


class Journal:
    """What an unfinished crawl has learnt, so that running it again continues it.

    `DIR/.mach-nix-index-journal` is JSON lines: a header (the crawl's roots and options), then
    one line per release whose metadata was fetched (`{"m": name, "v": version, "f": files_key,
    "rd": requires_dist, "rp": requires_python}`) and one per project file written (`{"d":
    name}`). Lines are appended and flushed one by one, so a crash or kill loses at most the
    line being written (a torn last line is ignored). The crawl deletes the journal after it has
    written index.json: a journal on disk means a crawl did not finish.

    Metadata lines are facts about files (same name and sha256, same metadata), so any later
    crawl may use them. `d` lines say a project file is complete for this crawl; they count only
    for a crawl with the same source and release limit (which decide what the file holds), and
    for a `--refresh` only when the interrupted crawl was one too.
    """

    def __init__(self, out: Path) -> None:
        self.path = out / JOURNAL_NAME
        self._metadata: dict[tuple[str, str, str], _MetaResult] = {}
        self._done: set[str] = set()
        self._header: JournalHeader | None = None
        self._file: IO[bytes] | None = None
        self._lock: int | None = None

    @staticmethod
    def header_of(out: Path) -> JournalHeader | None:
        """The header of DIR's journal, or None when there is none (or it is unreadable)."""
        try:
            with (out / JOURNAL_NAME).open("rb") as f:
                return JournalHeader.from_dict(json.loads(f.readline()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def read(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        lines = data.split(b"\n")
        try:
            self._header = JournalHeader.from_dict(json.loads(lines[0]))
        except (ValueError, KeyError, TypeError):
            return  # not ours, or torn before the header was complete: start afresh
        for line in lines[1:]:
            try:
                entry = json.loads(line)
                if "m" in entry:
                    rd = entry["rd"]
                    key = (str(entry["m"]), str(entry["v"]), str(entry["f"]))
                    self._metadata[key] = _MetaResult(
                        None if rd is None else tuple(str(r) for r in rd), entry.get("rp")
                    )
                elif "d" in entry:
                    self._done.add(str(entry["d"]))
            except (ValueError, KeyError, TypeError):
                continue  # a torn line (the crawl was killed while writing it)

    def start(self, header: JournalHeader) -> None:
        """Begin (or continue) the crawl described by `header`: lock the index directory, read
        the journal a crawl left, and rewrite it with this header and what is still valid."""
        self._lock_dir()
        self.read()
        old = self._header
        same_content = old is not None and (
            (old.source, old.max_releases) == (header.source, header.max_releases)
            and (old.refresh or not header.refresh)  # a --refresh keeps only --refresh's files
        )
        if not same_content:
            self._done.clear()
        self._header = header
        lines = [dump_json(header.to_dict())]
        for (name, version, key), md in sorted(self._metadata.items()):
            lines.append(self._metadata_line(name, version, key, md))
        lines += [dump_json({"d": name}) for name in sorted(self._done)]
        atomic_write(self.path, b"".join(lines))
        self._file = self.path.open("ab")

    def _lock_dir(self) -> None:
        """Two crawls writing one index would undo each other's files: lock the directory
        itself (flock on its descriptor), so that nothing is left behind in it."""
        out = self.path.parent
        out.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not a Unix: no lock
            return
        fd = os.open(out, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise MachNixError(
                f"another `mach-nix index` is writing {out}; wait for it to finish."
            ) from None
        self._lock = fd

    def metadata(self, name: str, cand: Candidate) -> _MetaResult | None:
        return self._metadata.get((name, cand.version, files_key(cand.files)))

    def done(self, name: str) -> bool:
        return name in self._done

    def record_metadata(self, name: str, cand: Candidate, md: _MetaResult) -> None:
        key = files_key(cand.files)
        self._metadata[(name, cand.version, key)] = md
        self._append(self._metadata_line(name, cand.version, key, md))

    def record_done(self, name: str) -> None:
        self._done.add(name)
        self._append(dump_json({"d": name}))

    def finish(self) -> None:
        """The crawl is complete (index.json written): the journal has served."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def close(self) -> None:
        """Stop writing and unlock (the journal stays on disk for the next run)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    @staticmethod
    def _metadata_line(name: str, version: str, key: str, md: _MetaResult) -> bytes:
        rd = None if md.requires_dist is None else list(md.requires_dist)
        return dump_json({"m": name, "v": version, "f": key, "rd": rd, "rp": md.requires_python})

    def _append(self, line: bytes) -> None:
        if self._file is not None:
            self._file.write(line)
            self._file.flush()


# --------------------------------------------------------------------------- crawler


@dataclass(frozen=True)
class CrawlOptions:
    pypi_url: str = DEFAULT_PYPI
    #: simple APIs to crawl instead of `pypi_url`'s JSON API, in the order they are searched
    #: (without credentials: the HTTP client has them)
    index_urls: tuple[str, ...] = ()
    max_releases: int | None = None
    jobs: int = 8
    extras: str = "requested"  # "requested" | "all"
    follow_deps: bool = True
    max_sdist_bytes: int = int(DEFAULT_MAX_SDIST_MB * 1024 * 1024)
    reuse: bool = True  # take requires_dist from the existing index when the files are unchanged
    prune: bool = True  # delete project files the closure no longer reaches

    @property
    def source(self) -> str:
        """Where the crawl reads from, as recorded: the PyPI URL, or the index URLs."""
        return " ".join(self.index_urls) if self.index_urls else self.pypi_url


@dataclass
class Progress:
    projects_done: int = 0
    projects_known: int = 0
    metadata_done: int = 0
    metadata_total: int = 0
    metadata_reused: int = 0  # from the index's own project files (files unchanged)
    metadata_resumed: int = 0  # from the journal of an interrupted crawl
    projects_resumed: int = 0  # complete in an interrupted crawl: its JSON page not fetched again
    retries: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class CrawlResult:
    projects: tuple[str, ...]
    releases: int
    unknown_requires_dist: int
    missing: Mapping[str, str]  # project not on PyPI -> a project that requires it
    progress: Progress
    seconds: float


class Reporter(Protocol):
    def progress(self, progress: Progress) -> None: ...

    def warning(self, message: str) -> None: ...


class NullReporter:
    def progress(self, progress: Progress) -> None:
        pass

    def warning(self, message: str) -> None:
        pass


@dataclass
class _ProjectState:
    name: str
    candidates: list[Candidate] = field(default_factory=list)
    releases: dict[str, Release] = field(default_factory=dict)
    pending: int = 0
    project: Project | None = None  # set when written


@dataclass(frozen=True)
class _MetaResult:
    requires_dist: tuple[str, ...] | None
    requires_python: str | None
    problems: tuple[str, ...] = ()


class Crawler:
    """Builds an index directory. One instance per crawl; not reentrant."""

    def __init__(
        self, client: HttpClient, options: CrawlOptions, reporter: Reporter | None = None
    ) -> None:
        self.client = client
        self.options = options
        self.reporter: Reporter = reporter or NullReporter()
        self.progress = Progress()

    # ---- public

    def crawl(self, out: Path, roots: Sequence[Requirement]) -> CrawlResult:
        started = time.monotonic()
        self._out = out
        self._states: dict[str, _ProjectState] = {}
        self._requested: dict[str, set[str]] = {}
        self._parent: dict[str, str | None] = {}
        self._missing: dict[str, str] = {}
        self._ready: list[Project] = []  # complete projects whose dependencies are to follow
        self._pending: dict[Future[Any], tuple[str, str, Any]] = {}
        self._completed: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        root_texts = tuple(sorted({str(_strip_marker(r)) for r in roots}))
        self._journal = Journal(out)
        self._journal.start(JournalHeader(
            roots=root_texts,
            source=self.options.source,
            max_releases=self.options.max_releases,
            extras=self.options.extras,
            follow_deps=self.options.follow_deps,
            refresh=not self.options.reuse,
            api="simple" if self.options.index_urls else "json",
        ))
        try:
            self._pool = ThreadPoolExecutor(max_workers=max(1, self.options.jobs))
            try:
                for req in roots:
                    self._want(normalize(req.name), set(req.extras), parent=None)
                self._loop()
            finally:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._salvage()
            written = sorted(n for n, s in self._states.items() if s.project is not None)
            if self.options.prune:
                self._prune(set(written))
            write_index_meta(
                out,
                {
                    "generator": f"mach-nix {__version__}",
                    "source": self.options.source,
                    **({"api": "simple"} if self.options.index_urls else {}),
                    "roots": list(root_texts),
                    "maxReleases": self.options.max_releases,
                    "extras": self.options.extras,
                    "followDeps": self.options.follow_deps,
                },
            )
        except BaseException:
            self._journal.close()  # kept on disk: the next run continues from it
            raise
        self._journal.finish()
        self.reporter.progress(self.progress)
        projects = [s.project for s in self._states.values() if s.project is not None]
        return CrawlResult(
            projects=tuple(written),
            releases=sum(len(p.releases) for p in projects),
            unknown_requires_dist=sum(
                1 for p in projects for r in p.releases if r.requires_dist is None
            ),
            missing=dict(sorted(self._missing.items())),
            progress=self.progress,
            seconds=time.monotonic() - started,
        )

    # ---- scheduling (main thread only)

    def _submit(self, kind: str, name: str, payload: Any) -> None:
        fut: Future[Any]
        if kind == "project":
            fut = self._pool.submit(self._fetch_project, name)
        else:
            fut = self._pool.submit(self._fetch_metadata, name, payload)
        self._pending[fut] = (kind, name, payload)
        fut.add_done_callback(self._completed.put)

    def _salvage(self) -> None:
        """After an interruption or error: journal the metadata that workers fetched but the
        loop never took in, so that the next run need not fetch it again."""
        for fut, (kind, name, payload) in self._pending.items():
            if kind == "metadata" and fut.done() and not fut.cancelled() and fut.exception() is None:
                self._journal.record_metadata(name, payload, fut.result())

    def _loop(self) -> None:
        last_report = 0.0
        while self._pending or self._ready:
            while self._ready:
                self._follow(self._ready.pop())
            if not self._pending:
                break
            # a queue of completed futures, not wait() on all pending ones: that costs time in
            # the number pending (thousands of queued metadata fetches) on every round
            try:
                done = [self._completed.get(timeout=0.5)]
            except queue.Empty:
                done = []
            with contextlib.suppress(queue.Empty):
                while True:
                    done.append(self._completed.get_nowait())
            # successes first, so that what was fetched is journaled before an error ends the run
            for fut in sorted(done, key=lambda f: (f.exception() is not None, self._pending[f][1])):
                kind, name, payload = self._pending.pop(fut)
                result = fut.result()  # re-raises NetworkError & co. from the worker
                if kind == "project":
                    self._on_project(name, result)
                else:
                    self._on_metadata(name, payload, result)
            now = time.monotonic()
            if now - last_report >= 0.2:
                self.reporter.progress(self.progress)
                last_report = now

    def _want(self, name: str, extras: set[str], parent: str | None) -> None:
        requested = self._requested.setdefault(name, set())
        new_extras = extras - requested
        requested |= extras
        if name in self._states or name in self._missing:
            state = self._states.get(name)
            if new_extras and state is not None and state.project is not None:
                self._follow(state.project)
            return
        state = _ProjectState(name)
        self._states[name] = state
        self._parent[name] = parent
        self.progress.projects_known += 1
        if self._journal.done(name):
            # complete in the interrupted crawl this one continues: keep its file as written
            project = self._existing(name)
            if project is not None:
                state.project = project
                self.progress.projects_done += 1
                self.progress.projects_resumed += 1
                self._ready.append(project)
                return
        self._submit("project", name, None)

    def _on_project(self, name: str, page: tuple[str, Mapping[str, Any]] | None) -> None:
        if page is None:
            del self._states[name]
            self.progress.projects_known -= 1
            parent = self._parent.get(name)
            if parent is None:
                option = "--index-url" if self.options.index_urls else "--pypi-url"
                raise UnknownPackageError(
                    f"{name} is not on {self.options.source} "
                    f"({self._project_url(name)} answers 404). Check the spelling of the "
                    f"requirement, or that {option} points at the right index."
                )
            self._missing[name] = parent
            where = "the indexes" if self.options.index_urls else "PyPI"
            self._warn(f"{name} (required by {parent}) is not on {where}; left out of the "
                       "index.")
            return
        state = self._states[name]
        page_url, data = page
        state.candidates = select_releases(
            data.get("releases") or {},
            self.options.max_releases,
            base_url=page_url,
            warehouse=not self.options.index_urls
            and urlsplit(self.options.pypi_url).hostname == "pypi.org",
            probe_metadata=not self.options.index_urls or is_pypi(page_url),
        )
        old = self._existing(name) if self.options.reuse else None
        for cand in state.candidates:
            reused = self._reuse(old, cand)
            if reused is not None:
                state.releases[cand.version] = reused
                self.progress.metadata_reused += 1
                continue
            fetched = self._journal.metadata(name, cand)
            if fetched is not None:
                state.releases[cand.version] = _release(cand, fetched)
                self.progress.metadata_resumed += 1
                continue
            state.pending += 1
            self.progress.metadata_total += 1
            self._submit("metadata", name, cand)
        if state.pending == 0:
            self._finish(state)

    def _on_metadata(self, name: str, cand: Candidate, result: _MetaResult) -> None:
        state = self._states[name]
        for problem in result.problems:
            self._warn(f"{name} {cand.version}: {problem}")
        self._journal.record_metadata(name, cand, result)
        state.releases[cand.version] = _release(cand, result)
        state.pending -= 1
        self.progress.metadata_done += 1
        if state.pending == 0:
            self._finish(state)

    def _finish(self, state: _ProjectState) -> None:
        project = Project(name=state.name, releases=tuple(state.releases.values()))
        write_project(self._out, project)
        self._journal.record_done(state.name)
        state.project = Project.from_dict(project.to_dict())  # sorted, as a reader sees it
        unknown = [r.version for r in state.project.releases if r.requires_dist is None]
        if unknown:
            self._warn(
                f"{state.name} {', '.join(unknown)}: requirements unknown (no wheel, and no "
                "static metadata in the sdist); recorded as requires_dist null, which the "
                "resolver skips."
            )
        self.progress.projects_done += 1
        self._follow(state.project)

    def _follow(self, project: Project) -> None:
        if not self.options.follow_deps:
            return
        extras: set[str] | None = None
        if self.options.extras == "requested":
            extras = self._requested.get(project.name, set())
        for release in project.releases:
            for line in release.requires_dist or ():
                try:
                    req = Requirement(line)
                except InvalidRequirement:
                    continue  # old, non-PEP 508 metadata; kept verbatim, not followed
                if requirement_applies(req, extras):
                    self._want(normalize(req.name), set(req.extras), parent=project.name)

    def _warn(self, message: str) -> None:
        self.progress.warnings += 1
        self.reporter.warning(message)

    # ---- existing index

    def _existing(self, name: str) -> Project | None:
        try:
            return load_project(self._out, name)
        except (OSError, ValueError, KeyError, TypeError, IndexFormatError):
            return None

    @staticmethod
    def _reuse(old: Project | None, cand: Candidate) -> Release | None:
        if old is None:
            return None
        for rel in old.releases:
            if rel.version == cand.version:
                # null is reused too: the same files give the same answer (--refresh retries)
                before = sorted((f.filename, f.sha256) for f in rel.files)
                now = sorted((f.filename, f.sha256) for f in cand.files)
                if before != now:
                    return None
                return Release(
                    version=cand.version,
                    requires_dist=rel.requires_dist,
                    requires_python=rel.requires_python or cand.file_requires_python,
                    files=cand.files,
                )
        return None

    def _prune(self, keep: set[str]) -> None:
        projects = self._out / "projects"
        if not projects.is_dir():
            return
        for shard_dir in sorted(projects.iterdir()):
            if not shard_dir.is_dir():
                continue
            for f in sorted(shard_dir.iterdir()):
                stale_tmp = f.name.startswith(".") and f.name.endswith(".tmp")
                if stale_tmp or (f.suffix in (".json", ".jsonl") and f.stem not in keep):
                    f.unlink()
            if not any(shard_dir.iterdir()):
                shard_dir.rmdir()

    # ---- network (worker threads)

    def _project_url(self, name: str) -> str:
        if self.options.index_urls:
            return f"{self.options.index_urls[-1]}/{name}/"
        return f"{self.options.pypi_url.rstrip('/')}/pypi/{name}/json"

    def _fetch_simple(self, name: str) -> tuple[str, Mapping[str, Any]] | None:
        """The first index's page of the project, as a JSON API page (`releases` only)."""
        for index_url in self.options.index_urls:
            url = f"{index_url}/{name}/"
            try:
                resp = self.client.get(url, headers={"Accept": SIMPLE_ACCEPT}, compressed=True)
            except HTTPNotFound:
                continue
            page = parse_simple_response(url, resp.url, resp.headers, resp.body)
            # the page's URLs are absolute already: no base URL is needed any more
            return strip_credentials(resp.url), {"releases": releases_of_page(name, page)}
        return None

    def _fetch_project(self, name: str) -> tuple[str, Mapping[str, Any]] | None:
        """(URL after redirects, JSON page), or None when the project does not exist."""
        if self.options.index_urls:
            return self._fetch_simple(name)
        url = self._project_url(name)
        try:
            resp = self.client.get(url, headers={"Accept": "application/json"}, compressed=True)
        except HTTPNotFound:
            return None
        try:
            data = json.loads(resp.body)
        except ValueError as e:
            raise NetworkError(
                f"{url} answered with something that is not JSON ({e}). Check that --pypi-url "
                "points at a PyPI-compatible server with the JSON API."
            ) from None
        if not isinstance(data, dict):
            raise NetworkError(f"{url} answered with JSON that is not a project page.")
        return resp.url, data

    def _fetch_metadata(self, name: str, cand: Candidate) -> _MetaResult:
        def read(dist: Dist, problems: list[str]) -> FileMetadata:
            return read_dist_metadata(self.client, name, dist, problems,
                                      max_sdist_bytes=self.options.max_sdist_bytes)

        md, problems = release_metadata(cand.dists, read)
        if md is None:
            return _MetaResult(None, None, problems)
        return _MetaResult(md.requires_dist, md.requires_python, problems)


def _release(cand: Candidate, md: _MetaResult) -> Release:
    return Release(
        version=cand.version,
        requires_dist=md.requires_dist,
        requires_python=md.requires_python or cand.file_requires_python,
        files=cand.files,
    )


def _strip_marker(req: Requirement) -> Requirement:
    r = Requirement(str(req))
    r.marker = None
    r.name = normalize(r.name)
    return r


# --------------------------------------------------------------------------- CLI


class ConsoleReporter:
    """Progress on a terminal: one line redrawn in place on a tty, a plain line every few
    seconds otherwise."""

    def __init__(self, stream: IO[str], *, interval: float = 5.0, quiet: bool = False) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = interval
        self.quiet = quiet
        self._last: float | None = None
        self._drawn = False

    @staticmethod
    def line(p: Progress) -> str:
        s = (
            f"projects {p.projects_done}/{p.projects_known}, "
            f"metadata {p.metadata_done}/{p.metadata_total}"
        )
        if p.metadata_reused or p.metadata_resumed:
            s += f" (+{p.metadata_reused + p.metadata_resumed} reused)"
        if p.retries:
            s += f", retries {p.retries}"
        if p.warnings:
            s += f", warnings {p.warnings}"
        return s

    def progress(self, progress: Progress) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\x1b[K" + self.line(progress))
            self._drawn = True
            self.stream.flush()
            return
        now = time.monotonic()
        if self._last is None or now - self._last >= self.interval:
            self._last = now
            self.stream.write(self.line(progress) + "\n")
            self.stream.flush()

    def warning(self, message: str) -> None:
        self._clear()
        self.stream.write(f"warning: {message}\n")
        self.stream.flush()

    def finish(self, message: str) -> None:
        self._clear()
        self.stream.write(message + "\n")
        self.stream.flush()

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return n


def _max_releases(text: str) -> int:
    """N, or `all` (0)."""
    return 0 if text == "all" else _positive_int(text)


USAGE = """%(prog)s --out DIR (-r FILE | NAME...) [options]   build DIR for these requirements
       %(prog)s update DIR [options]                       refresh DIR, or continue its crawl
       %(prog)s upgrade DIR                                rewrite DIR in this version's format"""


def configure_parser(p: argparse.ArgumentParser) -> None:
    """Arguments of `mach-nix index` (and of `mach-nix index update DIR`)."""
    p.usage = USAGE
    p.description = (
        "Build or refresh a pinned package index (docs/index-format.md) from PyPI: the given "
        "requirements and everything their kept releases require. `update DIR` crawls DIR's "
        "recorded requirements again with its recorded options, fetching only new releases' "
        "metadata; after an interruption it continues the unfinished crawl. `upgrade DIR` "
        "rewrites an index of an older format in this mach-nix's, without the network."
    )
    p.add_argument("--out", "-o", type=Path, default=None, metavar="DIR",
                   help="index directory to build (or, with no requirements, to refresh)")
    p.add_argument(
        "-r", "--requirement", dest="requirement_files", action="append", type=Path, default=[],
        metavar="FILE", help="crawl the requirements of a requirements.txt (repeatable)",
    )
    p.add_argument(
        "names", nargs="*", metavar="NAME",
        help="requirements to crawl, e.g. requests 'requests[socks]'. With neither NAME nor -r, "
        "the roots recorded in DIR/index.json are crawled again (a refresh).",
    )
    p.add_argument("--pypi-url", default=None,
                   help=f"PyPI base URL (default {DEFAULT_PYPI}; a refresh keeps the recorded one)")
    p.add_argument(
        "--index-url", default=None, metavar="URL",
        help="crawl this simple API (PEP 691 JSON or PEP 503 HTML, e.g. a private index) "
        "instead of PyPI's JSON API; credentials as https://USER:TOKEN@HOST/... or in "
        "~/.netrc, never recorded (docs/indexes.md)",
    )
    p.add_argument(
        "--extra-index-url", action="append", default=[], metavar="URL",
        help="another simple API, searched before --index-url (repeatable): each project "
        "comes from the first index that has it",
    )
    p.add_argument(
        "--max-releases", type=_max_releases, default=None, metavar="N",
        help="keep the newest N final releases per project (plus newer pre-releases and the "
        "yanked ones among them), or `all` (the default; a refresh keeps the recorded value)",
    )
    p.add_argument("--jobs", "-j", type=_positive_int, default=8, metavar="N",
                   help="parallel downloads (default 8)")
    p.add_argument(
        "--extras", choices=EXTRAS_MODES, default=None,
        help="follow the dependencies of the extras that some requirement in the closure asks "
        "for (`requested`, the default), or of every extra (`all`: test and docs extras grow "
        "the closure to hundreds of projects)",
    )
    p.add_argument("--no-deps", dest="follow_deps", action="store_const", const=False,
                   default=None, help="index only the named projects, not their dependencies")
    p.add_argument(
        "--max-sdist-size", type=float, default=DEFAULT_MAX_SDIST_MB, metavar="MB",
        help="largest sdist downloaded to read metadata from (default %(default)s)",
    )
    p.add_argument("--refresh", dest="reuse", action="store_false",
                   help="fetch every release's metadata again instead of reusing DIR's")
    p.add_argument("--no-prune", dest="prune", action="store_false",
                   help="keep project files in DIR that this crawl does not reach")
    p.add_argument("--retries", type=int, default=4, metavar="N",
                   help="retries of a failing download (default 4)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="network timeout per request (default 30)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress display")


def _recorded(out: Path) -> dict[str, Any]:
    """What DIR records about the crawl that built it: the journal of an unfinished crawl (the
    latest intent), else the index.json of an index of this schema version, else {}."""
    header = Journal.header_of(out)
    if header is not None:
        return {**header.recorded(), "source": header.source}
    try:
        meta = json.loads((out / "index.json").read_text())
    except (OSError, ValueError):
        return {}
    ok = isinstance(meta, dict) and meta.get("schemaVersion") in READABLE_SCHEMA_VERSIONS
    return meta if ok and meta.get("layout") == LAYOUT else {}


def _target_dir(args: argparse.Namespace) -> tuple[Path, bool]:
    """(DIR, whether this is `update DIR`). `update` is the command only without --out: with
    it, `update` is a project name like any other."""
    if args.out is None and args.names[:1] == ["update"]:
        if len(args.names) != 2 or args.requirement_files:
            raise RequirementsError(
                "`mach-nix index update DIR` takes one index directory and no requirements; "
                "to index other requirements, run `mach-nix index --out DIR NAME...`."
            )
        return Path(args.names[1]), True
    if args.out is None:
        raise RequirementsError(
            "Where to? Give --out DIR (`mach-nix index --out DIR -r requirements.txt`), or "
            "refresh an index with `mach-nix index update DIR`."
        )
    return Path(args.out), False


def _roots(args: argparse.Namespace, recorded: Mapping[str, Any]) -> list[Requirement]:
    roots: list[Requirement] = []
    for path in args.requirement_files:
        roots += [p.requirement for p in parse_requirements_file(Path(path))]
    for name in args.names:
        try:
            roots.append(Requirement(name))
        except InvalidRequirement as e:
            raise RequirementsError(f"{name!r} is not a valid requirement ({e}).") from None
    if roots or args.requirement_files:
        return roots
    try:
        return [Requirement(r) for r in recorded["roots"]]
    except (KeyError, TypeError, InvalidRequirement):
        raise RequirementsError(
            "Nothing to index: give requirements (NAME... or -r requirements.txt), or --out an "
            "existing index of this schema version to refresh the roots recorded in it."
        ) from None


def options_from_args(
    args: argparse.Namespace, recorded: Mapping[str, Any] | None = None
) -> CrawlOptions:
    """Command-line options; on a refresh (no requirements given) the recorded ones fill in
    what the command line leaves out."""
    rec = recorded or {}
    index_urls: tuple[str, ...] = ()
    if args.index_url or args.extra_index_url:
        index_urls = tuple(strip_credentials(u).rstrip("/") for u in (
            *args.extra_index_url, args.index_url or DEFAULT_SIMPLE))
    elif rec.get("api") == "simple" and not args.pypi_url:
        index_urls = tuple(str(rec.get("source") or "").split())
    max_releases = args.max_releases if args.max_releases is not None else rec.get("maxReleases")
    extras = args.extras or rec.get("extras") or "requested"
    follow = args.follow_deps if args.follow_deps is not None else rec.get("followDeps", True)
    return CrawlOptions(
        # without credentials (the HTTP client has them): the URL is recorded in index.json
        pypi_url=strip_credentials(
            args.pypi_url or (None if rec.get("api") == "simple" else rec.get("source"))
            or DEFAULT_PYPI).rstrip("/"),
        index_urls=index_urls,
        max_releases=max_releases or None,
        jobs=args.jobs,
        extras=extras if extras in EXTRAS_MODES else "requested",
        follow_deps=bool(follow),
        max_sdist_bytes=int(args.max_sdist_size * 1024 * 1024),
        reuse=args.reuse,
        prune=args.prune,
    )


def run(args: argparse.Namespace) -> int:
    """`mach-nix index`. Returns the exit code; messages go to stderr."""
    reporter = ConsoleReporter(sys.stderr, quiet=args.quiet)
    if args.out is None and args.names[:1] == ["upgrade"]:
        return _upgrade(args, reporter)
    try:
        out, update = _target_dir(args)
        recorded = _recorded(out)
        if update and not recorded:
            raise RequirementsError(
                f"{out} is not a mach-nix index of this schema version (no index.json) and "
                "holds no interrupted crawl to continue. Build one with `mach-nix index --out "
                f"{out} -r requirements.txt`."
            )
        refresh = update or not (args.names or args.requirement_files)
        roots = _roots(args, recorded) if not update else _roots_of(recorded)
        options = options_from_args(args, recorded if refresh else None)
        if args.pypi_url and options.index_urls:
            raise RequirementsError(
                "--pypi-url names PyPI's JSON API, --index-url and --extra-index-url simple "
                "APIs: give one or the other."
            )
        # credentials from the URLs given (never recorded: options hold the URLs without
        # them) and from the netrc file
        credentials = Credentials(netrc_file=netrc_path())
        for url in (args.index_url, *args.extra_index_url, args.pypi_url):
            if url:
                credentials.add_url(url)
        client = HttpClient(timeout=args.timeout, retries=max(0, args.retries),
                            url_option="--index-url" if options.index_urls else "--pypi-url",
                            authorization=credentials.header)
        crawler = Crawler(client, options, reporter)

        def on_retry(url: str, reason: str, delay: float) -> None:
            crawler.progress.retries += 1

        crawler.client.on_retry = on_retry
        try:
            result = crawler.crawl(out, roots)
        finally:
            for warning in credentials.warnings:
                reporter.warning(warning)
    except NetworkError as e:
        reporter.finish(f"mach-nix index: {e}{_continue_hint(args)}")
        return 1
    except MachNixError as e:
        reporter.finish(f"mach-nix index: {e}")
        return 1
    except KeyboardInterrupt:
        reporter.finish(
            "mach-nix index: interrupted. The index is still readable (each project file is "
            f"the old one or the new one, never half-written).{_continue_hint(args)}"
        )
        return 130
    p = result.progress
    summary = (
        f"indexed {len(result.projects)} projects, {result.releases} releases into {out} "
        f"in {result.seconds:.1f}s ({p.metadata_done} metadata fetched, {p.metadata_reused} reused"
    )
    if p.metadata_resumed or p.projects_resumed:
        summary += (
            f", {p.metadata_resumed} metadata and {p.projects_resumed} complete projects taken "
            "from the interrupted crawl"
        )
    if result.unknown_requires_dist:
        summary += f", {result.unknown_requires_dist} releases with unknown requirements"
    if result.missing:
        summary += f", not on PyPI: {', '.join(result.missing)}"
    reporter.finish(summary + ")")
    return 0


def _upgrade(args: argparse.Namespace, reporter: ConsoleReporter) -> int:
    """`mach-nix index upgrade DIR`: rewrite an index in this mach-nix's format, offline."""
    if len(args.names) != 2 or args.requirement_files:
        reporter.finish("mach-nix index: `mach-nix index upgrade DIR` takes one index "
                        "directory and no requirements.")
        return 1
    out = Path(args.names[1])
    try:
        count = upgrade_index(out)
    except MachNixError as e:
        reporter.finish(f"mach-nix index: {e}")
        return 1
    reporter.finish(f"upgraded {out} to index format {SCHEMA_VERSION} "
                    f"({count} project files rewritten)")
    return 0


def _roots_of(recorded: Mapping[str, Any]) -> list[Requirement]:
    try:
        return [Requirement(r) for r in recorded["roots"]]
    except (KeyError, TypeError, InvalidRequirement):
        raise RequirementsError("the recorded roots of the index cannot be read; rebuild it "
                                "with `mach-nix index --out DIR -r requirements.txt`.") from None


def _continue_hint(args: argparse.Namespace) -> str:
    try:
        out, _ = _target_dir(args)
    except MachNixError:
        return ""
    if Journal.header_of(out) is None:
        return ""
    return (f" What was fetched is kept: `mach-nix index update {out}` continues from there "
            "without fetching it again.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mach-nix index")
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
