from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from indexfactory import open_index, release, sdist, wheel
from mach_nix.errors import ResolutionError, UnknownPackageError
from mach_nix.formats import ProviderConfig, Request, Resolution, dump_resolution
from mach_nix.index import Index
from mach_nix.resolve import resolve
from mach_nix.target import Libc, Target

TARGET = Target("x86_64-linux", "cpython", "3.11.2", Libc("glibc", "2.36"))


def request(
    requirements: str, *, target: Target = TARGET, providers: dict[str, str] | None = None,
    pre: bool = False,
) -> Request:
    return Request(
        requirements=requirements,
        target=target,
        providers=ProviderConfig.from_dict(providers or {"_default": "wheel,sdist"}),
        pre=pre,
    )


def pins(resolution: Resolution) -> dict[str, str]:
    return {name: p.version for name, p in resolution.packages.items()}


REQUESTS_LIKE: dict[str, Any] = {
    "requests": {
        "2.30.0": release(["urllib3<3,>=1.21.1", "idna<4,>=2.5"]),
        "2.31.0": release([
            "urllib3<3,>=1.21.1", "idna<4,>=2.5",
            'PySocks!=1.5.7,>=1.5.6; extra == "socks"',
            'chardet<6,>=3.0.2; extra == "use-chardet-on-py3"',
        ]),
    },
    "urllib3": {"1.20": release([]), "1.26.18": release([]), "2.0.7": release([])},
    "idna": {"3.6": release([])},
    "pysocks": {"1.5.7": release([]), "1.7.1": release([])},
    "chardet": {"5.2.0": release([])},
    "attrs": {"23.1.0": release([]), "23.2.0": release([], requires_python=">=3.7")},
}


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return open_index(tmp_path / "index", REQUESTS_LIKE)


def test_extras_and_markers(index: Index) -> None:
    r = resolve(request('requests[socks] >= 2.28\nattrs; python_version >= "3.8"\n'), index)
    assert pins(r) == {"requests": "2.31.0", "urllib3": "2.0.7", "idna": "3.6",
                       "pysocks": "1.7.1", "attrs": "23.2.0"}
    assert r.roots == ("attrs", "requests")
    req = r.packages["requests"]
    assert req.extras == ("socks",)
    assert req.dependencies == ("idna", "pysocks", "urllib3")
    assert req.provider == "wheel"
    assert req.file.filename == "requests-2.31.0-py3-none-any.whl"
    assert req.file.binary is False
    assert r.target == TARGET
    r.validate()


def test_root_marker_false_is_not_a_root(index: Index) -> None:
    r = resolve(request('requests\nattrs; python_version < "3"\n'), index)
    assert "attrs" not in r.packages
    assert r.roots == ("requests",)
    assert r.packages["requests"].extras == ()
    assert "pysocks" not in r.packages


def test_deterministic_bytes(index: Index) -> None:
    text = "requests[socks,use-chardet-on-py3]\nattrs\n"
    a = dump_resolution(resolve(request(text), index))
    b = dump_resolution(resolve(request(text), Index(index.root)))
    assert a == b
    assert a.endswith(b"}\n")


def test_newest_first_and_specifiers(index: Index) -> None:
    assert pins(resolve(request("urllib3<2"), index)) == {"urllib3": "1.26.18"}
    assert pins(resolve(request("urllib3==1.20"), index)) == {"urllib3": "1.20"}


def test_requires_python_release_and_file_level(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "a": {
            "1.0": release([]),
            "2.0": release([], requires_python=">=3.12"),
            "3.0": release([], files=[wheel("a", "3.0", requires_python=">=3.13")]),
        },
    })
    assert pins(resolve(request("a"), idx)) == {"a": "1.0"}
    t313 = Target("x86_64-linux", "cpython", "3.13.5", Libc("glibc", "2.36"))
    assert pins(resolve(request("a", target=t313), idx)) == {"a": "3.0"}


def test_yanked_only_when_pinned(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {"a": {"1.0": release([]), "2.0": release([], yanked=True)}})
    assert pins(resolve(request("a"), idx)) == {"a": "1.0"}
    assert pins(resolve(request("a==2.0"), idx)) == {"a": "2.0"}
    with pytest.raises(ResolutionError):
        resolve(request("a>1.5"), idx)


def test_yanked_file_beside_a_good_one(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {"a": {"1.0": release([], files=[
        wheel("a", "1.0", "cp311-cp311-manylinux_2_17_x86_64", yanked=True),
        wheel("a", "1.0"),
    ])}})
    r = resolve(request("a"), idx)
    assert r.packages["a"].file.filename == "a-1.0-py3-none-any.whl"


