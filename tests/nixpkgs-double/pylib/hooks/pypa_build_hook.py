"""pypaBuildHook / setuptoolsBuildHook: build `dist/*.whl` with the PEP 517 backend through
`pyproject-hooks`, without isolation and without network (nixpkgs `hooks/pypa-build-hook.sh`,
`hooks/setuptools-build-hook.sh`).

The backend and its dependencies must be on PYTHONPATH (`build-system` / `nativeBuildInputs`).
With CHECK_DEPS (pypaBuildHook) missing build requirements fail the build, as `build
--no-isolation` does; a project without `[build-system]` uses `setuptools.build_meta:__legacy__`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PYLIB = "@pylib@"
PYTHON = "@pythonInterpreter@"
HOOK = "@hookName@"
CHECK_DEPS = "@checkDeps@"


def setup(b: Any, dep: Path) -> None:
    def pypa_build_phase() -> None:
        argv = [PYTHON, f"{PYLIB}/build_wheel.py", "--outdir", "dist"]
        if CHECK_DEPS == "1":
            argv.append("--check-dependencies")
        b.run(argv, f"{HOOK}: building a wheel")

    if not b.flag("dontUsePypaBuild") and not b.flag("dontUseSetuptoolsBuild"):
        b.set_phase("buildPhase", pypa_build_phase)
