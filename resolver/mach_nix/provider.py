"""The resolvelib provider: candidates from a package source, for one target.

The source is the pinned index or PyPI (`source.PackageSource`). A project's releases and files
are read when the resolver first asks for it; a release's dependencies only when the resolver
tries that release (`find_matches` returns a lazy iterator, and a release whose metadata turns
out unusable is skipped while iterating, as pip does), so online only the metadata of the
releases actually tried is downloaded.

Identifiers are a normalized project name (`requests`) or a name with one extra
(`requests[socks]`). A candidate of `requests[socks]` depends on `requests==<its version>` plus
the requirements the extra adds, so the base package and all its extras always agree on one
version (the scheme pip and resolvelib's own examples use).

Works with resolvelib 1.0.x (what nixpkgs ships) and 1.1+/1.2.x, and packaging 23 to 26: only
methods and arguments common to all of them are used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import parse_tag
from packaging.utils import NormalizedName
from packaging.version import InvalidVersion, Version
from resolvelib import AbstractProvider

from .formats import ProviderConfig
from .index import File, Release, parse_version
from .names import normalize
from .source import PackageSource, ReleaseMetadata
from .target import Target

if TYPE_CHECKING:
    from resolvelib.structs import RequirementInformation

    from .direct import DirectPackage

_SDIST_SUFFIXES = (".tar.gz", ".zip")


def identifier(name: str, extra: str | None) -> str:
    return f"{name}[{extra}]" if extra else name


def split_identifier(ident: str) -> tuple[NormalizedName, NormalizedName | None]:
    name, sep, extra = ident.partition("[")
    return NormalizedName(name), (NormalizedName(extra[:-1]) if sep else None)


@dataclass(frozen=True)
class Req:
    """A requirement on one identifier: a project, or a project with one extra."""

    name: NormalizedName
    extra: NormalizedName | None
    specifier: SpecifierSet
    #: How a person would write it, for messages: "urllib3<3,>=1.21.1".
    text: str = field(compare=False)

    @property
    def identifier(self) -> str:
        return identifier(self.name, self.extra)

    @property
    def pinned(self) -> bool:
        """`==X` or `===X` without a wildcard: PEP 592 lets such a requirement pick yanked files."""
        return any(s.operator in ("==", "===") and not s.version.endswith(".*")
                   for s in self.specifier)

    @cached_property
    def names_prerelease(self) -> bool:
        """Whether a specifier names a pre-release, which admits pre-releases (PEP 440): any
        operator but `!=`, `<` and `>` included. Decided here rather than by packaging's
        `SpecifierSet.prereleases`, whose rule changed in packaging 24.2 (`<`/`>` count since):
        the same request must pin the same versions whatever packaging nixpkgs ships."""
        for spec in self.specifier:
            if spec.operator == "!=":
                continue
            text = spec.version[:-2] if spec.version.endswith(".*") else spec.version
            try:
                if Version(text).is_prerelease:
                    return True
            except InvalidVersion:  # `===` takes arbitrary strings
                continue
        return False

    @cached_property
    def specifier_text(self) -> str:
        return str(self.specifier)

    def __str__(self) -> str:
        return self.text


def split_requirement(req: Requirement) -> list[Req]:
    """`foo[a,b]>=1` -> requirements on `foo[a]>=1` and `foo[b]>=1` (`foo>=1` with no extras).

    Markers are not looked at here: the caller evaluates them first.
    """
    name = normalize(req.name)
    spec = SpecifierSet(str(req.specifier))
    extras = sorted({normalize(e) for e in req.extras})
    if not extras:
        return [Req(name, None, spec, f"{name}{spec}")]
    return [Req(name, extra, spec, f"{name}[{extra}]{spec}") for extra in extras]


@dataclass(frozen=True)
class Candidate:
    """One version of a project (or of a project with one extra), with the file it would use."""

    name: NormalizedName
    extra: NormalizedName | None
    version: Version
    release: Release = field(compare=False, repr=False)
    provider: str = field(compare=False)
    choice: _Choice = field(compare=False, repr=False)

    @property
    def identifier(self) -> str:
        return identifier(self.name, self.extra)

    @property
    def file(self) -> File:
        return self.choice.file

    @property
    def binary(self) -> bool:
        """A wheel with any platform tag other than `any` (lib/ then patches its binaries)."""
        if self.file.kind != "wheel":
            return False
        tag_strings = self.file.tags or File.wheel_tags(self.file.filename)
        return any(t.platform != "any" for s in tag_strings for t in parse_tag(s))

    def __str__(self) -> str:
        return f"{self.identifier} {self.release.version}"


@dataclass(frozen=True)
class _Option:
    """A release of a project that may be usable, before it becomes a candidate of some
    identifier. Its file is chosen when it is first needed (`IndexProvider.choice`)."""

    version: Version
    release: Release


@dataclass(frozen=True)
class _Choice:
    """The file a release would be built from (`release.files[index]`), and with which
    provider; the `File` itself (URL, hash) is read only when asked for."""

    provider: str
    release: Release = field(repr=False)
    index: int
    yanked: bool  # only yanked files fit: usable only when pinned with ==

    @cached_property
    def file(self) -> File:
        return self.release.file(self.index)


@dataclass
class _ProjectInfo:
    #: newest first; some may turn out unusable when looked at closer (no file for the
    #: target, dependencies that cannot be read, online: metadata that says so)
    options: list[_Option]
    #: (version, why it cannot be used), newest first, for error messages.
    skipped: list[tuple[str, str]]
    #: every release's metadata was at hand (the index): nothing is left to find out
    complete: bool = True


if TYPE_CHECKING:
    _ProviderBase = AbstractProvider[Req, Candidate, str]
else:  # resolvelib 1.0 classes are not generic at run time
    _ProviderBase = AbstractProvider


class IndexProvider(_ProviderBase):
    """Candidates from a `PackageSource`, filtered for a `Target` and a provider configuration."""

    def __init__(
        self,
        source: PackageSource,
        target: Target,
        providers: ProviderConfig,
        *,
        pre: bool = False,
        constraints: Mapping[str, Sequence[Req]] | None = None,
        requested: Sequence[str] = (),
        roots: Sequence[Req] = (),
        direct: Mapping[str, DirectPackage] | None = None,
    ) -> None:
        self.source = source
        #: the user's requirements in the order written: ties between them go to the first,
        #: as pip and uv decide them
        self.requested_order = {normalize(n): i for i, n in reversed(list(enumerate(requested)))}
        self.target = target
        self.providers = providers
        self.pre = pre
        self.constraints: dict[str, list[Req]] = {
            normalize(k): list(v) for k, v in (constraints or {}).items()
        }
        #: what every solution satisfies: the user's requirements (whose markers hold) by
        #: project, and the constraints (which `_matching` adds), for `_against_roots`
        self._fixed: dict[str, list[Req]] = {name: [] for name in self.constraints}
        for req in roots:
            self._fixed.setdefault(req.name, []).append(req)
        self.environment = target.marker_environment()
        self.python_version = Version(target.python_full_version)
        self.tag_rank = {str(t): i for i, t in enumerate(target.supported_tags())}
        self._projects: dict[str, _ProjectInfo | None] = {}
        self._metadata: dict[tuple[str, Version], ReleaseMetadata] = {}
        #: releases found unusable when tried (their metadata said so): (name, version) -> why
        self._unusable: dict[tuple[str, Version], str] = {}
        self._dependencies: dict[tuple[str, Version], list[Requirement] | None] = {}
        self._parsed_lines: dict[str, Requirement | None] = {}
        self._python_ok_cache: dict[str, bool] = {}
        self._estimates: dict[tuple[str, tuple[str, ...]],
                              tuple[int, frozenset[Version], int]] = {}
        self._choices: dict[tuple[str, Version], _Choice | None] = {}
        #: `SpecifierSet.contains` by (specifier text, version): the same questions recur
        self._contains: dict[tuple[str, Version], bool] = {}
        #: the releases the resolver rejected, as last told by `find_matches`
        self._incompatible: dict[str, frozenset[Version]] = {}
        self._tag_ranks: dict[str, int | None] = {}
        #: versions found to be in no solution (`_against_roots`), by identifier
        self._held: dict[str, set[Version]] = defaultdict(set)
        self._candidate_dependencies: dict[tuple[str, Version], list[Req]] = {}
        self._matches: dict[tuple[str, tuple[str, ...]],
                            tuple[list[_Option], list[_Option], bool, bool]] = {}
        #: direct references (URL, git, path): each is the one release of its project
        self.direct: dict[str, DirectPackage] = dict(direct or {})
        for name, pkg in self.direct.items():
            self._add_direct(normalize(name), pkg)

    def _add_direct(self, name: str, pkg: DirectPackage) -> None:
        """Make a direct reference the only option of its project, its file chosen and its
        metadata at hand."""
        version = Version(pkg.version)
        # a source tree has no file; the provider only needs something to carry along
        file = pkg.file or File(filename=f"{name}-{pkg.version}", url="", sha256="", kind="sdist")
        release = Release(version=pkg.version, requires_dist=pkg.requires_dist,
                          requires_python=pkg.requires_python, files=(file,))
        self._metadata[(name, version)] = ReleaseMetadata(pkg.requires_dist, pkg.requires_python)
        self._choices[(name, version)] = _Choice(pkg.provider, release, 0, yanked=False)
        self._projects[name] = _ProjectInfo(options=[_Option(version, release)], skipped=[])

    # --- source access, cached per project -----------------------------------------------

    def project_info(self, name: str) -> _ProjectInfo | None:
        """Releases of a project that may be used for the target; None when the source lacks
        it. Online, a release's metadata is checked only when it is tried (`usable`)."""
        name = normalize(name)
        if name not in self._projects:
            project = self.source.project(name)
            self._projects[name] = (
                None if project is None else self._build_info(name, project.releases)
            )
        return self._projects[name]

    def _build_info(self, name: str, releases: Iterable[Release]) -> _ProjectInfo:
        """The releases, newest first, less those known to be unusable from what is at hand
        without parsing anything per release (Requires-Python, metadata missing). Files and
        dependencies are looked at when a release is considered (`choice`, `usable`)."""
        info = _ProjectInfo(options=[], skipped=[])
        for release in reversed(tuple(releases)):
            version = parse_version(release.version)
            if version is None:
                continue
            md = self.source.metadata_at_hand(name, release)
            if md is None:
                info.complete = False
            else:
                self._metadata[(name, version)] = md
            reason = self._release_problem(release, md)
            if reason is None:
                info.options.append(_Option(version, release))
            else:
                info.skipped.append((release.version, reason))
        return info

    def _release_problem(self, release: Release, md: ReleaseMetadata | None) -> str | None:
        """Why a release cannot be used, from its metadata (or, with `md` None, not read yet,
        from its files' Requires-Python); its dependencies are parsed later (`usable`)."""
        if md is None:
            if not self._python_ok(release.requires_python):
                return f"it requires Python {release.requires_python}"
            return None
        if md.requires_dist is None:
            return md.problem or "its metadata cannot be read"
        if not self._python_ok(md.requires_python):
            return f"it requires Python {md.requires_python}"
        return None

    def choice(self, name: str, option: _Option) -> _Choice | None:
        """The file the release would use for the target (a non-yanked one if any fits), or
        None when none fits: the release is then unusable, and the reason recorded."""
        key = (name, option.version)
        if key not in self._choices:
            found = (self._pick_file(name, option.release, yanked=False)
                     or self._pick_file(name, option.release, yanked=True))
            if found is None:
                self._unusable.setdefault(key, self._no_file_reason(name, option.release))
            self._choices[key] = found
        return self._choices[key]

    def usable(self, name: str, option: _Option) -> bool:
        """Whether a release may be tried: it has a file for the target, and its metadata
        (read now if that was not done yet) allows it and can be read."""
        key = (name, option.version)
        if key in self._unusable or self.choice(name, option) is None:
            return False
        if key not in self._metadata:
            md = self.source.metadata(name, option.release)
            self._metadata[key] = md
            reason = self._release_problem(option.release, md)
            if reason is not None:
                self._unusable[key] = reason
                return False
        if self.dependencies_of(name, option.version) is None:
            self._unusable[key] = "its metadata has a requirement mach-nix cannot read"
            return False
        return True

    def usable_and_skipped(
        self, name: str
    ) -> tuple[list[tuple[_Option, _Choice]], list[tuple[str, str]]]:
        """For explanations: the releases not known to be unusable with the file each would
        use, and (version, why) of the others, newest first."""
        info = self.project_info(name)
        if info is None:
            return [], []
        usable = []
        for o in info.options:
            c = self.choice(name, o)
            if c is not None and (name, o.version) not in self._unusable:
                usable.append((o, c))
        late = [(o.version, o.release.version, self._unusable[(name, o.version)])
                for o in info.options if (name, o.version) in self._unusable]
        if not late:
            return usable, info.skipped
        skipped = [(Version(v), v, why) for v, why in info.skipped]
        merged = sorted(skipped + late, key=lambda t: t[0], reverse=True)
        return usable, [(v, why) for _, v, why in merged]

    def _python_ok(self, requires_python: str | None) -> bool:
        if not requires_python:
            return True
        if requires_python not in self._python_ok_cache:
            try:
                spec = SpecifierSet(requires_python)
            except InvalidSpecifier:
                ok = True  # as pip: an unreadable Requires-Python does not exclude
            else:
                ok = spec.contains(self.python_version, prereleases=True)
            self._python_ok_cache[requires_python] = ok
        return self._python_ok_cache[requires_python]

    def _pick_file(self, name: str, release: Release, *, yanked: bool) -> _Choice | None:
        """The best file for the target among the release's files of this yanked state, by
        provider order: the wheel whose best tag ranks highest (then by name), or the sdist
        (.tar.gz before .zip, then by name). Decided from the files' names; only the chosen
        one becomes a `File`."""
        files = [(i, filename, kind) for i, (filename, kind, requires_python, is_yanked)
                 in enumerate(release.file_summaries())
                 if is_yanked == yanked and self._python_ok(requires_python)]
        for provider in self.providers.for_name(name):
            best: tuple[Any, ...] | None = None
            if provider == "wheel":
                for i, filename, kind in files:
                    if kind == "wheel":
                        rank = self._wheel_rank(filename)
                        if rank is not None and (best is None or (rank, filename) < best[:2]):
                            best = (rank, filename, i)
            elif provider == "sdist":
                for i, filename, kind in files:
                    lower = filename.lower()
                    if kind == "sdist" and lower.endswith(_SDIST_SUFFIXES):
                        key = (not lower.endswith(".tar.gz"), filename, i)
                        if best is None or key < best:
                            best = key
            if best is not None:
                return _Choice(provider, release, best[2], yanked)
        return None

    def _wheel_rank(self, filename: str) -> int | None:
        """The rank of the best of a wheel's tags among the target's (lower is better), None
        when none fits; by its tag triple (`cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64`),
        which thousands of wheels share, PEP 425 compressed tag sets expanded."""
        parts = filename[:-4].rsplit("-", 3)  # name-version[-build]-python-abi-platform.whl
        if len(parts) < 4 or not filename.endswith(".whl"):
            return None
        key = "-".join(parts[1:]).lower()
        if key not in self._tag_ranks:
            py, abi, plat = key.split("-")
            ranks = [r for i in py.split(".") for a in abi.split(".") for p in plat.split(".")
                     if (r := self.tag_rank.get(f"{i}-{a}-{p}")) is not None]
            self._tag_ranks[key] = min(ranks) if ranks else None
        return self._tag_ranks[key]

    def _no_file_reason(self, name: str, release: Release) -> str:
        providers = self.providers.for_name(name)
        kinds = sorted({f.kind for f in release.files})
        if not release.files:
            return "it has no files"
        if all(not self._python_ok(f.requires_python) for f in release.files):
            return "its files require another Python"
        parts = []
        if "wheel" in providers:
            parts.append("no wheel for " + self.target.describe())
        if "sdist" in providers:
            parts.append("no sdist")
        if not parts:
            return f"it has only {', '.join(kinds)} files"
        return " and ".join(parts) + f" (providers: {','.join(providers)})"

    # --- dependencies --------------------------------------------------------------------

    def dependencies_of(self, name: str, version: Version) -> list[Requirement] | None:
        """Parsed Requires-Dist of a release whose metadata was read; None if any line is
        unreadable or a URL."""
        key = (name, version)
        if key not in self._dependencies:
            parsed: list[Requirement] | None = []
            md = self._metadata.get(key)
            for line in (md.requires_dist if md is not None else None) or ():
                req = self._requirement(line)
                if req is None:
                    parsed = None
                    break
                assert parsed is not None
                parsed.append(req)
            self._dependencies[key] = parsed
        return self._dependencies[key]

    def _requirement(self, line: str) -> Requirement | None:
        """A Requires-Dist line parsed, or None if unreadable or a URL. Cached by text: the
        releases of a project repeat the same lines, and parsing is the costly part."""
        if line not in self._parsed_lines:
            try:
                req: Requirement | None = Requirement(line)
            except InvalidRequirement:
                req = None
            if req is not None and req.url:
                req = None
            self._parsed_lines[line] = req
        return self._parsed_lines[line]

    def marker_holds(self, marker: Marker | None, extra: str | None) -> bool:
        if marker is None:
            return True
        return marker.evaluate({**self.environment, "extra": extra or ""})

    # --- resolvelib interface ------------------------------------------------------------

    def identify(self, requirement_or_candidate: Req | Candidate) -> str:
        return requirement_or_candidate.identifier

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Candidate],
        candidates: Mapping[str, Iterator[Candidate]],
        information: Mapping[str, Iterator[RequirementInformation[Req, Candidate]]],
        backtrack_causes: Sequence[RequirementInformation[Req, Candidate]],
    ) -> Any:
        name, _ = split_identifier(identifier)
        reqs = [r.requirement for r in information[identifier]]
        pinned = any(r.pinned for r in reqs)
        constrained = name in self.constraints
        in_conflict = any(c.requirement.name == name for c in backtrack_causes)
        info = self.project_info(name)
        count = 0 if info is None else self._count(identifier, info, reqs)
        order = self.requested_order.get(name, len(self.requested_order))
        return (not (pinned or constrained), not in_conflict, order, count, identifier)

    def _count(self, identifier: str, info: _ProjectInfo, reqs: Sequence[Req]) -> int:
        """About how many candidates `find_matches` would give, for the preference: the
        releases whose versions match, less those known to be unusable, rejected by the
        resolver (with the index) or in no solution (`_against_roots`). A release not
        considered yet counts as usable: finding out would mean choosing its file and
        reading its dependencies (online: a download)."""
        name, _ = split_identifier(identifier)
        bad = frozenset(self._incompatible.get(identifier, ()) if info.complete else ())
        key = (identifier, tuple(sorted(r.text for r in reqs)))
        held_here = self._held[identifier]
        held = len(held_here)
        cached = self._estimates.get(key)
        if cached is not None and cached[1:] == (bad, held):
            return cached[0]
        finals, pres, allow_pre, pinned = self._matching(name, info, reqs)

        def fits(o: _Option) -> bool:
            return ((name, o.version) not in self._unusable and o.version not in bad
                    and o.version not in held_here)

        count = sum(1 for o in finals if fits(o))
        if not count and not allow_pre:
            count = sum(1 for o in pres if fits(o))
        self._estimates[key] = (count, bad, held)
        return count

    def _contains_version(self, req: Req, version: Version) -> bool:
        key = (req.specifier_text, version)
        found = self._contains.get(key)
        if found is None:
            found = self._contains[key] = req.specifier.contains(version, prereleases=True)
        return found

    def _matching(
        self, name: str, info: _ProjectInfo, reqs: Sequence[Req]
    ) -> tuple[list[_Option], list[_Option], bool, bool]:
        """The options whose versions satisfy `reqs` (with the constraints): (finals,
        pre-releases, whether pre-releases are allowed, whether a requirement pins with ==),
        newest first. With pre-releases allowed, `finals` holds every match in order and
        `pres` is empty. Files, yanked state and metadata are not looked at here."""
        reqs = [*reqs, *self.constraints.get(name, [])]
        # all that follows depends on the specifiers alone
        key = (name, tuple(sorted({r.specifier_text for r in reqs})))
        found = self._matches.get(key)
        if found is None:
            pinned = any(r.pinned for r in reqs)
            allow_pre = self.pre or any(r.names_prerelease for r in reqs)
            specs = {r.specifier_text: r for r in reqs if r.specifier_text}
            matching = [o for o in info.options
                        if all(self._contains_version(r, o.version) for r in specs.values())]
            if allow_pre:
                found = (matching, [], True, pinned)
            else:
                found = ([o for o in matching if not o.version.is_prerelease],
                         [o for o in matching if o.version.is_prerelease], False, pinned)
            self._matches[key] = found
        return found

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Req]],
        incompatibilities: Mapping[str, Iterator[Candidate]],
    ) -> Callable[[], Iterator[Candidate]]:
        name, extra = split_identifier(identifier)
        info = self.project_info(name)
        if info is None:
            return lambda: iter(())
        reqs = list(requirements[identifier])
        if extra is not None:
            # `lib[x]` is `lib` at the same version: `lib`'s own requirements narrow it too, and
            # decide with it whether a yanked release (pinned `lib==2.0`) or a pre-release
            # (`lib>=2.0b1`) may be taken, as pip does
            reqs += requirements.get(name, ())
        finals, pres, allow_pre, pinned = self._matching(name, info, reqs)
        bad = frozenset(c.version for c in incompatibilities[identifier])
        self._incompatible[identifier] = bad

        def usable(options: list[_Option]) -> Iterator[tuple[_Option, _Choice]]:
            for o in options:
                c = self.choice(name, o)
                if c is not None and (pinned or not c.yanked) and self.usable(name, o):
                    yield o, c

        def matches() -> Iterator[Candidate]:
            # Newest first. PEP 440: pre-releases only when asked for, or when no final
            # release fits (a final the resolver already rejected still counts as fitting).
            # A candidate that cannot go with the user's own requirements (`_against_roots`)
            # is held back. When all are, the newest is offered alone: the resolver finds the
            # conflict with it and explains it; the others would only fail the same way.
            held: list[Candidate] = []
            offered = any_final = False
            for group in (finals, pres):
                if group is pres and (allow_pre or any_final):
                    break
                for o, c in usable(group):
                    any_final = any_final or group is finals
                    if o.version in bad:
                        continue
                    cand = Candidate(name, extra, o.version, o.release, c.provider, c)
                    if self._against_roots(cand):
                        self._held[identifier].add(o.version)
                        held.append(cand)
                    else:
                        offered = True
                        yield cand
            if not offered and held:
                yield held[0]

        return matches

    def _against_roots(self, candidate: Candidate) -> bool:
        """Whether the candidate requires a project in a way no release of it can reconcile
        with the user's requirements (or constraints) on it. Every solution satisfies those,
        so such a candidate is in none: resolvelib would try it, reject it, and go on to the
        next, and a project with hundreds of releases that each need a newer version of
        something the user pinned costs hundreds of rounds (uv learns this once)."""
        for dep in self.get_dependencies_cached(candidate):
            fixed = self._fixed.get(dep.name)
            if fixed is None or not dep.specifier_text:
                continue
            info = self.project_info(dep.name)
            if info is not None:
                finals, pres, _, _ = self._matching(dep.name, info, [dep, *fixed])
                if not finals and not pres:
                    return True
        return False

    def is_satisfied_by(self, requirement: Req, candidate: Candidate) -> bool:
        return self._contains_version(requirement, candidate.version)

    def get_dependencies(self, candidate: Candidate) -> list[Req]:
        result = self.get_dependencies_cached(candidate)
        self.prefetch(result)
        return result

    def get_dependencies_cached(self, candidate: Candidate) -> list[Req]:
        key = (candidate.identifier, candidate.version)
        result = self._candidate_dependencies.get(key)
        if result is None:
            result = self._candidate_dependencies[key] = self._dependencies_for(candidate)
        return result

    def _dependencies_for(self, candidate: Candidate) -> list[Req]:
        deps = self.dependencies_of(candidate.name, candidate.version) or []
        result: list[Req] = []
        if candidate.extra is not None:
            # the base package, at exactly this version
            result.append(Req(candidate.name, None, SpecifierSet(f"=={candidate.version}"),
                              f"{candidate.name}=={candidate.version}"))
            for req in deps:
                if self.marker_holds(req.marker, candidate.extra) and not self.marker_holds(
                    req.marker, None
                ):
                    result.extend(split_requirement(req))
        else:
            for req in deps:
                if self.marker_holds(req.marker, None):
                    result.extend(split_requirement(req))
        return [r for r in result if r.identifier != candidate.identifier]

    def prefetch(self, reqs: Sequence[Req]) -> None:
        """Tell the source what the resolver asks for next, so that it can download it in
        parallel (online): the pages of the projects these requirements name, and the metadata
        of the release the resolver will try first for each leading requirement on a project
        it has not seen yet.

        That release is known: resolvelib adds the requirements in this order, and a new
        identifier's first candidate is tried at once (`if not criterion.candidates`). The
        walk stops at the first requirement on a project already known, or on an identifier
        met before in the list: adding it may conflict, and then the rest is not added.
        """
        known = self._projects
        wanted = sorted({r.name for r in reqs if r.name not in known})
        if not wanted:
            return
        self.source.prefetch(wanted)
        seen: dict[str, Req] = {}
        for req in reqs:
            if req.name in known or req.identifier in seen:
                break
            seen[req.identifier] = req
            info = self.project_info(req.name)  # waits for this page; the others download on
            if info is None or info.complete:
                break
            reqs_here = [req]
            if req.extra is not None and req.name in seen:
                reqs_here.append(seen[req.name])  # `lib[x]` after `lib` in the list
            finals, pres, allow_pre, _ = self._matching(req.name, info, reqs_here)
            first = next(iter(finals if finals or allow_pre else pres), None)
            if first is None:
                break  # no candidate at all: the resolver stops here
            if (req.name, first.version) not in self._metadata:
                self.source.prefetch_metadata(req.name, first.release)

