"""Fixtures shared by test modules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def no_pip_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The caller's pip settings (PIP_FIND_LINKS, PIP_INDEX_URL, ...) and netrc stay out: the
    command line reads them as pip does. Modules that run the online resolver use it for every
    test (`pytestmark = pytest.mark.usefixtures("no_pip_settings")`)."""
    for key in list(os.environ):
        if key.startswith("PIP_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
