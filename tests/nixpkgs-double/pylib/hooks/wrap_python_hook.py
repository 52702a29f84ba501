"""wrapPython's `wrapPythonPrograms` (postFixup, unless dontWrapPythonPrograms).

Like nixpkgs `wrap.sh`, every python script in `$out/bin` gets a line after its shebang that
`site.addsitedir`s `$out` and the site-packages of its recursive `propagated-build-inputs`, so it
runs with its dependencies from a bare interpreter. Deliberate difference: the script is edited
in place; there is no `.foo-wrapped` + makeWrapper shell wrapper (so no PATH prefix, no
`makeWrapperArgs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SITE_PACKAGES = "@pythonSitePackages@"


def python_closure(out: Path) -> list[Path]:
    """`out` and the recursive propagated-build-inputs, in discovery order."""
    seen: list[Path] = []

    def visit(p: Path) -> None:
        if p in seen:
            return
        seen.append(p)
        f = p / "nix-support" / "propagated-build-inputs"
        if f.is_file():
            for dep in f.read_text().split():
                visit(Path(dep))

    visit(out)
    return seen


def setup(b: Any, dep: Path) -> None:
    def wrap_python_programs() -> None:
        if b.flag("dontWrapPythonPrograms"):
            return
        out = b.outputs["out"]
        bindir = out / "bin"
        if not bindir.is_dir():
            return
        sites = [
            str(p / SITE_PACKAGES) for p in python_closure(out) if (p / SITE_PACKAGES).is_dir()
        ]
        for script in sorted(bindir.iterdir()):
            if script.is_symlink() or not script.is_file():
                continue
            data = script.read_bytes()
            first, sep, rest = data.partition(b"\n")
            if not (first.startswith(b"#!") and b"python" in first):
                continue
            inject = (
                "import sys;import site;import functools;"
                f"sys.argv[0] = {script.name!r};"
                f"functools.reduce(lambda k, p: site.addsitedir(p, k), {sites!r}, site._init_pathinfo());"
            )
            script.write_bytes(first + sep + inject.encode() + b"\n" + rest)

    b.add_hook("postFixup", wrap_python_programs)
