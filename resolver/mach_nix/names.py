"""Project name normalization: the one place in Python (PEP 503 via `packaging`)."""

from __future__ import annotations

from packaging.utils import NormalizedName, canonicalize_name


def normalize(name: str) -> NormalizedName:
    """`Foo_Bar`, `foo.bar` and `FOO-bar` all become `foo-bar`."""
    return canonicalize_name(name)
