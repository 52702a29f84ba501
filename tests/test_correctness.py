"""Resolver correctness: PEP 440/508/592 and wheel tags, case by case (issue 4, "Correctness").

The table of small synthetic cases lives in tests/resolution_cases.py (uv is checked against
the same table by tests/test_uv_crosscheck.py). The tests below it check what pins alone do not
show: the chosen file, cyclicDependencies, names in the resolution, and the error messages for
releases that cannot be used. test_resolve.py already covers the basics (extras chains, simple
cycles, yanked and pre-release defaults, provider order), so they are not repeated here.
"""

from __future__ import annotations

import json
from pathlib import Path

import nixutil
import pytest
from indexfactory import binary_release, make_index, open_index, release, sdist, wheel
from mach_nix.cli import main as mach_nix_main
from mach_nix.errors import RequirementsError, ResolutionError
from mach_nix.formats import ProviderConfig, Resolution
from mach_nix.index import Index
from mach_nix.requirements import parse_requirement_set, parse_requirement_set_file
from mach_nix.resolve import resolve_requirements
from mach_nix.target import Libc, Target
from packaging.specifiers import Specifier
from packaging.version import InvalidVersion, Version
from resolution_cases import CASES, ResolutionCase

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "index"
needs_fixture = pytest.mark.skipif(not (FIXTURE / "index.json").is_file(),
                                   reason=f"no fixture index at {FIXTURE}")


GLIBC = Libc("glibc", "2.36")


def target(system: str = "x86_64-linux", python: str = "3.11.2", *,
           libc: Libc | None = GLIBC, implementation: str = "cpython") -> Target:
    return Target(system, implementation, python, libc if system.endswith("-linux") else None)


def resolve_text(index: Index, text: str, *, on: Target | None = None,
                 providers: dict[str, str] | None = None, pre: bool = False) -> Resolution:
    return resolve_requirements(
        parse_requirement_set(text), index=index, target=on or target(),
        providers=ProviderConfig.from_dict(providers or {}), pre=pre,
    )


def pins(resolution: Resolution) -> dict[str, str]:
    return {name: p.version for name, p in resolution.packages.items()}


# --- the table ---------------------------------------------------------------------------


def _param(case: ResolutionCase) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case: ResolutionCase, tmp_path: Path) -> None:
    index = open_index(tmp_path / "index", case.projects)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(case.requirements)
    for name, text in case.files.items():
        (tmp_path / name).write_text(text)
    on = target(case.system, case.python)
    try:
        parsed = parse_requirement_set_file(requirements)
        result = resolve_requirements(parsed, index=index, target=on, pre=case.pre)
    except (RequirementsError, ResolutionError) as e:
        assert case.expected is None, f"refused, but {dict(case.expected)} is right: {e}"
        return
    assert case.expected is not None, f"resolved to {pins(result)}, but must be refused"
    assert pins(result) == dict(case.expected)
    result.validate()


# The same table through Nix: lib/ writes the request, the resolver derivation runs with the
# nixpkgs double's interpreter, i.e. with the resolvelib and packaging nixpkgs 24.11 ships.
# Only the cases the double can express: its interpreter is the host's /usr/bin/python3 on
# x86_64 Linux, and requirements given as a string cannot include constraints files.
NIX_CASES = [c for c in CASES if c.system == "x86_64-linux" and not c.files]
DOUBLE = f"(import {ROOT}/tests/nixpkgs-double {{ }})"


@pytest.fixture(scope="module")
def nix_pins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str] | None]:
    """Every case of NIX_CASES for the double's Python, resolved in one evaluation: case id ->
    pins, or None where the resolution throws (the error document)."""
    python = nixutil.host_python_version()
    root = tmp_path_factory.mktemp("nix-cases")
    attrs = []
    for case in NIX_CASES:
        if case.python != python:
            continue
        index = make_index(root / case.id, case.projects)
        request = (f"{{ requirements = {json.dumps(case.requirements)}; "
                   f"pre = {'true' if case.pre else 'false'}; }}")
        attrs.append(
            f'"{case.id}" = let m = import {ROOT} {{ inherit pkgs; pypiIndex = {index}; }}; '
            f"r = builtins.tryEval (builtins.mapAttrs (_: p: p.version) "
            f"(m.resolution {request}).packages); in if r.success then r.value else null;"
        )
    result: dict[str, dict[str, str] | None] = nixutil.nix_eval(
        f"let pkgs = {DOUBLE}; in {{ {' '.join(attrs)} }}", read_write=True)
    return result


def _nix_param(case: ResolutionCase) -> object:
    reason = case.bug or case.nix_bug
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


