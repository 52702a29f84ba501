"""Install one wheel into a prefix with the `installer` package (found on sys.path).

Layout as `python -m installer --prefix` on a plain CPython: `lib/pythonX.Y/site-packages`,
`bin` for scripts (shebang: the given interpreter), `include/pythonX.Y/<dist>` for headers,
bytecode compiled for optimisation levels 0 and 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefix", required=True, type=Path)
    parser.add_argument("--interpreter", required=True)
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args()

    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    short = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = args.prefix / "lib" / short / "site-packages"
    with WheelFile.open(args.wheel) as source:
        scheme = {
            "purelib": str(site),
            "platlib": str(site),
            "headers": str(args.prefix / "include" / short / source.distribution),
            "scripts": str(args.prefix / "bin"),
            "data": str(args.prefix),
        }
        destination = SchemeDictionaryDestination(
            scheme,
            interpreter=args.interpreter,
            script_kind="posix",
            bytecode_optimization_levels=(0, 1),
        )
        install(
            source=source, destination=destination, additional_metadata={"INSTALLER": b"installer"}
        )


if __name__ == "__main__":
    main()
