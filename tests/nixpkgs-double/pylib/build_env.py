"""Build a python environment: nixpkgs' `buildEnv` symlink tree plus `python.buildEnv`'s
postBuild (`wrapper.nix`), made venv-like so the host python is isolated from the host.

Environment: `paths` (store paths, first wins on `ignoreCollisions`), `ignoreCollisions`,
`permitUserSite`, `makeWrapperArgsJSON`, `executable` ("python3.11"), `pythonInterpreter`,
`out`.

The tree: a path present in one package is a symlink into it; a directory present in several
becomes a real directory whose entries are linked recursively. Two different files at one path
fail with "collision between ..." unless `ignoreCollisions` (identical files are fine).

Then, like wrapper.nix, every executable in each package's `bin/` is replaced: `pythonX.Y`
becomes a link to the interpreter, links to it stay links, other programs become wrappers that
run with this environment's python. `pyvenv.cfg` (home = the host python's directory,
include-system-site-packages = false) makes `sys.prefix` the environment and keeps the host's
dist-packages off `sys.path`. Deliberate difference: shell-script wrappers instead of nixpkgs'
binary wrappers; the interpreter itself is only wrapped when `makeWrapperArgs` is given.
"""

from __future__ import annotations

import filecmp
import json
import os
import shlex
import sys
from pathlib import Path


class Collision(Exception):
    pass


def link_tree(src: Path, target: Path, ignore_collisions: bool) -> None:
    """Merge `src` (a path inside a package) into `target` (a path inside the env)."""
    if not target.exists() and not target.is_symlink():
        target.symlink_to(src)
        return
    if src.is_dir() and target.is_dir():
        if target.is_symlink():
            previous = Path(os.readlink(target))
            target.unlink()
            target.mkdir()
            for child in sorted(previous.iterdir()):
                link_tree(child, target / child.name, ignore_collisions)
        for child in sorted(src.iterdir()):
            link_tree(child, target / child.name, ignore_collisions)
        return
    old = target.resolve()
    new = src.resolve()
    if old == new:
        return
    if old.is_file() and new.is_file() and filecmp.cmp(old, new, shallow=False):
        return
    if ignore_collisions:
        return
    raise Collision(f"collision between `{new}' and `{old}'")


def wrapper_lines(make_wrapper_args: list[str], permit_user_site: bool) -> list[str]:
    """Shell lines for the makeWrapper flags the double understands."""
    lines: list[str] = []
    if not permit_user_site:
        lines.append("export PYTHONNOUSERSITE=true")
    args = list(make_wrapper_args)
    while args:
        flag = args.pop(0)
        if flag == "--set":
            k, v = args.pop(0), args.pop(0)
            lines.append(f"export {k}={shlex.quote(v)}")
        elif flag == "--set-default":
            k, v = args.pop(0), args.pop(0)
            lines.append(f'export {k}="${{{k}-{v}}}"')
        elif flag in ("--prefix", "--suffix"):
            k, sep, v = args.pop(0), args.pop(0), args.pop(0)
            if flag == "--prefix":
                lines.append(f'export {k}={shlex.quote(v)}"${{{k}:+{sep}${k}}}"')
            else:
                lines.append(f'export {k}="${{{k}:+${k}{sep}}}"{shlex.quote(v)}')
        elif flag == "--unset":
            lines.append(f"unset {args.pop(0)}")
        else:
            sys.exit(f"build_env: makeWrapperArgs flag {flag} is not supported by the double")
    return lines


def main() -> None:
    out = Path(os.environ["out"])
    paths = [Path(p) for p in os.environ.get("paths", "").split()]
    ignore = bool(os.environ.get("ignoreCollisions"))
    permit_user_site = bool(os.environ.get("permitUserSite"))
    make_wrapper_args: list[str] = json.loads(os.environ.get("makeWrapperArgsJSON", "[]"))
    executable = os.environ["executable"]
    interpreter = os.environ["pythonInterpreter"]

    out.mkdir()
    try:
        for p in paths:
            for child in sorted(p.iterdir()):
                if child.name == "nix-support":
                    continue
                link_tree(child, out / child.name, ignore)
    except Collision as e:
        sys.exit(f"build_env: {e}")

    bindir = out / "bin"
    if bindir.is_symlink():
        previous = Path(os.readlink(bindir))
        bindir.unlink()
        bindir.mkdir()
        for child in previous.iterdir():
            (bindir / child.name).symlink_to(child)
    bindir.mkdir(exist_ok=True)
    env_python = bindir / executable
    prelude = wrapper_lines(make_wrapper_args, permit_user_site)
    for p in paths:
        pbin = p / "bin"
        if not pbin.is_dir():
            continue
        for prg in sorted(pbin.iterdir()):
            if not (prg.is_file() and os.access(prg, os.X_OK)):
                continue
            dest = bindir / prg.name
            if dest.exists() or dest.is_symlink():
                dest.unlink()
            if prg.name == executable:
                if make_wrapper_args:
                    hidden = bindir / f".{executable}-wrapped"
                    if not hidden.is_symlink():
                        hidden.symlink_to(interpreter)
                    body = "\n".join(["#!/bin/sh", *prelude, f'exec "{hidden}" "$@"', ""])
                    dest.write_text(body)
                    dest.chmod(0o555)
                else:
                    dest.symlink_to(interpreter)
            elif prg.is_symlink() and os.readlink(prg) == executable:
                dest.symlink_to(executable)
            else:
                with prg.open("rb") as fh:
                    first = fh.readline()
                runner = (
                    f'"{env_python}" ' if first.startswith(b"#!") and b"python" in first else ""
                )
                body = "\n".join(["#!/bin/sh", *prelude, f'exec {runner}"{prg}" "$@"', ""])
                dest.write_text(body)
                dest.chmod(0o555)

    cfg = out / "pyvenv.cfg"
    if cfg.exists() or cfg.is_symlink():
        cfg.unlink()
    cfg.write_text(
        f"home = {Path(os.path.realpath(interpreter)).parent}\n"
        "include-system-site-packages = false\n"
        f"version = {executable[len('python') :]}\n"
    )


if __name__ == "__main__":
    main()
