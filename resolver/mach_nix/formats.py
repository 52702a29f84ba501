"""The request and resolution documents, version 1 (docs/resolution-format.md), and the lock
file (docs/lock-format.md: a resolution that also carries its request).

All are plain JSON; these classes read, validate and write them. Readers refuse any
`schemaVersion` they do not know, saying what to do, so a Nix library and a resolver of different
mach-nix versions never misread each other silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from .errors import FormatError, MachNixError
from .names import normalize
from .target import Target

SCHEMA_VERSION = 1

#: Providers the resolver knows, in the order the documentation lists them.
KNOWN_PROVIDERS = ("wheel", "sdist")
DEFAULT_PROVIDERS = "wheel,sdist"

ERROR_KINDS = ("requirements", "unknown-package", "resolution-impossible", "index", "format")


def _load_json(what: str, data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except ValueError as e:
        raise FormatError(f"the {what} is not valid JSON: {e}.") from None


def _check_schema(what: str, d: Any) -> Mapping[str, Any]:
    if not isinstance(d, Mapping):
        raise FormatError(f"the {what} must be a JSON object, got {type(d).__name__}.")
    version = d.get("schemaVersion")
    if version != SCHEMA_VERSION:
        raise FormatError(
            f"the {what} has schemaVersion {version!r}, but this mach-nix reads version "
            f"{SCHEMA_VERSION}. The Nix library and the resolver must come from the same "
            "mach-nix release: update the one that is older."
        )
    return d


def _check_keys(what: str, d: Mapping[str, Any], required: set[str], optional: set[str]) -> None:
    missing = required - set(d)
    unknown = set(d) - required - optional
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(sorted(missing))}")
        if unknown:
            parts.append(f"unknown {', '.join(sorted(unknown))}")
        raise FormatError(f"the {what} does not follow schema version {SCHEMA_VERSION}: "
                          f"{'; '.join(parts)}.")


def _str_list(what: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FormatError(f"{what} must be a list of strings, got {value!r}.")
    return tuple(value)


# --- providers -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderConfig:
    """Ordered providers per normalized project name, `_default` for all others."""

    default: tuple[str, ...] = ("wheel", "sdist")
    packages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @staticmethod
    def _parse_list(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, str):
            raise FormatError(
                f"providers.{key} must be a comma-separated string like \"wheel,sdist\", "
                f"got {value!r}."
            )
        items = tuple(p.strip() for p in value.split(",") if p.strip())
        if not items:
            raise FormatError(f"providers.{key} is empty; name at least one of "
                              f"{', '.join(KNOWN_PROVIDERS)}.")
        for p in items:
            if p not in KNOWN_PROVIDERS:
                raise FormatError(
                    f"providers.{key}: provider {p!r} is not supported by this mach-nix; "
                    f"use {' and/or '.join(KNOWN_PROVIDERS)}."
                )
        if len(set(items)) != len(items):
            raise FormatError(f"providers.{key} names a provider twice: {value!r}.")
        return items

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ProviderConfig:
        if not isinstance(d, Mapping):
            raise FormatError(f"providers must be an object, got {d!r}.")
        default = cls._parse_list("_default", d.get("_default", DEFAULT_PROVIDERS))
        packages: dict[str, tuple[str, ...]] = {}
        for key, value in d.items():
            if key == "_default":
                continue
            name = normalize(key)
            if name in packages:
                raise FormatError(f"providers names project {name} twice (as {key!r}).")
            packages[name] = cls._parse_list(key, value)
        return cls(default=default, packages=packages)

    def to_dict(self) -> dict[str, str]:
        d = {"_default": ",".join(self.default)}
        d.update({name: ",".join(v) for name, v in sorted(self.packages.items())})
        return d

    def for_name(self, name: str) -> tuple[str, ...]:
        return self.packages.get(normalize(name), self.default)


# --- request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What Nix asks the resolver (docs/resolution-format.md, "Request (v1)")."""

    requirements: str
    target: Target
    providers: ProviderConfig = field(default_factory=ProviderConfig)
    pre: bool = False
    #: direct references as the requirements write them -> the store path lib/ fetched each
    #: to (the resolver derivation has no network); empty when there are none
    direct_references: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: Any) -> Request:
        d = _check_schema("request", d)
        _check_keys("request", d, {"schemaVersion", "requirements", "target"},
                    {"providers", "pre", "directReferences"})
        refs = d.get("directReferences", {})
        if not isinstance(refs, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in refs.items()
        ):
            raise FormatError(f"request.directReferences must map strings to store paths, "
                              f"got {refs!r}.")
        if not isinstance(d["requirements"], str):
            raise FormatError(f"request.requirements must be a string (the text of a "
                              f"requirements.txt), got {d['requirements']!r}.")
        pre = d.get("pre", False)
        if not isinstance(pre, bool):
            raise FormatError(f"request.pre must be true or false, got {pre!r}.")
        return cls(
            requirements=d["requirements"],
            target=Target.from_dict(d["target"]),
            providers=ProviderConfig.from_dict(d.get("providers", {})),
            pre=pre,
            direct_references=dict(refs),
        )

    @classmethod
    def from_json(cls, data: bytes | str) -> Request:
        return cls.from_dict(_load_json("request", data))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schemaVersion": SCHEMA_VERSION,
            "requirements": self.requirements,
            "target": self.target.to_dict(),
            "providers": self.providers.to_dict(),
            "pre": self.pre,
        }
        if self.direct_references:
            d["directReferences"] = dict(sorted(self.direct_references.items()))
        return d

    def validate(self) -> None:
        Request.from_dict(self.to_dict())


