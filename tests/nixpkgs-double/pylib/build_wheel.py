"""Build a wheel from the source tree in the current directory with its PEP 517 backend.

No isolation and no network: the backend and its requirements must already be importable (they
come from `build-system` / `nativeBuildInputs` on PYTHONPATH). The backend runs in a subprocess
through `pyproject_hooks`, as `python -m build --no-isolation --wheel` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LEGACY_BACKEND = "setuptools.build_meta:__legacy__"


def read_build_system() -> dict[str, object]:
    path = Path("pyproject.toml")
    if not path.is_file():
        return {}
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    build_system = data.get("build-system", {})
    return build_system if isinstance(build_system, dict) else {}


def missing_requirements(requires: list[str]) -> list[str]:
    """Requirements (with a true marker) not satisfied by what is importable now."""
    from runtime_deps_check import unmet

    return [text if version is None else f"{text} (found {version})" for text, _, version in unmet(requires)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outdir", required=True, type=Path)
    parser.add_argument("--check-dependencies", action="store_true")
    args = parser.parse_args()

    build_system = read_build_system()
    backend = str(build_system.get("build-backend") or LEGACY_BACKEND)
    backend_path = build_system.get("backend-path")
    requires = build_system.get("requires", ["setuptools>=40.8.0"])
    if args.check_dependencies and isinstance(requires, list):
        missing = missing_requirements([str(r) for r in requires])
        if missing:
            print("ERROR Missing dependencies:\n\t" + "\n\t".join(missing), file=sys.stderr)
            sys.exit(1)

    import pyproject_hooks

    hooks = pyproject_hooks.BuildBackendHookCaller(
        source_dir=str(Path.cwd()),
        build_backend=backend,
        backend_path=[str(p) for p in backend_path] if isinstance(backend_path, list) else None,
        python_executable=sys.executable,
    )
    args.outdir.mkdir(parents=True, exist_ok=True)
    name = hooks.build_wheel(str(args.outdir.resolve()))
    print(f"Successfully built {name}")


if __name__ == "__main__":
    main()
