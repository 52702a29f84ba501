"""The core metadata of a source tree or sdist, running its build backend when nothing static
tells.

For an unpacked source tree (a git checkout, a local directory, an unpacked sdist) the first
of these that answers is used (`source_tree_metadata`):

1. `PKG-INFO` at the top, when it is Metadata-Version 2.2+ and neither Requires-Dist nor
   Requires-Python is `Dynamic` (PEP 643);
2. `pyproject.toml`'s `[project]` table (PEP 621), when version, dependencies,
   optional-dependencies and requires-python are all static (not in `dynamic`); converted to
   Requires-Dist lines as backends write them (`dep; (marker) and extra == "x"`);
3. the PEP 517 `prepare_metadata_for_build_wheel` hook (or `build_wheel`, then the wheel's
   METADATA, when the backend lacks that hook, as pip does), in an isolated build: a fresh
   venv into which `[build-system] requires` (and what `get_requires_for_build_wheel` adds)
   is installed with pip from the configured indexes (`BuildEnv`). Without `[build-system]`,
   setuptools' legacy backend with `setuptools>=40.8.0`, as pip does. The build runs in the
   tree itself, as pip's does (setuptools leaves an `*.egg-info` there).

An sdist (`sdist_metadata`) answers from its static PKG-INFO when it can; else it is unpacked
safely (no absolute paths, no `..`, no links leading out; links become copies) and read
as a tree. What a build
said is kept in the persistent cache by the sdist's sha256, so it runs once per file; a
directory has no hash and is built every time.

This module is not imported by the Nix resolver derivation (whose Python path has only
resolvelib and packaging): callers import it where they use it, and `pyproject_hooks` is
imported only when a backend runs.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .errors import BuildError, OfflineError
from .metadata import CoreMetadata, MetadataError, parse_core_metadata, sdist_metadata_members

#: What pip assumes for a tree without `[build-system]` (PEP 517, "fallback").
DEFAULT_BUILD_REQUIRES = ("setuptools>=40.8.0",)
DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"

#: Lines of a failing command's output quoted in the error.
OUTPUT_TAIL = 20

#: Unpacked sdists larger than this are refused (a compressed archive can be a bomb).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

#: Variables that would send pip to another index than the BuildEnv's, or make the build see
#: the caller's packages.
_DROPPED_ENV = ("PYTHONPATH", "PYTHONHOME", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
                "PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_REQUIRE_VIRTUALENV", "PIP_TARGET",
                "PIP_PREFIX", "PIP_USER", "VIRTUAL_ENV")


@dataclass(frozen=True)
class BuildEnv:
    """Where and how isolated builds run.

    `python` creates the build venvs (its version and platform are what a backend's dynamic
    metadata is computed for). Build requirements come from `index_url` and
    `extra_index_urls`, as pip's options of those names. `offline`: never build (what the
    cache holds is still used). `cache_dir`: the persistent cache (`cache.Cache`) where
    builds' results are kept by sdist sha256; None keeps nothing.
    """

    python: str = sys.executable
    index_url: str = "https://pypi.org/simple"
    extra_index_urls: tuple[str, ...] = ()
    offline: bool = False
    cache_dir: Path | None = None
    #: extra environment for pip and the backend (tests; a proxy setting)
    environ: Mapping[str, str] = field(default_factory=dict)


# --- static metadata ---------------------------------------------------------------------


def _static_pkg_info(data: bytes) -> CoreMetadata | None:
    md = parse_core_metadata(data)
    if md.static_requires_dist and "requires-python" not in md.dynamic:
        return md
    return None


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.9/3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise MetadataError(
                "reading pyproject.toml needs Python 3.11+ or the tomli package"
            ) from None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise MetadataError(f"{path.name} cannot be read: {e}") from None
    return data


def _requirement(text: object, where: str) -> Requirement:
    if not isinstance(text, str):
        raise MetadataError(f"{where} holds {text!r}, not a requirement string")
    try:
        return Requirement(text)
    except InvalidRequirement as e:
        raise MetadataError(f"{where} has an invalid requirement {text!r}: {e}") from None


def requires_dist_from_pyproject(project: Mapping[str, Any]) -> list[str]:
    """The Requires-Dist lines of a PEP 621 `[project]` table: `dependencies` as they are,
    then each `optional-dependencies` group's with `extra == "<group>"` added to the marker
    (`(marker) and extra == "x"` when the requirement has one). Extra names normalized (PEP
    685), requirements as `packaging` prints them."""
    deps = project.get("dependencies", [])
    optional = project.get("optional-dependencies", {})
    if not isinstance(deps, list):
        raise MetadataError("[project] dependencies is not a list")
    if not isinstance(optional, dict):
        raise MetadataError("[project.optional-dependencies] is not a table")
    out = [str(_requirement(d, "[project] dependencies")) for d in deps]
    for group, items in optional.items():
        if not isinstance(items, list):
            raise MetadataError(f"[project.optional-dependencies] {group} is not a list")
        extra = canonicalize_name(group)
        for item in items:
            req = _requirement(item, f"[project.optional-dependencies] {group}")
            marker, req.marker = req.marker, None
            condition = f'({marker}) and extra == "{extra}"' if marker else f'extra == "{extra}"'
            out.append(str(Requirement(f"{req}; {condition}")))
    return out


def pyproject_metadata(tree: Path) -> CoreMetadata | None:
    """The metadata `pyproject.toml`'s `[project]` table states, when it states all of it
    statically; None when it has none or leaves some to the backend (`dynamic`)."""
    path = tree / "pyproject.toml"
    if not path.is_file():
        return None
    project = _load_toml(path).get("project")
    if not isinstance(project, dict):
        return None
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list) or not all(isinstance(d, str) for d in dynamic):
        raise MetadataError("[project] dynamic is not a list of field names")
    needed = {"version", "dependencies", "optional-dependencies", "requires-python"}
    if needed & {d.lower() for d in dynamic}:
        return None
    name, version = project.get("name"), project.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        # PEP 621 requires both (name is never dynamic); a backend would refuse the tree
        raise MetadataError("[project] needs a name and a version (or 'version' "
                            "in dynamic)")
    rp = project.get("requires-python")
    try:
        version = str(Version(version))
        rp = None if rp is None else str(SpecifierSet(str(rp)))
    except (InvalidVersion, InvalidSpecifier) as e:
        raise MetadataError(f"pyproject.toml [project]: {e}") from None
    return CoreMetadata(
        # the static-metadata version: PEP 621 fields not in `dynamic` are final
        metadata_version="2.2",
        requires_dist=tuple(requires_dist_from_pyproject(project)),
        requires_python=rp,
        name=name,
        version=version,
    )


def static_tree_metadata(tree: Path) -> CoreMetadata | None:
    """The tree's metadata from PKG-INFO 2.2+ or a static `[project]` table; None when only
    the build backend can tell."""
    pkg_info = tree / "PKG-INFO"
    if pkg_info.is_file():
        md = _static_pkg_info(pkg_info.read_bytes())
        if md is not None:
            return md
    return pyproject_metadata(tree)


# --- the tree ----------------------------------------------------------------------------


def source_tree_metadata(
    tree: Path, *, build: BuildEnv | None, label: str | None = None
) -> CoreMetadata:
    """The core metadata (name, version, Requires-Dist, Requires-Python) of a source tree.

    Static metadata first (PKG-INFO 2.2+, then a static `[project]` table), else the build
    backend's, in an isolated build with `build`. `label` names the package in messages (the
    directory by default).

    Raises MetadataError (a message about the tree, without its name: callers put it in
    context) when the tree itself is wrong (invalid pyproject.toml, not a Python project) or
    only a build can tell and `build` is None; OfflineError when `build.offline`; BuildError
    (one paragraph naming `label`, with the end of the backend's output) when the build
    cannot run or the backend fails.
    """
    tree = Path(tree)
    label = label or str(tree)
    if not tree.is_dir():
        raise MetadataError(f"{tree} is not a directory")
    md = static_tree_metadata(tree)
    if md is not None:
        return md
    if build is None:
        raise MetadataError("its metadata cannot be known without running its build "
                            "backend (no static PKG-INFO or [project] table)")
    if build.offline:
        raise OfflineError(
            f"--offline: the dependencies of {label} are known only by running its build "
            "backend, which needs its build requirements from the index. Run once without "
            "--offline (the result of an sdist's build is kept in the cache)."
        )
    return _hook_metadata(tree, build, label)


# --- sdists ------------------------------------------------------------------------------


def sdist_metadata(
    filename: str, data: bytes, *, build: BuildEnv | None, sha256: str | None = None
) -> CoreMetadata:
    """The core metadata of an sdist archive (`.tar.gz`, `.zip`, ...): its PKG-INFO when that
    is static (Metadata 2.2+), else the cache by the archive's sha256, else unpacked safely
    and read by `source_tree_metadata` (whose build's result is then cached).

    `sha256` is the archive's, when the caller has checked it already.
    """
    import hashlib

    from .cache import Cache

    members = sdist_metadata_members(filename, data)
    top_pkg_info = [m for m in members if m.count("/") == 1]  # `{name}-{version}/PKG-INFO`
    if len(top_pkg_info) == 1:
        md = _static_pkg_info(members[top_pkg_info[0]])
        if md is not None:
            return md
    sha = (sha256 or hashlib.sha256(data).hexdigest()).lower()
    cache = Cache(build.cache_dir) if build is not None and build.cache_dir is not None else None
    if cache is not None:
        cached = cache.load_built(sha)
        if cached is not None:
            return cached
    with tempfile.TemporaryDirectory(prefix="mach-nix-sdist-") as tmp:
        root = Path(tmp) / "src"
        unpack_sdist(filename, data, root)
        md = source_tree_metadata(_tree_root(root), build=build, label=filename)
    if cache is not None:
        cache.store_built(sha, md)
    return md


def _tree_root(root: Path) -> Path:
    """The project directory of an unpacked sdist: its one top-level directory (PEP 625's
    `{name}-{version}/`), else the top itself."""
    entries = list(root.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return root


def _safe_relpath(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):  # "/x", "C:/x"
        raise MetadataError(f"refused to unpack: member {name!r} has an absolute path")
    if ".." in path.parts:
        raise MetadataError(f"refused to unpack: member {name!r} leads out of the "
                            "archive's directory")
    return PurePosixPath(*[p for p in path.parts if p not in ("", ".")])


def unpack_sdist(filename: str, data: bytes, dest: Path) -> None:
    """Unpack an sdist archive into `dest` (created), refusing members with absolute paths or
    `..` and links that point out of the archive, and more than MAX_UNPACKED_BYTES. Raises
    MetadataError naming the member.

    Links are unpacked as copies of what they point to (files and directories unpacked from
    the archive), so the tree has no symbolic link that a later member could be written
    through; a link to nothing or to a directory that contains it is left out, and so are
    devices and fifos.
    """
    dest.mkdir(parents=True, exist_ok=False)
    total = 0

    def account(size: int) -> None:
        nonlocal total
        total += size
        if total > MAX_UNPACKED_BYTES:
            raise MetadataError(f"refused to unpack: over {MAX_UNPACKED_BYTES // 2**20} MB")

    def place(rel: PurePosixPath) -> Path:
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    links: list[tuple[PurePosixPath, PurePosixPath, str]] = []
    try:
        if filename.lower().endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    rel = _safe_relpath(info.filename)
                    if not rel.parts:
                        continue
                    if info.is_dir():
                        place(rel).mkdir(exist_ok=True)
                        continue
                    account(info.file_size)
                    place(rel).write_bytes(zf.read(info))
            return
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
            for m in tf:
                rel = _safe_relpath(m.name)
                if not rel.parts:
                    continue
                if m.isdir():
                    place(rel).mkdir(exist_ok=True)
                elif m.isfile():
                    account(m.size)
                    f = tf.extractfile(m)
                    place(rel).write_bytes(f.read() if f is not None else b"")
                elif m.issym() or m.islnk():
                    links.append((rel, _link_target(m, rel), m.name))
        # after every file: a link may come before what it points to
        for rel, target_rel, name in links:
            source = dest.joinpath(*target_rel.parts)
            target = dest.joinpath(*rel.parts)
            if target.exists():
                raise MetadataError(f"refused to unpack: link {name!r} would replace a member")
            if source.is_file():
                account(source.stat().st_size)
                place(rel)
                shutil.copyfile(source, target)
            elif source.is_dir() and target_rel.parts != rel.parts[: len(target_rel.parts)]:
                # (a link to a directory that contains it, a loop, is left out)
                account(sum(f.stat().st_size for f in source.rglob("*") if f.is_file()))
                place(rel)
                shutil.copytree(source, target)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, ValueError) as e:
        raise MetadataError(f"the archive cannot be read: {e}") from None
    except OSError as e:
        raise MetadataError(f"cannot unpack: {e}") from None


def _link_target(m: tarfile.TarInfo, rel: PurePosixPath) -> PurePosixPath:
    """Where a link member points, as a path inside the archive; MetadataError when it
    points out. A symbolic link is relative to its directory, a hard link to the top."""
    linkname = m.linkname.replace("\\", "/")
    if linkname.startswith("/") or ":" in linkname.split("/")[0]:
        raise MetadataError(f"refused to unpack: link {m.name!r} points to an absolute path "
                            f"({m.linkname})")
    base = list(rel.parts[:-1]) if m.issym() else []
    parts: list[str] = base
    for part in linkname.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise MetadataError(f"refused to unpack: link {m.name!r} points out of the "
                                    f"archive ({m.linkname})")
            parts.pop()
        else:
            parts.append(part)
    return PurePosixPath(*parts)


# --- the isolated build ------------------------------------------------------------------


def _build_system(tree: Path) -> tuple[list[str], str, list[str] | None]:
    """(requires, backend, backend-path) of the tree, with pip's defaults. A tree that states
    them wrongly is the file's fault: MetadataError."""
    pyproject = tree / "pyproject.toml"
    if not pyproject.is_file():
        if not (tree / "setup.py").is_file() and not (tree / "setup.cfg").is_file():
            raise MetadataError("not a Python project: there is neither pyproject.toml nor "
                                "setup.py, so no build backend to ask for its metadata")
        return list(DEFAULT_BUILD_REQUIRES), DEFAULT_BACKEND, None
    table = _load_toml(pyproject).get("build-system")
    if table is None:
        return list(DEFAULT_BUILD_REQUIRES), DEFAULT_BACKEND, None
    requires = table.get("requires") if isinstance(table, dict) else None
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise MetadataError("pyproject.toml [build-system] has no `requires` list of strings "
                            "(PEP 518), so its build requirements are unknown")
    for r in requires:
        _requirement(r, "pyproject.toml [build-system] requires")
    backend = table.get("build-backend", DEFAULT_BACKEND)
    backend_path = table.get("backend-path")
    if not isinstance(backend, str) or (backend_path is not None and not (
            isinstance(backend_path, list) and all(isinstance(p, str) for p in backend_path))):
        raise MetadataError("pyproject.toml [build-system]: build-backend must be a string "
                            "and backend-path a list of strings")
    for entry in backend_path or ():
        # PEP 517: relative, and inside the tree (pyproject_hooks would refuse it later)
        inside = (tree / entry).resolve()
        if Path(entry).is_absolute() or not inside.is_relative_to(tree.resolve()):
            raise MetadataError(f"pyproject.toml [build-system] backend-path {entry!r} is not "
                                "a directory inside the project")
    return list(requires), backend, backend_path


def _tail(output: str, lines: int = OUTPUT_TAIL) -> str:
    kept = [line.rstrip() for line in output.strip().splitlines()][-lines:]
    return "\n".join(f"  | {line}" for line in kept) if kept else "  | (no output)"


class _CommandFailed(Exception):
    def __init__(self, output: str) -> None:
        super().__init__(output)
        self.output = output


@dataclass
class _Venv:
    """A build venv: run commands in it with a clean environment."""

    root: Path
    build: BuildEnv

    @property
    def python(self) -> Path:
        sub = "Scripts" if os.name == "nt" else "bin"
        exe = "python.exe" if os.name == "nt" else "python"
        return self.root / sub / exe

    def environ(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        env.update(self.build.environ)
        env["PATH"] = os.pathsep.join([str(self.python.parent), env.get("PATH", os.defpath)])
        env["VIRTUAL_ENV"] = str(self.root)
        env["PYTHONNOUSERSITE"] = "1"
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        env["PIP_NO_INPUT"] = "1"
        env.update(extra or {})
        return env

    def run(self, cmd: Sequence[str], cwd: str | None = None,
            extra_environ: Mapping[str, str] | None = None) -> None:
        """A `pyproject_hooks` runner: output captured, kept for the error message."""
        proc = subprocess.run(list(cmd), cwd=cwd, env=self.environ(extra_environ),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, check=False)
        if proc.returncode != 0:
            raise _CommandFailed(proc.stdout.decode("utf-8", errors="replace"))


_NO_VENV_HINT = (
    "Python's `venv` module with `ensurepip` is needed to build in isolation; on Debian and "
    "Ubuntu install it with `apt-get install python3-venv` (or the python3.X-venv package of "
    "this Python), elsewhere use a Python that has it."
)


def _create_venv(build: BuildEnv, root: Path, label: str) -> _Venv:
    venv = _Venv(root, build)
    try:
        # without pip first: a build without requirements does not need it
        proc = subprocess.run([build.python, "-m", "venv", "--without-pip", str(root)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, env=venv.environ(), check=False)
    except OSError as e:
        raise BuildError(f"cannot run {build.python} to build {label} in isolation: "
                         f"{e.strerror}. Check that Python is installed.") from None
    if proc.returncode != 0:
        out = proc.stdout.decode("utf-8", errors="replace")
        if "No module named venv" in out or "ensurepip" in out:
            raise BuildError(f"cannot build {label} to read its metadata: {build.python} "
                             f"has no `venv` module. {_NO_VENV_HINT}")
        raise BuildError(f"cannot create a virtual environment to build {label} with "
                         f"{build.python}; it said:\n{_tail(out)}")
    return venv


def _ensure_pip(venv: _Venv, label: str) -> None:
    try:
        venv.run([str(venv.python), "-m", "ensurepip", "--default-pip"])
    except _CommandFailed as e:
        if "No module named ensurepip" in e.output or "ensurepip is disabled" in e.output:
            raise BuildError(f"cannot build {label} to read its metadata: "
                             f"{venv.build.python} has no `ensurepip` module. {_NO_VENV_HINT}"
                             ) from None
        raise BuildError(f"cannot install pip into the build environment of {label}; "
                         f"ensurepip said:\n{_tail(e.output)}") from None


def _install(venv: _Venv, requirements: Iterable[str], label: str, what: str) -> None:
    reqs = list(requirements)
    if not reqs:
        return
    if not (venv.python.parent / ("pip.exe" if os.name == "nt" else "pip")).exists():
        _ensure_pip(venv, label)
    build = venv.build
    cmd = [str(venv.python), "-m", "pip", "install", "--quiet", "--index-url", build.index_url]
    for url in build.extra_index_urls:
        cmd += ["--extra-index-url", url]
    try:
        venv.run([*cmd, "--", *reqs])
    except _CommandFailed as e:
        raise BuildError(
            f"cannot build {label} to read its metadata: its {what} ({', '.join(reqs)}) "
            f"cannot be installed from the index. Check that the index has them (or add the "
            f"one that does with --extra-index-url), and the network. pip said:\n"
            f"{_tail(e.output)}"
        ) from None


def _hook_metadata(tree: Path, build: BuildEnv, label: str) -> CoreMetadata:
    requires, backend, backend_path = _build_system(tree)
    try:
        import pyproject_hooks
    except ImportError:
        raise BuildError(f"cannot build {label} to read its metadata: the pyproject_hooks "
                         "package is not installed with mach-nix. Install it (pip install "
                         "pyproject_hooks).") from None
    with tempfile.TemporaryDirectory(prefix="mach-nix-build-") as tmp:
        venv = _create_venv(build, Path(tmp) / "env", label)
        _install(venv, requires, label, "build requirements")
        hooks = pyproject_hooks.BuildBackendHookCaller(
            str(tree.resolve()), backend, backend_path, runner=venv.run,
            python_executable=str(venv.python))
        out = Path(tmp) / "metadata"
        out.mkdir()
        try:
            more = hooks.get_requires_for_build_wheel()
            _install(venv, more, label, "build requirements from get_requires_for_build_wheel")
            dist_info = hooks.prepare_metadata_for_build_wheel(str(out))
        except _CommandFailed as e:
            raise BuildError(
                f"cannot read the metadata of {label}: its build backend ({backend}) failed. "
                "It may need a system library or a newer or older build requirement; pin "
                f"another version of the package, or install a wheel of it. The backend said:\n"
                f"{_tail(e.output)}"
            ) from None
        except pyproject_hooks.BackendUnavailable as e:
            raise BuildError(f"cannot read the metadata of {label}: its build backend "
                             f"{backend} cannot be imported; check [build-system] in its "
                             f"pyproject.toml. Python said:\n{_tail(e.traceback)}") from None
        except (pyproject_hooks.HookMissing, pyproject_hooks.UnsupportedOperation) as e:
            raise BuildError(f"cannot read the metadata of {label}: its build backend "
                             f"{backend} has no usable hook ({type(e).__name__}: {e}).") from None
        metadata = out / dist_info / "METADATA"
        try:
            return parse_core_metadata(metadata.read_bytes())
        except OSError:
            raise BuildError(f"cannot read the metadata of {label}: its build backend "
                             f"{backend} wrote no {dist_info}/METADATA.") from None
