"""A private index end to end (docs/indexes.md, "Credentials" and "Building from a private
index with Nix"): `mach-nix lock` against an index behind basic auth (credentials from a netrc
file, or in the URL), then `mkPython { lockFile = ...; }` built by Nix on the nixpkgs double,
which downloads the locked wheels with Nix's own fetcher (`<nix/fetchurl.nix>`): it is given the
credentials by Nix's `netrc-file` setting, and without them the build fails with HTTP 401. The
token is then searched for, as text and as its basic-auth base64 form, in everything that was
written: the lock, the resolver's cache, the environment's closure, the derivations it was built
from (with their build-time closure), and what Nix printed.

The index is tests/pypiserver.py on 127.0.0.1 with a fresh random token, serving two small pure
wheels built here with a random nonce in them, so that every run's wheels are new to the store
and Nix really downloads them (a file already in the store is never fetched again).

The double's builds need the host's /usr/bin/python3, so they run without the sandbox
(tests/nixutil.py sets `sandbox = false`); the download of a wheel needs nothing from the host,
so one test realises just the fetch derivations mkPython made, in the sandbox, to check that
`netrc-file` reaches Nix's fetcher there as well. Where Nix cannot make a sandbox that test is
skipped with Nix's reason: inside a chroot (as /work/shared/tools/other-debian runs Debian 13)
the kernel refuses the user namespace and "/" is no mount point whose propagation could be
changed; the same Debian 13 entered with pivot_root instead of chroot sandboxes, and passes.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nixutil
import pytest
from pypiserver import FakePyPI, make_wheel, metadata_text, serve

ROOT = Path(__file__).resolve().parent.parent
DOUBLE = f"(import {ROOT}/tests/nixpkgs-double {{ }})"
NO_IFD = {"allow-import-from-derivation": "false"}
USER = "ci-bot"
#: files bigger than this are not searched for the token (none of a small env's are)
BIG = 64 * 1024 * 1024

pytestmark = nixutil.requires_nix


# --- the index -------------------------------------------------------------------------------


def pure_wheel(name: str, version: str, requires: Sequence[str], module: str) -> bytes:
    """A pure wheel with a RECORD (installer installs what RECORD lists) whose METADATA is the
    one pypiserver serves as its PEP 658 `.metadata` file."""
    return make_wheel(name, version, metadata_text(name, version, requires), module=module)


@dataclass(frozen=True)
class Private:
    """The running index, its secret, and the nonces its two wheels carry."""

    index: FakePyPI
    token: str
    nonces: dict[str, str]

    @property
    def secret_forms(self) -> list[bytes]:
        """The token and the `Authorization: Basic` value it travels in."""
        return [self.token.encode(), base64.b64encode(f"{USER}:{self.token}".encode())]

    def wheel_path(self, name: str) -> str:
        return f"/files/{name}/{name}-1.0-py3-none-any.whl"

    def nix_fetches(self, name: str) -> list[dict[str, str]]:
        """The requests Nix's downloader (its user agent says `Nix/`) made for a wheel."""
        return [h for p, h in self.index.requests
                if p == self.wheel_path(name) and "Nix/" in h.get("User-Agent", "")]


@pytest.fixture
def private() -> Iterator[Private]:
    """An HTML index behind basic auth (as most private ones are) with `corptools`, which needs
    `corpdep`; the token is random, 64 characters."""
    token = secrets.token_urlsafe(48)
    nonces = {name: secrets.token_hex(16) for name in ("corptools", "corpdep")}
    with serve() as s:
        s.simple_format = "html"
        s.auth = (USER, token)
        for name, requires in (("corptools", ["corpdep>=1"]), ("corpdep", [])):
            s.add_wheel(name, "1.0", requires)
            # the same METADATA, in a wheel installer can install, carrying this run's nonce
            s.projects[name]["1.0"][-1].body = pure_wheel(
                name, "1.0", requires, f"NONCE = {nonces[name]!r}\n")
        s.publish()
        yield Private(s, token, nonces)


# --- mach-nix and Nix -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def target() -> dict[str, Any]:
    """The double's interpreter (the host's python) as mach-nix targets it."""
    t: dict[str, Any] = nixutil.nix_eval_json(
        f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).targetOf {DOUBLE}.python3")
    return t


