"""The `mach-nix` command line. The only module that prints or picks exit codes.

`resolve-request` is what the Nix derivation runs in every evaluation, so this module imports
little at the top and loads the resolver only for the command that needs it.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import MachNixError

if TYPE_CHECKING:
    from .formats import ProviderConfig
    from .target import Target

_SYSTEMS = {
    ("linux", "x86_64"): "x86_64-linux",
    ("linux", "aarch64"): "aarch64-linux",
    ("linux", "arm64"): "aarch64-linux",
    ("darwin", "x86_64"): "x86_64-darwin",
    ("darwin", "arm64"): "aarch64-darwin",
    ("darwin", "aarch64"): "aarch64-darwin",
}


def _host_system() -> str:
    return _SYSTEMS.get((sys.platform, platform.machine().lower()), "x86_64-linux")


def _host_glibc() -> str:
    name, version = platform.libc_ver()
    return version if name == "glibc" and version else "2.36"


def _write(out: str | None, data: bytes) -> None:
    if out is None or out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        from .index import atomic_write

        atomic_write(Path(out), data)


# --- resolve ---------------------------------------------------------------------------


def _target_from_args(args: argparse.Namespace) -> Target:
    from .target import Libc, Target

    linux = args.platform.endswith("-linux")
    libc = None
    if linux and args.glibc.lower() not in ("", "none"):
        libc = Libc("glibc", args.glibc)
    target = Target(system=args.platform, implementation=args.implementation,
                    python_version=args.python, libc=libc)
    target.validate()
    return target


def _providers_from_args(args: argparse.Namespace) -> ProviderConfig:
    from .formats import ProviderConfig

    config: dict[str, str] = {"_default": args.providers}
    for item in args.provider:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise MachNixError(f"--provider {item!r}: write it as NAME=LIST, e.g. "
                               "--provider numpy=wheel.")
        config[name.strip()] = value
    return ProviderConfig.from_dict(config)


def _cmd_resolve(args: argparse.Namespace) -> int:
    from .formats import dump_resolution
    from .index import Index
    from .requirements import RequirementSet, parse_requirement_set_file
    from .resolve import resolve_requirements

    target = _target_from_args(args)
    providers = _providers_from_args(args)
    requirements = RequirementSet()
    for path in args.requirement:
        more = parse_requirement_set_file(Path(path))
        requirements = RequirementSet(
            requirements.requirements + more.requirements,
            requirements.constraints + more.constraints,
            requirements.pre or more.pre,
        )
    for path in args.constraint:
        more = parse_requirement_set_file(Path(path))
        requirements = RequirementSet(
            requirements.requirements,
            requirements.constraints + more.requirements + more.constraints,
            requirements.pre or more.pre,
        )
    resolution = resolve_requirements(requirements, index=Index(args.index), target=target,
                                      providers=providers, pre=args.pre)
    if args.format == "pins":
        lines = [f"{p.name}=={p.version}\n" for _, p in sorted(resolution.packages.items())]
        _write(args.out, "".join(lines).encode())
    else:
        _write(args.out, dump_resolution(resolution))
    return 0


def _cmd_resolve_request(args: argparse.Namespace) -> int:
    from .formats import Request, dump_error, dump_resolution
    from .index import Index, atomic_write
    from .resolve import resolve

    try:
        request = Request.from_json(Path(args.request).read_bytes())
        data = dump_resolution(resolve(request, Index(args.index)))
    except MachNixError as e:
        # The user's mistake, not ours: Nix reads the error document and fails evaluation
        # with this message. The log gets it too.
        print(f"mach-nix: error: {e.message}", file=sys.stderr)
        data = dump_error(e)
    atomic_write(Path(args.out), data)
    return 0


# --- parser ----------------------------------------------------------------------------


def _add_resolve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "resolve",
        help="resolve requirements files against an index and print the pins",
        description="Resolve requirements.txt files against a pinned index for a target "
        "machine and Python, and print the resolution (JSON, as Nix reads it) or pins.",
    )
    p.add_argument("-r", "--requirement", action="append", required=True, metavar="FILE",
                   help="a requirements.txt file (repeatable)")
    p.add_argument("-c", "--constraint", action="append", default=[], metavar="FILE",
                   help="a constraints file: limits versions without requiring (repeatable)")
    p.add_argument("--index", required=True, metavar="DIR", help="the pinned index directory")
    p.add_argument("--python", default=platform.python_version(), metavar="X.Y.Z",
                   help="target Python version (default: this interpreter's, %(default)s)")
    p.add_argument("--implementation", choices=("cpython", "pypy"),
                   default="pypy" if sys.implementation.name == "pypy" else "cpython",
                   help="target Python implementation (default: %(default)s)")
    p.add_argument("--platform", default=_host_system(), metavar="SYSTEM",
                   help="target Nix system: x86_64-linux, aarch64-linux, x86_64-darwin, "
                   "aarch64-darwin (default: this machine's, %(default)s)")
    p.add_argument("--glibc", default=_host_glibc(), metavar="X.Y",
                   help="target glibc version on Linux, for manylinux wheels; 'none' allows "
                   "only pure wheels and sdists (default: this machine's, %(default)s)")
    p.add_argument("--pre", action="store_true", help="allow pre-releases everywhere")
    p.add_argument("--providers", default="wheel,sdist", metavar="LIST",
                   help="providers for all projects, in order of preference "
                   "(default: %(default)s)")
    p.add_argument("--provider", action="append", default=[], metavar="NAME=LIST",
                   help="providers for one project, e.g. numpy=wheel (repeatable)")
    p.add_argument("--format", choices=("json", "pins"), default="json",
                   help="json: the resolution document; pins: sorted name==version lines")
    p.add_argument("-o", "--out", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=_cmd_resolve)


def _add_resolve_request(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "resolve-request",
        help="resolve a request JSON document (what the Nix library runs)",
        description="Read a request document (docs/resolution-format.md), resolve it against "
        "the index and write the resolution document. A problem the user can fix is written "
        "as an error document and the command still succeeds, so that Nix can show the "
        "message; only internal errors fail.",
    )
    p.add_argument("request", metavar="REQUEST.json", help="the request document")
    p.add_argument("--index", required=True, metavar="DIR", help="the pinned index directory")
    p.add_argument("--out", required=True, metavar="OUT.json",
                   help="where to write the resolution or error document")
    p.set_defaults(func=_cmd_resolve_request)


def _add_index(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], *, configure: bool
) -> None:
    description = "Build or refresh a pinned index from PyPI."
    if not configure:
        sub.add_parser("index", help="build or refresh a pinned index from PyPI",
                       description=description, add_help=False)
        return
    try:
        from . import crawler
    except ImportError as e:
        raise MachNixError(f"`mach-nix index` is not available in this installation ({e}).") from None
    p = sub.add_parser("index", help="build or refresh a pinned index from PyPI",
                       description=description)
    crawler.configure_parser(p)
    p.set_defaults(func=crawler.run)


def build_parser(*, with_index: bool = False) -> argparse.ArgumentParser:
    """The argument parser. The `index` command is configured only when it runs (its
    module is large and resolve-request must start fast)."""
    parser = argparse.ArgumentParser(
        prog="mach-nix",
        description="Turn a requirements.txt into a pinned resolution that Nix builds.",
    )
    parser.add_argument("--version", action="version", version=f"mach-nix {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_resolve(sub)
    _add_resolve_request(sub)
    _add_index(sub, configure=with_index)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(with_index=bool(args_list) and args_list[0] == "index")
        args = parser.parse_args(args_list)
        code: int = args.func(args)
        return code
    except MachNixError as e:
        print(f"mach-nix: error: {e.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mach-nix: interrupted", file=sys.stderr)
        return 130
