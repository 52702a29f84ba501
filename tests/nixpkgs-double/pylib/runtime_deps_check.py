"""Fail when a wheel's runtime requirements are not installed in matching versions.

Semantics of nixpkgs' `python-runtime-deps-check-hook.py`: markers evaluated in the build
environment with no extras; each unmet requirement printed as "- name not installed" or
"- name<spec> not satisfied by version V".
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterable
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement


def unmet(requirements: Iterable[str]) -> list[tuple[str, Requirement, str | None]]:
    """The requirements (markers evaluated here, no extras) that what is importable now does not
    satisfy: (text, requirement, installed version or None). Shared with build_wheel.py."""
    found: list[tuple[str, Requirement, str | None]] = []
    for text in requirements:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            found.append((text, req, None))
            continue
        if not req.specifier.contains(version, prereleases=True):
            found.append((text, req, version))
    return found


def main(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(
            n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
        )
        meta = HeaderParser().parsestr(zf.read(meta_name).decode("utf-8"))
    errors = [
        f"- {req.name}{req.specifier} not installed" if version is None
        else f"- {req.name}{req.specifier} not satisfied by version {version}"
        for _, req, version in unmet(meta.get_all("Requires-Dist") or [])
    ]
    if errors:
        print(f"Checking runtime dependencies for {wheel.name}", file=sys.stderr)
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