# --- resolution ------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRef:
    """The distribution file chosen for a package."""

    filename: str
    url: str
    sha256: str
    binary: bool
    #: the URL of the index (or find-links location) the file was found on, without
    #: credentials; None (and not written) when resolved from a pinned index directory
    index: str | None = None

    @classmethod
    def from_dict(cls, d: Any, *, where: str) -> FileRef:
        if not isinstance(d, Mapping):
            raise FormatError(f"{where}.file must be an object, got {d!r}.")
        _check_keys(f"{where}.file", d, {"filename", "url", "sha256", "binary"}, {"index"})
        f = cls(filename=d["filename"], url=d["url"], sha256=d["sha256"], binary=d["binary"],
                index=d.get("index"))
        f.validate(where=where)
        return f

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"filename": self.filename, "url": self.url, "sha256": self.sha256,
                             "binary": self.binary}
        if self.index is not None:
            d["index"] = self.index
        return d

    def validate(self, *, where: str = "file") -> None:
        for key in ("filename", "url", "sha256"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key):
                raise FormatError(f"{where}.file.{key} must be a non-empty string.")
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise FormatError(f"{where}.file.sha256 must be 64 lowercase hex digits, "
                              f"got {self.sha256!r}.")
        if not isinstance(self.binary, bool):
            raise FormatError(f"{where}.file.binary must be true or false.")
        if self.index is not None and (not isinstance(self.index, str) or not self.index):
            raise FormatError(f"{where}.file.index must be a non-empty string when given.")


#: `source.kind` values and their fields besides `kind` (required, optional).
SOURCE_KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "index": (frozenset(), frozenset()),
    "url": (frozenset({"url"}), frozenset()),
    "git": (frozenset({"url", "rev"}), frozenset({"subdirectory"})),
    "path": (frozenset({"path"}), frozenset()),
    "editable": (frozenset({"path"}), frozenset()),
}


@dataclass(frozen=True)
class Source:
    """Where a package comes from when not from the index: a direct reference."""

    kind: str
    fields: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: Any, *, where: str) -> Source:
        if not isinstance(d, Mapping) or not isinstance(d.get("kind"), str):
            raise FormatError(f"{where}.source must be an object with a kind, got {d!r}.")
        src = cls(kind=d["kind"], fields={k: v for k, v in d.items() if k != "kind"})
        src.validate(where=where)
        return src

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.fields}

    @property
    def is_tree(self) -> bool:
        """A source tree (git checkout, directory): built like an sdist, and has no `file`."""
        return self.kind in ("git", "editable") or (self.kind == "path" and not
                                                     self.fields.get("path", "").endswith(
                                                         (".whl", ".tar.gz", ".zip")))

    def validate(self, *, where: str) -> None:
        if self.kind not in SOURCE_KINDS:
            raise FormatError(f"{where}.source.kind must be one of {', '.join(SOURCE_KINDS)}, "
                              f"got {self.kind!r}.")
        required, optional = SOURCE_KINDS[self.kind]
        _check_keys(f"{where}.source", {**self.fields, "kind": self.kind},
                    set(required) | {"kind"}, set(optional))
        for key, value in self.fields.items():
            if not isinstance(value, str) or not value:
                raise FormatError(f"{where}.source.{key} must be a non-empty string.")
        rev = self.fields.get("rev")
        if rev is not None and (len(rev) != 40 or any(c not in "0123456789abcdef" for c in rev)):
            raise FormatError(f"{where}.source.rev must be a full 40-digit commit, got {rev!r}.")


