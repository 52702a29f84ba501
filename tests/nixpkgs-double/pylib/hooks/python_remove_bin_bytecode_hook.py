"""pythonRemoveBinBytecodeHook: delete `$out/bin/__pycache__` (postFixup)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


def setup(b: Any, dep: Path) -> None:
    def remove_bin_bytecode() -> None:
        shutil.rmtree(b.outputs["out"] / "bin" / "__pycache__", ignore_errors=True)

    b.add_hook("postFixup", remove_bin_bytecode)
