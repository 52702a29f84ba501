"""Tests of the nixpkgs test double (tests/nixpkgs-double).

Two kinds: the evaluation cases in tests/nix/double/{lib,python-set,toplevel}.nix (each case an
`{ expr; expected; }` pair compared here), and real builds of tests/nix/double/builds.nix, whose
results are run or whose failures are checked for nixpkgs' error messages.
"""

from __future__ import annotations

import json
import platform
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import nixutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOUBLE = ROOT / "tests" / "nixpkgs-double"
CASES = ROOT / "tests" / "nix" / "double"
BUILDS = CASES / "builds.nix"

pytestmark = nixutil.requires_nix


def host_glibc_version() -> str:
    """The glibc version of this machine, which the double's stdenv.cc.libc must report."""
    lib, version = platform.libc_ver()
    assert lib == "glibc", lib
    return version


CASE_FILES: dict[str, dict[str, str]] = {
    "lib.nix": {},
    "python-set.nix": {},
    "toplevel.nix": {"glibcVersion": host_glibc_version()},
}


@cache
def cases_of(file: str) -> dict[str, Any]:
    argstrs = CASE_FILES[file]
    formals = "".join(f"{name}, " for name in argstrs)
    call = " ".join(f"inherit {name};" for name in argstrs)
    body = (
        f"builtins.mapAttrs (name: c: {{ inherit (c) expr expected; }}) "
        f"(import {CASES / file} {{ {call} }})"
    )
    expr = f"{{ {formals}... }}: {body}" if argstrs else body
    result: dict[str, Any] = nixutil.nix_eval(expr, argstrs=argstrs)
    return result


def case_ids() -> list[tuple[str, str]]:
    if not nixutil.have_nix():
        return [(file, "skipped") for file in CASE_FILES]
    return [(file, name) for file in CASE_FILES for name in cases_of(file)]


@pytest.mark.parametrize(("file", "name"), case_ids(), ids=lambda v: str(v))
def test_nix_case(file: str, name: str) -> None:
    case = cases_of(file)[name]
    assert case["expr"] == case["expected"], f"{file}: {name}"


def build(attr: str, release: str = "24.11") -> Path:
    return nixutil.nix_build(BUILDS, attr=attr, argstrs={"release": release})


def build_error(attr: str) -> str:
    return nixutil.nix_build_error(BUILDS, attr=attr)


