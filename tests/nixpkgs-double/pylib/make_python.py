"""Lay out the double's python interpreter: `bin/pythonX.Y` -> the host interpreter, `python3`
and `python` -> `pythonX.Y`, a `pyvenv.cfg` that makes the store path its own `sys.prefix`
without the host's site/dist-packages, and the setup hook.

Usage: make_python.py OUT HOST_PYTHON VERSION SETUP_HOOK_TEMPLATE
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(out: Path, host_python: str, version: str, hook_template: Path) -> None:
    bindir = out / "bin"
    bindir.mkdir(parents=True)
    executable = f"python{version}"
    (bindir / executable).symlink_to(host_python)
    for alias in ("python3", "python"):
        (bindir / alias).symlink_to(executable)
    (out / "pyvenv.cfg").write_text(
        f"home = {Path(host_python).parent}\n"
        "include-system-site-packages = false\n"
        f"version = {version}\n"
    )
    support = out / "nix-support"
    support.mkdir()
    hook = hook_template.read_text().replace("@sitePackages@", f"lib/{executable}/site-packages")
    (support / "setup-hook.py").write_text(hook)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]))