def lock(private: Private, target: dict[str, Any], work: Path, variant: str) -> Path:
    """`mach-nix lock` of `corptools` from the index, the credentials in a netrc file (`$NETRC`)
    or in `--index-url`; the cache is `$XDG_CACHE_HOME/mach-nix` under `work`."""
    (work / "requirements.txt").write_text("corptools\n")
    netrc = work / "netrc"
    netrc.write_text(f"machine 127.0.0.1\n  login {USER}\n  password {private.token}\n")
    netrc.chmod(0o600)
    url = f"{private.index.url}/simple/"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in ("MACH_NIX_CACHE_DIR", "PYTHONPATH")}
    env.update(PYTHONPATH=str(ROOT / "resolver"), XDG_CACHE_HOME=str(work / "xdg"))
    if variant == "netrc":
        env["NETRC"] = str(netrc)
    else:
        env["NETRC"] = str(work / "no-netrc")
        url = url.replace("://", f"://{USER}:{private.token}@", 1)
    out = work / "lock.json"
    result = subprocess.run(
        [sys.executable, "-m", "mach_nix", "lock", "-r", str(work / "requirements.txt"),
         "--index-url", url, "--python", target["python"]["version"], "--platform",
         target["system"], "--glibc", target["libc"]["version"], "-o", str(out)],
        capture_output=True, text=True, check=False, env=env, cwd=work)
    assert result.returncode == 0, result.stderr
    assert_nowhere(private, [], result.stdout, result.stderr)
    return out


def mk_python(work: Path) -> str:
    return (f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).mkPython {{ "
            f"requirements = {work}/requirements.txt; lockFile = {work}/lock.json; }}")


def nix_options(netrc: Path, **more: str) -> dict[str, str]:
    """NO_IFD (a lock needs no resolver run) and Nix's `netrc-file`: the credentials file, or
    one that is not there, so that a /etc/nix/netrc on the machine does not count."""
    return {**NO_IFD, "netrc-file": str(netrc), **more}


def nix_command(*argv: str) -> subprocess.CompletedProcess[str]:
    """A Nix command with the harness's settings, stdout and stderr kept (to search them)."""
    return subprocess.run(list(argv), capture_output=True, text=True, check=False,
                          env=nixutil.nix_env())


def store_query(*argv: str) -> list[str]:
    result = nix_command("nix-store", *argv)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


# --- searching for the token -----------------------------------------------------------------


def assert_nowhere(private: Private, paths: Sequence[Path], *texts: str) -> int:
    """No file under `paths` (symlink targets included) nor any of `texts` holds the token or
    its base64 form; returns how many files were read."""
    read = 0
    for text in texts:
        for secret in private.secret_forms:
            assert secret.decode() not in text, "the credentials were printed"
    for top in paths:
        walk: Iterator[tuple[str, list[str], list[str]]] = (
            iter([(str(top.parent), [], [top.name])]) if not top.is_dir() or top.is_symlink()
            else os.walk(top))
        for directory, dirnames, filenames in walk:
            for name in filenames + dirnames:
                f = Path(directory) / name
                if f.is_symlink():
                    data = os.readlink(f).encode()
                elif f.is_file() and f.stat().st_size <= BIG:
                    data = f.read_bytes()
                    read += 1
                else:
                    continue
                for secret in private.secret_forms:
                    assert secret not in data, f"{f} holds the credentials"
    return read


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["netrc", "url"])
def test_lock_build_and_import_from_a_private_index(
    private: Private, target: dict[str, Any], tmp_path: Path, variant: str
) -> None:
    lock_file = lock(private, target, tmp_path, variant)
    locked = json.loads(lock_file.read_text())["packages"]
    assert {n: p["version"] for n, p in locked.items()} == {"corptools": "1.0", "corpdep": "1.0"}
    for name, p in locked.items():
        assert p["file"]["url"] == private.index.url + private.wheel_path(name)  # no credentials
    expr = mk_python(tmp_path)

    # Without credentials Nix's fetcher gets 401 and says so, with the plain URL only.
    error = nixutil.nix_build_error(expr, options=nix_options(tmp_path / "no-netrc"))
    assert "HTTP error 401" in error, error
    assert f"{private.index.url}/files/corp" in error
    assert_nowhere(private, [], error)
    assert all(not h.get("Authorization") for n in locked for h in private.nix_fetches(n))

    # With Nix's netrc-file it downloads them (basic auth), builds, and the env imports them.
    eval_out = nix_command("nix-instantiate", "--option", "netrc-file", str(tmp_path / "netrc"),
                           "--option", "allow-import-from-derivation", "false", "-E", expr)
    assert eval_out.returncode == 0, eval_out.stderr
    env = nixutil.nix_build_expr(expr, options=nix_options(tmp_path / "netrc"))
    for name in locked:
        assert any(h.get("Authorization") for h in private.nix_fetches(name)), name
    probe = ("import json, corptools, corpdep; print(json.dumps([corptools.NONCE, corpdep.NONCE,"
             " corptools.__file__]))")
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(env / "bin" / "python"), "-c", probe], check=True,
                         capture_output=True, text=True, env=clean).stdout
    tools, dep, path = json.loads(out)
    assert (tools, dep) == (private.nonces["corptools"], private.nonces["corpdep"])
    assert path.startswith("/nix/store/")

    # What is in the store is not downloaded again: a rebuild needs no credentials.
    assert nixutil.nix_build_expr(expr, options=nix_options(tmp_path / "no-netrc")) == env

    # The token is nowhere: lock, cache, the env's closure, the derivations it was built from
    # and their build-time closure (the fetched wheels included), what Nix printed.
    closure = store_query("--query", "--requisites", str(env))
    (deriver,) = store_query("--query", "--deriver", str(env))
    assert deriver.endswith(".drv"), deriver
    build_closure = store_query("--query", "--requisites", "--include-outputs", deriver)
    drvs = [p for p in build_closure if p.endswith(".drv")]
    assert any(d.endswith("corptools-1.0-py3-none-any.whl.drv") for d in drvs)
    assert_nowhere(private, [lock_file, tmp_path / "xdg"])
    assert list((tmp_path / "xdg" / "mach-nix").rglob("*")), "the resolver's cache was not used"
    read = assert_nowhere(private, [Path(p) for p in sorted(set(closure + build_closure))],
                          eval_out.stdout, eval_out.stderr)
    assert read > len(drvs)


