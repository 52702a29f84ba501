"""Direct references: requirements that name one distribution instead of a project on the index.

`name @ https://.../x.whl` (or an sdist), `name @ git+https://...@rev`, local directories and
archives, and `-e ./pkg` (docs/requirements.md). Each is fetched (or, inside the Nix resolver
derivation, read from the copy lib/ fetched), its metadata read, and it becomes the only
candidate of its project: any other requirement on that name must be satisfied by it.

Fetching happens here and only here: downloads through the HTTP client, clones with the git
command line into the cache (a directory named by a hash of the URL, so no credentials reach a
path), local paths relative to the requirements file.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from .auth import strip_credentials
from .buildmeta import BuildEnv, sdist_metadata, source_tree_metadata
from .errors import MachNixError, NetworkError, RequirementsError
from .index import File, atomic_write
from .metadata import MetadataError, metadata_from_wheel
from .names import normalize
from .requirements import HEX40, DirectLink, ParsedRequirement, RequirementSet, link_filename
from .target import Target


class DirectReferenceError(RequirementsError):
    """A direct reference that cannot be fetched or read."""


@dataclass(frozen=True)
class DirectPackage:
    """A direct reference, fetched and read: the one candidate of its project."""

    name: NormalizedName
    version: str
    requires_dist: tuple[str, ...]
    requires_python: str | None
    #: how lib/ builds it: "wheel" for a wheel, "sdist" for an sdist or a source tree
    provider: str
    #: the archive (URL or local); None for a source tree (git, directory)
    file: File | None
    #: the resolution's `source` object (docs/resolution-format.md)
    source: Mapping[str, Any]
    #: where it was asked for, for messages ("requirements.txt, line 3")
    origin: str


# --- fetching ---------------------------------------------------------------------------


Downloader = Callable[[str], bytes]


@dataclass
class Fetcher:
    """Gets the content of direct references.

    Online (the command line): `download` fetches URLs, git clones into `cache_dir`. In the Nix
    resolver derivation, `fetched` maps each reference as written to the store path lib/ made
    of it, and nothing else may be fetched.
    """

    download: Downloader | None = None
    cache_dir: Path | None = None
    fetched: Mapping[str, str] | None = None
    #: isolated builds for trees and sdists without static metadata (PEP 517 hooks); None
    #: (the Nix derivation) reads static metadata only
    build: BuildEnv | None = None

    @property
    def offline(self) -> bool:
        return self.fetched is not None

    def nix_copy(self, parsed: ParsedRequirement, link: DirectLink) -> Path:
        assert self.fetched is not None
        if not link.pinned:
            how = ("add the file's hash to the URL (`#sha256=<64 hex digits>`, from "
                   "https://pypi.org/simple/<name>/ or `sha256sum`)" if link.kind == "url" else
                   "write the full 40-digit commit after @ (`git ls-remote <url> <branch>` "
                   "prints it)")
            raise DirectReferenceError(
                f"{parsed.location}: {parsed.name} comes from {link.written}, which is not "
                f"pinned, so resolving during evaluation cannot know what it is: {how}, or "
                "lock the requirements with `mach-nix lock` and pass `lockFile`."
            )
        path = self.fetched.get(link.written)
        if path is None:
            raise DirectReferenceError(
                f"{parsed.location}: lib/ did not hand the resolver a copy of {link.written} "
                f"({parsed.name}); this requirement form cannot be resolved during evaluation "
                "yet. Lock the requirements with `mach-nix lock` and pass `lockFile`."
            )
        return Path(path)

    def url_bytes(self, parsed: ParsedRequirement, link: DirectLink) -> bytes:
        if self.offline:
            return self.nix_copy(parsed, link).read_bytes()
        cached = self._cached(link.sha256)
        if cached is not None:
            return cached
        if self.download is None:
            raise DirectReferenceError(
                f"{parsed.location}: {link.written} ({parsed.name}) is not in the cache and "
                "--offline forbids downloading it; run once without --offline."
            )
        try:
            data = self.download(link.location)
        except NetworkError as e:
            public = without_password(link.location)
            raise DirectReferenceError(
                f"{parsed.location}: {parsed.name} comes from {public}, which cannot be "
                f"downloaded: {str(e).replace(link.location, public)}"
            ) from None
        self._store(data)
        return data

    def _cache_path(self, sha256: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / "files" / sha256[:2] / sha256

    def _cached(self, sha256: str | None) -> bytes | None:
        """A file downloaded before, by the sha256 the URL pins (never for an unpinned URL:
        what it serves may have changed, which is what resolving again is for)."""
        path = None if sha256 is None else self._cache_path(sha256)
        if path is None or not path.is_file():
            return None
        data = path.read_bytes()
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def _store(self, data: bytes) -> None:
        path = self._cache_path(hashlib.sha256(data).hexdigest())
        if path is not None:
            atomic_write(path, data)

    def git_tree(self, parsed: ParsedRequirement, link: DirectLink, work: Path) -> tuple[str, Path]:
        """(full commit, checkout directory) of a git reference."""
        if self.offline:
            return link.rev or "", self.nix_copy(parsed, link)
        return _git_checkout(parsed, link, self.cache_dir, work)


def _git(args: list[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    # never prompt (a resolve is not interactive); the rest of the environment (ssh agent,
    # proxies, credential helpers) is the user's
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, env=env)
    except FileNotFoundError:
        raise DirectReferenceError(
            "git requirements need the git command line, which is not installed; install git "
            "(e.g. apt-get install git) or lock on a machine that has it."
        ) from None


def _git_checkout(
    parsed: ParsedRequirement, link: DirectLink, cache_dir: Path | None, work: Path
) -> tuple[str, Path]:
    clean = strip_credentials(link.location)
    key = hashlib.sha256(clean.encode()).hexdigest()[:32]
    root = (cache_dir or Path(tempfile.gettempdir()) / "mach-nix") / "git" / key
    where = f"{parsed.location}: {parsed.name} from {clean}"
    fetched = None  # a fresh clone needs no fetch
    if not (root / "HEAD").is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=".clone-"))
        r = _git(["clone", "--quiet", "--bare", "--", link.location, str(tmp)])
        if r.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise DirectReferenceError(
                f"{where}: git clone failed ({_stderr(r, link.location, clean)}). Check the URL "
                "and that the repository is reachable from this machine."
            )
        # the clone's config would keep the URL, credentials and all: keep it without them
        # (every fetch names the URL itself)
        _git(["config", "remote.origin.url", clean], cwd=tmp)
        try:
            tmp.rename(root)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another run cloned it meanwhile
    else:
        fetched = _git(["fetch", "--quiet", "--force", "--tags", "--", link.location,
                        "+refs/heads/*:refs/heads/*"], cwd=root)
    rev = link.rev
    candidates = [f"refs/tags/{rev}", f"refs/heads/{rev}", rev] if rev else ["HEAD"]
    commit = None
    for c in candidates:
        r = _git(["rev-parse", "--verify", "--quiet", f"{c}^{{commit}}"], cwd=root)
        if r.returncode == 0:
            commit = r.stdout.decode().strip()
            break
    if commit is None or not HEX40.match(commit):
        if fetched is not None and fetched.returncode != 0:
            raise DirectReferenceError(
                f"{where}: {rev!r} is not in the cached clone, and updating it failed "
                f"({_stderr(fetched, link.location, clean)}). Check the URL and that the "
                "repository is reachable from this machine."
            )
        raise DirectReferenceError(
            f"{where}: the repository has no commit, tag or branch {rev!r}. Write an existing "
            "one after @ (`git ls-remote <url>` lists them)."
        )
    archive = _git(["archive", "--format=tar", commit], cwd=root)
    if archive.returncode != 0:
        raise DirectReferenceError(f"{where}: git archive of {commit} failed "
                                   f"({_stderr(archive, link.location, clean)}).")
    dest = work / "git"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tf:
        tf.extractall(dest, filter="data")
    return commit, dest


def _stderr(r: subprocess.CompletedProcess[bytes], url: str = "", clean: str = "") -> str:
    """git's first line of complaint (the cause: "ssh: connect to host ...", "fatal: ... does
    not appear to be a git repository"; the last is often advice such as "and the repository
    exists."), with any credentials of the URL taken out."""
    text = [t for t in r.stderr.decode(errors="replace").splitlines()
            if t.strip() and not t.startswith(("warning:", "hint:"))]
    line = text[0] if text else f"exit status {r.returncode}"
    return line.replace(url, clean) if url else line


