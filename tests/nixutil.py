"""Running Nix from tests: settings, evaluation, builds.

Every call runs with the settings these machines need (no sandbox, builds as root, no binary
cache, flakes enabled), whatever the caller's environment says, and raises `NixError` carrying
Nix's stderr when Nix fails.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

NIX_CONFIG = "\n".join(
    [
        "sandbox = false",
        "build-users-group =",
        "substituters =",
        "experimental-features = nix-command flakes",
    ]
)

CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


class NixError(Exception):
    """A Nix command failed; `stderr` holds what Nix said."""

    def __init__(self, argv: Sequence[str], returncode: int, stderr: str) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"{' '.join(argv[:2])} ... exited {returncode}:\n{stderr}")


def have_nix() -> bool:
    """Whether nix-build and nix-instantiate are on PATH."""
    return shutil.which("nix-build") is not None and shutil.which("nix-instantiate") is not None


requires_nix = pytest.mark.skipif(
    not have_nix(), reason="nix-build / nix-instantiate not on PATH (apt-get install nix-bin)"
)


def nix_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for Nix commands: ours plus NIX_CONFIG and a CA bundle for downloads."""
    env = dict(os.environ)
    env["NIX_CONFIG"] = NIX_CONFIG
    if "NIX_SSL_CERT_FILE" not in env and CA_BUNDLE.is_file():
        env["NIX_SSL_CERT_FILE"] = str(CA_BUNDLE)
    if extra:
        env.update(extra)
    return env


def _run(argv: Sequence[str], timeout: float | None = None) -> str:
    result = subprocess.run(
        list(argv), env=nix_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise NixError(argv, result.returncode, result.stderr)
    return result.stdout


def _source_args(expr_or_file: str | Path) -> list[str]:
    """`-E expr` for an expression, the path itself for a file (a Path or an existing .nix)."""
    if isinstance(expr_or_file, Path):
        return [str(expr_or_file)]
    return ["-E", expr_or_file]


def _arg_flags(
    args: Mapping[str, str] | None,
    argstrs: Mapping[str, str] | None,
    options: Mapping[str, str] | None = None,
) -> list[str]:
    """`--arg`, `--argstr` and `--option` flags (options such as allow-import-from-derivation)."""
    flags: list[str] = []
    for name, value in (options or {}).items():
        flags += ["--option", name, value]
    for name, expr in (args or {}).items():
        flags += ["--arg", name, expr]
    for name, value in (argstrs or {}).items():
        flags += ["--argstr", name, value]
    return flags


def nix_eval(
    expr_or_file: str | Path,
    *,
    attr: str | None = None,
    args: Mapping[str, str] | None = None,
    argstrs: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
    strict: bool = True,
    read_write: bool = False,
    impure: bool = False,
    timeout: float | None = None,
) -> Any:
    """Evaluate with `nix-instantiate --eval --json` and return the decoded value.

    `expr_or_file` is an expression (str) or a file (Path). `read_write` allows
    import-from-derivation builds; `impure` is accepted for flake-style expressions (the
    classic evaluator is impure already).
    """
    argv = ["nix-instantiate", "--eval", "--json"]
    if strict:
        argv.append("--strict")
    if read_write:
        argv.append("--read-write-mode")
    argv += _arg_flags(args, argstrs, options)
    if attr:
        argv += ["-A", attr]
    argv += _source_args(expr_or_file)
    return json.loads(_run(argv, timeout=timeout))


def nix_eval_json(expr: str | Path, **kwargs: Any) -> Any:
    """`nix_eval` under the name some tests use."""
    return nix_eval(expr, **kwargs)


def nix_eval_error(expr: str | Path, **kwargs: Any) -> str:
    """Evaluate an expression that must fail; return Nix's error text."""
    try:
        value = nix_eval(expr, **kwargs)
    except NixError as e:
        return e.stderr
    raise AssertionError(f"evaluation was expected to fail but gave {value!r}")


def nix_build(
    expr_or_file: str | Path,
    *,
    attr: str | None = None,
    args: Mapping[str, str] | None = None,
    argstrs: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
    check: bool = False,
    timeout: float | None = None,
) -> Path:
    """Build with `nix-build --no-out-link` and return the (first) output path.

    `check` rebuilds an already built derivation and fails when the result differs.
    """
    argv = ["nix-build", "--no-out-link"]
    if check:
        argv.append("--check")
    argv += _arg_flags(args, argstrs, options)
    if attr:
        argv += ["-A", attr]
    argv += _source_args(expr_or_file)
    out = _run(argv, timeout=timeout).split()
    if check and not out:
        # `--check` prints nothing when it passes without a registered output.
        out = _run([a for a in argv if a != "--check"], timeout=timeout).split()
    return Path(out[0])


def nix_build_expr(expr: str, **kwargs: Any) -> Path:
    """`nix_build` of an expression."""
    return nix_build(expr, **kwargs)


def nix_build_file(path: Path, **kwargs: Any) -> Path:
    """`nix_build` of a file (`args` are `--arg name expr`)."""
    return nix_build(Path(path), **kwargs)


def nix_build_error(expr_or_file: str | Path, **kwargs: Any) -> str:
    """Build something that must fail (at evaluation or build time); return Nix's error text."""
    try:
        out = nix_build(expr_or_file, **kwargs)
    except NixError as e:
        return e.stderr
    raise AssertionError(f"build was expected to fail but produced {out}")


@functools.cache
def has_flakes() -> bool:
    """Whether this Nix evaluates `builtins.getFlake` (flakes enabled and supported)."""
    if not have_nix():
        return False
    try:
        return bool(nix_eval("builtins ? getFlake"))
    except NixError:
        return False


@functools.cache
def host_python_version() -> str:
    """The full version ("3.11.2") of the host's /usr/bin/python3, which the double wraps."""
    return subprocess.run(
        ["/usr/bin/python3", "-I", "-S", "-c", "import platform; print(platform.python_version())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


NIX_COMMANDS = ("nix-build", "nix-instantiate", "nix-shell", "nix-store", "nix")


def main(argv: Sequence[str]) -> int:
    """`python -m tests.nixutil nix-build example.nix`: a Nix command with the settings above."""
    if not argv or argv[0] not in NIX_COMMANDS:
        sys.stderr.write(f"usage: python -m tests.nixutil {{{'|'.join(NIX_COMMANDS)}}} ARGS...\n")
        return 2
    if shutil.which(argv[0]) is None:
        sys.stderr.write(f"{argv[0]} is not on PATH: install Nix first (apt-get install nix-bin).\n")
        return 127
    os.execvpe(argv[0], list(argv), nix_env())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
