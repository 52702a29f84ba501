"""End-to-end: `nix-build` environments from requirements, fetch real wheels from PyPI (their
sha256 checked by fixed-output fetches), and import the result.

Each case runs on the nixpkgs test double, and again on a real nixpkgs when
MACH_NIX_TEST_NIXPKGS=/path/to/nixpkgs is set (skipped with a message otherwise).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nixutil
import pytest

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