@nixutil.requires_nix
@pytest.mark.parametrize("case", [_nix_param(c) for c in NIX_CASES])
def test_case_through_nix(case: ResolutionCase,
                          nix_pins: dict[str, dict[str, str] | None]) -> None:
    if case.id not in nix_pins:
        pytest.skip(f"the double's python is {nixutil.host_python_version()}, the case's "
                    f"{case.python}")
    expected = None if case.expected is None else dict(case.expected)
    assert nix_pins[case.id] == expected


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# --- pre-releases, whatever the packaging version ---------------------------------------


def _packaging_24_1_prereleases(self: Specifier) -> bool:
    """`Specifier.prereleases` as packaging 24.1 and older compute it: only the inclusive
    operators (`==`, `>=`, `<=`, `~=`, `===`) with a pre-release version name one; since
    packaging 24.2, `<` and `>` do too."""
    if self._prereleases is not None:
        return self._prereleases
    operator, version = self._spec
    if operator in ("==", ">=", "<=", "~=", "==="):
        version = version[:-2] if operator == "==" and version.endswith(".*") else version
        try:
            return Version(version).is_prerelease
        except InvalidVersion:
            return False
    return False


def test_pre_release_rule_does_not_depend_on_the_packaging_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = open_index(tmp_path, {"a": {v: release([]) for v in ("1.0", "1.5b1", "3.0")}})
    assert pins(resolve_text(index, "a<3.0rc1\n")) == {"a": "1.5b1"}
    monkeypatch.setattr(Specifier, "prereleases",
                        property(_packaging_24_1_prereleases))
    assert pins(resolve_text(index, "a<3.0rc1\n")) == {"a": "1.5b1"}


# --- cycles -------------------------------------------------------------------------------


def test_cycle_through_an_extra_is_recorded(tmp_path: Path) -> None:
    index = open_index(tmp_path, {
        "a": {"1.0": release(["b[x]"])},
        "b": {"1.0": release(['a; extra == "x"', "c"])},
        "c": {"1.0": release([])},
    })
    r = resolve_text(index, "a\n")
    assert r.packages["a"].dependencies == ("b",)
    assert r.packages["b"].extras == ("x",)
    assert r.packages["b"].dependencies == ("c",)
    assert r.packages["b"].cyclic_dependencies == ("a",)
    r.validate()


def test_cycle_is_broken_the_same_way_whichever_root_comes_first(tmp_path: Path) -> None:
    index = open_index(tmp_path, {"a": {"1.0": release(["b"])}, "b": {"1.0": release(["a"])}})
    one = resolve_text(index, "a\nb\n")
    other = resolve_text(index, "b\na\n")
    assert one == other
    assert (one.packages["a"].dependencies, one.packages["b"].cyclic_dependencies) == (
        ("b",), ("a",))


def test_dependency_on_itself_is_dropped(tmp_path: Path) -> None:
    index = open_index(tmp_path, {"a": {"1.0": release(["A>=1", 'a[x]; extra == "y"'])}})
    r = resolve_text(index, "a[y]\n")
    assert r.packages["a"].dependencies == ()
    assert r.packages["a"].cyclic_dependencies == ()
    assert r.packages["a"].extras == ("x", "y")


# --- names -------------------------------------------------------------------------------


def test_names_are_normalized_in_the_resolution(tmp_path: Path) -> None:
    index = open_index(tmp_path, {
        "foo-bar": {"1.0": release(['zope.interface; extra == "some-extra"']),
                    "2.0": release(['zope.interface; extra == "some-extra"'],
                                   files=[sdist("Foo_Bar", "2.0")])},
        "zope-interface": {"5.0": release([])},
    })
    r = resolve_text(index, "Foo_Bar[Some.Extra]\nFOO.bar>=1\n",
                     providers={"_default": "sdist,wheel", "FOO_Bar": "wheel"})
    assert r.roots == ("foo-bar",)
    assert set(r.packages) == {"foo-bar", "zope-interface"}
    foo = r.packages["foo-bar"]
    assert (foo.name, foo.version, foo.provider, foo.extras) == ("foo-bar", "1.0", "wheel",
                                                                 ("some-extra",))
    assert foo.dependencies == ("zope-interface",)


# --- wheel selection ---------------------------------------------------------------------


def _chosen(tmp_path: Path, tags: list[str], on: Target, *, with_sdist: bool = False) -> str:
    index = open_index(tmp_path, {"np": {"1.0": binary_release("np", "1.0", *tags,
                                                               with_sdist=with_sdist)}})
    return resolve_text(index, "np\n", on=on).packages["np"].file.filename


