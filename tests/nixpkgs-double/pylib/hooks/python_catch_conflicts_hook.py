"""pythonCatchConflictsHook, 24.05+ algorithm (nixpkgs `catch_conflicts/catch_conflicts.py`).

From `$out`, read `site-packages/*.dist-info` and follow `nix-support/propagated-build-inputs`
recursively; the same distribution key (`Name` lower-cased, `-` -> `_`) at two store paths fails
the build. Build-time inputs are not looked at.
"""

from __future__ import annotations

from email.parser import HeaderParser
from pathlib import Path
from typing import Any

SITE_PACKAGES = "@pythonSitePackages@"


def find_conflicts(out: Path, site_packages: str) -> list[str]:
    """Messages for every duplicated distribution in the runtime closure of `out`."""
    packages: dict[str, dict[str, list[tuple[str, list[str]]]]] = {}
    visited: set[Path] = set()

    def visit(store_path: Path, parents: list[str]) -> None:
        site = store_path / site_packages
        if site.is_dir():
            for dist_info in sorted(site.glob("*.dist-info")):
                meta_file = dist_info / "METADATA"
                if not meta_file.is_file():
                    continue
                meta = HeaderParser().parsestr(
                    meta_file.read_text(encoding="utf-8", errors="replace")
                )
                name = (meta.get("Name") or "").lower().replace("-", "_")
                version = meta.get("Version") or "?"
                entries = packages.setdefault(name, {}).setdefault(str(store_path), [])
                entries.append((version, parents))
        if store_path in visited:
            return
        visited.add(store_path)
        pbi = store_path / "nix-support" / "propagated-build-inputs"
        if pbi.is_file():
            for dep in pbi.read_text().split():
                visit(Path(dep), parents + [dep])

    visit(out, [f"this derivation: {out}"])
    messages: list[str] = []
    for name, paths in packages.items():
        if len(paths) > 1:
            lines = [f"Found duplicated packages in closure for dependency '{name}': "]
            for store_path, candidates in paths.items():
                for version, parents in candidates:
                    lines.append(f"  {name} {version} ({store_path})")
                    lines.append(
                        "    dependency chain:\n      " + "\n      ...depending on: ".join(parents)
                    )
            messages.append("\n".join(lines))
    return messages


def setup(b: Any, dep: Path) -> None:
    from stdenv_builder import BuildError

    def python_catch_conflicts_phase() -> None:
        if b.flag("dontUsePythonCatchConflicts"):
            return
        messages = find_conflicts(b.outputs["out"], SITE_PACKAGES)
        if messages:
            print("\n".join(messages), flush=True)
            raise BuildError(
                "Package duplicates found in closure, see above. Usually this happens if two "
                "packages depend on different version of the same dependency."
            )

    b.add_phase("preDistPhases", "pythonCatchConflictsPhase", python_catch_conflicts_phase)