# --- reading one reference --------------------------------------------------------------


def _archive_package(
    parsed: ParsedRequirement, filename: str, data: bytes, url: str, source: dict[str, Any],
    build: BuildEnv | None,
) -> DirectPackage:
    sha256 = hashlib.sha256(data).hexdigest()
    where = f"{parsed.location}: {filename}"
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                md = metadata_from_wheel(zf, name)
            return DirectPackage(
                name=normalize(name), version=str(version), requires_dist=md.requires_dist,
                requires_python=md.requires_python, provider="wheel",
                file=File(filename=filename, url=url, sha256=sha256, kind="wheel",
                          tags=File.wheel_tags(filename)),
                source=source, origin=parsed.location,
            )
        name, version = parse_sdist_filename(filename)
        md = sdist_metadata(filename, data, build=build, sha256=sha256)
    except (InvalidWheelFilename, InvalidSdistFilename) as e:
        raise DirectReferenceError(f"{where}: the file name is not a wheel's or an sdist's ({e}); "
                                   "point at the distribution file as PyPI names it.") from None
    except (MetadataError, zipfile.BadZipFile, tarfile.TarError, OSError) as e:
        raise DirectReferenceError(
            f"{where}: the metadata of {parsed.name} cannot be read: {e}. Use a wheel of it, or "
            "an sdist with static metadata (PKG-INFO 2.2+ or pyproject.toml [project])"
            + (", or lock it with `mach-nix lock`, which can run its build backend."
               if build is None else ".")
        ) from None
    return DirectPackage(
        name=normalize(name), version=str(version), requires_dist=tuple(md.requires_dist),
        requires_python=md.requires_python, provider="sdist",
        file=File(filename=filename, url=url, sha256=sha256, kind="sdist"),
        source=source, origin=parsed.location,
    )