def test_prereleases(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "a": {"1.0": release([]), "2.0b1": release([])},
        "b": {"0.1a1": release([]), "0.2a1": release([])},
    })
    assert pins(resolve(request("a"), idx)) == {"a": "1.0"}
    assert pins(resolve(request("a", pre=True), idx)) == {"a": "2.0b1"}
    assert pins(resolve(request("--pre\na"), idx)) == {"a": "2.0b1"}
    assert pins(resolve(request("a>=2.0b1"), idx)) == {"a": "2.0b1"}
    # only pre-releases exist: they are used (PEP 440)
    assert pins(resolve(request("b"), idx)) == {"b": "0.2a1"}


def test_release_without_metadata_is_skipped(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {"a": {"1.0": release([]), "2.0": release(None)}})
    assert pins(resolve(request("a"), idx)) == {"a": "1.0"}
    with pytest.raises(ResolutionError) as e:
        resolve(request("a==2.0"), idx)
    assert "2.0: its metadata is not in the index" in str(e.value)


def test_best_wheel_by_tag_rank_and_binary(tmp_path: Path) -> None:
    files = [
        sdist("np", "1.0"),
        wheel("np", "1.0", "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"),
        wheel("np", "1.0", "cp311-cp311-manylinux_2_28_x86_64"),
        wheel("np", "1.0", "cp311-cp311-manylinux_2_39_x86_64"),  # too new for glibc 2.36
        wheel("np", "1.0", "cp312-cp312-manylinux_2_17_x86_64"),
        wheel("np", "1.0", "cp311-cp311-macosx_11_0_arm64"),
        wheel("np", "1.0", "cp311-cp311-linux_x86_64"),
    ]
    idx = open_index(tmp_path, {"np": {"1.0": release([], files=files)}})
    p = resolve(request("np"), idx).packages["np"]
    assert p.file.filename == "np-1.0-cp311-cp311-manylinux_2_28_x86_64.whl"
    assert p.provider == "wheel"
    assert p.file.binary is True
    mac = Target("aarch64-darwin", "cpython", "3.11.2")
    assert resolve(request("np", target=mac), idx).packages["np"].file.filename == (
        "np-1.0-cp311-cp311-macosx_11_0_arm64.whl")
    t312 = Target("x86_64-linux", "cpython", "3.12.1", Libc("glibc", "2.17"))
    assert resolve(request("np", target=t312), idx).packages["np"].file.filename == (
        "np-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")
    t310 = Target("x86_64-linux", "cpython", "3.10.1", Libc("glibc", "2.36"))
    p310 = resolve(request("np", target=t310), idx).packages["np"]
    assert (p310.provider, p310.file.filename, p310.file.binary) == ("sdist", "np-1.0.tar.gz",
                                                                      False)


def test_providers_order_and_per_package(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "a": {
            "1.0": release([]),
            "2.0": release([], files=[sdist("a", "2.0"), sdist("a", "2.0", ext=".zip")]),
        },
    })
    r = resolve(request("a"), idx)
    assert (r.packages["a"].version, r.packages["a"].provider) == ("2.0", "sdist")
    assert r.packages["a"].file.filename == "a-2.0.tar.gz"
    r = resolve(request("a", providers={"_default": "sdist", "A": "wheel"}), idx)
    assert (r.packages["a"].version, r.packages["a"].provider) == ("1.0", "wheel")
    r = resolve(request("a", providers={"_default": "sdist,wheel"}), idx)
    assert (r.packages["a"].version, r.packages["a"].provider) == ("2.0", "sdist")
    idx2 = open_index(tmp_path / "2", {"a": {"1.0": release([], files=[
        wheel("a", "1.0"), sdist("a", "1.0")])}})
    assert resolve(request("a", providers={"_default": "sdist,wheel"}), idx2).packages[
        "a"].provider == "sdist"
    assert resolve(request("a"), idx2).packages["a"].provider == "wheel"


def test_backtracking(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "a": {"1.0": release(["c<2"]), "2.0": release(["c>=3"])},
        "b": {"1.0": release(["c<3"])},
        "c": {"1.0": release([]), "2.0": release([]), "3.0": release([])},
    })
    assert pins(resolve(request("a\nb\n"), idx)) == {"a": "1.0", "b": "1.0", "c": "1.0"}


def test_extras_of_dependencies_and_extra_chains(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "app": {"1.0": release(["lib[Fast_Mode]>=1"])},
        "lib": {"1.0": release(['speedup; extra == "fast-mode"', 'lib[more]; extra == "fast-mode"',
                                'extra-dep; extra == "more"', "six"])},
        "speedup": {"1.0": release([])},
        "extra-dep": {"1.0": release([])},
        "six": {"1.0": release([])},
    })
    r = resolve(request("app"), idx)
    assert set(pins(r)) == {"app", "lib", "speedup", "extra-dep", "six"}
    assert r.packages["lib"].extras == ("fast-mode", "more")
    assert r.packages["lib"].dependencies == ("extra-dep", "six", "speedup")
    assert r.packages["app"].dependencies == ("lib",)
    assert r.roots == ("app",)


