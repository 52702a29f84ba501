"""Resolve requirements against a package source for a target: the request in, the resolution
out. The source is the pinned index (what Nix runs) or PyPI (`online.py`, the command line).

resolvelib does the search (`provider.IndexProvider` answers its questions); this module turns
its result into a `Resolution`, and its failures into errors a person can act on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from resolvelib import BaseReporter, ResolutionImpossible, ResolutionTooDeep, Resolver

from .errors import MachNixError, ResolutionError, UnknownPackageError
from .formats import FileRef, Package, ProviderConfig, Request, Resolution, Source, break_cycles
from .provider import Candidate, IndexProvider, Req, split_requirement
from .requirements import ALL, ParsedRequirement, RequirementSet, parse_requirement_set
from .source import PackageSource
from .target import Target

#: resolvelib's budget of rounds (one pin or backtrack each); pip uses the same order.
MAX_ROUNDS = 200_000

#: How many versions an error message lists before it says "and N more".
_SHOW_VERSIONS = 6

_HINT = (
    "Hint: loosen or remove one of these requirements (a pin in your requirements is the "
    "usual culprit), or pin versions that agree."
)


if TYPE_CHECKING:
    from .direct import DirectPackage, Fetcher

    _ReporterBase = BaseReporter[Req, Candidate, str]
else:  # resolvelib 1.0 classes are not generic at run time
    _ReporterBase = BaseReporter


class _Recorder(_ReporterBase):
    """Remembers who required each identifier, to explain a conflict as a chain."""

    def __init__(self) -> None:
        self.required_by: dict[str, tuple[Req, Candidate | None]] = {}

    def adding_requirement(self, requirement: Req, parent: Candidate | None) -> None:
        known = self.required_by.get(requirement.identifier)
        # the user's own requirement is the shortest explanation; otherwise the first seen
        if known is None or (parent is None and known[1] is not None):
            self.required_by[requirement.identifier] = (requirement, parent)


def resolve(request: Request, index: PackageSource) -> Resolution:
    """Resolve a request (the Nix entry point, with an `Index`). Direct references are read
    from the store paths lib/ fetched them to (`directReferences`); nothing is downloaded."""
    requirements = parse_requirement_set(request.requirements, source="requirements")
    fetcher = None
    if requirements.direct:  # imported only then: resolve-request must start fast
        from .direct import Fetcher

        fetcher = Fetcher(fetched=request.direct_references)
    return resolve_requirements(
        requirements, index=index, target=request.target, providers=request.providers,
        pre=request.pre, fetcher=fetcher,
    )


def binary_options(
    providers: ProviderConfig, requirements: RequirementSet
) -> ProviderConfig:
    """`--only-binary` (wheel only) and `--no-binary` (sdist only) of a requirements file as
    providers. They replace `_default` (for `:all:`) and apply to the names they list, except
    names the `providers` setting lists itself: an explicit per-project choice wins."""
    default = providers.default
    packages = dict(providers.packages)
    for option, only in ((requirements.only_binary, ("wheel",)),
                         (requirements.no_binary, ("sdist",))):
        for name in option:
            if name == ALL:
                default = only
            elif name not in providers.packages:
                packages[name] = only
    return ProviderConfig(default=default, packages=packages)


def resolve_requirements(
    requirements: RequirementSet,
    *,
    index: PackageSource,
    target: Target,
    providers: ProviderConfig | None = None,
    pre: bool = False,
    fetcher: Fetcher | None = None,
) -> Resolution:
    """Resolve parsed requirements (and constraints) for `target` against `index`, the pinned
    index or any other `PackageSource`. Direct references (URLs, git, paths) are fetched with
    `fetcher` (a `direct.Fetcher`; without one, any is refused)."""
    providers = binary_options(providers or ProviderConfig(), requirements)
    env = {**target.marker_environment(), "extra": ""}
    direct: dict[str, DirectPackage] = {}
    if requirements.direct:
        from .direct import Fetcher, materialize

        requirements, direct = materialize(requirements, fetcher or Fetcher(fetched={}), target)

    def active(reqs: Iterable[ParsedRequirement]) -> list[ParsedRequirement]:
        return [r for r in reqs
                if r.requirement.marker is None or r.requirement.marker.evaluate(env)]

    roots = active(requirements.requirements)
    constraints: dict[str, list[Req]] = defaultdict(list)
    for c in active(requirements.constraints):
        constraints[c.name].extend(split_requirement(c.requirement))

    origins: dict[Req, str] = {}
    root_reqs: list[Req] = []
    for parsed in roots:
        for req in split_requirement(parsed.requirement):
            root_reqs.append(req)
            origins.setdefault(req, parsed.location)

    provider = IndexProvider(index, target, providers, pre=pre or requirements.pre,
                             constraints=constraints, requested=[r.name for r in root_reqs],
                             roots=root_reqs, direct=direct)
    provider.prefetch(root_reqs)
    unknown = [r for r in roots if provider.project_info(r.name) is None]
    if unknown:
        known = sorted(index.names())
        missing = "; ".join(
            f"{r.location}: {index.label} has no project named {r.name}"
            f"{_suggest(r.name, known)}"
            for r in unknown
        )
        hint = index.missing_hint([r.name for r in unknown], dependency=False)
        raise UnknownPackageError(f"{missing}. {hint}")

    recorder = _Recorder()
    resolver: Resolver[Req, Candidate, str] = Resolver(provider, recorder)
    try:
        result = resolver.resolve(root_reqs, max_rounds=MAX_ROUNDS)
    except ResolutionImpossible as e:
        raise _explain(e.causes, provider, origins, recorder, index) from None
    except ResolutionTooDeep:
        raise ResolutionError(
            f"The requirements need more than {MAX_ROUNDS} resolution steps: some packages "
            "have too many versions that almost fit. Pin the versions of the largest "
            "dependencies in your requirements to narrow the search."
        ) from None

    resolution = _to_resolution(result.mapping, provider, target, {r.name for r in roots})
    if requirements.hash_checking:
        from .direct import check_hashes

        check_hashes(requirements, {name: (p.file.filename, p.file.sha256)
                                    for name, p in resolution.packages.items()
                                    if p.file is not None})
    return resolution


def _to_resolution(
    mapping: Any, provider: IndexProvider, target: Target, roots: set[str]
) -> Resolution:
    chosen: dict[str, Candidate] = {}
    extras: dict[str, set[str]] = defaultdict(set)
    deps: dict[str, set[str]] = defaultdict(set)
    for candidate in mapping.values():
        if candidate.extra is None:
            chosen[candidate.name] = candidate
        else:
            extras[candidate.name].add(candidate.extra)
    for candidate in mapping.values():
        for req in provider.get_dependencies(candidate):
            if req.name != candidate.name and req.name in chosen:
                deps[candidate.name].add(req.name)
    acyclic, back = break_cycles({name: deps[name] for name in chosen}, roots)
    packages = {}
    for name, c in sorted(chosen.items()):
        direct = provider.direct.get(name)
        source = None if direct is None else Source(
            kind=direct.source["kind"],
            fields={k: v for k, v in direct.source.items() if k != "kind"})
        file = None if source is not None and source.is_tree else FileRef(
            filename=c.file.filename, url=c.file.url, sha256=c.file.sha256.lower(),
            binary=c.binary, index=c.file.index)
        packages[name] = Package(
            name=name,
            version=c.release.version,
            provider=c.provider,
            file=file,
            extras=tuple(sorted(extras[name])),
            dependencies=acyclic[name],
            cyclic_dependencies=tuple(sorted(d for a, d in back if a == name)),
            source=source,
        )
    return Resolution(target=target, roots=tuple(sorted(roots)), packages=packages)


# --- explaining failures ----------------------------------------------------------------


def _suggest(name: str, known: Sequence[str]) -> str:
    import difflib  # only for an unknown name

    close = difflib.get_close_matches(name, known, n=3, cutoff=0.75)
    if not close:
        return ""
    return " (did you mean " + " or ".join(close) + "?)"


def _versions(versions: Sequence[str]) -> str:
    shown = ", ".join(versions[:_SHOW_VERSIONS])
    more = len(versions) - _SHOW_VERSIONS
    return shown + (f" and {more} more" if more > 0 else "")


def _needs(req: Req, parent: Candidate | None, origins: dict[Req, str]) -> str:
    if parent is None:
        origin = origins.get(req)
        return f"you asked for {req}" + (f" ({origin})" if origin else "")
    return f"{parent.identifier} {parent.release.version} needs {req}"


def _chain(
    req: Req, parent: Candidate | None, origins: dict[Req, str], recorder: _Recorder
) -> list[str]:
    """How `req` came to be required, from the user's requirement down to `req` itself."""
    lines = [_needs(req, parent, origins)]
    seen = {req.identifier}
    while parent is not None and parent.identifier not in seen and len(lines) < 8:
        seen.add(parent.identifier)
        known = recorder.required_by.get(parent.identifier)
        if known is None:
            break
        req, parent = known
        lines.append(_needs(req, parent, origins))
    return lines[::-1]