def test_wheels_are_fetched_in_the_sandbox_with_netrc_file(
    private: Private, target: dict[str, Any], tmp_path: Path
) -> None:
    """The fetch derivations of mkPython's env, realised in Nix's sandbox (`sandbox = true`,
    no fallback to an unsandboxed build): netrc-file still gives the credentials."""
    lock(private, target, tmp_path, "netrc")
    drv = nix_command("nix-instantiate", "--option", "allow-import-from-derivation", "false",
                      "-E", mk_python(tmp_path))
    assert drv.returncode == 0, drv.stderr
    fetches = sorted(p for p in store_query("--query", "--requisites", drv.stdout.strip())
                     if p.endswith(("corptools-1.0-py3-none-any.whl.drv",
                                    "corpdep-1.0-py3-none-any.whl.drv")))
    assert len(fetches) == 2, fetches
    sandbox = {"sandbox": "true", "sandbox-fallback": "false"}
    for fetch in fetches:
        error = nixutil.nix_build_error(
            Path(fetch), options=nix_options(tmp_path / "no-netrc", **sandbox))
        if "does not support the kernel namespaces" in error:
            pytest.skip("Nix cannot sandbox builds on this machine (no mount or user namespaces "
                        f"for it here, e.g. inside a chroot): {error.strip().splitlines()[-1]}")
        assert "HTTP error 401" in error, error
        assert_nowhere(private, [], error)
        wheel = nixutil.nix_build(Path(fetch), options=nix_options(tmp_path / "netrc", **sandbox))
        name = wheel.name.split("-", 2)[1]  # <hash>-<name>-1.0-py3-none-any.whl
        assert wheel.read_bytes() == private.index.routes[private.wheel_path(name)]
        assert any(h.get("Authorization") for h in private.nix_fetches(name)), name
