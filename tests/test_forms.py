"""Direct references end to end (issue 8, requirement forms): `name @ https://...whl`, git
lines, local paths, `-e ./pkg`, `--hash` and `--no-binary`/`--only-binary`.

Each form is resolved through the CLI (the URL one downloads a real wheel from PyPI), locked,
built with mkPython from the lock on the nixpkgs double and imported; the editable package is
imported from the working tree in mkPythonShell, and an edit shows without a rebuild. The
import-from-derivation path resolves pinned references that lib/ fetched first, and refuses an
unpinned git line with a message saying how to pin it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nixutil
import pytest
from mach_nix.requirements import parse_requirement_set
from pypiserver import make_wheel, metadata_text

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "tests" / "data" / "index"
DOUBLE = f"(import {ROOT}/tests/nixpkgs-double {{ }})"
NO_IFD = {"allow-import-from-derivation": "false"}

SIX_URL = (
    "https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781"
    "dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl"
)
SIX_SHA256 = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
dependencies = {deps}
"""


def write_project(root: Path, name: str, version: str, deps: list[str], *, src: bool,
                  value: str = "1") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(name=name, version=version, deps=json.dumps(deps)))
    package = (root / "src" / name) if src else (root / name)
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(f"VALUE = {value!r}\n")
    return root


def write_wheel(path: Path, name: str, version: str) -> Path:
    """A pure wheel made by hand (what `pip wheel` would write for a one-module project)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_wheel(name, version, metadata_text(name, version, ["six"]),
                                module="VALUE = 'wheel'\n"))
    return path


def write_sdist(path: Path, name: str, version: str) -> Path:
    """An sdist with static metadata (PKG-INFO 2.2 and pyproject [project])."""
    import io
    import tarfile

    top = f"{name}-{version}"
    members = {
        f"{top}/PKG-INFO": f"Metadata-Version: 2.2\nName: {name}\nVersion: {version}\n"
                           "Requires-Dist: attrs\n".encode(),
        f"{top}/pyproject.toml": PYPROJECT.format(name=name, version=version,
                                                  deps='["attrs"]').encode(),
        f"{top}/{name}/__init__.py": b"VALUE = 'sdist'\n",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for n, d in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(d)
            tf.addfile(info, io.BytesIO(d))
    return path


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A project directory: a src-layout path package, a flat editable package, and a git
    repository with a tagged 1.0 and a 1.1 on main."""
    d = tmp_path_factory.mktemp("forms")
    write_project(d / "pathpkg", "pathpkg", "0.1.0", ["six"], src=True)
    write_project(d / "editpkg", "editpkg", "0.2.0", ["attrs"], src=False, value="before")
    write_wheel(d / "dist" / "wheelpkg-0.3-py3-none-any.whl", "wheelpkg", "0.3")
    write_sdist(d / "dist" / "sdistpkg-0.4.tar.gz", "sdistpkg", "0.4")
    repo = d / "repo"
    write_project(repo, "gitpkg", "1.0", ["attrs"], src=False, value="v1")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "1.0")
    git(repo, "tag", "v1.0")
    v1 = git(repo, "rev-parse", "HEAD")
    write_project(repo, "gitpkg", "1.1", ["attrs"], src=False, value="v1.1")
    git(repo, "commit", "-qam", "1.1")
    v11 = git(repo, "rev-parse", "HEAD")
    return {"dir": d, "repo": repo, "v1": v1, "v11": v11}


@pytest.fixture(scope="module")
def target() -> dict[str, Any]:
    t: dict[str, Any] = nixutil.nix_eval_json(
        f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).targetOf {DOUBLE}.python3")
    return t


def mach_nix(*argv: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mach_nix", *argv], capture_output=True, text=True, check=False,
        env={**nixutil.nix_env(), "PYTHONPATH": str(ROOT / "resolver"),
             "MACH_NIX_CACHE_DIR": str(cache)},
    )


def target_args(target: dict[str, Any]) -> list[str]:
    return ["--python", target["python"]["version"], "--platform", target["system"],
            "--glibc", target["libc"]["version"], "--index", str(INDEX)]


