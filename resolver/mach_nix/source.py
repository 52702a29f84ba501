"""Where the resolver takes projects from: the interface the provider asks.

Two sources implement it: the pinned index (`index.Index`, offline, what Nix runs) and PyPI's
simple API (`online.SimpleSource`, the command line's default). A project's releases and files
come first and cheaply; a release's dependencies (`metadata`) are asked for separately, only for
the releases the resolver tries, because online each answer is a download.

This module imports nothing beyond the index model, so the Nix entry point stays small.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # index.py imports this module
    from .index import Project, Release


@dataclass(frozen=True)
class ReleaseMetadata:
    """What the resolver needs from a release's core metadata."""

    #: Requires-Dist lines; None when they cannot be known (the release is then skipped).
    requires_dist: tuple[str, ...] | None
    #: Requires-Python of the release (its metadata's, else its files').
    requires_python: str | None
    #: Why `requires_dist` is None, as a skip reason: "its metadata is not in the index".
    problem: str | None = None


class PackageSource(Protocol):
    """Projects, their releases and files, and each release's metadata on demand."""

    #: How messages name the source: "the index", "https://pypi.org/simple".
    label: str

    def project(self, name: str) -> Project | None:
        """The project's releases and files (None when the source does not have it).

        A release's `requires_python` is what is known without its metadata (online: the files'
        Requires-Python); its `requires_dist` must not be read: ask `metadata`.
        """
        ...

    def metadata(self, name: str, release: Release) -> ReleaseMetadata:
        """The release's dependencies; may download (online), so asked for only when needed."""
        ...

    def metadata_at_hand(self, name: str, release: Release) -> ReleaseMetadata | None:
        """The metadata when it costs nothing to get (the index has it), else None.

        What the provider knows before trying a release: with the index it sorts out unusable
        releases up front, exactly as it did before sources were lazy.
        """
        ...

    def prefetch(self, names: Iterable[str]) -> None:
        """A hint: these projects are asked for next (online, their pages are fetched in
        parallel meanwhile). Does nothing for the index."""
        ...

    def prefetch_metadata(self, name: str, release: Release) -> None:
        """A hint: `metadata(name, release)` is asked for next (online, it is downloaded in
        parallel meanwhile). Does nothing for the index."""
        ...

    def names(self) -> Iterable[str]:
        """Project names to suggest from when a name is unknown (may be empty)."""
        ...

    def missing_hint(self, names: Sequence[str], *, dependency: bool) -> str:
        """What to do about projects the source lacks, as the end of a sentence: requested
        by the user (`dependency` False) or required by a package."""
        ...