@dataclass(frozen=True)
class Package:
    """One pinned package of the resolution."""

    name: str
    version: str
    provider: str
    #: the distribution file; None for a source tree (source kind git, editable, a directory)
    file: FileRef | None
    extras: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    cyclic_dependencies: tuple[str, ...] = ()
    #: None for a package from the index (the field is then left out of the document)
    source: Source | None = None

    @classmethod
    def from_dict(cls, d: Any, *, where: str) -> Package:
        if not isinstance(d, Mapping):
            raise FormatError(f"{where} must be an object, got {d!r}.")
        _check_keys(where, d, {"name", "version", "provider", "extras", "dependencies",
                               "cyclicDependencies"}, {"file", "source"})
        source = Source.from_dict(d["source"], where=where) if "source" in d else None
        p = cls(
            name=d["name"],
            version=d["version"],
            provider=d["provider"],
            file=FileRef.from_dict(d["file"], where=where) if "file" in d else None,
            extras=_str_list(f"{where}.extras", d["extras"]),
            dependencies=_str_list(f"{where}.dependencies", d["dependencies"]),
            cyclic_dependencies=_str_list(f"{where}.cyclicDependencies", d["cyclicDependencies"]),
            source=source,
        )
        p.validate(where=where)
        return p

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "provider": self.provider,
            "extras": list(self.extras),
            "dependencies": list(self.dependencies),
            "cyclicDependencies": list(self.cyclic_dependencies),
        }
        if self.file is not None:
            d["file"] = self.file.to_dict()
        if self.source is not None:
            d["source"] = self.source.to_dict()
        return d

    def validate(self, *, where: str = "package") -> None:
        if not isinstance(self.name, str) or normalize(self.name) != self.name:
            raise FormatError(f"{where}.name must be a normalized project name, got "
                              f"{self.name!r}.")
        if not isinstance(self.version, str) or not self.version:
            raise FormatError(f"{where}.version must be a non-empty string.")
        if self.provider not in KNOWN_PROVIDERS:
            raise FormatError(f"{where}.provider must be one of {', '.join(KNOWN_PROVIDERS)}, "
                              f"got {self.provider!r}.")
        for key, value in (("extras", self.extras), ("dependencies", self.dependencies),
                           ("cyclicDependencies", self.cyclic_dependencies)):
            if list(value) != sorted(set(value)):
                raise FormatError(f"{where}.{key} must be sorted and without duplicates.")
        tree = self.source is not None and self.source.is_tree
        if tree and self.file is not None:
            raise FormatError(f"{where} is a source tree ({self.source.kind if self.source else ''}"
                              "); it must have no file.")
        if not tree and self.file is None:
            raise FormatError(f"{where}.file is missing; only source trees (source kind git, "
                              "editable, or a directory path) have none.")
        if tree and self.provider != "sdist":
            raise FormatError(f"{where}: a source tree is built with provider sdist, not "
                              f"{self.provider!r}.")
        if self.file is not None:
            self.file.validate(where=where)


@dataclass(frozen=True)
class Resolution:
    """What the resolver answers (docs/resolution-format.md, "Resolution (v1)").

    With `request`, it is a lock file (docs/lock-format.md): the resolution and the request it
    was resolved from, whose target must be the resolution's.
    """

    target: Target
    roots: tuple[str, ...]
    packages: Mapping[str, Package]
    request: Request | None = None

    @property
    def is_lock(self) -> bool:
        return self.request is not None

    @classmethod
    def from_dict(cls, d: Any) -> Resolution:
        d = _check_schema("resolution", d)
        if "error" in d:
            raise FormatError("this is an error document, not a resolution; read it with "
                              "read_resolution().")
        _check_keys("resolution", d, {"schemaVersion", "target", "roots", "packages"},
                    {"request"})
        if not isinstance(d["packages"], Mapping):
            raise FormatError("resolution.packages must be an object.")
        r = cls(
            target=Target.from_dict(d["target"]),
            roots=_str_list("resolution.roots", d["roots"]),
            packages={k: Package.from_dict(v, where=f"resolution.packages.{k}")
                      for k, v in d["packages"].items()},
            request=None if "request" not in d else Request.from_dict(d["request"]),
        )
        r.validate()
        return r

    @classmethod
    def from_json(cls, data: bytes | str) -> Resolution:
        """A resolution or lock file from its JSON text."""
        return cls.from_dict(_load_json("resolution", data))

    def to_dict(self) -> dict[str, Any]:
        d = {
            "schemaVersion": SCHEMA_VERSION,
            "target": self.target.to_dict(),
            "roots": list(self.roots),
            "packages": {k: p.to_dict() for k, p in sorted(self.packages.items())},
        }
        if self.request is not None:
            d["request"] = self.request.to_dict()
        return d

    def validate(self) -> None:
        self.target.validate()
        if self.request is not None:
            self.request.validate()
            if self.request.target != self.target:
                raise FormatError(
                    "the lock's request.target differs from its target; a lock is written by "
                    "`mach-nix lock` and not edited: lock again."
                )
        if list(self.roots) != sorted(set(self.roots)):
            raise FormatError("resolution.roots must be sorted and without duplicates.")
        for name, package in self.packages.items():
            where = f"resolution.packages.{name}"
            package.validate(where=where)
            if package.name != name:
                raise FormatError(f"{where}.name is {package.name!r}; it must equal its key.")
            for dep in (*package.dependencies, *package.cyclic_dependencies):
                if dep not in self.packages:
                    raise FormatError(f"{where} depends on {dep}, which is not in packages.")
        for root in self.roots:
            if root not in self.packages:
                raise FormatError(f"resolution.roots names {root}, which is not in packages.")
        graph = {name: p.dependencies for name, p in self.packages.items()}
        _, back = break_cycles(graph, self.roots)
        if back:
            a, b = min(back)
            raise FormatError(f"resolution.packages.{a}.dependencies closes a cycle through "
                              f"{b}; such edges belong in cyclicDependencies.")


