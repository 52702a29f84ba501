"""pythonOutputDistHook: move `./dist` to the `dist` output (nixpkgs
`hooks/python-output-dist-hook.sh`)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


def setup(b: Any, dep: Path) -> None:
    from stdenv_builder import BuildError

    def python_output_dist_phase() -> None:
        if not Path("dist").is_dir():
            raise BuildError("The build contains no ./dist directory.")
        shutil.move("dist", b.outputs["dist"])

    b.add_phase("preFixupPhases", "pythonOutputDistPhase", python_output_dist_phase)