def requirements_text(project: dict[str, Any], rev: str = "v1.0") -> str:
    return (
        f"six @ {SIX_URL}\n"
        "./pathpkg\n"
        "-e ./editpkg\n"
        f"gitpkg @ git+file://{project['repo']}@{rev}\n"
        "./dist/wheelpkg-0.3-py3-none-any.whl\n"
        "sdistpkg @ file://{dir}/dist/sdistpkg-0.4.tar.gz\n".replace("{dir}", str(project["dir"]))
    )


# --- parsing ------------------------------------------------------------------------------


def test_references_nix_and_python_key_alike(tmp_path: Path) -> None:
    """lib/direct.nix finds the direct references of a text under the keys the resolver's
    parser gives them (the request's directReferences)."""
    text = (
        f"six @ {SIX_URL}#sha256={SIX_SHA256} --hash=sha256:{SIX_SHA256}\n"
        "Foo[bar] @ git+https://example.org/foo.git@v1#subdirectory=py ; python_version > '3'\n"
        "-e ./editpkg[x]\n"
        "--editable=../other\n"
        "./pathpkg\n"
        "./dist/idna-3.10-py3-none-any.whl  # a wheel\n"
        "file:///abs/pkg\n"
        "git+file:///repo@main#egg=gitpkg\n"
        "attrs >= 1\n"
        "--pre\n"
        "bar[x]@https://h/bar-1.0.tar.gz\n"
        "baz @ ./baz\n"
    )
    python_keys = [r.link.written for r in parse_requirement_set(text, base_dir=tmp_path).requirements
                   if r.link is not None]
    nix_keys = nixutil.nix_eval_json(
        f"let lib = {DOUBLE}.lib; sources = import {ROOT}/lib/sources.nix {{ inherit lib; }}; "
        f"requirementsText = import {ROOT}/lib/requirements.nix {{ inherit lib; }}; "
        f"in (import {ROOT}/lib/direct.nix {{ inherit lib sources requirementsText; }}).references "
        f"{json.dumps(text)}"
    )
    assert nix_keys == python_keys
    assert len(python_keys) == 10


# --- resolving through the CLI ----------------------------------------------------------


