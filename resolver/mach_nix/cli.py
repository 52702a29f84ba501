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
    from contextlib import AbstractContextManager

    from .buildmeta import BuildEnv
    from .direct import Fetcher
    from .formats import ProviderConfig, Resolution
    from .requirements import RequirementSet
    from .source import PackageSource
    from .target import Target

DEFAULT_INDEX_URL = "https://pypi.org/simple"  # online.DEFAULT_INDEX_URL, not imported: see above

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

        try:
            atomic_write(Path(out), data)
        except OSError as e:
            raise MachNixError(
                f"cannot write {out}: {e.strerror or e}. Give -o a file in a directory you can "
                "write to (or leave -o out to print to standard output)."
            ) from None


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


def _requirement_set(args: argparse.Namespace) -> RequirementSet:
    import shlex

    from .requirements import RequirementSet, parse_requirement_set, parse_requirement_set_file

    requirements = RequirementSet()
    for path in args.requirement:
        requirements = requirements.merge(parse_requirement_set_file(Path(path)))
    for path in getattr(args, "constraint", ()):
        # read as the `-c FILE` line of a requirements file would be, so that it is checked as
        # constraints are (no extras, ...)
        more = parse_requirement_set(f"-c {shlex.quote(path)}\n", source="--constraint",
                                     base_dir=Path("."))
        requirements = requirements.merge(RequirementSet(constraints=more.constraints))
    return requirements


def _open_source(
    args: argparse.Namespace, target: Target, requirements: RequirementSet
) -> AbstractContextManager[PackageSource]:
    """The pinned index with --index, else the indexes (PyPI's simple API by default) through
    the cache (which, on leaving the context, stops downloading ahead). The index options of
    the requirements files count only online: a pinned index is all there is with --index."""
    if args.index is not None:
        online_only = [opt for opt, given in (
            ("--index-url", args.index_url is not None), ("--offline", args.offline),
            ("--refresh", args.refresh), ("--cache-dir", args.cache_dir is not None),
            ("--extra-index-url", bool(args.extra_index_url)),
            ("--find-links", bool(args.find_links)), ("--no-index", args.no_index),
            ("--index-strategy", args.index_strategy is not None),
        ) if given]
        if online_only:
            raise MachNixError(
                f"{', '.join(online_only)} {'is' if len(online_only) == 1 else 'are'} for "
                "resolving online; with --index DIR everything comes from that index. Leave "
                "out either --index or the online options."
            )
        from contextlib import nullcontext

        from .index import Index

        return nullcontext(Index(args.index))
    if args.offline and args.refresh:
        raise MachNixError("--offline and --refresh contradict each other (--refresh fetches "
                           "everything again); give one of them.")
    from .auth import Credentials, netrc_path
    from .cache import Cache, default_cache_dir
    from .indexes import FindLinksSource, MultiSource, index_options
    from .online import SimpleSource, online_client

    options = index_options(
        cli_index_url=args.index_url, cli_extra_index_urls=args.extra_index_url,
        cli_find_links=args.find_links, cli_no_index=args.no_index,
        strategy=args.index_strategy or "first-index",
        file_index_url=requirements.index_url,
        file_extra_index_urls=requirements.extra_index_urls,
        file_find_links=requirements.find_links, file_no_index=requirements.no_index,
    )
    cache = Cache(Path(args.cache_dir) if args.cache_dir else default_cache_dir())
    credentials = Credentials(netrc_file=netrc_path())
    client = online_client(timeout=args.timeout, retries=args.retries)
    client.authorization = credentials.header
    tags = {str(t) for t in target.supported_tags()}

    def source(kind: type[SimpleSource], url: str) -> SimpleSource:
        return kind(url, cache=cache, client=client, offline=args.offline,
                    refresh=args.refresh, tags=tags, credentials=credentials)

    indexes = [source(SimpleSource, url) for url in options.search_order()]
    links = [source(FindLinksSource, location) for location in options.find_links]
    if not args.offline:
        build = _build_env(options.index_url, cache.root, options.extra_index_urls)
        for each in [*indexes, *links]:
            each.build = build
    if len(indexes) == 1 and not links:
        return indexes[0]
    return MultiSource(indexes, links, strategy=options.strategy)


