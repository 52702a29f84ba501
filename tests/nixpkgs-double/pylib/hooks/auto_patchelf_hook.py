"""autoPatchelfHook (nixpkgs `auto-patchelf.sh` + `auto-patchelf.py`), run from postFixup over
every output unless dontAutoPatchelf.

For each dynamic ELF file, every DT_NEEDED is resolved in this order: an absolute path that
exists; a glibc library (present in the host's glibc directory) -> left to the loader; a library
among the outputs' own `*.so*` files, in `lib/` of a `buildInputs` dependency, or in a directory
given to `addAutoPatchelfSearchPath` -> its directory goes on the RPATH; else the dependency is
missing, which fails the build unless it matches an `autoPatchelfIgnoreMissingDeps` glob.
Executables also get `runtimeDependencies`' `lib/` first; every patched file gets
`appendRunpaths` last; the RPATH is replaced by the result.

Deliberate differences: the interpreter (PT_INTERP) is not changed, since the host's ld.so is
the one glibc the double has; "glibc libraries" are the names glibc ships (plus libgcc_s, which
nixpkgs' glibc also ships) found in the host's multiarch directory, not that whole directory;
`.note.dlopen` entries and architecture checks are not implemented.
"""

from __future__ import annotations

import fnmatch
import os
import struct
import subprocess
from pathlib import Path
from typing import Any

# Substituted by makeSetupHook with space-separated lists, hence split().
LIBC_DIRS = "@libcDirs@".split()  # noqa: SIM905
LIBC_NAMES = set("@libcNames@".split())  # noqa: SIM905
SEARCH_PATH_FILE = ".double-auto-patchelf-search-path"

SHELL_FUNCTIONS = f"""
addAutoPatchelfSearchPath() {{
  for _d in "$@"; do case "$_d" in --*) ;; *) echo "$_d" >> "$NIX_BUILD_TOP/{SEARCH_PATH_FILE}";; esac; done
}}
"""


def elf_kind(path: Path) -> str | None:
    """'exec' (dynamic, with an interpreter), 'lib' (dynamic, no interpreter) or None."""
    try:
        with path.open("rb") as fh:
            ident = fh.read(16)
            if len(ident) < 16 or ident[:4] != b"\x7fELF":
                return None
            is64 = ident[4] == 2
            endian = "<" if ident[5] == 1 else ">"
            if is64:
                header = fh.read(48)
                e_type = struct.unpack(endian + "H", header[0:2])[0]
                e_phoff = struct.unpack(endian + "Q", header[16:24])[0]
                e_phentsize, e_phnum = struct.unpack(endian + "HH", header[38:42])
            else:
                header = fh.read(36)
                e_type = struct.unpack(endian + "H", header[0:2])[0]
                e_phoff = struct.unpack(endian + "I", header[12:16])[0]
                e_phentsize, e_phnum = struct.unpack(endian + "HH", header[26:30])
            if e_type not in (2, 3):
                return None
            has_interp = has_dynamic = False
            for i in range(e_phnum):
                fh.seek(e_phoff + i * e_phentsize)
                p_type = struct.unpack(endian + "I", fh.read(4))[0]
                has_interp |= p_type == 3
                has_dynamic |= p_type == 2
            if not has_dynamic:
                return None
            return "exec" if has_interp else "lib"
    except OSError:
        return None


def patchelf(*args: str) -> str:
    return subprocess.run(
        ["patchelf", *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def setup(b: Any, dep: Path) -> None:
    from stdenv_builder import BuildError

    lib_dirs: list[Path] = []
    b.shell_functions = getattr(b, "shell_functions", "") + SHELL_FUNCTIONS

    def gather_libraries(d: Path, category: str) -> None:
        if category == "host" and (d / "lib").is_dir() and (d / "lib") not in lib_dirs:
            lib_dirs.append(d / "lib")

    b.env_hooks.append(gather_libraries)

    def is_libc_lib(name: str) -> bool:
        return name in LIBC_NAMES and any((Path(d) / name).exists() for d in LIBC_DIRS)

    def auto_patchelf() -> None:
        if b.flag("dontAutoPatchelf"):
            return
        outputs = [p for p in b.outputs.values() if p.exists()]
        ignore = b.words("autoPatchelfIgnoreMissingDeps")
        if b.var("autoPatchelfIgnoreMissingDeps") == "1":
            ignore = ["*"]
        runtime = [str(Path(d) / "lib") for d in b.words("runtimeDependencies")]
        append = b.words("appendRunpaths")

        cache: dict[str, Path] = {}
        extra_dirs: list[Path] = []
        search_file = Path(b.var("NIX_BUILD_TOP", "/tmp")) / SEARCH_PATH_FILE
        if search_file.is_file():
            for line in search_file.read_text().split():
                root = Path(line)
                extra_dirs += (
                    [p for p in [root, *root.rglob("*")] if p.is_dir()] if root.is_dir() else []
                )
        for root in outputs:
            for p in sorted(root.rglob("*.so*")):
                if (p.is_file() or p.is_symlink()) and ".so" in p.name:
                    cache.setdefault(p.name, p.parent)
        for d in lib_dirs + extra_dirs:
            for p in sorted(d.glob("*.so*")):
                cache.setdefault(p.name, d)

        missing: list[tuple[str, Path]] = []
        for root in outputs:
            for path in sorted(root.rglob("*")):
                if path.is_symlink() or not path.is_file():
                    continue
                kind = elf_kind(path)
                if kind is None:
                    continue
                print(f"searching for dependencies of {path}", flush=True)
                rpath: list[str] = list(runtime) if kind == "exec" else []
                for needed in patchelf("--print-needed", str(path)).split():
                    if needed.startswith("/") and Path(needed).is_file():
                        continue
                    if is_libc_lib(needed):
                        continue
                    found = cache.get(needed)
                    if found is not None:
                        print(f"    {needed} -> found: {found}/{needed}", flush=True)
                        rpath.append(str(found))
                    elif any(fnmatch.fnmatch(needed, pat) for pat in ignore):
                        print(f"    {needed} -> not found! (ignored)", flush=True)
                    else:
                        print(f"    {needed} -> not found!", flush=True)
                        missing.append((needed, path))
                rpath += append
                unique = list(dict.fromkeys(rpath))
                if unique:
                    mode = path.stat().st_mode
                    os.chmod(path, mode | 0o200)
                    patchelf("--set-rpath", ":".join(unique), str(path))
                    os.chmod(path, mode)
                    print(f"setting RPATH to: {':'.join(unique)}", flush=True)
        if missing:
            for needed, path in missing:
                print(
                    f"error: auto-patchelf could not satisfy dependency {needed} wanted by {path}",
                    flush=True,
                )
            raise BuildError(
                "auto-patchelf failed to find all the required dependencies.\n"
                "Add the missing dependencies to buildInputs or ignore them with "
                'autoPatchelfIgnoreMissingDeps = [ "'
                + '" "'.join(sorted({n for n, _ in missing}))
                + '" ];'
            )

    b.add_hook("postFixup", auto_patchelf)