@pytest.mark.parametrize(
    ("on", "tags", "best"),
    [
        # a binary wheel ranks above the pure one, as with pip and uv
        (target(), ["py3-none-any", "cp311-cp311-manylinux_2_17_x86_64"],
         "cp311-cp311-manylinux_2_17_x86_64"),
        # the interpreter's own ABI, then abi3 of the newest Python, then older abi3
        (target(), ["cp39-abi3-manylinux_2_17_x86_64", "cp311-abi3-manylinux_2_17_x86_64",
                    "cp311-cp311-manylinux_2_17_x86_64"], "cp311-cp311-manylinux_2_17_x86_64"),
        (target(), ["cp39-abi3-manylinux_2_17_x86_64", "cp311-abi3-manylinux_2_17_x86_64"],
         "cp311-abi3-manylinux_2_17_x86_64"),
        # the newest manylinux the glibc runs, legacy aliases included
        (target(), ["cp311-cp311-manylinux1_x86_64", "cp311-cp311-manylinux2014_x86_64",
                    "cp311-cp311-manylinux_2_36_x86_64", "cp311-cp311-manylinux_2_38_x86_64"],
         "cp311-cp311-manylinux_2_36_x86_64"),
        (target(libc=Libc("glibc", "2.17")),
         ["cp311-cp311-manylinux1_x86_64", "cp311-cp311-manylinux2010_x86_64",
          "cp311-cp311-manylinux_2_28_x86_64"], "cp311-cp311-manylinux2010_x86_64"),
        # musl: musllinux up to the musl version, never manylinux
        (target(libc=Libc("musl", "1.2")),
         ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-musllinux_1_1_x86_64",
          "cp311-cp311-musllinux_1_2_x86_64", "py3-none-any"],
         "cp311-cp311-musllinux_1_2_x86_64"),
        (target(libc=Libc("musl", "1.1")),
         ["cp311-cp311-musllinux_1_2_x86_64", "cp311-cp311-musllinux_1_1_x86_64"],
         "cp311-cp311-musllinux_1_1_x86_64"),
        # aarch64 wheels start at manylinux2014
        (target("aarch64-linux"), ["cp311-cp311-manylinux_2_17_x86_64",
                                   "cp311-cp311-manylinux2014_aarch64", "py3-none-any"],
         "cp311-cp311-manylinux2014_aarch64"),
        # macOS: the newest macOS up to 11.0; the own architecture before universal2
        (target("x86_64-darwin"), ["cp311-cp311-macosx_10_9_universal2",
                                   "cp311-cp311-macosx_10_9_x86_64"],
         "cp311-cp311-macosx_10_9_x86_64"),
        (target("x86_64-darwin"), ["cp311-cp311-macosx_10_9_x86_64",
                                   "cp311-cp311-macosx_11_0_universal2"],
         "cp311-cp311-macosx_11_0_universal2"),
        (target("aarch64-darwin"), ["cp311-cp311-macosx_10_9_universal2",
                                    "cp311-cp311-macosx_11_0_arm64",
                                    "cp311-cp311-macosx_12_0_arm64"],
         "cp311-cp311-macosx_11_0_arm64"),
        # PyPy takes its own wheels, not CPython's
        (target(implementation="pypy", python="3.10.14"),
         ["cp310-cp310-manylinux_2_17_x86_64", "pp310-pypy310_pp73-manylinux_2_17_x86_64",
          "py3-none-any"], "pp310-pypy310_pp73-manylinux_2_17_x86_64"),
    ],
    ids=["binary-over-pure", "own-abi-over-abi3", "newest-abi3", "newest-manylinux",
         "older-glibc", "musl", "older-musl", "aarch64", "darwin-x86_64-over-universal2",
         "darwin-newer-macos-first", "darwin-arm64", "pypy"],
)
def test_best_wheel(on: Target, tags: list[str], best: str, tmp_path: Path) -> None:
    assert _chosen(tmp_path, tags, on) == f"np-1.0-{best}.whl"


def test_binary_flag_follows_the_chosen_file(tmp_path: Path) -> None:
    index = open_index(tmp_path, {"np": {
        "1.0": binary_release("np", "1.0", "py3-none-manylinux_2_17_x86_64"),
        "2.0": binary_release("np", "2.0", "cp312-cp312-manylinux_2_17_x86_64",
                              with_sdist=True),
    }})
    assert resolve_text(index, "np==1.0\n").packages["np"].file.binary is True
    newest = resolve_text(index, "np\n").packages["np"]
    assert (newest.version, newest.provider, newest.file.filename, newest.file.binary) == (
        "2.0", "sdist", "np-2.0.tar.gz", False)


