"""Make `<prefix>/lib` with symlinks to host shared libraries.

Reads NIX_DOUBLE_LIB_DIRS (directories to search, in order) and NIX_DOUBLE_LIB_NAMES (sonames);
names not present on the host are skipped. Used for the double's glibc, gcc lib and manylinux
derivations, which stand for nixpkgs' own builds of those libraries.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(prefix: Path) -> None:
    lib = prefix / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    dirs = [Path(d) for d in os.environ.get("NIX_DOUBLE_LIB_DIRS", "").split()]
    for name in os.environ.get("NIX_DOUBLE_LIB_NAMES", "").split():
        for d in dirs:
            candidate = d / name
            if candidate.exists():
                (lib / name).symlink_to(candidate)
                break


if __name__ == "__main__":
    main(Path(sys.argv[1]))
