"""requirements.txt parsing (the subset docs/requirements.md describes).

Lines are read the way pip reads them (continuations, comments, `-r`/`-c` includes, `--pre`,
the index options `-i`/`--index-url`, `--extra-index-url`, `-f`/`--find-links`, `--no-index`),
and each requirement is parsed by `packaging.requirements.Requirement`. Everything pip accepts
that mach-nix cannot honour yet (URLs, editables, hashes, ...) is refused with a
`RequirementsError` naming the file, the line and what to do instead: a silently ignored line
would give an environment other than the one the user wrote down.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName

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
_PROVIDER_HINT = (
    "choose wheels or sdists with the `providers` setting instead, e.g. "
    "providers = { _default = \"wheel,sdist\"; numpy = \"wheel\"; }, and remove the line."
)
_PER_REQUIREMENT_HINT = (
    "per-requirement options are not supported; remove the option (every file is already "
    "pinned by its sha256 in the index)."
)

#: Options pip accepts that mach-nix refuses, with what to do instead.
_UNSUPPORTED_OPTIONS: dict[str, str] = {
    "--trusted-host": _TRUSTED_HOST_HINT,
    "-e": (
        "editable and local-path installs are not supported yet; build local projects with "
        "mach-nix.buildPythonPackage or add them with packagesExtra."
    ),
    "--editable": (
        "editable and local-path installs are not supported yet; build local projects with "
        "mach-nix.buildPythonPackage or add them with packagesExtra."
    ),
    "--no-binary": _PROVIDER_HINT,
    "--only-binary": _PROVIDER_HINT,
    "--prefer-binary": _PROVIDER_HINT,
    "--hash": _PER_REQUIREMENT_HINT,
    "--global-option": _PER_REQUIREMENT_HINT,
    "--install-option": _PER_REQUIREMENT_HINT,
    "--config-settings": _PER_REQUIREMENT_HINT,
    "--require-hashes": "every file is pinned by its sha256 in the index already; remove the line.",
    "--use-feature": "pip features do not apply to mach-nix; remove the line.",
}

_INCLUDE_OPTIONS = {"-r": "requirement", "--requirement": "requirement",
                    "-c": "constraint", "--constraint": "constraint"}


@dataclass(frozen=True)
class ParsedRequirement:
    """One requirement line, with where it came from (for error messages)."""

    requirement: Requirement
    source: str
    line: int
    text: str

    @property
    def name(self) -> NormalizedName:
        return normalize(self.requirement.name)

    @property
    def location(self) -> str:
        return f"{self.source}, line {self.line}"


@dataclass(frozen=True)
class RequirementSet:
    """Everything a requirements file says: requirements, constraints (`-c`), `--pre` and
    where packages come from (the index options, as written; the last `-i` wins)."""

    requirements: tuple[ParsedRequirement, ...] = ()
    constraints: tuple[ParsedRequirement, ...] = ()
    pre: bool = False
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False


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
        self.indexes: dict[str, list[str]] = {"index_url": [], "extra_index_urls": [],
                                              "find_links": [], "no_index": []}
        self._open: list[Path] = []  # files being read, to refuse include cycles

    def result(self) -> RequirementSet:
        i = self.indexes
        return RequirementSet(
            tuple(self.requirements), tuple(self.constraints), self.pre,
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
            if line.startswith("-"):
                self._option(line, source=source, number=number, base_dir=base_dir,
                             constraint=constraint)
            else:
                parsed = _requirement(line, source=source, number=number, constraint=constraint)
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
            elif name in _UNSUPPORTED_OPTIONS:
                raise _error(source, number, line,
                             f"mach-nix does not support {name}: {_UNSUPPORTED_OPTIONS[name]}")
            else:
                raise _error(
                    source, number, line,
                    f"unknown option {name}. Supported are -r/--requirement FILE, "
                    "-c/--constraint FILE, --pre, -i/--index-url URL, --extra-index-url URL, "
                    "-f/--find-links DIR|URL and --no-index (see docs/requirements.md).",
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


def _requirement(line: str, *, source: str, number: int, constraint: bool) -> ParsedRequirement:
    # pip allows options after a requirement ("foo==1 --hash=sha256:..."): refuse them.
    words = line.split()
    for word in words[1:]:
        if word.startswith("-") and re.match(r"^--?[A-Za-z]", word):
            option = word.partition("=")[0]
            hint = _UNSUPPORTED_OPTIONS.get(option, _PER_REQUIREMENT_HINT)
            raise _error(source, number, line,
                         f"mach-nix does not support {option} on a requirement line: {hint}")
    url_like = (
        _URL.match(line)
        or line.startswith((".", "/", "~"))
        or words[0].lower().endswith(_ARCHIVE_SUFFIXES)
    )
    if url_like:
        raise _error(
            source, number, line,
            "URL, VCS and path requirements are not supported yet; require the project by "
            "name and version from the index (e.g. \"requests==2.32.3\"), or build local "
            "projects with mach-nix.buildPythonPackage.",
        )
    try:
        requirement = Requirement(line)
    except InvalidRequirement as e:
        reason = str(e).splitlines()[0].rstrip(".") if str(e) else "cannot be parsed"
        raise _error(
            source, number, line,
            f"not a valid requirement ({reason}). Write it as in PEP 508, e.g. "
            "\"requests[socks] >= 2.28; python_version >= '3.8'\".",
        ) from None
    if requirement.url:
        raise _error(
            source, number, line,
            "direct URL requirements (name @ url) are not supported yet; require the project "
            "by name and version from the index instead.",
        )
    if constraint and requirement.extras:
        raise _error(source, number, line,
                     "constraints cannot have extras; constrain the project without them.")
    return ParsedRequirement(requirement=requirement, source=source, line=number, text=line)