def _build_env(
    index_url: str, cache_dir: Path, extra_index_urls: Sequence[str] = ()
) -> BuildEnv:
    """Isolated builds of sdists without static metadata: build requirements from the indexes
    the resolution uses, results kept in its cache. The URLs go to pip without credentials
    (pip takes them from the netrc file): nothing it logs or fails with may show them."""
    from .auth import strip_credentials
    from .buildmeta import BuildEnv

    return BuildEnv(python=sys.executable, index_url=strip_credentials(index_url),
                    extra_index_urls=tuple(strip_credentials(u) for u in extra_index_urls),
                    cache_dir=cache_dir)


def _direct_fetcher(args: argparse.Namespace) -> Fetcher:
    """Fetches direct references (URLs, git, paths): these are downloaded even with --index,
    which only says where projects named by version come from. Trees and sdists without
    static metadata are built (PEP 517) as `buildmeta` does for the online resolver."""
    from dataclasses import replace

    from .cache import default_cache_dir
    from .direct import Fetcher
    from .online import online_client

    cache_dir = Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    build = replace(_build_env(args.index_url or DEFAULT_INDEX_URL, cache_dir),
                    offline=args.offline)
    if args.offline:
        return Fetcher(download=None, cache_dir=cache_dir, build=build)
    from .auth import Credentials, netrc_path

    client = online_client(timeout=args.timeout, retries=args.retries)
    credentials = Credentials(netrc_file=netrc_path())  # a private file host
    client.authorization = credentials.header

    def download(url: str) -> bytes:
        # `user:token@` in a direct URL is sent as a header, never as part of the URL
        return client.get(credentials.add_url(url)).body

    return Fetcher(download=download, cache_dir=cache_dir, build=build)


def _resolve_with(
    args: argparse.Namespace, requirements: RequirementSet, target: Target,
    providers: ProviderConfig,
) -> Resolution:
    from .resolve import resolve_requirements

    with _open_source(args, target, requirements) as source:
        try:
            return resolve_requirements(requirements, index=source, target=target,
                                        providers=providers, pre=args.pre,
                                        fetcher=_direct_fetcher(args) if requirements.direct
                                        else None)
        finally:
            credentials = getattr(source, "credentials", None)
            for warning in [*getattr(source, "warnings", ()),
                            *getattr(credentials, "warnings", ())]:
                print(f"mach-nix: warning: {warning}", file=sys.stderr)


def _cmd_resolve(args: argparse.Namespace) -> int:
    from .formats import dump_resolution

    target = _target_from_args(args)
    providers = _providers_from_args(args)
    resolution = _resolve_with(args, _requirement_set(args), target, providers)
    if args.format == "pins":
        lines = [f"{p.name}=={p.version}\n" for _, p in sorted(resolution.packages.items())]
        _write(args.out, "".join(lines).encode())
    else:
        _write(args.out, dump_resolution(resolution))
    return 0


