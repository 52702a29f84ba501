"""Resolution cases on small synthetic indexes: an index, requirements, a target, and the pins.

`expected` is the right answer: what pip gives, PEP 440/508/592 read literally. Two tests read
the table:

- tests/test_correctness.py resolves each case with mach-nix and wants `expected` (a case with
  `bug` set is a known mach-nix bug: xfail(strict=True) with that reason, until it is fixed);
- tests/test_uv_crosscheck.py serves each index to `uv pip compile` and wants `expected` too,
  or, where uv differs on purpose, the `uv` answer documented in docs/uv-differences.md under
  the heading `uv.doc`.

Several cases are adapted from resolvelib's functional cases (sarugaku/resolvelib,
tests/functional/python/inputs) and pip's resolver tests (pypa/pip,
tests/functional/test_new_resolver*.py), rewritten as indexes of our own; `source` names them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from indexfactory import binary_release, release, sdist, wheel

#: An index spec as `indexfactory.make_index` takes it: {project: {version: release(...)}}.
Projects = Mapping[str, Mapping[str, Mapping[str, Any] | None]]


@dataclass(frozen=True)
class UvDifference:
    """What uv answers instead of `expected`, and the heading of docs/uv-differences.md
    that says why."""

    pins: Mapping[str, str] | None
    doc: str


@dataclass(frozen=True)
class ResolutionCase:
    id: str
    projects: Projects
    requirements: str
    #: normalized name -> version; None: the requirements must be refused
    expected: Mapping[str, str] | None
    python: str = "3.11.2"
    system: str = "x86_64-linux"
    pre: bool = False
    #: more files beside requirements.txt (constraints), name -> text
    files: Mapping[str, str] = field(default_factory=dict)
    uv: UvDifference | None = None
    #: a known mach-nix bug that makes it miss `expected` (the test is xfail strict)
    bug: str | None = None
    #: a bug only with the resolvelib and packaging of nixpkgs 24.11 (the nixpkgs double:
    #: resolvelib 1.0.1, packaging 24.1), i.e. in the Nix leg of tests/test_correctness.py
    nix_bug: str | None = None
    #: where the case was adapted from
    source: str | None = None


def _plain(*versions: str, deps: tuple[str, ...] = ()) -> dict[str, Any]:
    return {v: release(list(deps)) for v in versions}


def _newer_wheel(tag: str, *, with_sdist: bool = False) -> dict[str, Any]:
    """Project `a`: 1.0 (pure wheel) and 2.0 (one wheel with `tag`)."""
    return {"a": {"1.0": release([]),
                  "2.0": binary_release("a", "2.0", tag, with_sdist=with_sdist)}}


_MARKER_DEPS = {
    "r": {"1.0": release([
        'on-darwin; sys_platform == "darwin"',
        'on-linux; platform_system == "Linux"',
        'on-arm64; platform_machine == "arm64"',
        'on-aarch64; platform_machine == "aarch64"',
        'on-x86-64; platform_machine == "x86_64"',
        'on-cpython; implementation_name == "cpython"'
        ' and platform_python_implementation == "CPython"',
        'on-pypy; platform_python_implementation == "PyPy"',
        'on-windows; os_name == "nt" or sys_platform == "win32"',
    ])},
    **{name: _plain("1.0") for name in ("on-darwin", "on-linux", "on-arm64", "on-aarch64",
                                        "on-x86-64", "on-cpython", "on-pypy", "on-windows")},
}

_FULL_VERSION_DEPS = {
    "r": {"1.0": release([
        'newer-patch; python_full_version >= "3.11.3"',
        'this-patch; python_full_version == "3.11.2"',
        'below-312; python_full_version < "3.12.0"',
        'py-ge-39; python_version >= "3.9"',
        'py-lt-39; python_version < "3.9"',
    ])},
    **{name: _plain("1.0") for name in ("newer-patch", "this-patch", "below-312", "py-ge-39",
                                        "py-lt-39")},
}

_YANKED = {"a": {"1.0": release([]), "2.0": release([], yanked=True),
                 "2.1b1": release([], yanked=True)}}

_LIB_WITH_EXTRA = {"a": _plain("1.0")}

_SAME_PACKAGE = {  # resolvelib's index "same-package"
    "package-a": {v: release([f"package-x=={v}; extra == 'x'", f"package-y=={v}; extra == 'y'",
                              f"package-z=={v}; extra == 'z'"])
                  for v in ("0.1.0", "1.0.0", "1.1.0", "1.2.0", "1.3.0")},
    **{f"package-{x}": _plain("0.1.0", "1.0.0", "1.1.0", "1.2.0", "1.3.0") for x in "xyz"},
}

_ISSUE_134 = {  # resolvelib's index "issue-134" (old-style "name (spec)" requirements)
    "pandas": {"1.4.0": release(["python-dateutil (>=2.8.1)"]),
               "1.3.5": release(["python-dateutil (>=2.7.3)"])},
    "pystac": {"1.8.3": release(["python-dateutil (>=2.7.0)"]),
               "1.8.2": release(["python-dateutil (>=2.7.0)"])},
    "pystac-client": {"0.3.3": release(["requests (>=2.25)", "pystac (>=1.4.0)"]),
                      "0.3.2": release(["requests (>=2.25)", "pystac (~=1.2.0)"])},
    "sat-stac": {"0.1.1": release(["python-dateutil (~=2.7.5)"]),
                 "0.1.0": release(["requests (~=2.19.1)", "python-dateutil (~=2.7.5)"])},
    "python-dateutil": _plain("2.9.0", "2.7.5"),
    "requests": _plain("2.31.0"),
}

_TIE = {"a": {"1.0": release([]), "2.0": release(["b<2"]), "3.0": release(["b<2"])},
        "b": {"1.0": release([]), "2.0": release(["a<2"])}}


CASES: list[ResolutionCase] = [
    # --- extras and markers ---------------------------------------------------------------
    ResolutionCase(
        "extra-asks-for-an-extra-of-another-project",
        {"app": {"1.0": release(['lib[Fast_Mode]; extra == "speed"'])},
         "lib": {"1.0": release(['speedup; extra == "fast-mode"', 'lib[more]; extra == "fast-mode"',
                                 'extra-dep; extra == "more"'])},
         "speedup": _plain("1.0"), "extra-dep": _plain("1.0")},
        "app[speed]\n",
        {"app": "1.0", "lib": "1.0", "speedup": "1.0", "extra-dep": "1.0"},
    ),
    ResolutionCase(
        "extra-marker-with-python-version-3.11",
        {"lib": {"1.0": release(['old; extra == "x" and python_version < "3.12"',
                                 'new; python_version >= "3.12" and extra == "x"',
                                 'without-x; extra != "x"'])},
         "old": _plain("1.0"), "new": _plain("1.0"), "without-x": _plain("1.0")},
        "lib[x]\n",
        {"lib": "1.0", "old": "1.0", "without-x": "1.0"},
    ),
    ResolutionCase(
        "extra-marker-with-python-version-3.13",
        {"lib": {"1.0": release(['old; extra == "x" and python_version < "3.12"',
                                 'new; python_version >= "3.12" and extra == "x"'])},
         "old": _plain("1.0"), "new": _plain("1.0")},
        "lib[x]\n",
        {"lib": "1.0", "new": "1.0"},
        python="3.13.5",
    ),
    ResolutionCase(
        "extra-names-are-normalized",
        {"lib": {"1.0": release(['a; extra == "Foo.Bar"'])}, **_LIB_WITH_EXTRA},
        "lib[foo_bar]\n",
        {"lib": "1.0", "a": "1.0"},
    ),
    ResolutionCase(
        "extra-missing-from-the-newest-release",
        {"lib": {"1.0": release(['a; extra == "x"']), "2.0": release([])}, **_LIB_WITH_EXTRA},
        "lib[x]\n",
        {"lib": "2.0"},
    ),
    ResolutionCase(
        "extra-dependency-forces-an-older-base",
        {"lib": {"1.0": release(['a; extra == "x"']), "2.0": release(['a>=2; extra == "x"'])},
         **_LIB_WITH_EXTRA},
        "lib[x]\n",
        {"lib": "1.0", "a": "1.0"},
    ),
    ResolutionCase(
        "unknown-extra-is-ignored",
        {"base": {"0.1.0": release(['dep; extra == "add"'])}, "dep": _plain("0.1.0")},
        "base[add,missing]\n",
        {"base": "0.1.0", "dep": "0.1.0"},
        source="pip test_new_resolver_installs_extras",
    ),
    ResolutionCase(
        "same-package-with-different-extras",
        _SAME_PACKAGE,
        "package_a[x,z] >=1.1\npackage_a[x,y] >=1.0,<1.3\npackage_a >=1.2\n",
        {"package-a": "1.2.0", "package-x": "1.2.0", "package-y": "1.2.0", "package-z": "1.2.0"},
        source="resolvelib same-package-extras",
    ),
    ResolutionCase(
        "root-marker-python-version-3.11",
        {"a": _plain("1.0"), "b": _plain("1.0")},
        'a; python_version < "3.12"\nb; python_version >= "3.12"\n',
        {"a": "1.0"},
    ),
    ResolutionCase(
        "root-marker-python-version-3.13",
        {"a": _plain("1.0"), "b": _plain("1.0")},
        'a; python_version < "3.12"\nb; python_version >= "3.12"\n',
        {"b": "1.0"},
        python="3.13.5",
    ),
    ResolutionCase(
        "python-full-version-markers-3.11.2",
        _FULL_VERSION_DEPS, "r\n",
        {"r": "1.0", "this-patch": "1.0", "below-312": "1.0", "py-ge-39": "1.0"},
    ),
    ResolutionCase(
        "python-full-version-markers-3.13.5",
        _FULL_VERSION_DEPS, "r\n",
        {"r": "1.0", "newer-patch": "1.0", "py-ge-39": "1.0"},
        python="3.13.5",
    ),
    ResolutionCase(
        "platform-markers-x86_64-linux", _MARKER_DEPS, "r\n",
        {"r": "1.0", "on-linux": "1.0", "on-x86-64": "1.0", "on-cpython": "1.0"},
    ),
    ResolutionCase(
        "platform-markers-aarch64-linux", _MARKER_DEPS, "r\n",
        {"r": "1.0", "on-linux": "1.0", "on-aarch64": "1.0", "on-cpython": "1.0"},
        system="aarch64-linux",
    ),
    ResolutionCase(
        "platform-markers-aarch64-darwin", _MARKER_DEPS, "r\n",
        {"r": "1.0", "on-darwin": "1.0", "on-arm64": "1.0", "on-cpython": "1.0"},
        system="aarch64-darwin",
    ),
    ResolutionCase(
        "platform-markers-x86_64-darwin", _MARKER_DEPS, "r\n",
        {"r": "1.0", "on-darwin": "1.0", "on-x86-64": "1.0", "on-cpython": "1.0"},
        system="x86_64-darwin",
    ),
    # --- Requires-Python ------------------------------------------------------------------
    ResolutionCase(
        "requires-python-newer-patch-level",
        {"a": {"1.0": release([]), "2.0": release([], requires_python=">=3.11.3")}},
        "a\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "requires-python-of-a-dependency",
        {"base": {"0.1.0": release(["dep"])},
         "dep": {"0.1.0": release([]), "0.2.0": release([], requires_python=">=3.12")}},
        "base\n", {"base": "0.1.0", "dep": "0.1.0"},
        source="pip test_new_resolver_requires_python",
    ),
    ResolutionCase(
        "requires-python-upper-bound-of-a-dependency",
        {"base": {"0.1.0": release(["dep"])},
         "dep": {"0.1.0": release([]), "0.2.0": release([], requires_python="<2")}},
        "base\n", {"base": "0.1.0", "dep": "0.1.0"},
        uv=UvDifference({"base": "0.1.0", "dep": "0.2.0"}, "Requires-Python upper bounds"),
        source="pip test_new_resolver_requires_python",
    ),
    ResolutionCase(
        "requires-python-upper-bound",
        {"a": {"1.0": release([]), "2.0": release([], requires_python="<3.12")}},
        "a\n", {"a": "1.0"},
        python="3.13.5",
        uv=UvDifference({"a": "2.0"}, "Requires-Python upper bounds"),
    ),
    ResolutionCase(
        "requires-python-upper-bound-that-holds",
        {"a": {"1.0": release([]), "2.0": release([], requires_python=">=3.8,<3.12")}},
        "a\n", {"a": "2.0"},
    ),
    ResolutionCase(
        "requires-python-exclusion",
        {"a": {"1.0": release([]), "2.0": release([], requires_python="!=3.11.2")}},
        "a\n", {"a": "1.0"},
        uv=UvDifference({"a": "2.0"}, "Requires-Python upper bounds"),
    ),
    ResolutionCase(
        "requires-python-compatible-release",
        {"a": {"1.0": release([]), "2.0": release([], requires_python="~=3.12")}},
        "a\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "requires-python-unreadable-is-ignored",
        {"a": {"1.0": release([]), "2.0": release([], requires_python=">=3.6.*")}},
        "a\n", {"a": "2.0"},
    ),
    ResolutionCase(
        "requires-python-of-the-only-file",
        {"a": {"1.0": release([]),
               "2.0": release([], files=[wheel("a", "2.0", requires_python=">=3.12")])}},
        "a\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "requires-python-of-one-file-of-two",
        {"a": {"1.0": release([]),
               "2.0": release([], files=[wheel("a", "2.0", requires_python=">=3.12"),
                                         sdist("a", "2.0")])}},
        "a\n", {"a": "2.0"},
        uv=UvDifference({"a": "1.0"}, "Requires-Python of single files"),
    ),
    # --- version specifiers ---------------------------------------------------------------
    ResolutionCase(
        "compatible-release",
        {"a": _plain("1.4.4", "1.4.9", "1.5.0")}, "a~=1.4.5\n", {"a": "1.4.9"},
    ),
    ResolutionCase(
        "exclusion-with-wildcard",
        {"a": _plain("1.3", "1.4.9")}, "a!=1.4.*\n", {"a": "1.3"},
    ),
    ResolutionCase(
        "arbitrary-equality",
        {"a": _plain("1.0", "2.0")}, "a===1.0\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "arbitrary-equality-is-a-string-match",
        {"a": _plain("1.0.0", "2.0")}, "a===1.0\n", None,
        uv=UvDifference({"a": "1.0.0"}, "Arbitrary equality"),
    ),
    ResolutionCase(
        "exclusive-greater-excludes-post-releases",
        {"a": _plain("1.0", "1.0.post1")}, "a>1.0\n", None,
    ),
    ResolutionCase(
        "inclusive-greater-takes-post-releases",
        {"a": _plain("1.0", "1.0.post1")}, "a>=1.0\n", {"a": "1.0.post1"},
    ),
    ResolutionCase(
        "equality-excludes-post-releases",
        {"a": _plain("1.0", "1.0.post1")}, "a==1.0\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "equality-matches-local-versions",
        {"a": _plain("1.0", "1.0+local")}, "a==1.0\n", {"a": "1.0+local"},
    ),
    ResolutionCase(
        "local-version-pinned",
        {"a": _plain("1.0", "1.0+local", "1.0+other")}, "a==1.0+local\n", {"a": "1.0+local"},
    ),
    ResolutionCase(
        "local-version-below-an-inclusive-bound",
        {"a": _plain("1.0", "1.0+local", "1.1")}, "a<=1.0\n", {"a": "1.0+local"},
    ),
    ResolutionCase(
        "exclusion-excludes-local-versions",
        {"a": _plain("0.9", "1.0+local")}, "a!=1.0\n", {"a": "0.9"},
    ),
    ResolutionCase(
        "old-style-parenthesized-specifiers",
        _ISSUE_134,
        "pandas<=1.4.0,>=1.3.5\npystac<=1.8.3,>=1.8.2\npystac-client<=0.3.3,>=0.3.2\n"
        "sat-stac<=0.1.1\n",
        {"pandas": "1.3.5", "pystac": "1.8.3", "pystac-client": "0.3.3", "sat-stac": "0.1.1",
         "python-dateutil": "2.7.5", "requests": "2.31.0"},
        source="resolvelib issue-134",
        nix_bug=(
            "resolvelib 1.0.1 refuses this satisfiable set (resolvelib issue 134, fixed in "
            "1.1); the resolver derivation runs with nixpkgs' resolvelib, so Nix fails the "
            "evaluation where `mach-nix resolve` (resolvelib 1.1+) resolves"
        ),
    ),
    # --- yanked releases (PEP 592) --------------------------------------------------------
    ResolutionCase("yanked-not-chosen", _YANKED, "a\n", {"a": "1.0"}),
    ResolutionCase("yanked-pinned-with-equality", _YANKED, "a==2.0\n", {"a": "2.0"}),
    ResolutionCase("yanked-pinned-with-arbitrary-equality", _YANKED, "a===2.0\n", {"a": "2.0"}),
    ResolutionCase("yanked-wildcard-is-not-a-pin", _YANKED, "a==2.*\n", None),
    ResolutionCase("yanked-range-is-not-a-pin", _YANKED, "a>=2\n", None),
    ResolutionCase("yanked-pre-release-pinned", _YANKED, "a==2.1b1\n", {"a": "2.1b1"}),
    ResolutionCase("yanked-pin-and-a-range", _YANKED, "a==2.0\na>=1\n", {"a": "2.0"}),
    ResolutionCase(
        "yanked-pinned-by-a-constraint", _YANKED, "a\n-c constraints.txt\n", {"a": "2.0"},
        files={"constraints.txt": "a==2.0\n"},
    ),
    ResolutionCase(
        "yanked-file-that-fits-beside-one-that-does-not",
        {"a": {"1.0": release([]), "2.0": release([], files=[
            wheel("a", "2.0", "cp311-cp311-manylinux_2_17_x86_64", yanked=True),
            wheel("a", "2.0", "cp311-cp311-macosx_11_0_arm64")])}},
        "a\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "yanked-pinned-by-a-dependency",
        {**_YANKED, "r": {"1.0": release(["a==2.0"])}}, "r\n", {"r": "1.0", "a": "2.0"},
        uv=UvDifference(None, "Yanked releases pinned by a dependency"),
    ),
    ResolutionCase(
        "yanked-pinned-and-asked-with-an-extra",
        {"lib": {"1.0": release(['a; extra == "x"']),
                 "2.0": release(['a; extra == "x"'], yanked=True)}, **_LIB_WITH_EXTRA},
        "lib==2.0\nlib[x]\n", {"lib": "2.0", "a": "1.0"},
    ),
    ResolutionCase(
        "yanked-pinned-by-a-constraint-with-an-extra",
        {"lib": {"1.0": release(['a; extra == "x"']),
                 "2.0": release(['a; extra == "x"'], yanked=True)}, **_LIB_WITH_EXTRA},
        "lib[x]\n-c constraints.txt\n", {"lib": "2.0", "a": "1.0"},
        files={"constraints.txt": "lib==2.0\n"},
    ),
    # --- pre-releases (PEP 440) -----------------------------------------------------------
    ResolutionCase(
        "pre-release-not-chosen-by-default", {"pkg": _plain("1.0", "2.0a1")}, "pkg\n",
        {"pkg": "1.0"}, source="pip test_new_resolver_handles_prerelease[default]",
    ),
    ResolutionCase(
        "pre-release-pinned", {"pkg": _plain("1.0", "2.0a1")}, "pkg==2.0a1\n",
        {"pkg": "2.0a1"}, source="pip test_new_resolver_handles_prerelease[exact-pre]",
    ),
    ResolutionCase(
        "pre-release-allowed-with-pre", {"pkg": _plain("1.0", "2.0a1")}, "pkg\n",
        {"pkg": "2.0a1"}, pre=True,
        source="pip test_new_resolver_handles_prerelease[explicit-pre]",
    ),
    ResolutionCase(
        "pre-release-when-there-is-no-final-release", {"pkg": _plain("2.0a1")}, "pkg\n",
        {"pkg": "2.0a1"}, source="pip test_new_resolver_handles_prerelease[no-stable]",
    ),
    ResolutionCase(
        "pre-release-named-by-a-specifier", {"a": _plain("1.0", "2.0b1")}, "a>=2.0b1\n",
        {"a": "2.0b1"},
    ),
    ResolutionCase(
        "pre-release-when-no-final-release-fits", {"a": _plain("1.0", "2.0b1")}, "a>1.0\n",
        {"a": "2.0b1"},
    ),
    ResolutionCase(
        "pre-release-named-by-a-dependency",
        {"r": {"1.0": release(["a>=2.0b1"])}, "a": _plain("1.0", "2.0b1")}, "r\n",
        {"r": "1.0", "a": "2.0b1"},
    ),
    ResolutionCase(
        "pre-release-named-by-a-constraint",
        {"a": _plain("1.0", "2.0b1")}, "a\n-c constraints.txt\n", {"a": "2.0b1"},
        files={"constraints.txt": "a>=2.0b1\n"},
    ),
    ResolutionCase(
        "pre-release-of-an-exclusive-upper-bound",
        {"a": _plain("1.0", "1.5rc1", "2.0b1")}, "a<2.0\n", {"a": "1.5rc1"}, pre=True,
    ),
    ResolutionCase(
        "pre-release-named-beside-a-final-release-that-fits",
        {"a": _plain("1.0", "2.0", "3.0b1")}, "a>=2.0b1\n", {"a": "3.0b1"},
        uv=UvDifference({"a": "2.0"}, "Pre-releases a specifier names"),
    ),
    ResolutionCase(
        "pre-release-named-by-a-dependency-beside-a-final-release-that-fits",
        {"r": {"1.0": release(["a>=2.0b1"])}, "a": _plain("1.0", "2.0", "3.0b1")}, "r\n",
        {"r": "1.0", "a": "3.0b1"},
        uv=UvDifference({"r": "1.0", "a": "2.0"}, "Pre-releases a specifier names"),
    ),
    ResolutionCase(
        "pre-release-named-by-an-exclusive-bound",
        {"a": _plain("1.0", "1.5b1", "3.0")}, "a<3.0rc1\n", {"a": "1.5b1"},
        uv=UvDifference({"a": "1.0"}, "Pre-releases a specifier names"),
    ),
    ResolutionCase(
        "pre-release-is-not-a-last-resort",
        {"a": {"1.0": release(["q>=2"]), "2.0b1": release([])}, "q": _plain("1.0")}, "a\n",
        None,
        uv=UvDifference({"a": "2.0b1"}, "Pre-releases as a last resort"),
    ),
    ResolutionCase(
        "dev-release-is-a-pre-release", {"a": _plain("1.0", "1.1.dev1")}, "a\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "pre-release-pinned-and-asked-with-an-extra",
        {"lib": {"1.0": release(['a; extra == "x"']), "2.0b1": release(['a; extra == "x"'])},
         **_LIB_WITH_EXTRA},
        "lib==2.0b1\nlib[x]\n", {"lib": "2.0b1", "a": "1.0"},
    ),
    ResolutionCase(
        "pre-release-named-for-a-project-a-dependency-wants-with-an-extra",
        {"r": {"1.0": release(["lib[x]"])},
         "lib": {"1.0": release(['a; extra == "x"']), "2.0b1": release(['a; extra == "x"'])},
         **_LIB_WITH_EXTRA},
        "r\nlib>=2.0b1\n", {"r": "1.0", "lib": "2.0b1", "a": "1.0"},
    ),
    # --- names ----------------------------------------------------------------------------
    ResolutionCase(
        "names-are-normalized-everywhere",
        {"r": {"1.0": release(["FOO.bar<2", "foo_BAR>=1", "Zope.Interface"])},
         "foo-bar": _plain("1.0", "2.0"), "zope-interface": _plain("5.0")},
        "R\nFoo_Bar\nfoo.bar>=1\n",
        {"r": "1.0", "foo-bar": "1.0", "zope-interface": "5.0"},
    ),
    # --- constraints ----------------------------------------------------------------------
    ResolutionCase(
        "constraint-limits-a-requirement",
        {"pkg": _plain("1.0", "2.0", "3.0")}, "pkg\n-c constraints.txt\n", {"pkg": "1.0"},
        files={"constraints.txt": "pkg<2.0\nconstraint_only<1.0\n"},
        source="pip test_new_resolver_constraints",
    ),
    ResolutionCase(
        "constraint-on-a-dependency",
        {"base": _plain("1.0", deps=("dep",)), "dep": _plain("1.0", "2.0", "3.0")},
        "base\n-c constraints.txt\n", {"base": "1.0", "dep": "2.0"},
        files={"constraints.txt": "Dep==2.0\n"},
        source="pip test_new_resolver_constraint_on_dependency",
    ),
    ResolutionCase(
        "constraint-adds-no-project",
        {"a": _plain("1.0"), "b": _plain("1.0")}, "a\n-c constraints.txt\n", {"a": "1.0"},
        files={"constraints.txt": "b==1.0\n"},
    ),
    ResolutionCase(
        "constraint-with-a-false-marker",
        {"a": _plain("1.0", "2.0")}, "a\n-c constraints.txt\n", {"a": "2.0"},
        files={"constraints.txt": 'a<2; python_version < "3"\n'},
    ),
    ResolutionCase(
        "constraint-with-a-true-marker",
        {"a": _plain("1.0", "2.0")}, "a\n-c constraints.txt\n", {"a": "1.0"},
        files={"constraints.txt": 'a<2; python_version >= "3"\n'},
    ),
    ResolutionCase(
        "constraint-on-a-dependency-of-an-extra",
        {"r": {"1.0": release(['a; extra == "x"'])}, "a": _plain("1.0", "2.0")},
        "r[x]\n-c constraints.txt\n", {"r": "1.0", "a": "1.0"},
        files={"constraints.txt": "a<2\n"},
    ),
    ResolutionCase(
        "constraint-against-a-requirement",
        {"a": _plain("1.0", "2.0")}, "a>=2\n-c constraints.txt\n", None,
        files={"constraints.txt": "a<2\n"},
    ),
    ResolutionCase(
        "constraint-with-extras-is-refused",
        {"a": {"1.0": release(['b; extra == "x"']), "2.0": release([])}, "b": _plain("1.0")},
        "a\n-c constraints.txt\n", None,
        files={"constraints.txt": "a[x]<2\n"},
        uv=UvDifference({"a": "1.0"}, "Constraints with extras"),
    ),
    # --- backtracking and cycles ----------------------------------------------------------
    ResolutionCase(
        "older-release-for-an-older-dependency",
        {"six": _plain("1.11.0", "1.12.0", "1.14.0"),
         "virtualenv": {"16.7.9": release([]), "20.0.2": release(["six>=1.12.0,<2"])}},
        "six<1.12\nvirtualenv\n", {"six": "1.11.0", "virtualenv": "16.7.9"},
        source="resolvelib conflict-with-dependency",
    ),
    ResolutionCase(
        "backjump-through-a-shared-dependency",
        {"a": _plain("1", "2"), "b": {"1": release(["d==1"]), "2": release(["d==2"])},
         "c": _plain("1", "2"), "d": {"1": release(["a==1"]), "2": release(["a==2"])}},
        "a==1\nb\nc\n", {"a": "1", "b": "1", "c": "2", "d": "1"},
        source="resolvelib backjump-test-3",
    ),
    ResolutionCase(
        "newest-of-the-first-requirement-wins-a-tie", _TIE, "a\nb\n", {"a": "3.0", "b": "1.0"},
    ),
    ResolutionCase(
        "newest-of-the-first-requirement-wins-a-tie-reversed", _TIE, "b\na\n",
        {"a": "1.0", "b": "2.0"},
    ),
    ResolutionCase(
        "tie-between-requirements-not-in-alphabetical-order",
        {"zz": {"1.0": release([]), "2.0": release(["aa<2"])},
         "aa": {"1.0": release([]), "2.0": release(["zz<2"])}},
        "zz\naa\n", {"zz": "2.0", "aa": "1.0"},
    ),
    ResolutionCase(
        "cycle-of-three",
        {"a": _plain("1.0", deps=("b",)), "b": _plain("1.0", deps=("c",)),
         "c": _plain("1.0", deps=("a",))},
        "a\n", {"a": "1.0", "b": "1.0", "c": "1.0"},
    ),
    ResolutionCase(
        "cycle-through-an-extra",
        {"a": _plain("1.0", deps=("b[x]",)), "b": {"1.0": release(['a; extra == "x"'])}},
        "a\n", {"a": "1.0", "b": "1.0"},
    ),
    ResolutionCase(
        "project-depends-on-itself", {"a": _plain("1.0", deps=("a",))}, "a\n", {"a": "1.0"},
    ),
    # --- releases that cannot be used -----------------------------------------------------
    ResolutionCase(
        "unreadable-dependency-skips-the-release",
        {"a": {"1.0": release([]), "2.0": release(["b >>= 1"])}, "b": _plain("1.0")},
        "a\n", {"a": "1.0"},
    ),
    ResolutionCase(
        "url-dependency-skips-the-release",
        {"a": {"1.0": release([]), "2.0": release(["b @ https://example.com/b-1.0.tar.gz"])},
         "b": _plain("1.0")},
        "a\n", {"a": "1.0"},
        uv=UvDifference(None, "URL dependencies"),
    ),
    ResolutionCase(
        "release-without-files-is-skipped",
        {"a": {"1.0": release([]), "2.0": release([], files=[])}}, "a\n", {"a": "1.0"},
    ),
    # --- wheel tags and sdists ------------------------------------------------------------
    ResolutionCase("manylinux-newer-than-the-glibc",
                   _newer_wheel("cp311-cp311-manylinux_2_39_x86_64"), "a\n", {"a": "1.0"}),
    ResolutionCase("manylinux-of-the-glibc",
                   _newer_wheel("cp311-cp311-manylinux_2_36_x86_64"), "a\n", {"a": "2.0"}),
    ResolutionCase("manylinux1", _newer_wheel("cp311-cp311-manylinux1_x86_64"), "a\n",
                   {"a": "2.0"}),
    ResolutionCase("musllinux-on-glibc", _newer_wheel("cp311-cp311-musllinux_1_2_x86_64"),
                   "a\n", {"a": "1.0"}),
    ResolutionCase(
        "linux-wheel-is-not-portable", _newer_wheel("cp311-cp311-linux_x86_64"), "a\n",
        {"a": "1.0"}, uv=UvDifference({"a": "2.0"}, "linux_x86_64 wheels"),
    ),
    ResolutionCase("abi3-of-an-older-python", _newer_wheel("cp39-abi3-manylinux_2_17_x86_64"),
                   "a\n", {"a": "2.0"}),
    ResolutionCase("abi3-of-a-newer-python",
                   _newer_wheel("cp312-abi3-manylinux_2_17_x86_64"), "a\n", {"a": "1.0"}),
    ResolutionCase("binary-of-another-python",
                   _newer_wheel("cp312-cp312-manylinux_2_17_x86_64"), "a\n", {"a": "1.0"}),
    ResolutionCase("sdist-when-no-wheel-fits",
                   _newer_wheel("cp312-cp312-manylinux_2_17_x86_64", with_sdist=True), "a\n",
                   {"a": "2.0"}),
    ResolutionCase("zip-sdist", {"a": {"1.0": release([]), "2.0": release(
        [], files=[sdist("a", "2.0", ext=".zip")])}}, "a\n", {"a": "2.0"}),
    ResolutionCase("interpreter-specific-pure-wheel", _newer_wheel("cp311-none-any"), "a\n",
                   {"a": "2.0"}),
    ResolutionCase("python-2-wheel", _newer_wheel("py2-none-any"), "a\n", {"a": "1.0"}),
    ResolutionCase("minor-version-pure-wheel", _newer_wheel("py311-none-any"), "a\n",
                   {"a": "2.0"}),
    ResolutionCase("newer-minor-version-pure-wheel", _newer_wheel("py312-none-any"), "a\n",
                   {"a": "1.0"}),
    ResolutionCase("pure-python-manylinux-wheel",
                   _newer_wheel("py3-none-manylinux_2_17_x86_64"), "a\n", {"a": "2.0"}),
    ResolutionCase("debug-abi", _newer_wheel("cp311-cp311d-manylinux_2_17_x86_64"), "a\n",
                   {"a": "1.0"}),
    ResolutionCase("free-threaded-abi", _newer_wheel("cp313-cp313t-manylinux_2_17_x86_64"),
                   "a\n", {"a": "1.0"}, python="3.13.5"),
    ResolutionCase("pypy-wheel-on-cpython",
                   _newer_wheel("pp311-pypy311_pp73-manylinux_2_17_x86_64"), "a\n",
                   {"a": "1.0"}),
    ResolutionCase("windows-wheel", _newer_wheel("cp311-cp311-win_amd64"), "a\n", {"a": "1.0"}),
    ResolutionCase("aarch64-wheel-on-aarch64",
                   _newer_wheel("cp311-cp311-manylinux2014_aarch64"), "a\n", {"a": "2.0"},
                   system="aarch64-linux"),
    ResolutionCase("aarch64-wheel-on-x86_64",
                   _newer_wheel("cp311-cp311-manylinux2014_aarch64"), "a\n", {"a": "1.0"}),
    ResolutionCase("macos-11-arm64", _newer_wheel("cp311-cp311-macosx_11_0_arm64"), "a\n",
                   {"a": "2.0"}, system="aarch64-darwin"),
    ResolutionCase(
        "macos-12-arm64", _newer_wheel("cp311-cp311-macosx_12_0_arm64"), "a\n", {"a": "1.0"},
        system="aarch64-darwin", uv=UvDifference({"a": "2.0"}, "macOS version"),
    ),
    ResolutionCase("macos-14-arm64", _newer_wheel("cp311-cp311-macosx_14_0_arm64"), "a\n",
                   {"a": "1.0"}, system="aarch64-darwin"),
    ResolutionCase("macos-universal2-on-arm64",
                   _newer_wheel("cp311-cp311-macosx_10_9_universal2"), "a\n", {"a": "2.0"},
                   system="aarch64-darwin"),
    ResolutionCase("macos-x86_64-on-arm64", _newer_wheel("cp311-cp311-macosx_10_9_x86_64"),
                   "a\n", {"a": "1.0"}, system="aarch64-darwin"),
    ResolutionCase("macos-10.9-x86_64", _newer_wheel("cp311-cp311-macosx_10_9_x86_64"), "a\n",
                   {"a": "2.0"}, system="x86_64-darwin"),
    ResolutionCase(
        "macos-12-x86_64", _newer_wheel("cp311-cp311-macosx_12_0_x86_64"), "a\n", {"a": "1.0"},
        system="x86_64-darwin", uv=UvDifference({"a": "2.0"}, "macOS version"),
    ),
]