def _why_nothing_fits(
    name: str, provider: IndexProvider, index: PackageSource
) -> tuple[str, bool]:
    """Why `name` had no candidate; the flag says the source lacks the project."""
    if provider.project_info(name) is None:
        suggestion = _suggest(name, sorted(index.names()))
        hint = index.missing_hint([name], dependency=True)
        return f"{index.label} has no project named {name}{suggestion}; {hint}", True
    direct = provider.direct.get(name)
    if direct is not None:
        return (f"{name} is {direct.version}, fixed by its direct reference ({direct.origin}), "
                "and that version does not satisfy all of these; change the reference or the "
                "other requirements"), False
    options, skipped_releases = provider.usable_and_skipped(name)
    skipped: dict[str, list[str]] = defaultdict(list)
    for version, reason in skipped_releases:
        skipped[reason].append(version)
    skipped_text = "; ".join(f"{_versions(v)}: {reason}" for reason, v in skipped.items())
    if not options:
        if not skipped:
            return f"{index.label} has no releases of {name}", False
        return ((f"no release of {name} can be used for {provider.target.describe()} "
                f"({skipped_text})"), False)
    usable = [o.release.version for o, c in options if not c.yanked]
    yanked = [o.release.version for o, c in options if c.yanked]
    text = f"no version of {name} satisfies all of these (usable versions: {_versions(usable) or 'none'}"
    if yanked:
        # PEP 592: a yanked release is used only when pinned with == (or ===)
        text += (f"; yanked, used only when pinned with ==: {_versions(yanked)}"
                 f" (e.g. {name}=={yanked[0]})")
    if skipped_text:
        text += f"; not usable: {skipped_text}"
    return text + ")", False


