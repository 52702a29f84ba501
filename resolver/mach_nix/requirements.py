"""requirements.txt parsing (the subset docs/requirements.md describes).

Lines are read the way pip reads them (continuations, comments, `-r`/`-c` includes, `--pre`,
`--no-binary`/`--only-binary`, `--hash`, the index options `-i`/`--index-url`,
`--extra-index-url`, `-f`/`--find-links`, `--no-index`), and each requirement is parsed by
`packaging.requirements.Requirement`. Direct references (`name @ url`, `git+` URLs, local paths,
`-e ./pkg`) become a `DirectLink` beside the requirement; the resolver reads their metadata
(`direct.py`). Everything pip accepts that mach-nix cannot honour yet (per-line build options,
...) is refused with a `RequirementsError` naming the file, the line and what to do instead: a
silently ignored line would give an environment other than the one the user wrote down.
"""

from __future__ import annotations

import re
import shlex
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    parse_sdist_filename,
    parse_wheel_filename,
)

from .errors import RequirementsError
from .names import normalize

#: pip's rule: `#` starts a comment at the start of a line or after whitespace, so the
#: fragment of a URL (`...#egg=foo`) is not one.
_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"\$\{[A-Za-z0-9_]+\}")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^(git|hg|svn|bzr)\+")
_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")

_TRUSTED_HOST_HINT = (
    "every file is checked against its sha256, and http:// indexes are read without it; "
    "remove the line."
)
#: index options: what each sets (docs/indexes.md)
_INDEX_OPTIONS = {"-i": "index_url", "--index-url": "index_url",
                  "--extra-index-url": "extra_index_urls", "-f": "find_links",
                  "--find-links": "find_links", "--no-index": "no_index"}
_PER_REQUIREMENT_HINT = (
    "per-requirement build options are not supported; remove the option and use overrides "
    "(`_` or overridesPost) for build settings."
)

#: Options pip accepts that mach-nix refuses, with what to do instead.
_UNSUPPORTED_OPTIONS: dict[str, str] = {
    "--trusted-host": _TRUSTED_HOST_HINT,
    "--prefer-binary": (
        "choose wheels or sdists with --only-binary/--no-binary or the `providers` setting, "
        "e.g. providers = { _default = \"wheel,sdist\"; numpy = \"wheel\"; }, and remove the "
        "line."
    ),
    "--global-option": _PER_REQUIREMENT_HINT,
    "--install-option": _PER_REQUIREMENT_HINT,
    "--config-settings": _PER_REQUIREMENT_HINT,
    "--use-feature": "pip features do not apply to mach-nix; remove the line.",
}

_INCLUDE_OPTIONS = {"-r": "requirement", "--requirement": "requirement",
                    "-c": "constraint", "--constraint": "constraint"}

#: `--no-binary` / `--only-binary` values: ":all:", ":none:" or project names.
ALL = ":all:"
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
#: a full git commit id
HEX40 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class DirectLink:
    """Where a direct reference points (a URL, a git repository or a local path).

    `written` is the reference as the requirements spell it (the key lib/ uses to hand the
    resolver its fetched copy); `location` is what to fetch: the URL without its fragment, the
    repository URL without `git+` and `@rev`, or the path as written (relative to `base_dir`).
    """

    kind: str  # "url" | "git" | "path"
    written: str
    location: str
    editable: bool = False
    sha256: str | None = None  # from `#sha256=` (url, or an archive path)
    rev: str | None = None  # git: commit, tag or branch as written
    subdirectory: str | None = None
    base_dir: Path | None = None  # relative paths are relative to it (None: given as a string)

    @property
    def pinned(self) -> bool:
        """Whether the reference names exactly one content: a hash, a full commit, a path."""
        if self.kind == "url":
            return self.sha256 is not None
        if self.kind == "git":
            return self.rev is not None and HEX40.match(self.rev) is not None
        return True

    def local_path(self) -> Path:
        """The path of a `path` reference on this machine (relative ones need `base_dir`)."""
        path = Path(self.location)
        if path.is_absolute() or self.base_dir is None:
            return path
        return self.base_dir / path