def _tree_package(
    parsed: ParsedRequirement, tree: Path, source: dict[str, Any], what: str,
    build: BuildEnv | None,
) -> DirectPackage:
    try:
        md = source_tree_metadata(tree, build=build, label=f"{parsed.name} ({what})")
        if not md.name or not md.version:
            raise MetadataError("its metadata has no Name or no Version")
        Version(md.version)
    except MetadataError as e:
        raise DirectReferenceError(
            f"{parsed.location}: the metadata of {what} cannot be read: {e}. Declare name, "
            "version and dependencies statically in pyproject.toml's [project] table"
            + (", or lock it with `mach-nix lock`, which can run its build backend."
               if build is None else ", or fix the project so that its build backend runs.")
        ) from None
    except InvalidVersion:
        raise DirectReferenceError(f"{parsed.location}: {what} has version {md.version!r}, "
                                   "which is not a PEP 440 version; fix the version.") from None
    return DirectPackage(name=normalize(md.name), version=md.version,
                         requires_dist=tuple(md.requires_dist),
                         requires_python=md.requires_python,
                         provider="sdist", file=None, source=source, origin=parsed.location)


def read_reference(parsed: ParsedRequirement, fetcher: Fetcher) -> DirectPackage:
    """Fetch and read one direct reference."""
    link = parsed.link
    assert link is not None
    with tempfile.TemporaryDirectory(prefix="mach-nix-direct-") as tmp:
        work = Path(tmp)
        if link.kind == "url":
            filename = link_filename(link.location)
            data = fetcher.url_bytes(parsed, link)
            public = without_password(link.location)
            return _checked(parsed, link, _archive_package(
                parsed, filename, data, public, {"kind": "url", "url": public}, fetcher.build))
        if link.kind == "git":
            commit, tree = fetcher.git_tree(parsed, link, work)
            source: dict[str, Any] = {"kind": "git", "url": without_password(link.location),
                                      "rev": commit}
            if link.subdirectory:
                source["subdirectory"] = link.subdirectory
                tree = tree / link.subdirectory
            return _tree_package(parsed, tree, source, f"{link.location}@{commit[:12]}",
                                 fetcher.build)
        # a local path
        path = (fetcher.nix_copy(parsed, link) if fetcher.offline else link.local_path())
        kind = "editable" if link.editable else "path"
        source = {"kind": kind, "path": link.location}
        if not path.exists():
            relative = not Path(link.location).is_absolute()
            base = (f" (relative to {link.base_dir})"
                    if relative and link.base_dir is not None else "")
            hint = (" Requirements given as a string have no directory: pass `projectDir = "
                    "./.;` (Nix) or use an absolute path."
                    if relative and link.base_dir is None else "")
            raise DirectReferenceError(f"{parsed.location}: {link.location}{base} does not "
                                       f"exist; fix the path.{hint}")
        if path.is_dir():
            return _tree_package(parsed, path, source, link.location, fetcher.build)
        if link.editable:
            raise DirectReferenceError(f"{parsed.location}: -e {link.location} is a file; -e "
                                       "takes a project directory.")
        filename = link_filename(link.location)
        return _checked(parsed, link, _archive_package(
            parsed, filename, path.read_bytes(), link.location, source, fetcher.build))