@dataclass(frozen=True)
class ErrorDocument:
    """What the resolver writes when the user must fix something."""

    kind: str
    message: str

    @classmethod
    def from_error(cls, error: MachNixError) -> ErrorDocument:
        kind = error.kind if error.kind in ERROR_KINDS else "format"
        return cls(kind=kind, message=error.message)

    @classmethod
    def from_dict(cls, d: Any) -> ErrorDocument:
        d = _check_schema("error document", d)
        _check_keys("error document", d, {"schemaVersion", "error"}, set())
        e = d["error"]
        if not isinstance(e, Mapping):
            raise FormatError("error document: error must be an object.")
        _check_keys("error document's error", e, {"kind", "message"}, set())
        doc = cls(kind=e["kind"], message=e["message"])
        doc.validate()
        return doc

    def to_dict(self) -> dict[str, Any]:
        return {"schemaVersion": SCHEMA_VERSION,
                "error": {"kind": self.kind, "message": self.message}}

    def validate(self) -> None:
        if self.kind not in ERROR_KINDS:
            raise FormatError(f"error document: kind {self.kind!r} is not one of "
                              f"{', '.join(ERROR_KINDS)}.")
        if not isinstance(self.message, str):
            raise FormatError("error document: message must be a string.")


ResolverOutput = Union[Resolution, ErrorDocument]


def read_resolution(d: Any) -> ResolverOutput:
    """A resolution or an error document, whichever `d` is."""
    d = _check_schema("resolution", d)
    if "error" in d:
        return ErrorDocument.from_dict(d)
    return Resolution.from_dict(d)


def _dump(obj: Any) -> bytes:
    return (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def dump_resolution(resolution: ResolverOutput) -> bytes:
    """Deterministic bytes: sorted keys, two-space indentation, trailing newline."""
    return _dump(resolution.to_dict())


def dump_error(error: MachNixError) -> bytes:
    return dump_resolution(ErrorDocument.from_error(error))


# --- cycles ----------------------------------------------------------------------------


def break_cycles(
    dependencies: Mapping[str, Iterable[str]], roots: Iterable[str] = ()
) -> tuple[dict[str, tuple[str, ...]], set[tuple[str, str]]]:
    """Split a dependency graph into an acyclic part and the edges that close cycles.

    Depth-first search from the sorted roots, then from every other name in sorted order,
    children visited in sorted order; an edge back to a node still on the search path closes a
    cycle and is moved out. The same graph always gives the same answer.
    Returns (acyclic dependencies per name, sorted; set of removed (from, to) edges).
    """
    graph = {name: sorted(set(deps)) for name, deps in dependencies.items()}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    back: set[tuple[str, str]] = set()
    starts = [r for r in sorted(set(roots)) if r in graph] + sorted(graph)
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        stack: list[tuple[str, Iterable[str]]] = [(start, iter(graph[start]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                s = state.get(child)
                if s == 1:
                    back.add((node, child))
                elif s is None and child in graph:
                    state[child] = 1
                    stack.append((child, iter(graph[child])))
                    break
            else:
                state[node] = 2
                stack.pop()
    acyclic = {name: tuple(d for d in deps if (name, d) not in back)
               for name, deps in graph.items()}
    return acyclic, back
