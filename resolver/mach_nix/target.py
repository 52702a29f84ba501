"""The machine and interpreter an environment is built for, and what follows from it.

A `Target` is the request's `target` object (docs/resolution-format.md). From it come the PEP 508
marker environment and the ordered list of compatible wheel tags. Everything is computed from
the target alone, never from the host this code runs on, so Nix on one machine can resolve for
another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging import tags
from packaging.version import InvalidVersion, Version

from .errors import FormatError

#: Nix system -> (sys_platform, wheel architecture name, platform_machine).
_SYSTEMS: dict[str, tuple[str, str, str]] = {
    "x86_64-linux": ("linux", "x86_64", "x86_64"),
    "aarch64-linux": ("linux", "aarch64", "aarch64"),
    "x86_64-darwin": ("darwin", "x86_64", "x86_64"),
    "aarch64-darwin": ("darwin", "arm64", "arm64"),
}

_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}

#: The oldest macOS the environment is assumed to run on. nixpkgs' darwin stdenv targets
#: 11.0 at the oldest on both architectures, so wheels for macOS up to 11.0 are accepted.
_MACOS_VERSION = (11, 0)

#: The oldest glibc per architecture that has manylinux wheels (manylinux1 = glibc 2.5 on
#: x86_64; aarch64 wheels start at manylinux2014 = glibc 2.17).
_OLDEST_GLIBC_MINOR = {"x86_64": 5, "aarch64": 17}

#: PEP 600 names of the legacy manylinux tags, emitted beside their glibc version.
_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}

#: PyPy's ABI is tagged with its own release series (7.3.x for every Python 3 PyPy so far).
_PYPY_ABI_SUFFIX = "pp73"


def _err(message: str) -> FormatError:
    return FormatError(f"request target: {message}")


def _parse_release(what: str, value: object, parts: int) -> tuple[int, ...]:
    """'3.11.2' -> (3, 11, 2), with a readable error for anything that is not N.N[.N]."""
    if not isinstance(value, str):
        raise _err(f"{what} must be a string like {'3.11.2' if parts == 3 else '2.36'}, "
                   f"got {value!r}.")
    try:
        v = Version(value)
    except InvalidVersion:
        v = None
    if v is None or v.epoch or v.local or len(v.release) < 2:
        raise _err(f"{what} {value!r} is not a version like "
                   f"{'3.11.2' if parts == 3 else '2.36'}.")
    release = v.release + (0,) * (parts - len(v.release))
    return release[:parts] if parts == 2 else release


@dataclass(frozen=True)
class Libc:
    """The C library the environment links against (Linux only)."""

    name: str  # "glibc" | "musl"
    version: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Libc:
        if not isinstance(d, Mapping) or set(d) != {"name", "version"}:
            raise _err(f"libc must be null or {{\"name\": ..., \"version\": ...}}, got {d!r}.")
        libc = cls(name=d["name"], version=d["version"])
        libc.validate()
        return libc

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}

    def validate(self) -> None:
        if self.name not in ("glibc", "musl"):
            raise _err(f"libc name {self.name!r} is not known; use \"glibc\" or \"musl\".")
        _parse_release(f"{self.name} version", self.version, 2)

    @property
    def release(self) -> tuple[int, int]:
        major, minor = _parse_release(f"{self.name} version", self.version, 2)
        return major, minor


@dataclass(frozen=True)
class Target:
    """Where the environment runs: Nix system, Python implementation and version, libc."""

    system: str
    implementation: str
    python_version: str  # full X.Y.Z
    libc: Libc | None = None

    # --- the request's `target` object -------------------------------------------------

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Target:
        if not isinstance(d, Mapping):
            raise _err(f"must be an object, got {d!r}.")
        unknown = set(d) - {"system", "python", "libc"}
        missing = {"system", "python"} - set(d)
        if unknown or missing:
            raise _err(
                "expected the keys system, python and libc; "
                + (f"unknown: {', '.join(sorted(unknown))}. " if unknown else "")
                + (f"missing: {', '.join(sorted(missing))}." if missing else "")
            )
        python = d["python"]
        if not isinstance(python, Mapping) or set(python) != {"implementation", "version"}:
            raise _err(
                f"python must be {{\"implementation\": \"cpython\", \"version\": \"3.11.2\"}}, "
                f"got {python!r}."
            )
        libc_d = d.get("libc")
        target = cls(
            system=d["system"],
            implementation=python["implementation"],
            python_version=python["version"],
            libc=None if libc_d is None else Libc.from_dict(libc_d),
        )
        target.validate()
        return target

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "python": {"implementation": self.implementation, "version": self.python_version},
            "libc": None if self.libc is None else self.libc.to_dict(),
        }

    def validate(self) -> None:
        if self.system not in _SYSTEMS:
            raise _err(
                f"system {self.system!r} is not supported; use one of "
                f"{', '.join(sorted(_SYSTEMS))}."
            )
        if self.implementation not in _IMPLEMENTATIONS:
            raise _err(
                f"python implementation {self.implementation!r} is not supported; use "
                f"{' or '.join(sorted(_IMPLEMENTATIONS))}."
            )
        major, _, _ = _parse_release("python version", self.python_version, 3)
        if major != 3:
            raise _err(f"python version {self.python_version!r}: only Python 3 is supported.")
        if self.libc is not None:
            self.libc.validate()
            if self.os != "linux":
                raise _err(f"libc must be null for {self.system}, got {self.libc.to_dict()!r}.")

    # --- derived facts -----------------------------------------------------------------

    @property
    def os(self) -> str:
        """`sys.platform` of the target: linux or darwin."""
        return _SYSTEMS[self.system][0]

    @property
    def arch(self) -> str:
        """The architecture as wheel platform tags spell it (arm64 on darwin)."""
        return _SYSTEMS[self.system][1]

    @property
    def python_release(self) -> tuple[int, int, int]:
        major, minor, micro = _parse_release("python version", self.python_version, 3)
        return major, minor, micro

    @property
    def python_full_version(self) -> str:
        return ".".join(str(p) for p in self.python_release)

    def describe(self) -> str:
        """Short human description, for error messages: 'cpython 3.11.2 on x86_64-linux (glibc 2.36)'."""
        libc = f" ({self.libc.name} {self.libc.version})" if self.libc else ""
        return f"{self.implementation} {self.python_version} on {self.system}{libc}"

    def marker_environment(self) -> dict[str, str]:
        """The PEP 508 environment markers are evaluated against (without `extra`)."""
        major, minor, _ = self.python_release
        sys_platform, _, machine = _SYSTEMS[self.system]
        return {
            "os_name": "posix",
            "sys_platform": sys_platform,
            "platform_machine": machine,
            "platform_system": "Linux" if sys_platform == "linux" else "Darwin",
            "platform_release": "",
            "platform_version": "",
            "python_version": f"{major}.{minor}",
            "python_full_version": self.python_full_version,
            "implementation_name": self.implementation,
            # For PyPy this is really PyPy's own version, which the target does not carry;
            # the Python version is the closest honest value.
            "implementation_version": self.python_full_version,
            "platform_python_implementation": _IMPLEMENTATIONS[self.implementation],
        }

    def platforms(self) -> list[str]:
        """Wheel platform tags the target runs, most specific first. `linux_*` is left out:
        such wheels are built for one distribution and are not portable."""
        arch = self.arch
        if self.os == "darwin":
            return list(tags.mac_platforms(_MACOS_VERSION, arch))
        if self.libc is None:
            return []
        major, minor = self.libc.release
        result: list[str] = []
        if self.libc.name == "musl":
            for m in range(minor, -1, -1):
                result.append(f"musllinux_{major}_{m}_{arch}")
            return result
        oldest = _OLDEST_GLIBC_MINOR.get(arch, 17)
        if major != 2:
            return result
        for m in range(minor, oldest - 1, -1):
            result.append(f"manylinux_2_{m}_{arch}")
            legacy = _LEGACY_MANYLINUX.get((2, m))
            if legacy is not None:
                result.append(f"{legacy}_{arch}")
        return result

    def supported_tags(self) -> list[tags.Tag]:
        """Compatible wheel tags, best first (the order pip and uv prefer them in)."""
        major, minor, _ = self.python_release
        version = (major, minor)
        # Without platform tags (Linux with no libc given), only `any` wheels fit. An empty
        # list is not passed on: older packaging replaces it with the host's platforms.
        platforms = self.platforms() or ["any"]
        if self.implementation == "cpython":
            abi = f"cp{major}{minor}" + ("m" if version < (3, 8) else "")
            found = list(tags.cpython_tags(version, [abi], platforms))
            interpreter = f"cp{major}{minor}"
        else:
            interpreter = f"pp{major}{minor}"
            abi = f"pypy{major}{minor}_{_PYPY_ABI_SUFFIX}"
            found = list(tags.generic_tags(interpreter, [abi, "none"], platforms))
        found.extend(tags.compatible_tags(version, interpreter, platforms))
        seen: set[tags.Tag] = set()
        result = []
        for tag in found:
            if tag not in seen:
                seen.add(tag)
                result.append(tag)
        return result