def test_cli_resolves_every_form(project: dict[str, Any], target: dict[str, Any],
                                 tmp_path: Path) -> None:
    req = project["dir"] / "requirements.txt"
    req.write_text(requirements_text(project) + "python-dateutil\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path)
    assert result.returncode == 0, result.stderr
    packages = json.loads(result.stdout)["packages"]
    six = packages["six"]
    assert six["source"] == {"kind": "url", "url": SIX_URL}
    assert six["version"] == "1.16.0" and six["provider"] == "wheel"
    assert six["file"]["sha256"] == SIX_SHA256  # found by downloading it
    assert packages["pathpkg"]["source"] == {"kind": "path", "path": "./pathpkg"}
    assert "file" not in packages["pathpkg"] and packages["pathpkg"]["provider"] == "sdist"
    assert packages["pathpkg"]["dependencies"] == ["six"]
    assert packages["editpkg"]["source"] == {"kind": "editable", "path": "./editpkg"}
    assert packages["gitpkg"]["source"] == {"kind": "git", "url": f"file://{project['repo']}",
                                            "rev": project["v1"]}
    assert packages["gitpkg"]["version"] == "1.0"
    wheel = packages["wheelpkg"]
    assert wheel["source"] == {"kind": "path", "path": "./dist/wheelpkg-0.3-py3-none-any.whl"}
    assert wheel["provider"] == "wheel" and wheel["dependencies"] == ["six"]
    assert wheel["file"]["filename"] == "wheelpkg-0.3-py3-none-any.whl"
    sdist = packages["sdistpkg"]
    assert sdist["provider"] == "sdist" and sdist["file"]["filename"] == "sdistpkg-0.4.tar.gz"
    assert sdist["source"] == {"kind": "path",
                               "path": f"{project['dir']}/dist/sdistpkg-0.4.tar.gz"}
    # index packages keep the old shape: no source field
    assert "source" not in packages["attrs"] and "source" not in packages["python-dateutil"]


@pytest.mark.parametrize(("rev", "version"), [("main", "1.1"), ("v1.0", "1.0"), ("", "1.1")])
def test_git_revisions_resolve_to_full_commits(project: dict[str, Any], target: dict[str, Any],
                                               tmp_path: Path, rev: str, version: str) -> None:
    req = tmp_path / "requirements.txt"
    at = f"@{rev}" if rev else ""
    req.write_text(f"gitpkg @ git+file://{project['repo']}{at}\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path)
    assert result.returncode == 0, result.stderr
    pkg = json.loads(result.stdout)["packages"]["gitpkg"]
    assert pkg["version"] == version
    assert pkg["source"]["rev"] == (project["v1"] if version == "1.0" else project["v11"])


def test_git_credentials_never_reach_the_cache_path(project: dict[str, Any],
                                                   target: dict[str, Any],
                                                   tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("gitpkg @ git+https://user:s3cret@127.0.0.1:9/nothing.git@main\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
    assert result.returncode == 1
    assert "git clone failed" in result.stderr and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr
    for path in (tmp_path / "c").rglob("*"):
        assert "s3cret" not in str(path)


def test_git_url_of_a_non_repository_quotes_gits_reason(target: dict[str, Any],
                                                       tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    req = tmp_path / "requirements.txt"
    req.write_text(f"gitpkg @ git+file://{tmp_path / 'plain'}@main\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # git's first line of complaint, not its closing advice ("and the repository exists.")
    assert "git clone failed (fatal:" in result.stderr
    assert "does not appear to be a git repository" in result.stderr


def test_a_revision_missing_from_a_cached_clone_says_why_updating_failed(
        target: dict[str, Any], tmp_path: Path) -> None:
    repo = write_project(tmp_path / "repo", "gitpkg", "1.0", [], src=False)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1")
    req = tmp_path / "requirements.txt"
    req.write_text(f"gitpkg @ git+file://{repo}@main\n")
    first = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
    assert first.returncode == 0, first.stderr
    repo.rename(tmp_path / "moved")
    req.write_text(f"gitpkg @ git+file://{repo}@v2\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'v2' is not in the cached clone, and updating it failed" in result.stderr
    assert "does not appear to be a git repository" in result.stderr


@pytest.mark.parametrize(
    ("lines", "expect"),
    [
        (f"six @ {SIX_URL}\nsix>=1.17\n",
         ["six is 1.16.0, fixed by its direct reference", "line 1", "six>=1.17"]),
        (f"six @ {SIX_URL}#sha256={'0' * 64}\n",
         [f"has sha256 {SIX_SHA256}", f"#sha256={'0' * 64}", "six-1.16.0-py2.py3-none-any.whl"]),
        ("six==1.17.0 --hash=sha256:" + "a" * 64 + "\n",
         ["six-1.17.0", "a" * 64, "none of the hashes"]),
        ("six==1.17.0 --hash=sha256:" + "a" * 64 + "\nattrs\n",
         ["attrs has no --hash", "line 2"]),
        ("pathpkg @ ./pathpkg-missing\n", ["does not exist", "pathpkg-missing"]),
        ("pathpkg @ file:///nonexistent/pathpkg\n",
         [": /nonexistent/pathpkg does not exist; fix the path."]),
        ("wrongname @ ./pathpkg\n", ["names wrongname", "pathpkg 0.1.0"]),
    ],
)
def test_direct_reference_errors(project: dict[str, Any], target: dict[str, Any],
                                 tmp_path: Path, lines: str, expect: list[str]) -> None:
    req = project["dir"] / f"req-{abs(hash(lines))}.txt"
    req.write_text(lines)
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    message = result.stderr.replace("\n", " ")
    for part in expect:
        assert part in message, (part, message)


def test_hashes_that_match_pass(target: dict[str, Any], tmp_path: Path) -> None:
    from mach_nix.index import Index

    project = Index(INDEX).project("six")
    assert project is not None
    (release,) = [r for r in project.releases if r.version == "1.17.0"]
    hashes = " ".join(f"--hash=sha256:{f.sha256}" for f in release.files)
    req = tmp_path / "requirements.txt"
    req.write_text(f"six==1.17.0 {hashes}\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("lines", "providers", "expect"),
    [
        ("--no-binary six\nsix\n", [], "sdist"),
        ("--no-binary :all:\nsix\n", [], "sdist"),
        ("--no-binary :all:\n--only-binary six\nsix\n", [], "wheel"),
        ("--no-binary six\nsix\n", ["--provider", "six=wheel"], "wheel"),  # explicit wins
    ],
)
def test_binary_options_choose_providers(target: dict[str, Any], tmp_path: Path, lines: str,
                                         providers: list[str], expect: str) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text(lines)
    result = mach_nix("resolve", "-r", str(req), *target_args(target), *providers, cache=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["packages"]["six"]["provider"] == expect


# --- lock, build, import ----------------------------------------------------------------


@pytest.fixture(scope="module")
def locked(project: dict[str, Any], target: dict[str, Any],
           tmp_path_factory: pytest.TempPathFactory) -> Path:
    req = project["dir"] / "requirements.txt"
    req.write_text(requirements_text(project))
    lock = project["dir"] / "mach-nix.lock.json"
    result = mach_nix("lock", "-r", str(req), "-o", str(lock), *target_args(target),
                      cache=tmp_path_factory.mktemp("cache"))
    assert result.returncode == 0, result.stderr
    return lock


def run_python(python: Path, code: str, env: dict[str, str] | None = None) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True,
                          env={**clean, **(env or {})}).stdout.strip()


def test_lock_builds_and_imports_every_form(project: dict[str, Any], locked: Path) -> None:
    lock = json.loads(locked.read_text())
    assert lock["packages"]["gitpkg"]["source"]["rev"] == project["v1"]
    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).mkPython {{ "
            f"requirements = {project['dir']}/requirements.txt; lockFile = {locked}; }}")
    env = nixutil.nix_build_expr(expr, options=NO_IFD)
    out = run_python(env / "bin" / "python", (
        "import json, six, pathpkg, editpkg, gitpkg, attrs, wheelpkg, sdistpkg; "
        "print(json.dumps([six.__version__, pathpkg.VALUE, editpkg.VALUE, gitpkg.VALUE, "
        "wheelpkg.VALUE, sdistpkg.VALUE, editpkg.__file__]))"))
    six, pathpkg, editpkg, gitpkg, wheelpkg, sdistpkg, editfile = json.loads(out)
    assert (six, pathpkg, editpkg, gitpkg) == ("1.16.0", "1", "before", "v1")
    assert (wheelpkg, sdistpkg) == ("wheel", "sdist")
    assert editfile.startswith("/nix/store/")  # mkPython builds the editable package too


def test_relative_paths_need_a_directory(project: dict[str, Any], locked: Path) -> None:
    text = (project["dir"] / "requirements.txt").read_text()
    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).mkPython {{ "
            f"requirements = {json.dumps(text)}; lockFile = {locked}; }}")
    error = nixutil.nix_build_error(expr, options=NO_IFD)
    assert "Pass `projectDir = ./.;`" in error.replace("\n", " ")
    expr = expr.replace("lockFile", f"projectDir = {project['dir']}; lockFile")
    assert nixutil.nix_eval_json(f"({expr}).drvPath", options=NO_IFD).endswith(".drv")


def test_python_shell_imports_the_editable_package_from_the_working_tree(
    project: dict[str, Any], locked: Path
) -> None:
    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).mkPythonShell {{ "
            f"requirements = {project['dir']}/requirements.txt; lockFile = {locked}; }}")
    shell = nixutil.nix_eval_json(
        f"let s = {expr}; in {{ inherit (s) shellHook editable; drv = s.drvPath; }}",
        options=NO_IFD)
    assert shell["editable"] == ["editpkg"]
    env = nixutil.nix_build_expr(f"({expr}).pythonEnv", options=NO_IFD)
    nixutil.nix_build_expr(expr, options=NO_IFD)  # the shell derivation builds, as in nixpkgs
    source = project["dir"] / "editpkg" / "editpkg" / "__init__.py"
    probe = "import editpkg, six, attrs; print(editpkg.VALUE, editpkg.__file__)"

    def in_shell() -> str:
        # what `nix-shell` does: the packages on PATH, then the shellHook
        script = f"{shell['shellHook']}\nexec python -c {json.dumps(probe)}\n"
        clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True,
                              env={**clean, "PATH": f"{env}/bin:/usr/bin:/bin"}).stdout.strip()

    assert in_shell() == f"before {source}"
    # the env holds the editable package's dependencies but not the package itself
    assert not list((env / "lib").glob("python3*/site-packages/editpkg"))
    source.write_text("VALUE = 'after'\n")
    try:
        assert in_shell() == f"after {source}"  # no rebuild
    finally:
        source.write_text("VALUE = 'before'\n")


# --- resolving during evaluation (import-from-derivation) ------------------------------------


def test_ifd_resolves_pinned_references(project: dict[str, Any]) -> None:
    text = (f"six @ {SIX_URL}#sha256={SIX_SHA256}\n"
            "./pathpkg\n"
            f"gitpkg @ git+file://{project['repo']}@{project['v1']}\n")
    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; pypiIndex = {INDEX}; }}).resolution {{ "
            f"requirements = {json.dumps(text)}; projectDir = {project['dir']}; }}")
    packages = nixutil.nix_eval_json(expr, read_write=True)["packages"]
    assert packages["six"]["file"]["sha256"] == SIX_SHA256
    assert packages["pathpkg"]["source"] == {"kind": "path", "path": "./pathpkg"}
    assert packages["gitpkg"]["source"]["rev"] == project["v1"]
    env = nixutil.nix_build_expr(expr.replace(").resolution {", ").mkPython {"))
    out = run_python(env / "bin" / "python", "import six, pathpkg, gitpkg; print(gitpkg.VALUE)")
    assert out == "v1"


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("gitpkg @ git+file://{repo}@v1.0", "write the full 40-digit commit after @"),
        (f"six @ {SIX_URL}", "add the file's hash to the URL (`#sha256=<64 hex digits>`"),
    ],
)
def test_ifd_refuses_unpinned_references(project: dict[str, Any], line: str, expect: str) -> None:
    text = line.format(repo=project["repo"]) + "\n"
    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; pypiIndex = {INDEX}; }}).resolution {{ "
            f"requirements = {json.dumps(text)}; }}")
    error = nixutil.nix_eval_error(expr, read_write=True).replace("\n", " ")
    assert expect in error, error
    assert "mach-nix lock" in error and "Traceback" not in error


def test_a_local_archive_changed_since_the_lock_is_refused(project: dict[str, Any], locked: Path,
                                                          tmp_path: Path) -> None:
    lock = json.loads(locked.read_text())
    lock["packages"]["wheelpkg"]["file"]["sha256"] = "0" * 64
    stale = tmp_path / "mach-nix.lock.json"
    stale.write_text(json.dumps(lock))
    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; }}).mkPython {{ requirements = "
            f"{project['dir']}/requirements.txt; lockFile = {stale}; }}")
    error = nixutil.nix_eval_error(f"({expr}).drvPath", options=NO_IFD).replace("\n", " ")
    assert "wheelpkg's archive" in error and "changed since it was resolved" in error


def test_pinned_urls_are_cached_by_hash(target: dict[str, Any], tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text(f"six @ {SIX_URL}#sha256={SIX_SHA256}\n")
    first = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "c" / "files" / SIX_SHA256[:2] / SIX_SHA256).is_file()
    # offline now, so only the cache can answer
    args = [a for a in target_args(target) if a not in ("--index", str(INDEX))]
    again = mach_nix("resolve", "-r", str(req), *args, "--offline", "--cache-dir",
                     str(tmp_path / "c"), cache=tmp_path / "c")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["packages"]["six"]["version"] == "1.16.0"


def test_a_url_that_cannot_be_downloaded_names_the_line_and_hides_the_password(
        tmp_path: Path) -> None:
    from mach_nix.direct import DirectReferenceError, Fetcher, read_reference
    from mach_nix.http import HTTPNotFound
    from mach_nix.requirements import parse_requirement_set

    url = "https://u:s3cret@h.example/six-1.0-py3-none-any.whl"

    def download(u: str) -> bytes:
        raise HTTPNotFound(u)

    parsed = parse_requirement_set(f"attrs\nsix @ {url}\n", source="reqs.txt").direct[0]
    with pytest.raises(DirectReferenceError) as e:
        read_reference(parsed, Fetcher(download=download, cache_dir=tmp_path))
    assert str(e.value).startswith("reqs.txt, line 2: six comes from https://u@h.example/")
    assert "does not exist (HTTP 404)" in str(e.value) and "s3cret" not in str(e.value)


# --- the format, on both sides ----------------------------------------------------------------


def package_doc(**extra: Any) -> dict[str, Any]:
    return {"name": "p", "version": "1.0", "provider": "sdist", "extras": [],
            "dependencies": [], "cyclicDependencies": [], **extra}


FILE = {"filename": "p-1.0.tar.gz", "url": "https://h/p-1.0.tar.gz", "sha256": "a" * 64,
        "binary": False}


@pytest.mark.parametrize(
    ("doc", "expect"),
    [
        (package_doc(source={"kind": "git", "url": "https://h/p", "rev": "main"}),
         "full 40-digit commit"),
        (package_doc(source={"kind": "git", "url": "https://h/p", "rev": "a" * 40}, file=FILE),
         "must have no file"),
        (package_doc(source={"kind": "url", "url": "https://h/p-1.0.tar.gz"}), "file is missing"),
        (package_doc(source={"kind": "svn", "url": "x"}), "source.kind must be one of"),
        (package_doc(source={"kind": "path"}), "missing path"),
        (package_doc(source={"kind": "editable", "path": "./p"}, provider="wheel"),
         "built with provider sdist"),
    ],
)
def test_python_side_validates_source(doc: dict[str, Any], expect: str) -> None:
    from mach_nix.errors import FormatError
    from mach_nix.formats import Package

    with pytest.raises(FormatError) as e:
        Package.from_dict(doc, where="resolution.packages.p")
    assert expect in str(e.value)


def test_python_side_round_trips_source() -> None:
    from mach_nix.formats import Package

    for doc in (package_doc(source={"kind": "git", "url": "https://h/p", "rev": "a" * 40,
                                    "subdirectory": "py"}),
                package_doc(source={"kind": "url", "url": "https://h/p-1.0.tar.gz"}, file=FILE),
                package_doc(source={"kind": "editable", "path": "./p"}),
                package_doc(file=FILE)):
        assert Package.from_dict(doc, where="p").to_dict() == doc


@pytest.mark.parametrize(
    ("pkg", "expect"),
    [
        (package_doc(source={"kind": "svn", "url": "x"}), "kind 'svn', which this version"),
        (package_doc(source={"kind": "git", "url": "x"}), "lacks rev"),
        (package_doc(source={"kind": "editable", "path": "./p"}, provider="wheel"),
         "a tree builds with provider sdist"),
        (package_doc(source={"kind": "url", "url": "x"}), "lacks file"),
    ],
)
def test_nix_side_validates_source(pkg: dict[str, Any], expect: str) -> None:
    doc = {"schemaVersion": 1, "roots": ["p"], "packages": {"p": pkg}}
    expr = (f"let lib = {DOUBLE}.lib; r = import {ROOT}/lib/resolution1.nix {{ inherit lib; }}; "
            f"in (r.read (builtins.fromJSON {json.dumps(json.dumps(doc))})).packages.p")
    error = nixutil.nix_eval_error(expr).replace("\n", " ")
    assert expect in error, error


def test_a_branch_is_fetched_again_from_the_cached_clone(target: dict[str, Any],
                                                         tmp_path: Path) -> None:
    repo = write_project(tmp_path / "repo", "movepkg", "1.0", [], src=False)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "1.0")
    req = tmp_path / "requirements.txt"
    req.write_text(f"movepkg @ git+file://{repo}@main\n")

    def version() -> str:
        result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
        assert result.returncode == 0, result.stderr
        return str(json.loads(result.stdout)["packages"]["movepkg"]["version"])

    assert version() == "1.0"
    write_project(repo, "movepkg", "2.0", [], src=False)
    git(repo, "commit", "-qam", "2.0")
    assert version() == "2.0"
    assert len(list((tmp_path / "c" / "git").iterdir())) == 1  # one clone, fetched again


