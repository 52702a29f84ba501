"""Nix evaluation tests of lib/: its pure functions, the request it writes, errors, entry points.

The evaluations run `nix-instantiate --eval --strict` on the nixpkgs test double; the ones that
need the resolver use import-from-derivation (`--read-write-mode`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nixutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
INDEX = ROOT / "tests" / "data" / "index"

pytestmark = nixutil.requires_nix

DOUBLE = f"(import {ROOT}/tests/nixpkgs-double {{ }})"


def lib_expr(body: str, **lib_args: str) -> str:
    args = " ".join(f"{k} = {v};" for k, v in lib_args.items())
    return f"let pkgs = {DOUBLE}; m = import {ROOT} {{ inherit pkgs; {args} }}; in {body}"


def test_normalize_name_agrees_with_python() -> None:
    sys.path.insert(0, str(ROOT / "resolver"))
    from mach_nix.names import normalize

    cases = json.loads((CASES / "names.json").read_text())
    nix = nixutil.nix_eval_json(
        f"let lib = {DOUBLE}.lib; n = import {ROOT}/lib/names.nix {{ inherit lib; }}; "
        f"in builtins.mapAttrs (raw: _: n.normalizeName raw) "
        f"(builtins.fromJSON (builtins.readFile {CASES}/names.json))"
    )
    assert nix == cases
    assert {raw: normalize(raw) for raw in cases} == cases


def test_target_read_from_the_interpreter() -> None:
    target = nixutil.nix_eval_json(lib_expr("m.targetOf pkgs.python3"))
    assert target["system"] == nixutil.nix_eval_json("builtins.currentSystem")
    assert target["python"]["implementation"] == "cpython"
    # The double's interpreter is the host's /usr/bin/python3, whatever version that is.
    assert target["python"]["version"] == nixutil.host_python_version()
    assert target["libc"]["name"] == "glibc"
    assert target["libc"]["version"].startswith("2.")


def test_pypy_is_refused_with_a_message() -> None:
    # nixpkgs' pypy has the PyPy release in `version`: resolving with it would be wrong.
    err = nixutil.nix_eval_error(
        lib_expr('m.targetOf (pkgs.python3 // { implementation = "pypy"; name = "pypy3.10-7.3.17"; })')
    )
    assert "pypy3.10-7.3.17 is a pypy interpreter; mach-nix resolves for CPython only" in err


def test_request_is_request_v1() -> None:
    sys.path.insert(0, str(ROOT / "resolver"))
    from mach_nix.formats import Request

    req = nixutil.nix_eval_json(
        lib_expr('m.mkRequest { python = pkgs.python3; requirements = "attrs\\n"; providers = { numpy = "wheel"; }; }')
    )
    parsed = Request.from_dict(req)  # the resolver's own validation accepts what Nix writes
    assert parsed.requirements == "attrs\n"
    assert req["providers"] == {"_default": "wheel,sdist", "numpy": "wheel"}
    assert req["schemaVersion"] == 1


def test_requirements_must_be_a_string() -> None:
    err = nixutil.nix_eval_error(
        lib_expr('m.mkRequest { python = pkgs.python3; requirements = [ "attrs" ]; }')
    )
    assert "requirements` must be the text of a requirements.txt" in err
    assert "builtins.readFile" in err


def test_unknown_python_is_explained() -> None:
    err = nixutil.nix_eval_error(
        lib_expr('(m.mkPython { requirements = "attrs"; python = "python27"; }).drvPath', pypiIndex=str(INDEX))
    )
    assert '`python = "python27"` names no interpreter' in err


def test_unsatisfiable_requirements_fail_evaluation_with_the_explanation() -> None:
    err = nixutil.nix_eval_error(
        lib_expr(
            '(m.resolution { requirements = "flask==3.0.0\\nwerkzeug<3\\n"; }).roots',
            pypiIndex=str(INDEX),
        ),
        read_write=True,
    )
    # The same chain the CLI prints: who asked for what, and what flask itself needs.
    assert "error: mach-nix: Cannot resolve the requirements" in err
    assert "you asked for flask==3.0.0" in err
    assert "flask 3.0.0 needs werkzeug>=3.0.0" in err
    assert "you also asked for werkzeug<3" in err
    assert "Traceback" not in err


def test_unknown_package_fails_evaluation_with_suggestion() -> None:
    err = nixutil.nix_eval_error(
        lib_expr('(m.resolution { requirements = "reqeusts\\n"; }).roots', pypiIndex=str(INDEX)),
        read_write=True,
    )
    assert "reqeusts" in err and "requests" in err
    assert "Traceback" not in err


def test_resolution_through_nix_matches_the_cli() -> None:
    """Nix and the CLI resolve the same request to the same document."""
    requirements = 'requests[socks] >= 2.28\nattrs; python_version >= "3.8"\n'
    out = nixutil.nix_build_expr(
        lib_expr(f"m.resolutionDrv {{ requirements = {json.dumps(requirements)}; }}", pypiIndex=str(INDEX))
    )
    doc = json.loads(out.read_text())
    assert doc["schemaVersion"] == 1
    assert doc["roots"] == ["attrs", "requests"]
    assert "pysocks" in doc["packages"]["requests"]["dependencies"]
    for pkg in doc["packages"].values():
        assert pkg["provider"] == "wheel"
        assert pkg["file"]["url"].startswith("https://files.pythonhosted.org/")
        assert len(pkg["file"]["sha256"]) == 64
    # Same request, run again from scratch: byte-identical output (`--check` rebuilds and compares).
    nixutil.nix_build_expr(
        lib_expr(f"m.resolutionDrv {{ requirements = {json.dumps(requirements)}; }}", pypiIndex=str(INDEX)),
        check=True,
    )


def test_flake_and_default_nix_are_one_code_path() -> None:
    names = nixutil.nix_eval_json(
        f"builtins.attrNames ((import {ROOT}/flake.nix).outputs {{ self = null; }}).lib"
    )
    assert names == ["mkPython", "mkPythonOverrides", "mkPythonShell", "resolution", "resolutionDrv"]
    same = nixutil.nix_eval_json(
        f"let pkgs = {DOUBLE}; flake = (import {ROOT}/flake.nix).outputs {{ self = null; }}; "
        f"args = {{ requirements = \"attrs\"; pypiIndex = {INDEX}; }}; "
        f"in (flake.lib.mkPython (args // {{ inherit pkgs; }})).drvPath "
        f"== ((import {ROOT} {{ inherit pkgs; }}).mkPython args).drvPath",
        read_write=True,
    )
    assert same is True


@pytest.mark.skipif(not nixutil.has_flakes(), reason="this Nix has no flakes support")
def test_flake_evaluates_as_a_flake() -> None:
    names = nixutil.nix_eval_json(f'builtins.attrNames (builtins.getFlake "git+file://{ROOT}").lib', impure=True)
    assert "mkPython" in names


CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "request.json").is_file())


def test_golden_cases_are_there() -> None:
    # A parametrized test over no cases would pass silently: there must be cases to check.
    assert len(CASE_DIRS) >= 8
    assert any(p.name.startswith("error-") for p in CASE_DIRS)


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_golden_case_through_nix(case: Path) -> None:
    """The resolver derivation writes each shared case's resolution byte for byte, and lib/'s
    reader accepts it, or throws the resolver's own message for the error cases."""
    resolve = (
        f"let pkgs = {DOUBLE}; inherit (pkgs) lib; "
        f"target = import {ROOT}/lib/target.nix {{ inherit lib; }}; "
        f"resolution1 = import {ROOT}/lib/resolution1.nix {{ inherit lib; }}; "
        f"resolve = import {ROOT}/lib/resolve.nix {{ inherit lib target resolution1; }}; "
        f"drv = resolve.resolverDrv {{ python = pkgs.python3; index = {INDEX}; "
        f"system = builtins.currentSystem; "
        f"request = builtins.fromJSON (builtins.readFile {case}/request.json); }}; in "
    )
    out = nixutil.nix_build_expr(resolve + "drv")
    expected = case / "resolution.json"
    assert out.read_bytes() == expected.read_bytes()

    doc = json.loads(expected.read_text())
    read = resolve + "builtins.attrNames (resolve.read drv).packages"
    if "error" in doc:
        err = nixutil.nix_eval_error(read, read_write=True)
        assert f"error: mach-nix: {doc['error']['message'][:60]}" in err
    else:
        assert nixutil.nix_eval_json(read, read_write=True) == sorted(doc["packages"])


def test_every_public_function_is_tested() -> None:
    """Every function the library returns is exercised by name in some test module."""
    public = nixutil.nix_eval_json(f"builtins.attrNames (import {ROOT} {{ pkgs = {DOUBLE}; }})")
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py"))
    untested = [name for name in public if f"m.{name}" not in tests and f".{name} " not in tests]
    assert public and not untested
