"""pythonRuntimeDepsCheckHook: every `Requires-Dist` of `dist/*.whl` whose marker holds must be
installed at build time in a matching version (nixpkgs `hooks/python-runtime-deps-check-hook.py`).
Runs in preInstallPhases; `dontCheckRuntimeDeps` disables it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PYLIB = "@pylib@"
PYTHON = "@pythonInterpreter@"


def setup(b: Any, dep: Path) -> None:
    def python_runtime_deps_check() -> None:
        if b.flag("dontCheckRuntimeDeps"):
            return
        for wheel in sorted(Path("dist").glob("*.whl")):
            b.run([PYTHON, f"{PYLIB}/runtime_deps_check.py", str(wheel)], "pythonRuntimeDepsCheck")

    b.add_phase("preInstallPhases", "pythonRuntimeDepsCheck", python_runtime_deps_check)