@dataclass(frozen=True)
class ParsedRequirement:
    """One requirement line, with where it came from (for error messages)."""

    requirement: Requirement
    source: str
    line: int
    text: str
    #: a direct reference (URL, git, path, `-e`); None for a requirement on the index
    link: DirectLink | None = None
    #: whether the name was written (`name @ url`) or guessed from the link (`./pkg`): a
    #: guessed name is replaced by the one the package's metadata gives
    name_given: bool = True
    #: `--hash=sha256:...` values, lowercase hex
    hashes: tuple[str, ...] = ()

    @property
    def name(self) -> NormalizedName:
        return normalize(self.requirement.name)

    @property
    def location(self) -> str:
        return f"{self.source}, line {self.line}"


@dataclass(frozen=True)
class RequirementSet:
    """Everything a requirements file says: requirements, constraints (`-c`), `--pre`,
    `--no-binary` / `--only-binary` (names normalized, or `:all:`), and where packages come
    from (the index options, as written; the last `-i` wins)."""

    requirements: tuple[ParsedRequirement, ...] = ()
    constraints: tuple[ParsedRequirement, ...] = ()
    pre: bool = False
    no_binary: frozenset[str] = frozenset()
    only_binary: frozenset[str] = frozenset()
    require_hashes: bool = False
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False

    def merge(self, other: RequirementSet) -> RequirementSet:
        """Both sets, as if their files were included one after the other."""
        return RequirementSet(
            self.requirements + other.requirements,
            self.constraints + other.constraints,
            self.pre or other.pre,
            self.no_binary | other.no_binary,
            self.only_binary | other.only_binary,
            self.require_hashes or other.require_hashes,
            index_url=other.index_url or self.index_url,
            extra_index_urls=tuple(dict.fromkeys(self.extra_index_urls
                                                 + other.extra_index_urls)),
            find_links=tuple(dict.fromkeys(self.find_links + other.find_links)),
            no_index=self.no_index or other.no_index,
        )

    @property
    def hash_checking(self) -> bool:
        """pip's hash-checking mode: on with --require-hashes or when any line has --hash."""
        return self.require_hashes or any(r.hashes for r in self.requirements)

    @property
    def direct(self) -> tuple[ParsedRequirement, ...]:
        return tuple(r for r in self.requirements if r.link is not None)


def parse_requirements(
    text: str, *, source: str = "<string>", base_dir: Path | None = None
) -> list[ParsedRequirement]:
    """The requirements of a requirements.txt text (see `parse_requirement_set` for all of it)."""
    return list(parse_requirement_set(text, source=source, base_dir=base_dir).requirements)


def parse_requirements_file(path: Path) -> list[ParsedRequirement]:
    """The requirements of a requirements.txt file; `-r` includes are relative to it."""
    return list(parse_requirement_set_file(path).requirements)


def parse_requirement_set(
    text: str, *, source: str = "<string>", base_dir: Path | None = None
) -> RequirementSet:
    """Parse requirements.txt text. Includes (`-r`, `-c`) need `base_dir`."""
    parser = _Parser()
    parser.parse_text(text, source=source, base_dir=base_dir, constraint=False)
    return parser.result()


def parse_requirement_set_file(path: Path) -> RequirementSet:
    parser = _Parser()
    parser.parse_file(path, constraint=False, origin=None)
    return parser.result()


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line number, joined line) after backslash continuations, pip-style."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        is_comment = bool(re.match(r"^\s*#", line))
        if not line.endswith("\\") or is_comment:
            if pending:
                pending.append(line)
                result.append((start, "".join(pending)))
                pending = []
            else:
                result.append((number, line))
        else:
            if not pending:
                start = number
            pending.append(line[:-1])
    if pending:
        result.append((start, "".join(pending)))
    return result


def _error(source: str, line: int, text: str, what: str) -> RequirementsError:
    return RequirementsError(f"{source}, line {line}: \"{text}\": {what}")