def _checked(parsed: ParsedRequirement, link: DirectLink, pkg: DirectPackage) -> DirectPackage:
    """The archive of a URL or path, if it has the `#sha256=` the line gives."""
    assert pkg.file is not None
    if link.sha256 is not None and pkg.file.sha256 != link.sha256:
        raise DirectReferenceError(
            f"{parsed.location}: {pkg.file.filename} has sha256 {pkg.file.sha256}, but the line "
            f"says #sha256={link.sha256}. The file changed or the hash is wrong: check the "
            f"{'URL' if link.kind == 'url' else 'file'} and write the right hash."
        )
    return pkg


def without_password(url: str) -> str:
    """The URL as the resolution and the lock may keep it: a password or token in it is
    dropped (the user name stays: `ssh://git@host/...` needs it). Fetching it then needs the
    credentials from elsewhere (netrc, a git credential helper), never from the lock."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))


# --- all references of a requirement set -------------------------------------------------


def materialize(
    requirements: RequirementSet, fetcher: Fetcher, target: Target
) -> tuple[RequirementSet, dict[str, DirectPackage]]:
    """Read every direct reference of `requirements` whose marker holds for `target`. Returns
    the requirements with the names the metadata gave (for `./pkg` lines) and the packages by
    normalized name."""
    env = {**target.marker_environment(), "extra": ""}
    python = Version(target.python_full_version)
    tags: set[str] | None = None  # the target's wheel tags, once a wheel needs them
    found: dict[str, DirectPackage] = {}
    renamed: list[ParsedRequirement] = []
    for parsed in requirements.requirements:
        link = parsed.link
        if link is None or (parsed.requirement.marker is not None
                            and not parsed.requirement.marker.evaluate(env)):
            renamed.append(parsed)
            continue
        pkg = read_reference(parsed, fetcher)
        if parsed.name_given and pkg.name != parsed.name:
            raise DirectReferenceError(
                f"{parsed.location}: the requirement names {parsed.name}, but {link.written} is "
                f"{pkg.name} {pkg.version}. Write the right name before @."
            )
        if pkg.name != parsed.name:
            req = Requirement(str(parsed.requirement))  # a copy: the parsed one is shared
            req.name = pkg.name
            parsed = replace(parsed, requirement=req)
        for line in pkg.requires_dist:
            try:
                dep = Requirement(line)
            except InvalidRequirement:
                dep = None
            if dep is None or dep.url:
                what = "is not a valid requirement" if dep is None else "is a direct reference"
                raise DirectReferenceError(
                    f"{parsed.location}: {pkg.name} {pkg.version} ({link.written}) depends on "
                    f"{line!r}, which {what}; mach-nix follows only dependencies by name. "
                    "Require that dependency on a line of its own (by name, or as a direct "
                    "reference) and depend on it by name."
                )
        if pkg.requires_python:
            try:
                ok = SpecifierSet(pkg.requires_python).contains(python, prereleases=True)
            except InvalidSpecifier:
                ok = True
            if not ok:
                raise DirectReferenceError(
                    f"{parsed.location}: {pkg.name} {pkg.version} ({link.written}) requires "
                    f"Python {pkg.requires_python}, but the target is {target.describe()}. "
                    "Use another version of it, or another Python."
                )
        if pkg.file is not None and pkg.provider == "wheel":
            if tags is None:
                tags = {str(t) for t in target.supported_tags()}
            if not set(pkg.file.tags) & tags:
                raise DirectReferenceError(
                    f"{parsed.location}: {pkg.file.filename} is not a wheel for "
                    f"{target.describe()}; point at a wheel built for it, or at the sdist."
                )
        other = found.get(pkg.name)
        if other is not None and dict(other.source) != dict(pkg.source):
            raise DirectReferenceError(
                f"{parsed.location}: {pkg.name} is given twice as a direct reference, here and "
                f"at {other.origin}, pointing at different places; keep one of them."
            )
        found[pkg.name] = pkg
        renamed.append(parsed)
    return replace(requirements, requirements=tuple(renamed)), found


def check_hashes(requirements: RequirementSet, chosen: Mapping[str, tuple[str, str]]) -> None:
    """pip's hash-checking mode: every requirement line carries --hash, and the file chosen
    for each package (name -> (filename, sha256)) is one of its hashes."""
    if not requirements.hash_checking:
        return
    hashes: dict[str, set[str]] = {}
    for r in requirements.requirements:
        # a source tree (git, directory) has no file to hash; every file needs a hash
        is_file = r.link is None or r.link.kind == "url" or (
            r.link.kind == "path" and r.link.location.endswith((".whl", ".tar.gz", ".zip")))
        if not r.hashes and is_file:
            raise MachNixError(
                f"{r.location}: {r.name} has no --hash, but other lines do, which turns on "
                "hash checking (as in pip): every requirement then needs one. Add "
                f"--hash=sha256:<hex> for the file of {r.name} (`pip hash FILE` prints it), "
                "or remove the hashes everywhere."
            )
        hashes.setdefault(r.name, set()).update(r.hashes)
    for name, (filename, sha256) in sorted(chosen.items()):
        allowed = hashes.get(name)
        if allowed is None:
            raise MachNixError(
                f"hash checking is on, but {name} (file {filename}, needed by the other "
                "requirements) has no line with --hash. As pip, mach-nix then refuses it: add "
                f"\"{name} --hash=sha256:{sha256}\" (after checking the file) or pin it by hash "
                "on a line of its own."
            )
        if allowed and sha256 not in allowed:
            raise MachNixError(
                f"{name}: the file {filename} has sha256 {sha256}, which is none of the hashes "
                f"the requirements allow ({', '.join(sorted(allowed))}). The file is not the "
                "one the hashes were taken from: check it, then fix the --hash value (or the "
                "version pin, so that the file with that hash is chosen)."
            )