def run_python(python: Path, code: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout


def double_expr(body: str, release: str = "24.11") -> str:
    return (
        f'let pkgs = import {DOUBLE} {{ release = "{release}"; }}; inherit (pkgs) lib python3; '
        f"ps = python3.pkgs; in {body}"
    )


@cache
def python_version() -> str:
    """The double's python3.pythonVersion ("3.11")."""
    version: str = nixutil.nix_eval(double_expr("python3.pythonVersion"))
    return version


DEMO_WHEEL = (
    'pkgs.fetchurl { url = "https://files.pythonhosted.org/packages/d9/5a/'
    'e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl"; '
    'sha256 = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"; }'
)


PROBE = """
import json, sys, resolvelib, packaging
print(json.dumps({
    "prefix": sys.prefix,
    "path": sys.path,
    "files": [resolvelib.__file__, packaging.__file__],
    "versions": [resolvelib.__version__, packaging.__version__],
}))
"""


def test_env_is_isolated_and_imports_from_the_store() -> None:
    env = build("env")
    probe = json.loads(run_python(env / "bin" / "python3", PROBE))
    assert probe["prefix"] == str(env)
    assert probe["versions"] == ["1.0.1", "24.1"]
    assert all(f.startswith("/nix/store/") for f in probe["files"])
    assert f"{env}/lib/python{python_version()}/site-packages" in probe["path"]
    assert not any("dist-packages" in p for p in probe["path"]), probe["path"]
    assert not any(p.startswith("/usr/local") for p in probe["path"]), probe["path"]
    # Programs of the env's packages run with the env's python.
    out = subprocess.run(
        [str(env / "bin" / "pyproject-build"), "--version"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert str(env) in out


def test_env_wrapper_arguments_and_post_build() -> None:
    env = build("envWrapped")
    assert (env / "marker").read_text() == "built\n"
    code = "import os, sys, build; print(os.environ['DOUBLE_FLAG']); print(sys.prefix)"
    flag, prefix = run_python(env / "bin" / f"python{python_version()}", code).splitlines()
    assert flag == "set by makeWrapperArgs"
    assert prefix == str(env)
    out = subprocess.run(
        [str(env / "bin" / "pyproject-build"), "--version"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.startswith("build 1.2.2")


def test_package_scripts_find_their_dependencies_without_an_env() -> None:
    build_pkg = build("build")
    out = subprocess.run(
        [str(build_pkg / "bin" / "pyproject-build"), "--version"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.startswith("build 1.2.2")


def test_wheel_install_layout() -> None:
    six = build("six")
    site = six / "lib" / f"python{python_version()}" / "site-packages"
    assert (site / "six.py").is_file()
    assert (site / "six-1.16.0.dist-info" / "METADATA").is_file()
    assert list((site / "__pycache__").glob("six.*.pyc"))
    pbi = (six / "nix-support" / "propagated-build-inputs").read_text()
    assert pbi.endswith(" ") and all(p.startswith("/nix/store/") for p in pbi.split())
    dist = nixutil.nix_build(BUILDS, attr="six.dist")
    assert [p.name for p in dist.iterdir()] == ["six-1.16.0-py2.py3-none-any.whl"]


def test_package_overrides_replace_six_in_the_env() -> None:
    env = build("envWithOverriddenSix")
    assert (
        run_python(env / "bin" / "python3", "import six; print(six.__version__)").strip()
        == "1.17.0"
    )


def test_override_python_attrs_replaces_the_version() -> None:
    env = build("envWithOverridePythonAttrs")
    assert (
        run_python(env / "bin" / "python3", "import six; print(six.__version__)").strip()
        == "1.17.0"
    )


def test_conflict_check_fails_on_two_sixes_in_one_closure() -> None:
    err = build_error("conflict")
    assert "Found duplicated packages in closure for dependency 'six'" in err
    assert "six 1.16.0" in err and "six 1.17.0" in err


def test_env_file_collisions() -> None:
    assert "collision between" in build_error("envCollision")
    env = build("envCollisionIgnored")
    # The first path wins.
    assert (
        run_python(env / "bin" / "python3", "import six; print(six.__version__)").strip()
        == "1.16.0"
    )


def test_wheel_builds_import_the_sets_own_wheel() -> None:
    out = build("wheelOnBuildPath")
    wheel = nixutil.nix_build(BUILDS, attr="wheelOnBuildPath.setsWheel")
    assert (wheel / "marked").is_file()
    assert (out / "wheel-file").read_text().startswith(f"{wheel}/lib/python")


def test_replacing_wheel_by_a_wheel_build_recurses() -> None:
    """nixpkgs' wheelUnpackHook propagates the set's `wheel`: a `wheel` built from its wheel
    (`format = "wheel"`) through packageOverrides needs itself."""
    replaced = (
        "let py = python3.override { self = py; packageOverrides = final: prev: { "
        'wheel = final.buildPythonPackage { pname = "wheel"; version = "0.44.0"; '
        'format = "wheel"; src = prev.wheel.src; }; }; }; in py.pkgs'
    )
    for attr in ("wheel", "six"):
        err = nixutil.nix_eval_error(double_expr(f"({replaced}).{attr}.drvPath"))
        assert "infinite recursion encountered" in err, err
    # The same package built as nixpkgs builds it (PEP 517, a bootstrap package) does not.
    pyproject = replaced.replace('format = "wheel";', "pyproject = true;")
    assert nixutil.nix_eval(double_expr(f"({pyproject}).six.drvPath")).endswith(".drv")


def test_bad_wheel_file_name_is_rejected() -> None:
    err = build_error("badWheelName")
    assert "'six-1.16.0.whl' is not a valid wheel file name" in err


def test_imports_check_imports() -> None:
    assert "No module named 'no_such_module_here'" in build_error("importsCheckFails")


def test_binary_wheel_with_auto_patchelf() -> None:
    out = build("binaryWheel")
    env = {"PYTHONPATH": str(next(out.glob("lib/python*/site-packages")))}
    python = nixutil.nix_eval(double_expr("python3.interpreter"))
    assert (
        run_python(Path(python), "import markupsafe._speedups; print('ok')", env=env).strip()
        == "ok"
    )


def rpath_of_speedups(out: Path) -> str:
    so = next(out.glob("lib/python*/site-packages/markupsafe/_speedups*.so"))
    return subprocess.run(
        ["patchelf", "--print-rpath", str(so)], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_auto_patchelf_missing_dependency_fails() -> None:
    err = build_error("binaryWheelMissingLib")
    assert "auto-patchelf could not satisfy dependency libdouble-missing.so.1 wanted by" in err


def test_auto_patchelf_ignores_globbed_dependencies_and_appends_runpaths() -> None:
    out = build("binaryWheelIgnoredLib")
    assert rpath_of_speedups(out) == "/run/double-extra"


def test_auto_patchelf_finds_libraries_in_build_inputs() -> None:
    # libstdc++ is not glibc: it must come from buildInputs, as in nixpkgs.
    assert "could not satisfy dependency libstdc++.so.6" in build_error("binaryWheelNeedsCxx")
    out = build("binaryWheelWithCxx")
    assert rpath_of_speedups(out).endswith("-gcc-host-lib/lib")
    out = build("binaryWheelManylinux")
    assert "manylinux2014-host-libs/lib" in rpath_of_speedups(out)


def test_pyproject_build_from_sdist() -> None:
    out = build("pyprojectBuild")
    assert list(out.glob("lib/python*/site-packages/resolvelib/__init__.py"))
    # 23.11 ignores `dependencies`: the set's own `build` must still have its dependencies.
    out = build("pyprojectBuildPortable", release="23.11")
    assert list(out.glob("lib/python*/site-packages/resolvelib/__init__.py"))
    assert "Missing dependencies" in build_error("pyprojectBuildWithoutBackend")


def test_tests_dir_is_removed() -> None:
    version = "lib/python${python3.pythonVersion}/site-packages"
    out = nixutil.nix_build(
        double_expr(
            "ps.six.overridePythonAttrs { postInstall = ''mkdir -p $out/"
            + version
            + "/tests $out/"
            + version
            + "/kept; touch $out/"
            + version
            + "/tests/__init__.py $out/"
            + version
            + "/kept/x''; }"
        )
    )
    site = next(out.glob("lib/python*/site-packages"))
    assert not (site / "tests").exists()
    assert (site / "kept").is_dir()


def test_release_2511_throws_when_neither_format_nor_pyproject() -> None:
    body = (
        f'(ps.buildPythonPackage {{ pname = "demo"; version = "1"; src = {DEMO_WHEEL}; }}).drvPath'
    )
    err = nixutil.nix_eval_error(double_expr(body, release="25.11"))
    assert "-demo-1 does not configure a `format`" in err
    assert "set `pyproject = true` and `build-system = [ setuptools ]`" in err
    # 24.11 defaults to setuptools instead.
    nixutil.nix_eval(double_expr(body))


def test_format_and_pyproject_together_fail_the_assertion() -> None:
    body = (
        f'(ps.buildPythonPackage {{ pname = "demo"; version = "1"; src = {DEMO_WHEEL}; '
        'pyproject = true; format = "wheel"; }).drvPath'
    )
    assert "assertion" in nixutil.nix_eval_error(double_expr(body))


def test_disabled_throws_on_drv_path() -> None:
    body = (
        f'(ps.buildPythonPackage {{ pname = "demo"; version = "1"; src = {DEMO_WHEEL}; '
        'format = "wheel"; disabled = true; }).drvPath'
    )
    err = nixutil.nix_eval_error(double_expr(body))
    assert "demo-1 not supported for interpreter python3." in err


def test_version_mismatch_throws() -> None:
    body = (
        "let other = let py = python3.override { self = py; sourceVersion = python3.sourceVersion "
        '// { patch = "99"; }; }; in py; in '
        f'(ps.buildPythonPackage {{ pname = "demo"; version = "1"; src = {DEMO_WHEEL}; '
        'format = "wheel"; dependencies = [ other.pkgs.six ]; }).drvPath'
    )
    assert "Python version mismatch in" in nixutil.nix_eval_error(double_expr(body))


def test_fetchurl_argument_errors() -> None:
    url = "https://files.pythonhosted.org/x/six-1.16.0-py2.py3-none-any.whl"
    err = nixutil.nix_eval_error(
        double_expr(
            f'(pkgs.fetchurl {{ url = "{url}"; sha256 = "{"0" * 64}"; hash = pkgs.lib.fakeHash; }}).drvPath'
        )
    )
    assert "multiple hashes passed to fetchurl" in err
    err = nixutil.nix_eval_error(
        double_expr(
            f'(pkgs.fetchurl {{ url = "{url}"; sha256 = "{"0" * 64}"; pname = "six"; }}).drvPath'
        )
    )
    assert "unexpected argument 'pname'" in err


def test_callpackage_missing_argument_aborts() -> None:
    err = nixutil.nix_eval_error(double_expr("(pkgs.callPackage ({ lib, noSuchArgument }: 1) { })"))
    assert (
        'lib.customisation.callPackageWith: Function called without required argument "noSuchArgument"'
        in err
    )


def test_env_interactive_attribute_refuses_to_build() -> None:
    err = nixutil.nix_build_error(double_expr("(python3.withPackages (ps: [ ])).env"))
    assert "intended for interactive nix-shell sessions" in err


def test_unmet_requirements_are_reported_as_nixpkgs_hooks_word_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runtime-deps check and the PEP 517 build's dependency check share one test of what
    is installed; each words what is missing its own way."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "nixpkgs-double" / "pylib"))
    import build_wheel
    import runtime_deps_check
    from packaging import __version__ as installed

    reqs = ["packaging>=1", "packaging<1", "no-such-dist-xyz>=2", 'no-such-dist-xyz; python_version < "3"']
    unmet = [(text, version) for text, _, version in runtime_deps_check.unmet(reqs)]
    assert unmet == [("packaging<1", installed), ("no-such-dist-xyz>=2", None)]
    assert build_wheel.missing_requirements(reqs) == [f"packaging<1 (found {installed})", "no-such-dist-xyz>=2"]