class _Parser:
    """Collects requirements over a file and its includes."""

    def __init__(self) -> None:
        self.requirements: list[ParsedRequirement] = []
        self.constraints: list[ParsedRequirement] = []
        self.pre = False
        self.no_binary: set[str] = set()
        self.only_binary: set[str] = set()
        self.require_hashes = False
        self.indexes: dict[str, list[str]] = {"index_url": [], "extra_index_urls": [],
                                              "find_links": [], "no_index": []}
        self._open: list[Path] = []  # files being read, to refuse include cycles

    def result(self) -> RequirementSet:
        i = self.indexes
        return RequirementSet(
            tuple(self.requirements), tuple(self.constraints), self.pre,
            frozenset(self.no_binary), frozenset(self.only_binary), self.require_hashes,
            index_url=i["index_url"][-1] if i["index_url"] else None,
            extra_index_urls=tuple(dict.fromkeys(i["extra_index_urls"])),
            find_links=tuple(dict.fromkeys(i["find_links"])), no_index=bool(i["no_index"]),
        )

    def parse_file(self, path: Path, *, constraint: bool, origin: str | None) -> None:
        resolved = path.resolve()
        if resolved in self._open:
            chain = " -> ".join(str(p) for p in [*self._open, resolved])
            raise RequirementsError(
                f"{origin}: including {path} again would loop forever ({chain}); remove one of "
                "the includes."
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            where = f"{origin}: " if origin else ""
            raise RequirementsError(
                f"{where}cannot read requirements file {path}: {reason}. Check the path "
                "(includes are relative to the file that includes them)."
            ) from None
        self._open.append(resolved)
        try:
            self.parse_text(text, source=str(path), base_dir=path.parent, constraint=constraint)
        finally:
            self._open.pop()

    def parse_text(
        self, text: str, *, source: str, base_dir: Path | None, constraint: bool
    ) -> None:
        text = text.removeprefix("\ufeff")
        for number, raw in _logical_lines(text):
            line = _COMMENT.sub("", raw).strip()
            if not line:
                continue
            if _ENV_VAR.search(line):
                raise _error(
                    source, number, line,
                    "environment variables are not expanded (the result would depend on the "
                    "machine); write the value out.",
                )
            if line.startswith(("-e", "--editable")):
                parsed = _editable(line, source=source, number=number, base_dir=base_dir,
                                   constraint=constraint)
                self.requirements.append(parsed)
            elif line.startswith("-"):
                self._option(line, source=source, number=number, base_dir=base_dir,
                             constraint=constraint)
            else:
                parsed = _requirement(line, source=source, number=number, constraint=constraint,
                                      base_dir=base_dir)
                (self.constraints if constraint else self.requirements).append(parsed)

    def _option(
        self, line: str, *, source: str, number: int, base_dir: Path | None, constraint: bool
    ) -> None:
        try:
            tokens = shlex.split(line)
        except ValueError as e:
            raise _error(source, number, line, f"cannot split the options: {e}.") from None
        while tokens:
            token = tokens.pop(0)
            name, sep, value = token.partition("=")
            if not name.startswith("--") and len(name) > 2:
                # short option glued to its value: -rbase.txt
                name, value, sep = token[:2], token[2:], "="
            if name == "--pre":
                if sep:
                    raise _error(source, number, line, "--pre takes no value.")
                self.pre = True
            elif name == "--no-index":
                if sep:
                    raise _error(source, number, line, "--no-index takes no value.")
                self.indexes["no_index"].append(name)
            elif name in _INDEX_OPTIONS:
                if not sep:
                    if not tokens:
                        raise _error(source, number, line, f"{name} needs a URL.")
                    value = tokens.pop(0)
                if name in ("-f", "--find-links") and base_dir is not None and "://" not in value:
                    # pip: a relative directory is relative to the requirements file if there
                    local = base_dir / value
                    value = str(local) if local.exists() else value
                self.indexes[_INDEX_OPTIONS[name]].append(value)
            elif name in _INCLUDE_OPTIONS:
                if not sep:
                    if not tokens:
                        raise _error(source, number, line, f"{name} needs a file name.")
                    value = tokens.pop(0)
                self._include(
                    value, kind=_INCLUDE_OPTIONS[name], option=name, line=line, source=source,
                    number=number, base_dir=base_dir, constraint=constraint,
                )
            elif name == "--require-hashes":
                self.require_hashes = True
            elif name in ("--no-binary", "--only-binary"):
                if not sep:
                    if not tokens:
                        raise _error(source, number, line,
                                     f"{name} needs a value: :all:, :none: or project names.")
                    value = tokens.pop(0)
                mine, other = ((self.no_binary, self.only_binary) if name == "--no-binary"
                               else (self.only_binary, self.no_binary))
                _binary_option(value, mine, other)
            elif name in _UNSUPPORTED_OPTIONS:
                raise _error(source, number, line,
                             f"mach-nix does not support {name}: {_UNSUPPORTED_OPTIONS[name]}")
            else:
                raise _error(
                    source, number, line,
                    f"unknown option {name}. Supported are -r/--requirement FILE, "
                    "-c/--constraint FILE, -e/--editable PATH, --pre, --no-binary, "
                    "--only-binary, --require-hashes, -i/--index-url URL, --extra-index-url "
                    "URL, -f/--find-links DIR|URL and --no-index (see docs/requirements.md).",
                )

    def _include(
        self, value: str, *, kind: str, option: str, line: str, source: str, number: int,
        base_dir: Path | None, constraint: bool,
    ) -> None:
        if _URL.match(value):
            raise _error(source, number, line,
                         f"{option} needs a local file; download it and include it by path.")
        if base_dir is None and not Path(value).is_absolute():
            raise _error(
                source, number, line,
                f"{option} {value} includes another file, but these requirements were given "
                "as a string, so there is no directory to find it in. Put its content inline "
                f"instead, e.g. in Nix: requirements = builtins.readFile ./{value} + ''...'';",
            )
        path = Path(value) if base_dir is None else base_dir / value
        self.parse_file(
            path,
            constraint=constraint or kind == "constraint",
            origin=f"{source}, line {number}",
        )


def _binary_option(value: str, mine: set[str], other: set[str]) -> None:
    """pip's rules: `:all:` / `:none:` reset the option; a name moves from the other option."""
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        if item == ALL:
            mine.clear()
            other.clear()
            mine.add(ALL)
        elif item == ":none:":
            mine.clear()
        else:
            name = normalize(item)
            mine.add(name)
            other.discard(name)


def _split_options(
    line: str, *, source: str, number: int
) -> tuple[str, tuple[str, ...]]:
    """The requirement part of a line, and its `--hash` values (the only per-requirement
    option mach-nix honours)."""
    words = line.split()
    cut = len(words)
    for i, word in enumerate(words):
        if i > 0 and re.match(r"^--?[A-Za-z]", word):
            cut = i
            break
    hashes: list[str] = []
    rest = words[cut:]
    while rest:
        word = rest.pop(0)
        option, sep, value = word.partition("=")
        if option != "--hash":
            hint = _UNSUPPORTED_OPTIONS.get(option, _PER_REQUIREMENT_HINT)
            raise _error(source, number, line,
                         f"mach-nix does not support {option} on a requirement line: {hint}")
        if not sep:
            if not rest:
                raise _error(source, number, line, "--hash needs a value, e.g. "
                             "--hash=sha256:<64 hex digits>.")
            value = rest.pop(0)
        algorithm, colon, digest = value.partition(":")
        if algorithm != "sha256" or not colon or not _HEX64.match(digest):
            raise _error(
                source, number, line,
                f"--hash={value} is not a sha256 hash; write --hash=sha256:<64 hex digits> "
                "(mach-nix checks sha256 only, which is what `pip hash` prints).",
            )
        hashes.append(digest.lower())
    return " ".join(words[:cut]), tuple(hashes)


def link_filename(location: str) -> str:
    """The file name a URL or path (without its fragment) ends in."""
    return urllib.parse.unquote(location.rsplit("/", 1)[-1].split("?")[0])


def _fragment(url: str) -> tuple[str, dict[str, str]]:
    base, _, fragment = url.partition("#")
    params = {}
    for part in fragment.split("&"):
        key, sep, value = part.partition("=")
        if sep:
            params[key] = value
    return base, params


def _name_from_link(link: DirectLink, egg: str | None) -> str:
    """pip's guess before it reads metadata: `#egg=`, else the file name, else the last path
    segment (the metadata read later has the last word)."""
    if egg:
        return egg
    last = link.location.rstrip("/").rsplit("/", 1)[-1]
    if link.kind == "git" and link.subdirectory:
        last = link.subdirectory.rstrip("/").rsplit("/", 1)[-1]
    try:
        if last.endswith(".whl"):
            return parse_wheel_filename(last)[0]
        if last.endswith(_SDIST_ARCHIVES):
            return parse_sdist_filename(last)[0]
    except (InvalidWheelFilename, InvalidSdistFilename):
        pass
    last = last.removesuffix(".git")
    for suffix in _ARCHIVE_SUFFIXES:
        last = last.removesuffix(suffix)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", last).strip("-._") or "unnamed"


_SDIST_ARCHIVES = (".tar.gz", ".zip")
_NAMED_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")


def parse_link(
    text: str, *, base_dir: Path | None, editable: bool = False
) -> tuple[DirectLink, str | None] | str:
    """A direct reference (URL, `git+` URL, `file:` URL or path) and its `#egg=` name; a
    string says why it cannot be used."""
    try:
        urllib.parse.urlsplit(text)
    except ValueError as e:
        return f"{text} is not a valid URL ({e}); fix it."
    sha = _fragment(text)[1].get("sha256")
    if sha is not None and not _HEX64.match(sha):
        return f"{text}: #sha256= must be followed by 64 hex digits."
    sha = sha.lower() if sha else None
    if text.startswith("git+"):
        base, params = _fragment(text)
        url = base[len("git+"):]
        scheme, sep, rest = url.partition("://")
        if not sep or scheme not in ("https", "http", "ssh", "file", "git"):
            return (f"{text} is not a git URL mach-nix can fetch; write git+https://host/repo"
                    "@rev or git+file:///path/to/repo@rev.")
        rev = None
        # the rev is after the last @ of the path (an @ before the host is user info)
        host_and_path = rest
        path_start = host_and_path.find("/")
        path_part = host_and_path[path_start:] if path_start >= 0 else ""
        if "@" in path_part:
            path_part, _, rev = path_part.rpartition("@")
            url = f"{scheme}://{host_and_path[:path_start]}{path_part}"
        if editable:
            return ("editable git checkouts (-e git+...) are not supported; clone the repository "
                    "and write -e ./path/to/checkout, or drop -e to build the revision.")
        link = DirectLink(kind="git", written=text, location=url, rev=rev or None,
                          subdirectory=params.get("subdirectory"), base_dir=base_dir)
        return link, params.get("egg")
    if re.match(r"^(hg|svn|bzr)\+", text):
        return f"{text.split('+')[0]} repositories are not supported; mach-nix fetches git only."
    if text.startswith("file:"):
        base, params = _fragment(text)
        path = urllib.parse.unquote(urllib.parse.urlsplit(base).path)
        if not path.startswith("/"):
            return f"{text}: write file: URLs with an absolute path, file:///path/to/pkg."
        link = DirectLink(kind="path", written=text, location=path, editable=editable,
                          sha256=sha, base_dir=base_dir)
        return link, params.get("egg")
    if re.match(r"^https?://", text):
        if editable:
            return "-e takes a local directory; drop -e to install from a URL."
        base, params = _fragment(text)
        filename = link_filename(base)
        if not filename.endswith((".whl", *_SDIST_ARCHIVES)):
            return (f"{text} does not name a wheel (.whl) or sdist (.tar.gz, .zip); mach-nix "
                    "needs the URL of the distribution file itself.")
        link = DirectLink(kind="url", written=text, location=base, sha256=sha,
                          base_dir=base_dir)
        return link, params.get("egg")
    if _URL.match(text):
        return f"{text}: URLs of this scheme are not supported; use https://, git+ or file:."
    if text.startswith("~"):
        return f"{text}: ~ is not expanded; write the path relative to the requirements file."
    base, params = _fragment(text)
    link = DirectLink(kind="path", written=text, location=base, editable=editable,
                      sha256=sha, base_dir=base_dir)
    return link, params.get("egg")


def _looks_like_path(word: str) -> bool:
    return (
        word.startswith((".", "/", "~"))
        or _URL.match(word) is not None
        or word.lower().split("#")[0].endswith(_ARCHIVE_SUFFIXES)
        or word.startswith("file:")
    )


def _bare_link_requirement(
    spec: str, *, source: str, number: int, line: str, base_dir: Path | None, editable: bool
) -> ParsedRequirement:
    """`./pkg[extra] ; marker`, `https://.../x.whl`, `git+...#egg=name`: a link without a name."""
    link_text, _, marker = spec.partition(";")
    link_text = link_text.strip()
    extras = ""
    m = re.match(r"^(.*?)(\[[^\]]*\])$", link_text)
    if m and not _URL.match(link_text):
        link_text, extras = m.group(1), m.group(2)
    parsed = parse_link(link_text, base_dir=base_dir, editable=editable)
    if isinstance(parsed, str):
        raise _error(source, number, line, parsed)
    link, egg = parsed
    name = normalize(_name_from_link(link, egg))
    text = f"{name}{extras} @ file:///placeholder"
    if marker.strip():
        text += f" ; {marker.strip()}"
    try:
        requirement = Requirement(text)
    except InvalidRequirement as e:
        raise _error(source, number, line, f"not a valid requirement ({e}).") from None
    requirement.url = None
    return ParsedRequirement(requirement=requirement, source=source, line=number, text=line,
                             link=link, name_given=egg is not None)


def _editable(
    line: str, *, source: str, number: int, base_dir: Path | None, constraint: bool
) -> ParsedRequirement:
    if constraint:
        raise _error(source, number, line, "a constraints file cannot hold -e lines; move the "
                     "line into the requirements.")
    m = re.match(r"^(--editable=|--editable\s+|-e=?\s*)(.*)$", line)
    value = m.group(2) if m else ""
    value = value.strip()
    if not value:
        raise _error(source, number, line, "-e needs a local directory, e.g. -e ./mypkg.")
    spec, hashes = _split_options(value, source=source, number=number)
    if hashes:
        raise _error(source, number, line, "an editable requirement cannot be hash-checked "
                     "(pip refuses it too); remove --hash from the -e line.")
    req = _bare_link_requirement(spec, source=source, number=number, line=line,
                                 base_dir=base_dir, editable=True)
    assert req.link is not None
    if req.link.kind != "path":
        raise _error(source, number, line, "-e takes a local directory, e.g. -e ./mypkg.")
    return req


def _requirement(
    line: str, *, source: str, number: int, constraint: bool, base_dir: Path | None = None
) -> ParsedRequirement:
    spec, hashes = _split_options(line, source=source, number=number)
    words = spec.split()
    named = _NAMED_REFERENCE.match(spec) is not None  # `name @ url`, spaces optional
    if words and not named and _looks_like_path(words[0]):
        if constraint:
            raise _error(source, number, line, "constraints name projects and versions; a "
                         "URL or path belongs in the requirements, not in a constraints file.")
        req = _bare_link_requirement(spec, source=source, number=number, line=line,
                                     base_dir=base_dir, editable=False)
        return replace(req, hashes=hashes)
    try:
        requirement = Requirement(spec)
    except InvalidRequirement as e:
        reason = str(e).splitlines()[0].rstrip(".") if str(e) else "cannot be parsed"
        raise _error(
            source, number, line,
            f"not a valid requirement ({reason}). Write it as in PEP 508, e.g. "
            "\"requests[socks] >= 2.28; python_version >= '3.8'\".",
        ) from None
    if constraint and requirement.extras:
        raise _error(source, number, line,
                     "constraints cannot have extras; constrain the project without them.")
    link = None
    if requirement.url:
        if constraint:
            raise _error(source, number, line, "constraints name projects and versions; a "
                         "URL or path belongs in the requirements, not in a constraints file.")
        parsed = parse_link(requirement.url, base_dir=base_dir)
        if isinstance(parsed, str):
            raise _error(source, number, line, parsed)
        link = parsed[0]
        requirement.url = None
    return ParsedRequirement(requirement=requirement, source=source, line=number, text=line,
                             link=link, hashes=hashes)