def test_without_glibc_only_pure_wheels_and_sdists(tmp_path: Path) -> None:
    no_libc = target(libc=None)
    assert _chosen(tmp_path / "a", ["cp311-cp311-manylinux_2_17_x86_64", "py3-none-any"],
                   no_libc) == "np-1.0-py3-none-any.whl"
    assert _chosen(tmp_path / "b", ["cp311-cp311-manylinux_2_17_x86_64"], no_libc,
                   with_sdist=True) == "np-1.0.tar.gz"


@needs_fixture
def test_fixture_sdist_fallback_for_a_python_without_wheels() -> None:
    # PyYAML 6.0.1 has no CPython 3.13 wheels: its sdist is used; 6.0.2 has wheels.
    index = Index(FIXTURE)
    old = resolve_text(index, "pyyaml==6.0.1\n", on=target(python="3.13.5")).packages["pyyaml"]
    assert (old.provider, old.file.filename, old.file.binary) == (
        "sdist", "PyYAML-6.0.1.tar.gz", False)
    new = resolve_text(index, "PyYAML==6.0.2\n", on=target(python="3.13.5")).packages["pyyaml"]
    assert new.provider == "wheel" and new.file.binary
    assert "-cp313-cp313-" in new.file.filename and "x86_64" in new.file.filename


@needs_fixture
@pytest.mark.parametrize(("system", "expect"), [
    ("x86_64-linux", "x86_64"), ("aarch64-linux", "aarch64"), ("aarch64-darwin", "macosx"),
])
def test_fixture_binary_wheels_for_each_platform(system: str, expect: str) -> None:
    r = resolve_text(Index(FIXTURE), "charset-normalizer==3.4.2\nmarkupsafe==3.0.2\n",
                     on=target(system, "3.13.5"))
    for name in ("charset-normalizer", "markupsafe"):
        chosen = r.packages[name].file
        assert chosen.binary and "-cp313-cp313-" in chosen.filename, chosen
        assert expect in chosen.filename, chosen


# --- releases that cannot be used: said in the error -------------------------------------


def test_dependency_without_a_compatible_file_is_explained(tmp_path: Path) -> None:
    index = open_index(tmp_path, {
        "app": {"1.0": release(["np>=2"])},
        "np": {"1.0": release([]),
               "2.0": binary_release("np", "2.0", "cp311-cp311-macosx_11_0_arm64"),
               "3.0": binary_release("np", "3.0", "cp311-cp311-linux_x86_64",
                                     requires_python=">=3.12")},
    })
    with pytest.raises(ResolutionError) as e:
        resolve_text(index, "app\n")
    message = str(e.value)
    assert "you asked for app (<string>, line 1); app 1.0 needs np>=2." in message
    assert "3.0: it requires Python >=3.12" in message
    assert "2.0: no wheel for cpython 3.11.2 on x86_64-linux (glibc 2.36) and no sdist" in message


def test_only_wheels_when_the_providers_say_so(tmp_path: Path) -> None:
    index = open_index(tmp_path, {"a": {
        "1.0": release([]),
        "2.0": release([], files=[sdist("a", "2.0"),
                                  wheel("a", "2.0", "cp311-cp311-manylinux_2_39_x86_64")]),
    }})
    assert pins(resolve_text(index, "a\n", providers={"a": "wheel"})) == {"a": "1.0"}
    with pytest.raises(ResolutionError, match=r"2\.0: no wheel for cpython 3\.11\.2 .*"
                       r"\(providers: wheel\)"):
        resolve_text(index, "a==2.0\n", providers={"a": "wheel"})


def test_yanked_release_is_named_when_nothing_else_fits(tmp_path: Path) -> None:
    index = open_index(tmp_path, {"a": {"1.0": release([]), "2.0": release([], yanked=True)}})
    with pytest.raises(ResolutionError) as e:
        resolve_text(index, "a>=2\n")
    assert "usable versions: 1.0; yanked, used only when pinned with ==: 2.0 (e.g. a==2.0)" in str(e.value)


# --- constraints on the command line -------------------------------------------------------


def test_command_line_constraint_with_extras_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = make_index(tmp_path / "index", {"a": {"1.0": release(['b; extra == "x"'])},
                                            "b": {"1.0": release([])}})
    (tmp_path / "r.txt").write_text("a\n")
    (tmp_path / "c.txt").write_text("a[x]<2\n")
    code = mach_nix_main(["resolve", "-r", str(tmp_path / "r.txt"), "-c", str(tmp_path / "c.txt"),
                          "--index", str(index), "--python", "3.11.2", "--platform",
                          "x86_64-linux", "--glibc", "2.36", "--format", "pins"])
    assert code == 1
    assert "constraints cannot have extras" in capsys.readouterr().err
