"""wheelUnpackHook: `dist/<src name without hash>` instead of unpacking (nixpkgs
`hooks/wheel-unpack-hook.sh`).

The double rejects a file name that is not a wheel file name at once; nixpkgs fails later, in
`installer`, with "not a valid wheel filename".
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

# installer's own WHEEL_FILENAME_REGEX, anchored.
WHEEL_NAME = re.compile(
    r"^(?P<distribution>[^\s-]+?)-(?P<version>[^\s-]+?)(-(?P<build_tag>\d[^\s-]*))?"
    r"-(?P<tag>[^\s-]+?-[^\s-]+?-[^\s-]+?)\.whl$"
)


def setup(b: Any, dep: Path) -> None:
    from stdenv_builder import BuildError, strip_hash

    def wheel_unpack_phase() -> None:
        src = Path(b.var("src"))
        name = strip_hash(src)
        if not WHEEL_NAME.match(name):
            raise BuildError(
                f"wheelUnpackPhase: '{name}' is not a valid wheel file name "
                "({distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl); "
                "give fetchurl `name = <the wheel's file name>`"
            )
        Path("dist").mkdir(exist_ok=True)
        shutil.copyfile(src, Path("dist") / name)

    if not b.flag("dontUseWheelUnpack"):
        b.set_phase("unpackPhase", wheel_unpack_phase)
