"""Write `$out/nix-support/setup-hook.py` from a hook template, replacing `@name@` with the
values of the JSON object in $substitutionsJSON (nixpkgs `makeSetupHook`'s substitutions)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path


def main(template: Path, out: Path) -> None:
    substitutions: dict[str, object] = json.loads(os.environ.get("substitutionsJSON", "{}"))
    text = template.read_text()
    for key, value in substitutions.items():
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        text = text.replace(f"@{key}@", str(value))
    left = sorted(set(re.findall(r"@([A-Za-z][A-Za-z0-9_]*)@", text)))
    if left:
        sys.exit(f"makeSetupHook: {template.name}: no substitution for {', '.join(left)}")
    support = out / "nix-support"
    support.mkdir(parents=True, exist_ok=True)
    (support / "setup-hook.py").write_text(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