def _cmd_lock(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .errors import RequirementsError
    from .formats import Request, dump_resolution
    from .requirements import parse_requirement_set

    if len(args.requirement) != 1:
        raise MachNixError(
            f"-r was given {len(args.requirement)} times, but a lock is made from one "
            "requirements file: the lock records its text, and Nix compares that text with the "
            "requirements it is given. Put the requirements in one file (it may include others "
            "with -r lines) and lock that."
        )
    path = Path(args.requirement[0])
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RequirementsError(f"cannot read requirements file {path}: {e}.") from None
    target = _target_from_args(args)
    providers = _providers_from_args(args)
    request = Request(requirements=text, target=target, providers=providers, pre=args.pre)
    request.validate()
    # parsed from the text read once (the file may be a pipe: `-r <(echo requests)`)
    requirements = parse_requirement_set(text, source=str(path), base_dir=path.parent)
    _refuse_credentials_in(path, requirements)
    resolution = _resolve_with(args, requirements, target, providers)
    _write(args.out, dump_resolution(replace(resolution, request=request)))
    return 0


def _refuse_credentials_in(path: Path, requirements: RequirementSet) -> None:
    """The lock records the requirements' text: a URL in it must hold no credentials (an
    index's: any `user@`; a direct reference's: a password; `ssh://git@host` is no secret)."""
    from urllib.parse import urlsplit

    from .auth import redact

    urls = [requirements.index_url or "", *requirements.extra_index_urls,
            *requirements.find_links]
    for url in urls:
        if "@" in urlsplit(url).netloc:
            raise MachNixError(
                f"{path} names the index {redact(url)} with credentials in it, and a lock "
                "records the requirements' text, so they would be written into the lock file. "
                "Remove them from the URL and put them in ~/.netrc (a line `machine HOST login "
                "USER password TOKEN`), or give the URL with them as --index-url / "
                "--extra-index-url or in $PIP_INDEX_URL (docs/indexes.md)."
            )
    for r in requirements.direct:
        if r.link is not None and urlsplit(r.link.location).password is not None:
            raise MachNixError(
                f"{r.location}: {redact(r.link.location)} carries a password or token, and a "
                "lock records the requirements' text, so it would be written into the lock "
                "file. Remove it from the URL and let the credentials come from elsewhere "
                "(~/.netrc, a git credential helper)."
            )


def _cmd_resolve_request(args: argparse.Namespace) -> int:
    from .formats import Request, dump_error, dump_resolution
    from .index import Index, atomic_write
    from .resolve import resolve

    try:
        raw = Path(args.request).read_bytes()
    except OSError as e:
        # Nix always passes a file it wrote; a person running this by hand may not.
        raise MachNixError(f"cannot read the request {args.request}: {e.strerror}. "
                           "resolve-request reads a request document (docs/resolution-format.md) "
                           "as lib/ writes it; to resolve a requirements file use `mach-nix resolve`.") from None
    try:
        request = Request.from_json(raw)
        data = dump_resolution(resolve(request, Index(args.index)))
    except MachNixError as e:
        # The user's mistake, not ours: Nix reads the error document and fails evaluation
        # with its message. The build log (which Nix prints too) only says where to look, so
        # the explanation is not shown twice.
        print(f"mach-nix: no resolution ({e.kind}); the evaluation error explains why", file=sys.stderr)
        data = dump_error(e)
    atomic_write(Path(args.out), data)
    return 0


# --- parser ----------------------------------------------------------------------------


def _add_source_and_target(p: argparse.ArgumentParser) -> None:
    """Where packages come from and what they are for: shared by resolve and lock."""
    src = p.add_argument_group(
        "where packages come from",
        "Online by default: PyPI's simple API, through a cache that makes a second run "
        "offline-fast. With --index, a pinned index directory (as Nix uses) and no network.",
    )
    src.add_argument("--index", metavar="DIR",
                     help="resolve offline against this pinned index (`mach-nix index`)")
    src.add_argument("--index-url", metavar="URL",
                     help=f"the simple API (PEP 691 JSON or PEP 503 HTML) to resolve against "
                     f"(default: $PIP_INDEX_URL, else a requirements file's -i, else "
                     f"{DEFAULT_INDEX_URL}); credentials as https://USER:TOKEN@HOST/... or "
                     "in ~/.netrc (docs/indexes.md)")
    src.add_argument("--extra-index-url", action="append", default=[], metavar="URL",
                     help="another index, searched before --index-url (repeatable, earlier "
                     "first; also $PIP_EXTRA_INDEX_URL)")
    src.add_argument("--find-links", "-f", action="append", default=[], metavar="DIR|URL",
                     help="a directory of wheels and sdists, or an HTML page of links to them, "
                     "whose files are added to the indexes' (repeatable)")
    src.add_argument("--no-index", action="store_true",
                     help="no index at all: only the --find-links locations")
    src.add_argument("--index-strategy", choices=("first-index", "unsafe-best-match"),
                     default=None,
                     help="first-index (the default): a project's releases come from the first "
                     "index that has it, so a public project cannot shadow a private one; "
                     "unsafe-best-match: from all indexes, merged, as pip does")
    src.add_argument("--offline", action="store_true",
                     help="never touch the network: only what the cache holds")
    src.add_argument("--refresh", action="store_true",
                     help="fetch project pages and metadata again, even if cached")
    src.add_argument("--cache-dir", metavar="DIR",
                     help="the cache (default: $MACH_NIX_CACHE_DIR, else "
                     "$XDG_CACHE_HOME/mach-nix, else ~/.cache/mach-nix)")
    src.add_argument("--retries", type=int, default=4, metavar="N",
                     help="retries of a failing download, with backoff (default %(default)s)")
    src.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                     help="network timeout per request (default %(default)s)")
    tgt = p.add_argument_group("target")
    tgt.add_argument("--python", default=platform.python_version(), metavar="X.Y.Z",
                     help="target Python version (default: this interpreter's, %(default)s)")
    tgt.add_argument("--implementation", choices=("cpython", "pypy"),
                     default="pypy" if sys.implementation.name == "pypy" else "cpython",
                     help="target Python implementation (default: %(default)s)")
    tgt.add_argument("--platform", default=_host_system(), metavar="SYSTEM",
                     help="target Nix system: x86_64-linux, aarch64-linux, x86_64-darwin, "
                     "aarch64-darwin (default: this machine's, %(default)s)")
    tgt.add_argument("--glibc", default=_host_glibc(), metavar="X.Y",
                     help="target glibc version on Linux, for manylinux wheels; 'none' allows "
                     "only pure wheels and sdists (default: this machine's, %(default)s)")
    tgt.add_argument("--pre", action="store_true", help="allow pre-releases everywhere")
    tgt.add_argument("--providers", default="wheel,sdist", metavar="LIST",
                     help="providers for all projects, in order of preference "
                     "(default: %(default)s)")
    tgt.add_argument("--provider", action="append", default=[], metavar="NAME=LIST",
                     help="providers for one project, e.g. numpy=wheel (repeatable)")


