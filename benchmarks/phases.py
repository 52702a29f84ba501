"""Where a warm-index resolution spends its time: phases, and a cProfile listing.

    python benchmarks/phases.py jupyter            # the set's index must exist (run.py builds it)
    python benchmarks/phases.py jupyter --cprofile 30
    MACH_NIX_RESOLVER=/elsewhere/resolver python benchmarks/phases.py jupyter   # another checkout

Phases are measured by wrapping the functions that do each part (found by name; a part whose
function no longer exists is reported as such), in CPU seconds (`time.process_time`, less
disturbed by other load on the machine than wall time), over `--repeat` fresh resolutions in
this one process (imports are measured once, in a fresh interpreter). Nothing here changes the
resolver.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import inspect
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: The resolver to profile: this checkout's, or another one's (to measure a proposed change).
RESOLVER = Path(os.environ.get("MACH_NIX_RESOLVER") or HERE.parent / "resolver")
sys.path.insert(0, str(RESOLVER))

#: (phase, module, attribute path): each wrapped function's time counts for its phase, without
#: the time of other wrapped functions it calls (so phases add up).
PHASES = [
    ("read index: json.loads", "mach_nix.index", "json.loads"),
    ("read index: Project.from_dict", "mach_nix.index", "Project.from_dict"),
    ("target: supported tags", "mach_nix.target", "Target.supported_tags"),
    ("provider: usable releases (_build_info)", "mach_nix.provider", "IndexProvider._build_info"),
    ("provider: parse Requires-Dist", "mach_nix.provider", "IndexProvider._requirement"),
    ("provider: pick file by tags", "mach_nix.provider", "IndexProvider._pick_file"),
    ("provider: find_matches", "mach_nix.provider", "IndexProvider.find_matches"),
    ("provider: get_dependencies", "mach_nix.provider", "IndexProvider.get_dependencies"),
    ("provider: get_preference", "mach_nix.provider", "IndexProvider.get_preference"),
    ("resolvelib (rest of resolve)", "resolvelib", "Resolver.resolve"),
    ("requirements file", "mach_nix.requirements", "parse_requirement_set_file"),
    ("output (resolution, pins)", "mach_nix.cli", "_write"),
]


class Clock:
    """Exclusive CPU time per phase: a wrapped call pauses the phase of its caller."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[tuple[str, float]] = []

    def wrap(self, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.process_time()
            if self._stack:
                outer, started = self._stack[-1]
                self.totals[outer] += now - started
            self._stack.append((phase, now))
            try:
                return fn(*args, **kwargs)
            finally:
                end = time.process_time()
                _, started = self._stack.pop()
                self.totals[phase] += end - started
                self.calls[phase] += 1
                if self._stack:
                    outer, _ = self._stack[-1]
                    self._stack[-1] = (outer, end)

        return timed


def install(clock: Clock) -> list[str]:
    missing = []
    for phase, module_name, path in PHASES:
        module = importlib.import_module(module_name)
        owner: Any = module
        *parents, attr = path.split(".")
        try:
            for p in parents:
                owner = getattr(owner, p)
            fn = getattr(owner, attr)
        except AttributeError:
            missing.append(f"{phase} ({module_name}.{path} not found)")
            continue
        if parents == ["json"]:
            # only the index module's own json.loads, not every caller's
            shim = type("json_shim", (), {"loads": staticmethod(clock.wrap(phase, fn)),
                                          "dumps": staticmethod(json.dumps)})
            module.json = shim  # type: ignore[attr-defined]
            continue
        raw = inspect.getattr_static(owner, attr)
        if isinstance(raw, classmethod):
            setattr(owner, attr, classmethod(clock.wrap(phase, raw.__func__)))
        elif isinstance(raw, staticmethod):
            setattr(owner, attr, staticmethod(clock.wrap(phase, raw.__func__)))
        else:
            setattr(owner, attr, clock.wrap(phase, fn))
    return missing


def resolve_argv(name: str, cache: Path, python: str) -> list[str]:
    return ["resolve", "-r", str(HERE / "requirements" / f"{name}.in"),
            "--index", str(cache / "index" / name), "--python", python,
            "--platform", "x86_64-linux", "--glibc", "2.36", "--format", "pins", "-o", os.devnull]


def import_seconds() -> float:
    """CPU time of the resolver's imports in a fresh interpreter, with cached bytecode (as an
    installation has it)."""
    from run import default_cache  # noqa: PLC0415 (beside this file)

    code = ("import time; t=time.process_time(); import mach_nix.cli, mach_nix.resolve, "
            "mach_nix.provider, mach_nix.index, mach_nix.requirements, mach_nix.formats; "
            "print(time.process_time()-t)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(RESOLVER), PYTHONPYCACHEPREFIX=str(default_cache() / "pycache"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    return float(out.strip())


def main() -> int:
    from run import default_cache  # noqa: PLC0415 (beside this file)

    p = argparse.ArgumentParser(prog="python benchmarks/phases.py")
    p.add_argument("set")
    p.add_argument("--cache", type=Path, default=default_cache())
    p.add_argument("--python", default="3.11.7")
    p.add_argument("-n", "--repeat", type=int, default=5)
    p.add_argument("--cprofile", type=int, default=0, metavar="N",
                   help="also print the N costliest functions by cProfile (own time)")
    args = p.parse_args()
    argv = resolve_argv(args.set, args.cache, args.python)

    imports = min(import_seconds() for _ in range(3))
    from mach_nix import cli

    cli.main(argv)  # warm: file cache, lazy imports
    profile = ""
    if args.cprofile:  # before the phase wrappers go in
        prof = cProfile.Profile()
        prof.enable()
        cli.main(argv)
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(args.cprofile)
        profile = s.getvalue()
    clock = Clock()
    missing = install(clock)
    totals = []
    for _ in range(args.repeat):
        start = time.process_time()
        cli.main(argv)
        totals.append(time.process_time() - start)
    n = args.repeat
    total = sum(totals) / n
    print(f"{args.set}: imports {imports * 1000:.0f} ms (fresh interpreter), resolution "
          f"{total * 1000:.0f} ms CPU (mean of {n}, fastest {min(totals) * 1000:.0f}); by phase "
          "(exclusive):")
    accounted = 0.0
    for phase, _, _ in PHASES:
        if phase in clock.totals:
            t = clock.totals[phase] / n
            accounted += t
            print(f"  {phase:45s} {t * 1000:7.1f} ms  {100 * t / total:5.1f}%  "
                  f"({clock.calls[phase] // n} calls)")
    rest = total - accounted
    print(f"  {'other (cli, resolve.py, formats)':45s} {rest * 1000:7.1f} ms  {100 * rest / total:5.1f}%")
    for m in missing:
        print(f"  not measured: {m}")
    if profile:
        print(profile)

    return 0


if __name__ == "__main__":
    sys.exit(main())