def test_unknown_extra_is_harmless(index: Index) -> None:
    r = resolve(request("attrs[nope]"), index)
    assert r.packages["attrs"].extras == ("nope",)


def test_cycles_are_broken(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "a": {"1.0": release(["b"])},
        "b": {"1.0": release(["c"])},
        "c": {"1.0": release(["a"])},
    })
    r = resolve(request("a"), idx)
    assert r.packages["a"].dependencies == ("b",)
    assert r.packages["b"].dependencies == ("c",)
    assert r.packages["c"].dependencies == ()
    assert r.packages["c"].cyclic_dependencies == ("a",)
    r.validate()


def test_constraints(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {
        "a": {"1.0": release(["c"])},
        "c": {"1.0": release([]), "2.0": release([])},
        "d": {"1.0": release([])},
    })
    (tmp_path / "c.txt").write_text("c<2\nd==1.0\n")
    (tmp_path / "r.txt").write_text("a\n-c c.txt\n")
    from mach_nix.requirements import parse_requirement_set_file
    from mach_nix.resolve import resolve_requirements

    r = resolve_requirements(parse_requirement_set_file(tmp_path / "r.txt"), index=idx,
                             target=TARGET)
    assert pins(r) == {"a": "1.0", "c": "1.0"}  # d is constrained, not required


# --- errors ------------------------------------------------------------------------------


def test_conflict_explains_the_chain(index: Index) -> None:
    with pytest.raises(ResolutionError) as e:
        resolve(request("requests==2.31.0\nurllib3<1.21\n"), index)
    msg = str(e.value)
    assert "you asked for requests==2.31.0 (requirements, line 1)" in msg
    assert "requests 2.31.0 needs urllib3<3,>=1.21.1" in msg
    assert "you also asked for urllib3<1.21 (requirements, line 2)" in msg
    assert msg.index("you asked for requests") < msg.index("requests 2.31.0 needs")
    assert "Hint:" in msg
    assert "\n" not in msg


def test_conflict_through_an_extra(index: Index) -> None:
    with pytest.raises(ResolutionError) as e:
        resolve(request("requests[socks]==2.31.0\npysocks==1.5.7\n"), index)
    msg = str(e.value)
    assert "you asked for requests[socks]==2.31.0" in msg
    assert "requests[socks] 2.31.0 needs pysocks!=1.5.7,>=1.5.6" in msg
    assert "you also asked for pysocks==1.5.7" in msg


def test_single_requirement_without_match(index: Index) -> None:
    with pytest.raises(ResolutionError) as e:
        resolve(request("pysocks<1\n"), index)
    assert "you asked for pysocks<1 (requirements, line 1). So no version of pysocks satisfies " \
        "it (usable versions: 1.7.1, 1.5.7)." in str(e.value)


def test_unknown_root_with_suggestion(index: Index) -> None:
    with pytest.raises(UnknownPackageError) as e:
        resolve(request("attrs\nrequets\nAtrs\n"), index)
    msg = str(e.value)
    assert "requirements, line 2" in msg
    assert "requets" in msg
    assert "did you mean requests?" in msg
    assert "requirements, line 3" in msg and "atrs (did you mean attrs?)" in msg
    assert e.value.kind == "unknown-package"


def test_unknown_dependency(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {"a": {"1.0": release(["ghost>=1"])}})
    with pytest.raises(UnknownPackageError) as e:
        resolve(request("a"), idx)
    msg = str(e.value)
    assert "a 1.0 needs ghost>=1" in msg
    assert "the index has no project named ghost" in msg


def test_no_usable_file_explains_each_version(tmp_path: Path) -> None:
    idx = open_index(tmp_path, {"np": {
        "1.0": release([], files=[wheel("np", "1.0", "cp311-cp311-macosx_11_0_arm64")]),
        "2.0": release([], requires_python=">=3.12"),
        "3.0": release(None),
    }})
    with pytest.raises(ResolutionError) as e:
        resolve(request("np", providers={"_default": "wheel"}), idx)
    msg = str(e.value)
    assert "no release of np can be used for cpython 3.11.2 on x86_64-linux (glibc 2.36)" in msg
    assert "3.0: its metadata is not in the index" in msg
    assert "2.0: it requires Python >=3.12" in msg
    assert "1.0: no wheel for cpython 3.11.2" in msg


