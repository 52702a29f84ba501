"""pypaInstallHook: install every `dist/*.whl` into `$out` with `installer` (nixpkgs
`hooks/pypa-install-hook.sh`), then put `$out`'s site-packages first on PYTHONPATH.

`installer` comes from the hook's propagated dependency (the package, or the bootstrap build for
`installer`/`flit-core` themselves), found on PYTHONPATH like in nixpkgs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PYLIB = "@pylib@"
PYTHON = "@pythonInterpreter@"
SITE_PACKAGES = "@pythonSitePackages@"


def setup(b: Any, dep: Path) -> None:
    from stdenv_builder import BuildError

    def pypa_install_phase() -> None:
        wheels = sorted(Path("dist").glob("*.whl"))
        if not wheels:
            raise BuildError("pypaInstallPhase: no wheel in ./dist")
        out = b.outputs["out"]
        for wheel in wheels:
            b.run(
                [
                    PYTHON,
                    f"{PYLIB}/install_wheel.py",
                    "--prefix",
                    str(out),
                    "--interpreter",
                    PYTHON,
                    str(wheel),
                ],
                f"installing {wheel.name}",
            )
        b.prepend_path("PYTHONPATH", str(out / SITE_PACKAGES))

    if not b.flag("dontUsePypaInstall"):
        b.set_phase("installPhase", pypa_install_phase)
