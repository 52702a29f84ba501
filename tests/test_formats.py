from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from mach_nix.errors import FormatError, ResolutionError
from mach_nix.formats import (
    ErrorDocument,
    ProviderConfig,
    Request,
    Resolution,
    break_cycles,
    dump_error,
    dump_resolution,
    read_resolution,
)

REQUEST: dict[str, Any] = {
    "schemaVersion": 1,
    "requirements": 'requests[socks] >= 2.28\nattrs; python_version >= "3.8"\n',
    "target": {
        "system": "x86_64-linux",
        "python": {"implementation": "cpython", "version": "3.11.2"},
        "libc": {"name": "glibc", "version": "2.36"},
    },
    "providers": {"_default": "wheel,sdist"},
    "pre": False,
}

SHA = "70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6"


def package(name: str, deps: list[str], cyclic: list[str] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "version": "1.0",
        "provider": "wheel",
        "extras": [],
        "file": {"filename": f"{name}-1.0-py3-none-any.whl",
                 "url": f"https://files.example/{name}-1.0-py3-none-any.whl",
                 "sha256": SHA, "binary": False},
        "dependencies": deps,
        "cyclicDependencies": cyclic or [],
    }


RESOLUTION: dict[str, Any] = {
    "schemaVersion": 1,
    "target": REQUEST["target"],
    "roots": ["a"],
    "packages": {"a": package("a", ["b"]), "b": package("b", [], ["a"])},
}


def test_request_round_trip() -> None:
    r = Request.from_dict(REQUEST)
    assert r.to_dict() == REQUEST
    assert r.providers.for_name("numpy") == ("wheel", "sdist")
    assert Request.from_json(json.dumps(REQUEST)) == r
    r.validate()


def test_request_defaults() -> None:
    d = {k: v for k, v in REQUEST.items() if k not in ("providers", "pre")}
    r = Request.from_dict(d)
    assert r.pre is False
    assert r.providers == ProviderConfig()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schemaVersion": 2}, "schemaVersion 2, but this mach-nix reads version 1"),
        ({"schemaVersion": None}, "schemaVersion None"),
        ({"requirements": ["six"]}, "must be a string"),
        ({"pre": "yes"}, "true or false"),
        ({"extra": 1}, "unknown extra"),
        ({"providers": {"_default": "conda"}}, "provider 'conda' is not supported"),
        ({"providers": {"_default": ""}}, "empty"),
        ({"providers": {"numpy": 3}}, "comma-separated"),
        ({"providers": {"_default": "wheel,wheel"}}, "twice"),
        ({"target": {"system": "x86_64-linux"}}, "missing: python"),
    ],
)
def test_request_validation(change: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Request.from_dict({**REQUEST, **change})


def test_request_missing_key_and_not_json() -> None:
    d = dict(REQUEST)
    del d["target"]
    with pytest.raises(FormatError, match="missing target"):
        Request.from_dict(d)
    with pytest.raises(FormatError, match="not valid JSON"):
        Request.from_json(b"{")
    with pytest.raises(FormatError, match="must be a JSON object"):
        Request.from_json(b"[]")


def test_provider_config_names_are_normalized() -> None:
    p = ProviderConfig.from_dict({"_default": "sdist", "NumPy": "wheel", "ruamel.yaml": "sdist"})
    assert p.for_name("numpy") == ("wheel",)
    assert p.for_name("ruamel-yaml") == ("sdist",)
    assert p.for_name("six") == ("sdist",)
    assert p.to_dict() == {"_default": "sdist", "numpy": "wheel", "ruamel-yaml": "sdist"}


def test_resolution_round_trip_and_dump() -> None:
    r = Resolution.from_dict(RESOLUTION)
    assert r.to_dict() == RESOLUTION
    data = dump_resolution(r)
    assert data.endswith(b"}\n")
    assert json.loads(data) == RESOLUTION
    assert b'\n  "packages": {' in data  # two-space indentation
    keys = list(json.loads(data))
    assert keys == sorted(keys)
    assert isinstance(read_resolution(json.loads(data)), Resolution)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("schemaVersion",), 7, "schemaVersion 7"),
        (("roots",), ["b", "a"], "sorted"),
        (("roots",), ["zzz"], "not in packages"),
        (("packages", "a", "dependencies"), ["zzz"], "not in packages"),
        (("packages", "a", "provider"), "conda", "provider"),
        (("packages", "a", "name"), "A", "normalized"),
        (("packages", "a", "file", "sha256"), "abc", "64 lowercase hex"),
        (("packages", "b", "dependencies"), ["a"], "closes a cycle"),
        (("packages", "a", "extras"), ["y", "x"], "sorted"),
    ],
)
def test_resolution_validation(path: tuple[str, ...], value: Any, message: str) -> None:
    d = copy.deepcopy(RESOLUTION)
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    if path == ("packages", "b", "dependencies"):
        d["packages"]["b"]["cyclicDependencies"] = []
    with pytest.raises(FormatError, match=message):
        Resolution.from_dict(d)


def test_error_document() -> None:
    data = dump_error(ResolutionError("cannot do it"))
    d = json.loads(data)
    assert d == {"schemaVersion": 1,
                 "error": {"kind": "resolution-impossible", "message": "cannot do it"}}
    doc = read_resolution(d)
    assert doc == ErrorDocument("resolution-impossible", "cannot do it")
    with pytest.raises(FormatError, match="error document"):
        Resolution.from_dict(d)
    with pytest.raises(FormatError, match="kind"):
        ErrorDocument.from_dict({"schemaVersion": 1, "error": {"kind": "oops", "message": ""}})


def test_break_cycles_is_deterministic() -> None:
    graph = {"a": ["b"], "b": ["c", "a"], "c": ["a", "b"], "d": ["d"]}
    acyclic, back = break_cycles(graph, ["a"])
    assert back == {("b", "a"), ("c", "a"), ("c", "b"), ("d", "d")}
    assert acyclic == {"a": ("b",), "b": ("c",), "c": (), "d": ()}
    # from another root the cut differs, but is again the same every time
    acyclic2, back2 = break_cycles(graph, ["c"])
    assert back2 == {("b", "a"), ("b", "c"), ("d", "d")}
    assert break_cycles(graph, ["c"]) == (acyclic2, back2)


def test_break_cycles_deep_chain_does_not_recurse() -> None:
    n = 5000
    graph = {f"p{i}": [f"p{i + 1}"] for i in range(n)}
    graph[f"p{n}"] = ["p0"]
    _, back = break_cycles(graph, ["p0"])
    assert back == {(f"p{n}", "p0")}
