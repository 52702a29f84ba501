"""End-to-end: `nix-build` environments from requirements, fetch real wheels from PyPI (their
sha256 checked by fixed-output fetches), and import the result.

Each case runs on the nixpkgs test double, and again on a real nixpkgs when
MACH_NIX_TEST_NIXPKGS=/path/to/nixpkgs is set (skipped with a message otherwise).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import nixutil
import pytest
from indexfactory import make_index, release, sdist, wheel
from mach_nix.index import File, Project, Release, write_project

ROOT = Path(__file__).resolve().parent.parent

pytestmark = nixutil.requires_nix

REAL_NIXPKGS = os.environ.get("MACH_NIX_TEST_NIXPKGS")

PKGS = [
    pytest.param(f"import {ROOT}/tests/nixpkgs-double {{ }}", id="double"),
    pytest.param(
        f"import {REAL_NIXPKGS} {{ }}" if REAL_NIXPKGS else None,
        id="nixpkgs",
        marks=pytest.mark.skipif(
            not REAL_NIXPKGS,
            reason="set MACH_NIX_TEST_NIXPKGS=/path/to/nixpkgs to run the end-to-end builds on a real nixpkgs",
        ),
    ),
]

# The requirements of example.nix (the README's example); the test checks they are the same.
EXAMPLE_REQUIREMENTS = """\
    requests[socks] >= 2.28
    attrs; python_version >= "3.8"
