"""Install a pure-python wheel by unpacking it into `<out>/<site-packages>` (no `installer`, no
bytecode): how the double bootstraps `installer` itself, like nixpkgs' `bootstrap.installer`.

Usage: bootstrap_install.py WHEEL OUT SITE_PACKAGES
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path


def main(wheel: Path, out: Path, site_packages: str) -> None:
    target = out / site_packages
    target.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if ".data/" in member.split("/", 1)[0] + "/":
                sys.exit(f"bootstrap_install: {wheel.name} has a .data directory; not supported")
        zf.extractall(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
