"""pythonRemoveTestsDir: delete top-level `tests` and `test` from site-packages (postFixup)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

SITE_PACKAGES = "@pythonSitePackages@"


def setup(b: Any, dep: Path) -> None:
    def remove_tests_dir() -> None:
        if b.flag("dontUsePythonRemoveTestsDir"):
            return
        site = b.outputs["out"] / SITE_PACKAGES
        for name in ("tests", "test"):
            shutil.rmtree(site / name, ignore_errors=True)

    b.add_hook("postFixup", remove_tests_dir)
