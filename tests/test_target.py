from __future__ import annotations

from typing import Any

import pytest
from mach_nix.errors import FormatError
from mach_nix.target import Libc, Target
from packaging.markers import Marker
from packaging.tags import Tag

LINUX = {
    "system": "x86_64-linux",
    "python": {"implementation": "cpython", "version": "3.11.2"},
    "libc": {"name": "glibc", "version": "2.36"},
}


def linux(version: str = "3.11.2", glibc: str = "2.36", system: str = "x86_64-linux") -> Target:
    return Target(system, "cpython", version, Libc("glibc", glibc))


def test_round_trip() -> None:
    t = Target.from_dict(LINUX)
    assert t == linux()
    assert t.to_dict() == LINUX
    darwin = {"system": "aarch64-darwin",
              "python": {"implementation": "cpython", "version": "3.13.5"}, "libc": None}
    assert Target.from_dict(darwin).to_dict() == darwin


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"system": "riscv64-linux"}, "system 'riscv64-linux' is not supported"),
        ({"python": {"implementation": "jython", "version": "3.11.2"}}, "jython"),
        ({"python": {"implementation": "cpython", "version": "three"}}, "not a version"),
        ({"python": {"implementation": "cpython", "version": "2.7.18"}}, "only Python 3"),
        ({"python": {"implementation": "cpython"}}, "python must be"),
        ({"libc": {"name": "glibc", "version": "new"}}, "not a version"),
        ({"libc": {"name": "bionic", "version": "1.0"}}, "bionic"),
        ({"system": "x86_64-darwin"}, "libc must be null"),
        ({"color": "blue"}, "unknown: color"),
    ],
)
def test_validation(change: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Target.from_dict({**LINUX, **change})


def test_marker_environment_linux() -> None:
    env = linux().marker_environment()
    assert env == {
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_machine": "x86_64",
        "platform_system": "Linux",
        "platform_release": "",
        "platform_version": "",
        "python_version": "3.11",
        "python_full_version": "3.11.2",
        "implementation_name": "cpython",
        "implementation_version": "3.11.2",
        "platform_python_implementation": "CPython",
    }


def test_marker_environment_darwin_and_pypy() -> None:
    env = Target("aarch64-darwin", "pypy", "3.10.14").marker_environment()
    assert env["sys_platform"] == "darwin"
    assert env["platform_system"] == "Darwin"
    assert env["platform_machine"] == "arm64"
    assert env["platform_python_implementation"] == "PyPy"
    assert env["implementation_name"] == "pypy"


def test_markers_evaluate_against_the_target_not_the_host() -> None:
    env = {**Target("aarch64-darwin", "cpython", "3.9.1").marker_environment(), "extra": ""}
    assert Marker('sys_platform == "darwin" and python_version < "3.10"').evaluate(env)
    assert not Marker('platform_system == "Linux"').evaluate(env)


def strs(target: Target) -> list[str]:
    return [str(t) for t in target.supported_tags()]


def test_linux_tags_order() -> None:
    tags = strs(linux())
    assert all(isinstance(t, Tag) for t in linux().supported_tags())
    assert tags[0] == "cp311-cp311-manylinux_2_36_x86_64"
    i = tags.index
    assert i("cp311-cp311-manylinux_2_17_x86_64") < i("cp311-cp311-manylinux2014_x86_64")
    assert i("cp311-cp311-manylinux2014_x86_64") < i("cp311-cp311-manylinux_2_12_x86_64")
    assert "cp311-cp311-manylinux2010_x86_64" in tags
    assert "cp311-cp311-manylinux1_x86_64" in tags
    assert i("cp311-cp311-manylinux1_x86_64") < i("cp311-abi3-manylinux_2_36_x86_64")
    assert i("cp311-abi3-manylinux_2_17_x86_64") < i("cp310-abi3-manylinux_2_17_x86_64")
    assert i("cp310-abi3-manylinux_2_17_x86_64") < i("py3-none-manylinux_2_17_x86_64")
    assert i("py3-none-manylinux_2_17_x86_64") < i("cp311-none-any") < i("py3-none-any")
    assert "cp311-cp311-manylinux_2_37_x86_64" not in tags
    assert not any("linux_x86_64" in t and "manylinux" not in t for t in tags)
    assert not any("aarch64" in t or "macosx" in t for t in tags)
    assert len(tags) == len(set(tags))


def test_older_glibc_and_aarch64() -> None:
    tags = strs(linux(glibc="2.28", system="aarch64-linux"))
    assert tags[0] == "cp311-cp311-manylinux_2_28_aarch64"
    assert "cp311-cp311-manylinux_2_31_aarch64" not in tags
    assert "cp311-cp311-manylinux2014_aarch64" in tags
    assert not any("manylinux_2_16_aarch64" in t or "manylinux1" in t for t in tags)


def test_python_version_changes_tags() -> None:
    tags = strs(linux("3.13.5"))
    assert tags[0] == "cp313-cp313-manylinux_2_36_x86_64"
    assert "cp311-cp311-manylinux_2_17_x86_64" not in tags
    assert "cp311-abi3-manylinux_2_17_x86_64" in tags


def test_darwin_tags() -> None:
    tags = strs(Target("aarch64-darwin", "cpython", "3.12.1"))
    assert tags[0] == "cp312-cp312-macosx_11_0_arm64"
    assert "cp312-cp312-macosx_10_9_universal2" in tags
    assert "cp312-cp312-macosx_10_9_x86_64" not in tags
    assert not any("manylinux" in t for t in tags)
    x86 = strs(Target("x86_64-darwin", "cpython", "3.12.1"))
    assert "cp312-cp312-macosx_10_9_x86_64" in x86


def test_pypy_tags() -> None:
    tags = strs(Target("x86_64-linux", "pypy", "3.10.14", Libc("glibc", "2.36")))
    assert tags[0] == "pp310-pypy310_pp73-manylinux_2_36_x86_64"
    assert "py3-none-any" in tags
    assert not any(t.startswith("cp3") and "-cp3" in t for t in tags)


def test_without_libc_only_pure_wheels() -> None:
    tags = strs(Target("x86_64-linux", "cpython", "3.11.2", None))
    assert tags and all(t.endswith("-any") for t in tags)


def test_musl() -> None:
    tags = strs(Target("x86_64-linux", "cpython", "3.11.2", Libc("musl", "1.2")))
    assert tags[0] == "cp311-cp311-musllinux_1_2_x86_64"
    assert not any("manylinux" in t for t in tags)


def test_describe() -> None:
    assert linux().describe() == "cpython 3.11.2 on x86_64-linux (glibc 2.36)"


def test_nixpkgs_glibc_version_with_patch_level() -> None:
    # nixpkgs spells glibc versions like "2.40-66"
    t = Target.from_dict({**LINUX, "libc": {"name": "glibc", "version": "2.40-66"}})
    assert str(t.supported_tags()[0]) == "cp311-cp311-manylinux_2_40_x86_64"
