"""Small synthetic indexes for unit tests, written with the real index writer.

    root = make_index(tmp_path, {
        "requests": {
            "2.31.0": release(["urllib3<3,>=1.21.1", "pysocks; extra == 'socks'"]),
        },
        "urllib3": {"1.26.0": release([]), "2.0.0": release([], requires_python=">=3.8")},
    })

A release made with `release()` has one pure wheel unless `files=` says otherwise; `wheel()` and
`sdist()` make files whose URL and sha256 are derived from the filename.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mach_nix.index import File, Index, Project, Release, write_index_meta, write_project
from mach_nix.names import normalize


def _sha(filename: str) -> str:
    return hashlib.sha256(filename.encode()).hexdigest()


def wheel(
    name: str, version: str, tag: str = "py3-none-any", *, requires_python: str | None = None,
    yanked: bool = False,
) -> File:
    filename = f"{name.replace('-', '_')}-{version}-{tag}.whl"
    return File(
        filename=filename,
        url=f"https://files.example/{filename}",
        sha256=_sha(filename),
        kind="wheel",
        tags=File.wheel_tags(filename),
        requires_python=requires_python,
        yanked=yanked,
    )


def sdist(name: str, version: str, *, ext: str = ".tar.gz", yanked: bool = False) -> File:
    filename = f"{name}-{version}{ext}"
    return File(filename=filename, url=f"https://files.example/{filename}",
                sha256=_sha(filename), kind="sdist", yanked=yanked)


def release(
    requires_dist: Sequence[str] | None = (),
    *,
    requires_python: str | None = None,
    files: Sequence[File] | None = None,
    yanked: bool = False,
) -> dict[str, Any]:
    """A release spec for make_index; the version and the default wheel are filled in there."""
    return {
        "requires_dist": None if requires_dist is None else list(requires_dist),
        "requires_python": requires_python,
        "files": None if files is None else list(files),
        "yanked": yanked,
    }


def make_index(
    root: Path, projects: Mapping[str, Mapping[str, Mapping[str, Any] | None]]
) -> Path:
    """Write an index of `projects` ({name: {version: release(...) or None}}) under root."""
    write_index_meta(root)
    for name, releases in projects.items():
        built = []
        for version, spec in releases.items():
            spec = spec if spec is not None else release()
            files = spec["files"]
            if files is None:
                files = [wheel(normalize(name), version, yanked=spec["yanked"])]
            built.append(Release(
                version=version,
                requires_dist=None if spec["requires_dist"] is None
                else tuple(spec["requires_dist"]),
                requires_python=spec["requires_python"],
                files=tuple(files),
            ))
        write_project(root, Project(name=normalize(name), releases=tuple(built)))
    return root


def open_index(root: Path, projects: Mapping[str, Mapping[str, Mapping[str, Any] | None]]
               ) -> Index:
    return Index(make_index(root, projects))


def binary_release(
    name: str, version: str, *tags: str, with_sdist: bool = False,
    requires_dist: Sequence[str] | None = (), requires_python: str | None = None,
) -> dict[str, Any]:
    """A release spec whose files are one wheel per tag (and the sdist with `with_sdist`).

        binary_release("np", "2.0", "cp311-cp311-manylinux_2_17_x86_64", with_sdist=True)
    """
    files = [wheel(normalize(name), version, tag) for tag in tags]
    if with_sdist:
        files.append(sdist(normalize(name), version))
    return release(requires_dist, requires_python=requires_python, files=files)