def test_malformed_requirement_in_request(index: Index) -> None:
    from mach_nix.errors import RequirementsError

    with pytest.raises(RequirementsError, match="requirements, line 1"):
        resolve(request("requests >>= 2\n"), index)


# --- the fixture index made from real PyPI metadata (tests/data/index) -------------------

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(os.environ.get("MACH_NIX_TEST_INDEX", ROOT / "tests" / "data" / "index"))
CASES = ROOT / "tests" / "cases"
ISSUE = 'requests[socks] >= 2.28\nattrs; python_version >= "3.8"\n'

needs_fixture = pytest.mark.skipif(
    not (FIXTURE / "index.json").is_file(), reason=f"no fixture index at {FIXTURE}"
)


def fixture_target(python: str, system: str = "x86_64-linux") -> Target:
    libc = Libc("glibc", "2.36") if system.endswith("-linux") else None
    return Target(system, "cpython", python, libc)


@needs_fixture
@pytest.mark.parametrize("python", ["3.11.2", "3.13.5"])
def test_fixture_issue_example(python: str) -> None:
    r = resolve(request(ISSUE, target=fixture_target(python)), Index(FIXTURE))
    assert r.roots == ("attrs", "requests")
    assert {"requests", "attrs", "pysocks", "urllib3", "idna", "certifi",
            "charset-normalizer"} <= set(r.packages)
    requests_ = r.packages["requests"]
    assert requests_.extras == ("socks",)
    assert "pysocks" in requests_.dependencies
    for p in r.packages.values():
        assert p.provider == "wheel", p
        assert p.file.filename.endswith(".whl")
        assert p.file.url.startswith("https://")
    r.validate()


@needs_fixture
def test_fixture_resolving_twice_is_byte_identical() -> None:
    req = request(ISSUE, target=fixture_target("3.11.2"))
    assert dump_resolution(resolve(req, Index(FIXTURE))) == dump_resolution(
        resolve(req, Index(FIXTURE)))


@needs_fixture
def test_fixture_unsatisfiable_explains() -> None:
    with pytest.raises(ResolutionError) as e:
        resolve(request("requests==2.31.0\nurllib3<1.21\n", target=fixture_target("3.11.2")),
                Index(FIXTURE))
    msg = str(e.value)
    assert "you asked for urllib3<1.21 (requirements, line 2)" in msg
    assert "urllib3" in msg and "Hint:" in msg


@needs_fixture
def test_fixture_conflict_chain() -> None:
    # The newest pytest needs pluggy in some range; pinning pytest and asking for a pluggy the
    # index has outside that range conflicts only through pytest.
    from packaging.requirements import Requirement
    from packaging.version import Version

    idx = Index(FIXTURE)
    pytest_ = idx.project("pytest")
    pluggy = idx.project("pluggy")
    assert pytest_ is not None and pluggy is not None
    newest = pytest_.releases[-1]
    (spec,) = [Requirement(r).specifier for r in newest.requires_dist or ()
               if Requirement(r).name == "pluggy"]
    outside = [r.version for r in pluggy.releases
               if not spec.contains(r.version) and not Version(r.version).is_prerelease]
    assert outside, "the fixture should have a pluggy release pytest cannot use"
    text = f"pytest=={newest.version}\npluggy=={outside[-1]}\n"
    with pytest.raises(ResolutionError) as e:
        resolve(request(text, target=fixture_target("3.11.2")), idx)
    msg = str(e.value)
    chain = (f"you asked for pytest=={newest.version} (requirements, line 1); "
             f"pytest {newest.version} needs pluggy{spec}; "
             f"you also asked for pluggy=={outside[-1]} (requirements, line 2)")
    assert chain in msg, msg


@needs_fixture
def test_fixture_unknown_package_suggests() -> None:
    with pytest.raises(UnknownPackageError, match="did you mean requests"):
        resolve(request("reqeusts\n"), Index(FIXTURE))


# --- shared golden cases (tests/cases/*/request.json -> resolution.json) -------------------


def case_dirs() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("*/request.json"))


@needs_fixture
@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden_case(case: Path) -> None:
    """Set MACH_NIX_UPDATE_CASES=1 to rewrite the expected documents (then review the diff)."""
    from mach_nix.errors import MachNixError
    from mach_nix.formats import dump_error

    req = Request.from_json((case / "request.json").read_bytes())
    try:
        data = dump_resolution(resolve(req, Index(FIXTURE)))
    except MachNixError as e:
        data = dump_error(e)
    expected = case / "resolution.json"
    if os.environ.get("MACH_NIX_UPDATE_CASES"):
        expected.write_bytes(data)
    assert data == expected.read_bytes()
