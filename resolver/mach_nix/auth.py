"""Credentials for private indexes: from `user:token@` in index URLs and from a netrc file.

Credentials are split off a URL as soon as it enters mach-nix (`Credentials.add_url`): every
URL that is passed on, cached, written to a lock or shown in a message has none, and the HTTP
client adds an `Authorization: Basic` header only for a host whose credentials it knows
(`Credentials.header`). `redact` is for the few messages that must quote a URL as the user
gave it.
"""

from __future__ import annotations

import base64
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_key(parts: SplitResult) -> tuple[str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(parts.scheme)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """(the URL without `user:password@`, (user, password) or None)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    return clean, (unquote(user), unquote(password))


def strip_credentials(url: str) -> str:
    """The URL without `user:password@`."""
    return split_credentials(url)[0]


def redact(url: str) -> str:
    """The URL with its credentials shown as `***`, for messages (also one that does not
    parse, which a message may be about)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        scheme, sep, rest = url.rpartition("://")
        netloc, slash, path = rest.partition("/")
        if "@" not in netloc:
            return url
        return f"{scheme}{sep}***@{netloc.rpartition('@')[2]}{slash}{path}"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def netrc_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$NETRC`, else `~/.netrc` (as curl, pip and Nix's fetchers read it)."""
    env = os.environ if environ is None else environ
    return Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"


@dataclass
class Credentials:
    """Who to authenticate as, per host. URL credentials win over the netrc file's; of several
    index URLs on one host (GitLab has an index per project, its files beside it), the one
    whose path shares the most leading segments with the request's (the first one on a tie)."""

    netrc_file: Path | None = None
    #: problems that did not stop anything (an unreadable netrc file), for the user to see
    warnings: list[str] = field(default_factory=list)
    _by_host: dict[tuple[str, int | None], list[tuple[str, tuple[str, str]]]] = field(
        default_factory=dict)
    _netrc: netrc.netrc | None = field(default=None, repr=False)
    _netrc_read: bool = field(default=False, repr=False)

    def add_url(self, url: str) -> str:
        """Remember the URL's credentials for its host; the URL without them."""
        clean, creds = split_credentials(url)
        if creds is not None:
            parts = urlsplit(clean)
            self._by_host.setdefault(_host_key(parts), []).append((parts.path, creds))
        return clean

    def _from_netrc(self, host: str) -> tuple[str, str] | None:
        if not self._netrc_read:
            self._netrc_read = True
            path = self.netrc_file
            if path is not None and path.is_file():
                try:
                    self._netrc = netrc.netrc(str(path))
                except (netrc.NetrcParseError, OSError) as e:
                    # Not an error: most indexes need no credentials (pip and curl carry on
                    # too). The parser's message may quote a password: only say where.
                    where = f", line {e.lineno}," if isinstance(e, netrc.NetrcParseError) else ""
                    self.warnings.append(
                        f"the netrc file {path}{where} cannot be read, so no credentials were "
                        "taken from it. Fix the file (lines look like `machine HOST login USER "
                        "password TOKEN`), or point $NETRC at another one."
                    )
        if self._netrc is None:
            return None
        found = self._netrc.authenticators(host)
        if found is None:
            return None
        login, account, password = found
        return login or account or "", password or ""

    def header(self, url: str) -> str | None:
        """The `Authorization` header for a request of this URL, or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        key = _host_key(parts)
        creds: tuple[str, str] | None = None
        if key in self._by_host:
            wanted = parts.path.split("/")

            def shared(path: str) -> int:
                n = 0
                for a, b in zip(path.split("/"), wanted):
                    if a != b:
                        break
                    n += 1
                return n

            # max() keeps the first of equals: the first URL given wins a tie
            creds = max(self._by_host[key], key=lambda pc: shared(pc[0]))[1]
        else:
            creds = self._from_netrc(key[0])
        return None if creds is None else _basic(*creds)

    def secrets(self) -> list[str]:
        """The passwords and tokens known from URLs (for tests and redaction)."""
        return [p or u for given in self._by_host.values() for _, (u, p) in given if p or u]