"""

PROBE = """
import importlib.metadata as md, json, sys
import requests, socks, attrs
print(json.dumps({
    "path": sys.path,
    "prefix": sys.prefix,
    "files": {m.__name__: m.__file__ for m in (requests, socks, attrs)},
    "versions": {d.metadata["Name"].lower(): d.version for d in md.distributions()},
}))
"""


@pytest.fixture(scope="module", params=PKGS)
def pkgs_expr(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_issue_example_builds_and_imports(pkgs_expr: str) -> None:
    assert EXAMPLE_REQUIREMENTS in (ROOT / "example.nix").read_text()
    env = nixutil.nix_build_file(ROOT / "example.nix", args={"pkgs": pkgs_expr})
    python = env / "bin" / "python"
    out = subprocess.run([str(python), "-c", PROBE], check=True, capture_output=True, text=True)
    probe = json.loads(out.stdout)

    # Every imported module comes from the Nix store, none from the host's site-packages.
    for module, file in probe["files"].items():
        assert file.startswith("/nix/store/"), (module, file)
    assert not [p for p in probe["path"] if "dist-packages" in p or p.startswith("/usr/local")]

    # The environment holds exactly what the resolver pinned, at the pinned versions.
    resolution = json.loads(
        nixutil.nix_build_expr(
            f"let pkgs = {pkgs_expr}; m = import {ROOT} {{ inherit pkgs; pypiIndex = {ROOT}/tests/data/index; }}; "
            f"in m.resolutionDrv {{ requirements = {json.dumps(EXAMPLE_REQUIREMENTS)}; }}"
        ).read_text()
    )
    for name, pkg in resolution["packages"].items():
        assert probe["versions"].get(name) == pkg["version"], name


def test_sdist_provider_builds_from_source(pkgs_expr: str) -> None:
    """`providers.six = "sdist"` builds six from its .tar.gz with its PEP 517 backend."""
    expr = (
        f"let pkgs = {pkgs_expr}; m = import {ROOT} {{ inherit pkgs; pypiIndex = {ROOT}/tests/data/index; }}; "
        'args = { requirements = "six\\nattrs\\n"; providers.six = "sdist"; }; '
        "in { env = m.mkPython args; six = (m.resolution args).packages.six; }"
    )
    six = nixutil.nix_eval_json(f"({expr}).six", read_write=True)
    assert six["provider"] == "sdist"
    assert six["file"]["filename"].endswith(".tar.gz")

    env = nixutil.nix_build_expr(expr, attr="env")
    out = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import six, attrs; print(six.__version__)"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == six["version"]


def test_overrides_replace_the_package_sets_own_versions(pkgs_expr: str) -> None:
    """m.mkPythonOverrides is the core: used with python.override, the set's own `six` is
    replaced by the resolved one."""
    expr = (
        f"let pkgs = {pkgs_expr}; m = import {ROOT} {{ inherit pkgs; pypiIndex = {ROOT}/tests/data/index; }}; "
        'overrides = m.mkPythonOverrides { requirements = "six==1.17.0\\npython-dateutil\\n"; }; '
        "py = pkgs.python3.override { self = py; packageOverrides = overrides; }; "
        "in { original = pkgs.python3.pkgs.six.version; six = py.pkgs.six.version; "
        "env = py.withPackages (ps: [ ps.python-dateutil ps.six ]); }"
    )
    versions = nixutil.nix_eval_json(f"let r = {expr}; in {{ inherit (r) original six; }}", read_write=True)
    assert versions["six"] == "1.17.0"
    assert versions["original"] != "1.17.0"  # the set had another six before

    env = nixutil.nix_build_expr(expr, attr="env")
    probe = "import dateutil, six; print(six.__version__)"
    out = subprocess.run([str(env / "bin" / "python"), "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "1.17.0"


# wheel 0.44.0 as on PyPI: the fixture index has no `wheel`, these tests add it.
WHEEL_0_44 = {
    "filename": "wheel-0.44.0-py3-none-any.whl",
    "url": "https://files.pythonhosted.org/packages/1b/d1/9babe2ccaecff775992753d8686970b1e2755d21c8a63be73aba7a4e7d77/wheel-0.44.0-py3-none-any.whl",
    "sha256": "2376a90c98cc337d18623527a97c31797bd02bad0033d41547043a1cbfbe448f",
}


def index_with_wheel(root: Path) -> Path:
    """The fixture index plus `wheel` 0.44.0 (a real PyPI file)."""
    shutil.copytree(ROOT / "tests" / "data" / "index", root)
    wheel_file = File(kind="wheel", tags=File.wheel_tags(WHEEL_0_44["filename"]), **WHEEL_0_44)
    wheel_release = Release(version="0.44.0", requires_dist=(), requires_python=">=3.8", files=(wheel_file,))
    write_project(root, Project(name="wheel", releases=(wheel_release,)))
    return root


def test_build_tools_in_the_resolution_build_and_import(pkgs_expr: str, tmp_path: Path) -> None:
    """`wheel` (a wheel) and `packaging` (an sdist) in the requirements: nixpkgs' hooks need
    both, so mach-nix builds them with the interpreter's own set instead of recursing. The env
    holds the resolved versions and one `wheel`."""
    index = index_with_wheel(tmp_path / "index")
    expr = (
        f"let pkgs = {pkgs_expr}; m = import {ROOT} {{ inherit pkgs; pypiIndex = {index}; }}; "
        'args = { requirements = "wheel\\nsix\\npackaging==21.3\\n"; providers.packaging = "sdist"; }; '
        "in { env = m.mkPython args; resolution = m.resolution args; }"
    )
    resolution = nixutil.nix_eval_json(f"({expr}).resolution", read_write=True)
    assert resolution["packages"]["packaging"]["provider"] == "sdist"
    assert resolution["packages"]["wheel"]["provider"] == "wheel"

    env = nixutil.nix_build_expr(expr, attr="env")
    probe = (
        "import importlib.metadata as md, json, os, wheel, packaging, six; "
        "print(json.dumps({'versions': {d.metadata['Name'].lower(): d.version for d in md.distributions()}, "
        "'wheel': os.path.realpath(wheel.__file__)}))"
    )
    # Without the test run's PYTHONPATH, which would add its own distributions.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [str(env / "bin" / "python"), "-c", probe], check=True, capture_output=True, text=True, env=clean
    )
    result = json.loads(out.stdout)
    assert result["versions"] == {name: pkg["version"] for name, pkg in resolution["packages"].items()}

    # One `wheel` in the env's runtime closure, and it is the one the env imports.
    closure = subprocess.run(
        ["nix-store", "-qR", str(env)], check=True, capture_output=True, text=True, env=nixutil.nix_env()
    ).stdout.split()
    wheels = [p for p in closure if p.split("-", 1)[1].endswith("-wheel-0.44.0")]
    assert len(wheels) == 1, wheels
    assert result["wheel"].startswith(wheels[0] + "/")


def test_build_tools_built_with_the_interpreters_own_set(pkgs_expr: str, tmp_path: Path) -> None:
    """Evaluation only (synthetic files): every build tool nixpkgs' hooks need, from either
    provider, and what they depend on (`wheel` 0.46 needs `packaging`; here also `zipp`, which
    would need `wheel` again), is built without the overridden set's hooks; other packages'
    hooks do use the resolved `wheel`."""

    def both(name: str, version: str, requires: list[str]) -> dict[str, Any]:
        return release(requires, files=[wheel(name, version), sdist(name, version)])

    index = make_index(tmp_path / "index", {
        "wheel": {"0.46.1": both("wheel", "0.46.1", ["packaging>=24.0", "zipp"])},
        "zipp": {"3.20.0": both("zipp", "3.20.0", [])},
        "packaging": {"24.2": both("packaging", "24.2", [])},
        "setuptools": {"75.1.0": both("setuptools", "75.1.0", [])},
        "build": {"1.2.2": both("build", "1.2.2", ["packaging>=19.1", "pyproject-hooks"])},
        "pyproject-hooks": {"1.2.0": both("pyproject-hooks", "1.2.0", [])},
        "pip": {"24.2": both("pip", "24.2", [])},
        "six": {"1.17.0": both("six", "1.17.0", [])},
        "demo": {"1.0": release(["six", "packaging"], files=[sdist("demo", "1.0")])},
    })
    providers = "{ wheel = \"wheel\"; setuptools = \"sdist\"; packaging = \"sdist\"; pip = \"sdist\"; }"
    expr = f"""
      let
        pkgs = {pkgs_expr};
        inherit (pkgs) lib;
        m = import {ROOT} {{ inherit pkgs; pypiIndex = {index}; }};
        args = {{ requirements = "wheel\\nsetuptools\\nbuild\\npip\\ndemo\\n"; providers = {providers}; }};
        py = pkgs.python3.override {{ self = py; packageOverrides = m.mkPythonOverrides args; }};
        ps = py.pkgs;
        keyed = d: {{ key = d.outPath; inherit d; }};
        # What a build sees of its nativeBuildInputs: them and their propagated closure.
        buildClosure = drv: map (e: e.key) (builtins.genericClosure {{
          startSet = map keyed (builtins.filter lib.isDerivation drv.nativeBuildInputs);
          operator = e: map keyed (builtins.filter lib.isDerivation (e.d.propagatedBuildInputs or [ ]));
        }});
        sees = pkg: drv: builtins.elem pkg.outPath (buildClosure drv);
        names = [ "wheel" "packaging" "zipp" "setuptools" "build" "pyproject-hooks" "pip" "six" "demo" ];
      in {{
        env = (m.mkPython args).drvPath;
        versions = lib.genAttrs names (n: ps.${{n}}.version);
        toolsSeeResolvedWheel = lib.genAttrs names (n: sees ps.wheel ps.${{n}});
        demoSeesResolvedSetuptools = sees ps.setuptools ps.demo;
      }}
    """
    result = nixutil.nix_eval_json(expr, read_write=True)
    assert result["env"].endswith("-env.drv")
    assert result["versions"]["wheel"] == "0.46.1" and result["versions"]["packaging"] == "24.2"
    assert result["toolsSeeResolvedWheel"] == {
        "wheel": False, "packaging": False, "zipp": False, "setuptools": False, "build": False,
        "pyproject-hooks": False, "pip": False, "six": True, "demo": True,
    }
    assert result["demoSeesResolvedSetuptools"] is True