def _explain(
    causes: Iterable[Any],
    provider: IndexProvider,
    origins: dict[Req, str],
    recorder: _Recorder,
    index: PackageSource,
) -> MachNixError:
    by_name: dict[str, list[tuple[Req, Candidate | None]]] = defaultdict(list)
    for info in causes:
        by_name[info.requirement.name].append((info.requirement, info.parent))
    paragraphs = []
    all_missing = True
    for name in sorted(by_name):
        lines: list[str] = []
        # requirements from packages first (each with its chain), then the user's own
        ordered = sorted(by_name[name], key=lambda rp: (rp[1] is None, _needs(rp[0], rp[1], origins)))
        for req, parent in ordered:
            for line in _chain(req, parent, origins, recorder):
                if line not in lines:
                    lines.append(line)
        asked = 0
        for i, line in enumerate(lines):
            if line.startswith("you asked for"):
                if asked:
                    lines[i] = "you also" + line[len("you"):]
                asked += 1
        for c in provider.constraints.get(name, []):
            lines.append(f"a constraint limits {name} to {c.specifier or 'any version'}")
        why, missing = _why_nothing_fits(name, provider, index)
        all_missing = all_missing and missing
        if len(lines) == 1:
            why = why.replace("satisfies all of these", "satisfies it")
        paragraphs.append("; ".join(lines) + f". So {why}.")
    message = f"Cannot resolve the requirements for {provider.target.describe()}: "
    message += " ".join(paragraphs)
    if all_missing:
        return UnknownPackageError(message)
    return ResolutionError(message + " " + _HINT)
