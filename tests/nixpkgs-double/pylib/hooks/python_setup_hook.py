"""Setup hook of the double's python interpreter (nixpkgs `python/setup-hook.sh`).

Every dependency's `lib/pythonX.Y/site-packages` goes on PYTHONPATH (unless dontAddPythonPath);
PYTHONHASHSEED and DETERMINISTIC_BUILD are exported for reproducible bytecode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SITE_PACKAGES = "@sitePackages@"


def setup(b: Any, dep: Path) -> None:
    b.env["PYTHONHASHSEED"] = "0"
    b.env["DETERMINISTIC_BUILD"] = "1"
    b.env["PYTHONNOUSERSITE"] = "1"
    if b.flag("dontAddPythonPath"):
        return

    def add_python_path(d: Path, _category: str) -> None:
        site = d / SITE_PACKAGES
        if site.is_dir():
            b.append_path("PYTHONPATH", str(site))

    if add_python_path.__name__ not in {getattr(f, "__name__", "") for f in b.env_hooks}:
        b.env_hooks.append(add_python_path)
