"""Lock files (docs/lock-format.md): `mach-nix lock` writes one, lib/ builds from it with no
resolver run (import-from-derivation disabled), and refuses a lock that no longer fits."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import nixutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "tests" / "data" / "index"
DOUBLE = f"(import {ROOT}/tests/nixpkgs-double {{ }})"
# With import-from-derivation disabled, any resolver run fails the evaluation.
NO_IFD = {"allow-import-from-derivation": "false"}

pytestmark = nixutil.requires_nix

REQUIREMENTS = "requests[socks] >= 2.28  # http client\nattrs\n"
WITH_SIX = REQUIREMENTS + "six\n"


def mach_nix(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mach_nix", *argv],
        capture_output=True,
        text=True,
        check=False,
        env={**nixutil.nix_env(), "PYTHONPATH": str(ROOT / "resolver")},
    )


@pytest.fixture(scope="module")
def target() -> dict[str, Any]:
    """The target of the double's python3, as lib/ computes it."""
    t: dict[str, Any] = nixutil.nix_eval_json(f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).targetOf {DOUBLE}.python3")
    return t


def lock_args(target: dict[str, Any]) -> list[str]:
    return ["--python", target["python"]["version"], "--platform", target["system"], "--glibc",
            target["libc"]["version"], "--index", str(INDEX)]


@pytest.fixture(scope="module")
def lock(tmp_path_factory: pytest.TempPathFactory, target: dict[str, Any]) -> Path:
    d = tmp_path_factory.mktemp("lock")
    (d / "requirements.txt").write_text(REQUIREMENTS)
    out = d / "mach-nix.lock.json"
    result = mach_nix("lock", "-r", str(d / "requirements.txt"), "-o", str(out), *lock_args(target))
    assert result.returncode == 0, result.stderr
    return out


def mk_python(lock: Path, requirements: str = REQUIREMENTS) -> str:
    return (f"let pkgs = {DOUBLE}; m = import {ROOT} {{ inherit pkgs; }}; in "
            f"m.mkPython {{ requirements = {json.dumps(requirements)}; lockFile = {lock}; }}")


def edited(lock: Path, tmp_path: Path, edit: Any) -> Path:
    doc = json.loads(lock.read_text())
    edit(doc)
    out = tmp_path / lock.name
    out.write_text(json.dumps(doc))
    return out


def test_lock_is_the_resolution_plus_its_request(lock: Path, target: dict[str, Any]) -> None:
    doc = json.loads(lock.read_text())
    assert doc["schemaVersion"] == 1
    assert doc["request"]["requirements"] == REQUIREMENTS
    assert doc["request"]["target"] == target
    for pkg in doc["packages"].values():
        assert pkg["file"]["url"].startswith("https://") and len(pkg["file"]["sha256"]) == 64


def test_lock_builds_with_no_resolver_run(lock: Path) -> None:
    env = nixutil.nix_build_expr(mk_python(lock), options=NO_IFD)
    probe = "import requests, socks, attrs; print(requests.__version__)"
    out = subprocess.run([str(env / "bin" / "python"), "-c", probe], check=True, capture_output=True, text=True)
    locked = json.loads(lock.read_text())["packages"]["requests"]["version"]
    assert out.stdout.strip() == locked


def test_comments_and_spaces_do_not_invalidate_a_lock(lock: Path) -> None:
    same = "# my app\nrequests[socks]>=2.28\n\n  attrs   # data classes\n"
    drv = nixutil.nix_eval_json(f"({mk_python(lock, same)}).drvPath", options=NO_IFD)
    assert drv.endswith(".drv")


def test_changed_requirements_are_refused_with_the_relock_command(lock: Path, target: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    err = nixutil.nix_eval_error(f"({mk_python(lock, WITH_SIX)}).drvPath")
    assert f"the lock file {lock} does not fit: the requirements changed; not in the lock: 'six'" in err
    command = err.split("Re-lock with: ", 1)[1].split("\n", 1)[0].rstrip(".")
    assert command.startswith("mach-nix lock -r requirements.txt --python ")

    # The printed command works, and its lock fits.
    (tmp_path / "requirements.txt").write_text(WITH_SIX)
    argv = shlex.split(command)[1:] + ["--index", str(INDEX)]
    result = subprocess.run([sys.executable, "-m", "mach_nix", *argv], cwd=tmp_path, capture_output=True, text=True,
                            check=False, env={**nixutil.nix_env(), "PYTHONPATH": str(ROOT / "resolver")})
    assert result.returncode == 0, result.stderr
    relocked = tmp_path / lock.name
    drv = nixutil.nix_eval_json(f"({mk_python(relocked, WITH_SIX)}).drvPath",
                                options=NO_IFD)
    assert drv.endswith(".drv")


def test_another_python_minor_is_refused(lock: Path, tmp_path: Path) -> None:
    def other_minor(doc: dict[str, Any]) -> None:
        doc["request"]["target"]["python"]["version"] = "3.99.0"

    err = nixutil.nix_eval_error(f"({mk_python(edited(lock, tmp_path, other_minor))}).drvPath")
    assert "it was made for cpython 3.99.0, the interpreter is cpython" in err


def test_a_patch_release_keeps_the_lock(lock: Path, tmp_path: Path) -> None:
    def other_patch(doc: dict[str, Any]) -> None:
        major, minor, _ = doc["request"]["target"]["python"]["version"].split(".")
        doc["request"]["target"]["python"]["version"] = f"{major}.{minor}.99"

    drv = nixutil.nix_eval_json(f"({mk_python(edited(lock, tmp_path, other_patch))}).drvPath",
                                options=NO_IFD)
    assert drv.endswith(".drv")


def test_a_newer_glibc_in_the_lock_is_refused(lock: Path, tmp_path: Path) -> None:
    def newer_glibc(doc: dict[str, Any]) -> None:
        doc["request"]["target"]["libc"]["version"] = "9.99"

    err = nixutil.nix_eval_error(f"({mk_python(edited(lock, tmp_path, newer_glibc))}).drvPath")
    assert "it was made for glibc 9.99, newer than the interpreter's" in err


def test_a_resolution_is_not_a_lock(lock: Path, tmp_path: Path) -> None:
    err = nixutil.nix_eval_error(f"({mk_python(edited(lock, tmp_path, lambda d: d.pop('request')))}).drvPath")
    assert "is not a mach-nix lock file (it has no `request`)" in err


def test_neither_lock_nor_index_names_both_ways() -> None:
    err = nixutil.nix_eval_error(
        f'(let pkgs = {DOUBLE}; in (import {ROOT} {{ inherit pkgs; }}).mkPython {{ requirements = "attrs"; }}).drvPath'
    )
    assert "mach-nix.mkPython: nothing to resolve against" in err
    assert "mach-nix lock -r requirements.txt -o mach-nix.lock.json" in err
    assert "pypiIndex" in err