def _add_resolve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "resolve",
        help="resolve requirements files and print the pins",
        description="Resolve requirements.txt files for a target machine and Python, online "
        "against PyPI (the default) or against a pinned index (--index), and print the "
        "resolution (JSON, as Nix reads it) or pins.",
    )
    p.add_argument("-r", "--requirement", action="append", required=True, metavar="FILE",
                   help="a requirements.txt file (repeatable)")
    p.add_argument("-c", "--constraint", action="append", default=[], metavar="FILE",
                   help="a constraints file: limits versions without requiring (repeatable)")
    _add_source_and_target(p)
    p.add_argument("--format", choices=("json", "pins"), default="json",
                   help="json: the resolution document; pins: sorted name==version lines")
    p.add_argument("-o", "--out", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=_cmd_resolve)


def _add_lock(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "lock",
        help="resolve a requirements file and write a lock file for Nix",
        description="Resolve one requirements.txt (online by default, or against --index) and "
        "write a lock file (docs/lock-format.md): the resolution with the request it answers. "
        "Nix builds from it with no resolver run: mkPython { requirements = ...; lockFile = "
        "./mach-nix.lock.json; }.",
    )
    p.add_argument("-r", "--requirement", action="append", required=True, metavar="FILE",
                   help="the requirements.txt file to lock (once; it may include others)")
    p.add_argument("-o", "--out", default="mach-nix.lock.json", metavar="FILE",
                   help="where to write the lock (default: %(default)s; - for stdout)")
    _add_source_and_target(p)
    p.set_defaults(func=_cmd_lock)


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
    _add_lock(sub)
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