DYNAMIC_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "dynpkg"
dynamic = ["version"]
dependencies = ["six"]

[tool.setuptools.dynamic]
version = {attr = "dynpkg.__version__"}
"""


def test_a_tree_with_dynamic_metadata_is_built_on_the_cli_and_refused_in_nix(
    target: dict[str, Any], tmp_path: Path
) -> None:
    """Only the build backend knows the version: the command line runs it (buildmeta); the
    resolver derivation cannot, and says to lock instead."""
    tree = tmp_path / "dyn"
    (tree / "dynpkg").mkdir(parents=True)
    (tree / "pyproject.toml").write_text(DYNAMIC_PYPROJECT)
    (tree / "dynpkg" / "__init__.py").write_text("__version__ = '0.5'\n")
    req = tmp_path / "requirements.txt"
    req.write_text("./dyn\n")
    result = mach_nix("resolve", "-r", str(req), *target_args(target), cache=tmp_path / "c")
    assert result.returncode == 0, result.stderr
    pkg = json.loads(result.stdout)["packages"]["dynpkg"]
    assert pkg["version"] == "0.5" and pkg["dependencies"] == ["six"]

    expr = (f"(import {ROOT} {{ pkgs = {DOUBLE}; pypiIndex = {INDEX}; }}).resolution {{ "
            f"requirements = {req}; }}")
    error = nixutil.nix_eval_error(expr, read_write=True).replace("\n", " ")
    assert "metadata of ./dyn cannot be read" in error and "mach-nix lock" in error, error


def test_passwords_in_urls_are_not_kept() -> None:
    from mach_nix.direct import without_password

    assert without_password("https://user:tok@h.example:8443/r.git") == "https://user@h.example:8443/r.git"
    assert without_password("https://:tok@h.example/x.whl") == "https://h.example/x.whl"
    assert without_password("ssh://git@h.example/r.git") == "ssh://git@h.example/r.git"


def test_the_doubles_mkshell_behaves_as_nixpkgs() -> None:
    """What mkPythonShell relies on: packages become nativeBuildInputs, inputsFrom's inputs
    are merged (without the inputsFrom derivations themselves) and their shellHooks run first,
    passthru is kept, and the shell builds."""
    result = nixutil.nix_eval_json(
        f"let pkgs = {DOUBLE}; a = pkgs.mkShell {{ shellHook = \"echo a\"; buildInputs = [ pkgs.python3 ]; }}; "
        "s = pkgs.mkShell { packages = [ pkgs.python3 ]; inputsFrom = [ a ]; shellHook = \"echo b\"; "
        "passthru.x = 1; FOO = \"bar\"; }; "
        "in { inherit (s) shellHook x FOO; native = map (d: d.name) s.nativeBuildInputs; "
        "build = map (d: d.name) s.buildInputs; }"
    )
    assert result["shellHook"] == "echo a\necho b"
    assert result["x"] == 1 and result["FOO"] == "bar"
    assert len(result["native"]) == 1 and len(result["build"]) == 1
    out = nixutil.nix_build_expr(f"{DOUBLE}.mkShell {{ packages = [ ]; }}")
    assert "the existence of this path is not guaranteed" in out.read_text()
