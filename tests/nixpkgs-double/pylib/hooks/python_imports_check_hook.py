"""pythonImportsCheckHook: import every module in `pythonImportsCheck` with `$out` first on
PYTHONPATH, failing the build on any exception (nixpkgs `hooks/python-imports-check-hook.sh`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PYTHON = "@pythonCheckInterpreter@"
SITE_PACKAGES = "@pythonSitePackages@"


def setup(b: Any, dep: Path) -> None:
    def python_imports_check_phase() -> None:
        modules = b.words("pythonImportsCheck")
        if not modules or b.flag("dontUsePythonImportsCheck"):
            return
        print(
            f"Check whether the following modules can be imported: {' '.join(modules)}", flush=True
        )
        target = b.outputs.get("python", b.outputs["out"])
        b.prepend_path("PYTHONPATH", str(target / SITE_PACKAGES))
        b.run(
            [
                PYTHON,
                "-c",
                "import sys; import importlib; list(map(lambda mod: importlib.import_module(mod), sys.argv[1:]))",
                *modules,
            ],
            "pythonImportsCheckPhase",
            cwd=str(target),
        )

    b.add_phase("preDistPhases", "pythonImportsCheckPhase", python_imports_check_phase)
