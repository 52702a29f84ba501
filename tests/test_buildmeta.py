"""The metadata of source trees and sdists (`mach_nix.buildmeta`): static PKG-INFO and
`[project]` tables, the PEP 517 hook in a real isolated build, its errors, the cache, safe
unpacking, and the online resolver building an sdist-only release.

Builds are real: a venv per build, and an in-tree backend (`backend-path`) wherever the test is
not about setuptools, so that only one test downloads from PyPI."""

from __future__ import annotations

import io
import sys
import tarfile
import textwrap
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from mach_nix.buildmeta import BuildEnv, sdist_metadata, source_tree_metadata, unpack_sdist
from mach_nix.cache import Cache
from mach_nix.cli import main
from mach_nix.errors import BuildError, OfflineError, ResolutionError
from mach_nix.http import HttpClient
from mach_nix.metadata import MetadataError
from mach_nix.online import SimpleSource
from mach_nix.requirements import parse_requirement_set
from mach_nix.resolve import resolve_requirements
from mach_nix.target import Libc, Target
from pypiserver import FakePyPI, metadata_text, serve

TARGET = Target("x86_64-linux", "cpython", "3.11.2", Libc("glibc", "2.36"))


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def tar_gz(members: Mapping[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for path, text in members.items():
            data = text.encode() if isinstance(text, str) else text
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def backend_tree(name: str, version: str, requires_dist: list[str], log: Path,
                 fail: bool = False) -> dict[str, str]:
    """A project whose dependencies are dynamic, with a tiny PEP 517 backend in the tree
    (no build requirements: no download) that notes each run in `log`."""
    metadata = "".join([f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                        *(f"Requires-Dist: {r}\n" for r in requires_dist)])
    failing = textwrap.indent(textwrap.dedent("""\
        for i in range(40):
            print("compiling step", i)
        raise RuntimeError("the C compiler is missing")
        """), "    ") if fail else ""
    return {
        "pyproject.toml": f"""\
            [build-system]
            requires = []
            build-backend = "backend"
            backend-path = ["."]

            [project]
            name = "{name}"
            version = "{version}"
            dynamic = ["dependencies"]
            """,
        "backend.py": f"""\
import os

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    with open({str(log)!r}, "a") as f:
        f.write("build\\n")
{failing}
    d = os.path.join(metadata_directory, "{name}-{version}.dist-info")
    os.makedirs(d)
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write({metadata!r})
    return "{name}-{version}.dist-info"

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not needed for metadata")
""",
    }


def log_lines(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


# --- static metadata ---------------------------------------------------------------------


def test_pkg_info_2_2_static_needs_no_build(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {
        "PKG-INFO": metadata_text("Static", "1.0", ["dep>=1", 'win; os_name == "nt"'],
                                  requires_python=">=3.8", metadata_version="2.2"),
        "setup.py": "raise SystemExit('never run')\n",
    })
    md = source_tree_metadata(tree, build=None)
    assert (md.name, md.version) == ("Static", "1.0")
    assert md.requires_dist == ("dep>=1", 'win; os_name == "nt"')
    assert md.requires_python == ">=3.8"


def test_pkg_info_with_dynamic_requires_dist_is_not_used(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {
        "PKG-INFO": metadata_text("dyn", "1.0", ["dep"], metadata_version="2.2",
                                  dynamic=["Requires-Dist"]),
        "setup.py": "",
    })
    with pytest.raises(MetadataError, match="cannot be known without running its build backend"):
        source_tree_metadata(tree, build=None)


def test_static_project_table(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {"pyproject.toml": """\
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "My_Pkg"
        version = "01.2"
        requires-python = ">= 3.9"
        dependencies = ["requests [socks] >=2.0,<3", "tomli; python_version<'3.11'"]

        [project.optional-dependencies]
        Fast_Mode = ["uvloop; sys_platform != 'win32' or implementation_name == 'pypy'", "orjson"]
        test = ["pytest"]
        """})
    md = source_tree_metadata(tree, build=None)  # no build needed: no venv, no backend
    assert (md.name, md.version, md.requires_python) == ("My_Pkg", "1.2", ">=3.9")
    assert md.requires_dist == (
        "requests[socks]<3,>=2.0",
        'tomli; python_version < "3.11"',
        'uvloop; (sys_platform != "win32" or implementation_name == "pypy") and extra == "fast-mode"',
        'orjson; extra == "fast-mode"',
        'pytest; extra == "test"',
    )


def test_project_table_with_dynamic_dependencies_needs_the_backend(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {"pyproject.toml": """\
        [project]
        name = "p"
        version = "1"
        dynamic = ["optional-dependencies"]
        """, "setup.py": ""})
    with pytest.raises(MetadataError, match="without running its build backend"):
        source_tree_metadata(tree, build=None)


def test_invalid_requirement_in_project_table(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {"pyproject.toml": """\
        [project]
        name = "p"
        version = "1"
        dependencies = ["not a requirement!"]
        """})
    with pytest.raises(MetadataError, match="invalid requirement 'not a requirement!'"):
        source_tree_metadata(tree, build=None)


# --- the PEP 517 hook --------------------------------------------------------------------


def test_in_tree_backend(tmp_path: Path) -> None:
    log = tmp_path / "log"
    tree = write_tree(tmp_path / "tree", backend_tree("hooked", "2.0", ["six>=1"], log))
    md = source_tree_metadata(tree, build=BuildEnv())
    assert (md.name, md.version, md.requires_dist) == ("hooked", "2.0", ("six>=1",))
    assert log_lines(log) == 1


@pytest.mark.network
def test_setuptools_setup_py_in_an_isolated_build(tmp_path: Path) -> None:
    """pip installs setuptools from PyPI into a fresh venv; setup.py decides its dependencies
    when it runs (here from the build Python's version), so nothing static can tell them."""
    tree = write_tree(tmp_path, {"setup.py": """\
        import sys
        from setuptools import setup
        setup(
            name="legacy-pkg",
            version="0.3",
            install_requires=["six"] + (["tomli"] if sys.version_info < (3, 11) else ["attrs"]),
            extras_require={"x": ["idna; os_name == 'posix'"]},
            python_requires=">=3.7",
        )
        """})
    md = source_tree_metadata(tree, build=BuildEnv())
    assert (md.name, md.version, md.requires_python) == ("legacy-pkg", "0.3", ">=3.7")
    newer = sys.version_info >= (3, 11)
    assert md.requires_dist[:2] == ("six", "attrs" if newer else "tomli")
    assert md.requires_dist[2:] in (
        ('idna; os_name == "posix" and extra == "x"',),
        ("idna; os_name == 'posix' and extra == 'x'",),
    )


def test_backend_failure_is_one_clear_error(tmp_path: Path) -> None:
    log = tmp_path / "log"
    tree = write_tree(tmp_path / "tree", backend_tree("broken", "1.0", [], log, fail=True))
    with pytest.raises(BuildError) as e:
        source_tree_metadata(tree, build=BuildEnv(), label="broken 1.0")
    message = str(e.value)
    assert message.startswith("cannot read the metadata of broken 1.0: its build backend "
                              "(backend) failed.")
    assert "RuntimeError: the C compiler is missing" in message
    assert "compiling step 39" in message
    assert "compiling step 10\n" not in message  # only the end of the output
    assert message.count("\n  | ") <= 20


def test_uninstallable_build_requirements(tmp_path: Path) -> None:
    tree = write_tree(tmp_path, {"pyproject.toml": """\
        [build-system]
        requires = ["mach-nix-test-no-such-backend>=1"]
        build-backend = "nosuch.api"
        """})
    with serve() as empty:
        empty.publish()
        build = BuildEnv(index_url=f"{empty.url}/simple")
        with pytest.raises(BuildError) as e:
            source_tree_metadata(tree, build=build, label="needy")
    message = str(e.value)
    assert message.startswith("cannot build needy to read its metadata: its build requirements "
                              "(mach-nix-test-no-such-backend>=1) cannot be installed")
    assert "--extra-index-url" in message
    assert "No matching distribution" in message  # pip's own words, at the end


@pytest.mark.parametrize(("files", "message"), [
    ({"README": "no build configuration"}, "not a Python project"),
    ({"pyproject.toml": "[build-system]\nrequires = []\nbuild-backend = 'b'\n"
                        "backend-path = ['..']\n"}, "backend-path '..' is not a directory inside"),
    ({"pyproject.toml": "[build-system]\nrequires = ['ok', 'not valid!']\n"}, "invalid requirement"),
    ({"pyproject.toml": "[build-system\n"}, "pyproject.toml cannot be read"),
], ids=["no-build-config", "backend-path-outside", "bad-build-requires", "bad-toml"])
def test_a_tree_that_is_wrong_in_itself_is_a_metadata_error(
    tmp_path: Path, files: dict[str, str], message: str,
) -> None:
    # the file's fault, found before any venv is made: online, its release is skipped
    tree = write_tree(tmp_path / "tree", files)
    with pytest.raises(MetadataError, match=message):
        source_tree_metadata(tree, build=BuildEnv(python="/nonexistent/python"))


def test_python_without_venv(tmp_path: Path) -> None:
    # a Python as Debian ships it without python3-venv: `-m venv` fails with this text
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 'The virtual environment was not created successfully "
                    "because ensurepip is not\navailable.  On Debian/Ubuntu systems, you need "
                    "to install the python3-venv package' >&2\nexit 1\n")
    fake.chmod(0o755)
    tree = write_tree(tmp_path / "tree", backend_tree("p", "1", [], tmp_path / "log"))
    with pytest.raises(BuildError) as e:
        source_tree_metadata(tree, build=BuildEnv(python=str(fake)), label="p 1")
    assert "apt-get install python3-venv" in str(e.value)
    assert "cannot build p 1 to read its metadata" in str(e.value)


def test_offline_refuses_to_build(tmp_path: Path) -> None:
    log = tmp_path / "log"
    tree = write_tree(tmp_path / "tree", backend_tree("p", "1", [], log))
    with pytest.raises(OfflineError, match="^--offline: the dependencies of p 1 are known only"):
        source_tree_metadata(tree, build=BuildEnv(offline=True), label="p 1")
    sdist = tar_gz({f"p-1/{k}": textwrap.dedent(v) for k, v in backend_tree("p", "1", [], log).items()})
    with pytest.raises(OfflineError):
        sdist_metadata("p-1.tar.gz", sdist, build=BuildEnv(offline=True, cache_dir=tmp_path / "c"))
    assert log_lines(log) == 0


# --- sdists and the cache ----------------------------------------------------------------


def test_a_built_sdist_is_cached_by_its_hash(tmp_path: Path) -> None:
    log = tmp_path / "log"
    files = backend_tree("cached", "1.0", ['leaf; python_version >= "3"'], log)
    sdist = tar_gz({f"cached-1.0/{k}": textwrap.dedent(v) for k, v in files.items()})
    build = BuildEnv(cache_dir=tmp_path / "cache")
    first = sdist_metadata("cached-1.0.tar.gz", sdist, build=build)
    assert first.requires_dist == ('leaf; python_version >= "3"',)
    assert log_lines(log) == 1
    # a new process would see the same: the answer is on disk, and even offline it is used
    again = sdist_metadata("cached-1.0.tar.gz", sdist,
                           build=BuildEnv(cache_dir=tmp_path / "cache", offline=True))
    assert again == first
    assert log_lines(log) == 1  # no second build
    assert list((tmp_path / "cache" / "built-v1").glob("*/*.json"))


def test_static_sdist_is_read_without_unpacking(tmp_path: Path) -> None:
    sdist = tar_gz({"s-1/PKG-INFO": metadata_text("s", "1", ["x"], metadata_version="2.2"),
                    "s-1/setup.py": "raise SystemExit(1)\n"})
    md = sdist_metadata("s-1.tar.gz", sdist, build=None)
    assert md.requires_dist == ("x",)


@pytest.mark.parametrize("member", ["../evil.py", "/tmp/evil.py", "pkg/../../evil.py"])
def test_path_traversal_is_refused(tmp_path: Path, member: str) -> None:
    sdist = tar_gz({"pkg/setup.py": "", member: "bad"})
    with pytest.raises(MetadataError, match="refused to unpack"):
        sdist_metadata("pkg-1.tar.gz", sdist, build=BuildEnv(cache_dir=tmp_path / "c"))
    with pytest.raises(MetadataError, match="refused to unpack"):
        unpack_sdist("pkg-1.tar.gz", sdist, tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()


def test_links_out_of_the_archive_are_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        link = tarfile.TarInfo("pkg/escape")
        link.type = tarfile.SYMTYPE
        link.linkname = "../../.."
        tf.addfile(link)
        data = b"bad"
        through = tarfile.TarInfo("pkg/escape/evil.py")
        through.size = len(data)
        tf.addfile(through, io.BytesIO(data))
    with pytest.raises(MetadataError, match="refused to unpack: link 'pkg/escape' points out"):
        unpack_sdist("pkg-1.tar.gz", buf.getvalue(), tmp_path / "out")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("pkg/setup.py", "")
        zf.writestr("../evil.py", "bad")
    with pytest.raises(MetadataError, match="leads out of the archive's directory"):
        unpack_sdist("pkg-1.zip", zbuf.getvalue(), tmp_path / "zout")


def test_links_inside_the_archive_are_kept(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = b"x = 1\n"
        real = tarfile.TarInfo("pkg/real.py")
        real.size = len(data)
        tf.addfile(real, io.BytesIO(data))
        for name, kind, target in [
            ("pkg/sub/alias.py", tarfile.SYMTYPE, "../real.py"),  # before its directory's
            ("pkg/hard.py", tarfile.LNKTYPE, "pkg/real.py"),
            ("pkg/more", tarfile.SYMTYPE, "sub"),  # a directory: copied
            ("pkg/here", tarfile.SYMTYPE, "."),  # a loop: left out
            ("pkg/top.py", tarfile.SYMTYPE, "here/../real.py"),  # read as written: pkg/real.py
        ]:
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = target
            tf.addfile(link)
    out = tmp_path / "out"
    unpack_sdist("pkg-1.tar.gz", buf.getvalue(), out)
    for name in ("sub/alias.py", "hard.py", "top.py", "more/alias.py"):
        assert (out / "pkg" / name).read_text() == "x = 1\n"
    assert not (out / "pkg/here").exists()
    # copies, not links: nothing written later can go through one
    assert not [p for p in out.rglob("*") if p.is_symlink()]


# --- online --------------------------------------------------------------------------------


@pytest.fixture
def pypi_with_sdist(tmp_path: Path) -> Iterator[tuple[FakePyPI, Path]]:
    log = tmp_path / "log"
    with serve() as s:
        files = backend_tree("onlysdist", "1.0", ["leaf>=1"], log)
        s.add_sdist("onlysdist", "1.0", {k: textwrap.dedent(v) for k, v in files.items()})
        s.add_wheel("leaf", "1.0", [])
        s.publish()
        yield s, log


def test_online_resolution_builds_an_sdist_only_release_once(
    pypi_with_sdist: tuple[FakePyPI, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    pypi, log = pypi_with_sdist
    cache = tmp_path / "cache"
    index = f"{pypi.url}/simple"
    with SimpleSource(index, cache=Cache(cache), client=HttpClient(retries=0, timeout=10),
                      build=BuildEnv(index_url=index, cache_dir=cache)) as src:
        r = resolve_requirements(parse_requirement_set("onlysdist\n"), index=src, target=TARGET)
    assert r.packages["onlysdist"].dependencies == ("leaf",)
    assert log_lines(log) == 1
    # the command line: builds too, and the cache from before means no second build
    argv = ["resolve", "-r", str(write_tree(tmp_path, {"req.txt": "onlysdist\n"}) / "req.txt"),
            "--format", "pins", "--index-url", index, "--cache-dir", str(cache),
            "--python", "3.11.2", "--platform", "x86_64-linux", "--glibc", "2.36"]
    assert main(argv) == 0
    assert capsys.readouterr().out == "leaf==1.0\nonlysdist==1.0\n"
    assert main([*argv, "--refresh"]) == 0  # metadata fetched again: the build's result is kept
    assert log_lines(log) == 1


def test_offline_resolution_never_builds(
    pypi_with_sdist: tuple[FakePyPI, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    pypi, log = pypi_with_sdist
    cache = tmp_path / "cache"
    index = f"{pypi.url}/simple"
    # a run without builds fills the cache: the page, and "unknown" for the sdist
    with SimpleSource(index, cache=Cache(cache), client=HttpClient(retries=0, timeout=10)) as src:
        with pytest.raises(ResolutionError, match="cannot be known without building it"):
            resolve_requirements(parse_requirement_set("onlysdist\n"), index=src, target=TARGET)
    req = write_tree(tmp_path, {"req.txt": "onlysdist\n"}) / "req.txt"
    argv = ["resolve", "-r", str(req), "--format", "pins", "--index-url", index,
            "--cache-dir", str(cache), "--python", "3.11.2"]
    assert main([*argv, "--offline"]) == 1
    assert "cannot be known without building it" in capsys.readouterr().err
    assert log_lines(log) == 0
    # online, the cached "unknown" is not the last word: the sdist is built
    assert main(argv) == 0
    assert capsys.readouterr().out == "leaf==1.0\nonlysdist==1.0\n"
    assert log_lines(log) == 1
