"""Typed errors. Library code raises these; only the CLI turns them into messages and exit codes.

Every message is one paragraph for a person: what went wrong, which package or file, and what
to do about it.
"""

from __future__ import annotations


class MachNixError(Exception):
    """Base of every error a user can cause and fix (bad input, unsatisfiable requirements)."""

    #: Short machine-readable kind, written into the resolution JSON's error document.
    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RequirementsError(MachNixError):
    """A requirements file or string that cannot be parsed or uses an unsupported option."""

    kind = "requirements"


class IndexFormatError(MachNixError):
    """The package index is missing, unreadable or of an unknown schema version."""

    kind = "index"


class UnknownPackageError(MachNixError):
    """A requirement names a project the index does not have."""

    kind = "unknown-package"


class ResolutionError(MachNixError):
    """The requirements cannot be satisfied together."""

    kind = "resolution-impossible"


class FormatError(MachNixError):
    """A request or resolution document that does not follow its schema."""

    kind = "format"


class NetworkError(MachNixError):
    """A download that failed after retries."""

    kind = "network"


class OfflineError(NetworkError):
    """`--offline`, and something the resolution needs is not in the cache."""


class BuildError(MachNixError):
    """A source tree's metadata needs its build backend, and the backend cannot run or fails
    (no `venv`, build requirements not installable, the backend's own error)."""

    kind = "build"
