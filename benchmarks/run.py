"""Resolve uv's benchmark requirement sets with mach-nix and with uv, side by side, in one run.

    python benchmarks/run.py                      # every set in benchmarks/requirements/
    python benchmarks/run.py trio black -n 9      # some sets, 9 timed runs each
    python benchmarks/run.py --no-refresh         # keep the index and uv cache as they are

Per set (benchmarks/requirements/<set>.in):

1. mach-nix index: built into the cache (`mach-nix index --out`) when missing, else refreshed
   (`mach-nix index update`), so that it and uv see the same PyPI;
2. uv: one online `uv pip compile` to warm its cache;
3. timed, alternating, `--repeat` times after one untimed warm-up run each:
   - `mach-nix resolve --index` (warm local index), the whole command from process start;
   - the same resolution inside an already running interpreter (the `mach-nix resolve` entry
     point called in-process, after the imports), to separate interpreter start-up and imports
     from resolving;
   - `uv pip compile --offline` on the warm uv cache, same Python version and platform;
   - `mach-nix resolve` without `--index` (online mode, warm cache), when this mach-nix has it:
     detected by trying; otherwise the column says so.
4. the pins of both are compared: number of packages, and every difference is printed.

It reports medians (and the fastest run). Nothing here is a test: the figures go to
docs/benchmarks.md. Caches live outside the repository, in `--cache` (default
$XDG_CACHE_HOME/mach-nix-bench or ~/.cache/mach-nix-bench). If this interpreter lacks resolvelib,
packaging or uv, the script makes a venv in the cache, installs them from PyPI and runs itself
again with it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = Path(__file__).resolve().parent / "requirements"
RESOLVER = REPO / "resolver"

#: What the in-process measurement runs inside one interpreter: it prints how long the imports and
#: the resolution took, as JSON on its last line.
IN_PROCESS = """
import importlib, json, sys, time
t0 = time.perf_counter()
from mach_nix import cli
# what `resolve --index` loads lazily, imported up front so that "resolve" is resolving only
for module in ("resolve", "provider", "index", "formats", "requirements", "target", "source"):
    try:
        importlib.import_module("mach_nix." + module)
    except ImportError:
        pass
t1 = time.perf_counter()
code = cli.main(sys.argv[1:])
t2 = time.perf_counter()
print(json.dumps({"code": code, "imports": t1 - t0, "resolve": t2 - t1}))
"""


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mach-nix-bench"


# --------------------------------------------------------------------------- environment


def find_uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    if beside.exists():
        return str(beside)
    return shutil.which("uv")


def ensure_environment(cache: Path, argv: Sequence[str]) -> None:
    """Re-run in a venv with resolvelib, packaging and uv when this interpreter lacks them."""
    try:
        import packaging  # noqa: F401
        import resolvelib  # noqa: F401
    except ImportError:
        missing = True
    else:
        missing = find_uv() is None
    if not missing:
        return
    if os.environ.get("MACH_NIX_BENCH_VENV"):
        sys.exit("benchmarks/run.py: the benchmark venv still lacks resolvelib, packaging or uv")
    env_dir = cache / f"venv-py{sys.version_info.major}{sys.version_info.minor}"
    python = env_dir / "bin" / "python"
    if not python.exists():
        print(f"making {env_dir} (resolvelib, packaging, uv from PyPI)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(env_dir)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "resolvelib", "packaging", "uv"],
                       check=True)
    os.execve(str(python), [str(python), __file__, *argv],
              {**os.environ, "MACH_NIX_BENCH_VENV": "1"})


def mach_nix_env(cache: Path) -> dict[str, str]:
    """The repository's resolver, whatever is installed; online mode's cache in the bench cache.

    Bytecode is cached (in the bench cache, not beside the sources) even where the environment
    says PYTHONDONTWRITEBYTECODE: an installed mach-nix has its .pyc files, and compiling the
    sources on every run would add about 100 ms that no user pays.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(RESOLVER), "XDG_CACHE_HOME": str(cache / "xdg"),
            "PYTHONPYCACHEPREFIX": str(cache / "pycache")}


# --------------------------------------------------------------------------- measuring


@dataclass
class Timings:
    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def best(self) -> float | None:
        return min(self.runs) if self.runs else None


@dataclass
class SetResult:
    name: str
    mach_nix: Timings = field(default_factory=Timings)  # whole command
    mach_nix_resolve: Timings = field(default_factory=Timings)  # in-process, after imports
    mach_nix_imports: Timings = field(default_factory=Timings)
    uv: Timings = field(default_factory=Timings)
    online: Timings = field(default_factory=Timings)
    online_note: str = ""
    mach_nix_packages: int = 0
    uv_packages: int = 0
    differences: list[str] = field(default_factory=list)
    index_projects: int = 0
    index_mb: float = 0.0


def timed(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall time of a whole command (process start included) and its stdout; fails loudly."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout


def pins(text: str) -> dict[str, str]:
    """name -> version from `name==version` lines (pip-compile style output)."""
    from packaging.utils import canonicalize_name

    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, _, version = line.partition("==")
            out[canonicalize_name(name.split("[")[0].strip())] = version.split(";")[0].strip()
    return out


def compare(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    diffs = []
    for name in sorted(set(ours) | set(theirs)):
        a, b = ours.get(name), theirs.get(name)
        if a != b:
            diffs.append(f"{name}: mach-nix {a or '-'}, uv {b or '-'}")
    return diffs


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cache: Path = args.cache
        self.uv = find_uv() or "uv"
        self.env = mach_nix_env(self.cache)
        self.uv_cache = self.cache / "uv"
        self.python = sys.executable

    def index_dir(self, name: str) -> Path:
        return self.cache / "index" / name

    def mach_nix(self, *args: str) -> list[str]:
        return [self.python, "-m", "mach_nix", *args]

    def target_args(self) -> list[str]:
        a = self.args
        return ["--python", a.python, "--platform", a.platform, "--glibc", a.glibc]

    def uv_cmd(self, req: Path, *, offline: bool) -> list[str]:
        a = self.args
        cmd = [self.uv, "pip", "compile", str(req), "--python-version", a.python,
               "--python-platform", f"{a.platform.split('-')[0]}-manylinux_{a.glibc.replace('.', '_')}",
               "--cache-dir", str(self.uv_cache), "--no-header", "--no-annotate", "--quiet",
               "--python", self.python]
        return [*cmd, "--offline"] if offline else cmd

    def prepare(self, name: str, req: Path) -> None:
        """Build or refresh the index, warm uv's cache."""
        out = self.index_dir(name)
        if not (self.args.no_refresh and (out / "index.json").exists()):
            if (out / "index.json").exists() or (out / ".mach-nix-index-journal").exists():
                cmd = self.mach_nix("index", "update", str(out), "--quiet")
            else:
                cmd = self.mach_nix("index", "--out", str(out), "-r", str(req), "--quiet")
            print(f"[{name}] {' '.join(cmd[3:])}", file=sys.stderr)
            start = time.perf_counter()
            subprocess.run(cmd, env=self.env, check=True)
            print(f"[{name}] index ready in {time.perf_counter() - start:.0f}s", file=sys.stderr)
        timed(self.uv_cmd(req, offline=False))  # warms uv's cache (online; quick when warm)

    def online_supported(self, req: Path) -> tuple[bool, str]:
        """Does this mach-nix resolve without --index? Tried once; its first run warms its cache."""
        proc = subprocess.run(
            self.mach_nix("resolve", "-r", str(req), *self.target_args(), "--format", "pins"),
            env=self.env, capture_output=True, text=True, check=False,
        )
        if proc.returncode == 0:
            return True, ""
        lines = (proc.stderr.strip().splitlines() or ["?"])
        return False, lines[-1][:120]

    def run_set(self, name: str) -> SetResult:
        req = REQUIREMENTS / f"{name}.in"
        self.prepare(name, req)
        result = SetResult(name)
        index = self.index_dir(name)
        files = list((index / "projects").rglob("*.json*"))
        result.index_projects = len(files)
        result.index_mb = sum(f.stat().st_size for f in files) / 1e6
        with tempfile.TemporaryDirectory() as tmp:
            pins_file = Path(tmp) / "pins.txt"
            resolve = self.mach_nix("resolve", "-r", str(req), "--index", str(index),
                                    *self.target_args(), "--format", "pins", "-o", str(pins_file))
            in_process = [self.python, "-c", IN_PROCESS, *resolve[3:]]
            uv = self.uv_cmd(req, offline=True)
            online_ok, note = (False, "skipped (--no-online)")
            if not self.args.no_online:
                online_ok, note = self.online_supported(req)
            result.online_note = "" if online_ok else note
            online = self.mach_nix("resolve", "-r", str(req), *self.target_args(),
                                   "--format", "pins")

            # one untimed round: file cache, uv's interpreter query, .pyc files
            timed(resolve, self.env)
            timed(in_process, self.env)
            _, uv_out = timed(uv)
            for _ in range(self.args.repeat):
                result.mach_nix.runs.append(timed(resolve, self.env)[0])
                _, out = timed(in_process, self.env)
                inner = json.loads(out.strip().splitlines()[-1])
                result.mach_nix_resolve.runs.append(inner["resolve"])
                result.mach_nix_imports.runs.append(inner["imports"])
                result.uv.runs.append(timed(uv)[0])
                if online_ok:
                    result.online.runs.append(timed(online, self.env)[0])
            ours = pins(pins_file.read_text())
        theirs = pins(uv_out)
        result.mach_nix_packages, result.uv_packages = len(ours), len(theirs)
        result.differences = compare(ours, theirs)
        return result


# --------------------------------------------------------------------------- report


def ms(t: float | None) -> str:
    return "-" if t is None else f"{t * 1000:.0f}"


def report(results: Sequence[SetResult], args: argparse.Namespace, uv_version: str) -> str:
    lines = [
        f"Python {args.python} target {args.platform} (glibc {args.glibc}); run with "
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{platform.platform()}, {os.cpu_count()} CPUs (load average at the end "
        f"{os.getloadavg()[0]:.1f}); {uv_version}; median of {args.repeat} runs (fastest in "
        "brackets), milliseconds.",
        "",
        "| set | packages (mach-nix / uv) | index | mach-nix, warm index | of which resolving "
        "in-process | imports | uv --offline, warm cache | ratio mach-nix / uv | mach-nix "
        "online, warm cache |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = (f"{r.mach_nix.median / r.uv.median:.1f}x"
                 if r.mach_nix.median and r.uv.median else "-")
        online = (f"{ms(r.online.median)} [{ms(r.online.best)}]" if r.online.runs
                  else f"n/a: {r.online_note}")
        lines.append(
            f"| {r.name} | {r.mach_nix_packages} / {r.uv_packages} | {r.index_projects} projects, "
            f"{r.index_mb:.1f} MB | {ms(r.mach_nix.median)} [{ms(r.mach_nix.best)}] | "
            f"{ms(r.mach_nix_resolve.median)} | {ms(r.mach_nix_imports.median)} | "
            f"{ms(r.uv.median)} [{ms(r.uv.best)}] | {ratio} | {online} |"
        )
    for r in results:
        if r.differences:
            lines += ["", f"{r.name}: the resolutions differ in {len(r.differences)} packages:"]
            lines += [f"  {d}" for d in r.differences]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    available = sorted(p.stem for p in REQUIREMENTS.glob("*.in"))
    p = argparse.ArgumentParser(prog="python benchmarks/run.py",
                                description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("sets", nargs="*", metavar="SET", help=f"sets to run (default: {' '.join(available)})")
    p.add_argument("-n", "--repeat", type=int, default=7, help="timed runs per tool (default 7)")
    p.add_argument("--python", default=platform.python_version(),
                   help="target Python version (default: this interpreter's, %(default)s)")
    p.add_argument("--platform", default="x86_64-linux", help="target Nix system (default %(default)s)")
    p.add_argument("--glibc", default="2.36", help="target glibc (default %(default)s)")
    p.add_argument("--cache", type=Path, default=default_cache(),
                   help="indexes, uv cache, venv (default %(default)s)")
    p.add_argument("--no-refresh", action="store_true",
                   help="use the indexes as they are when they exist (no `mach-nix index update`)")
    p.add_argument("--no-online", action="store_true", help="do not try mach-nix's online mode")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the raw figures here")
    args = p.parse_args(argv)
    unknown = [s for s in args.sets if s not in available]
    if unknown:
        p.error(f"no such set: {', '.join(unknown)} (have: {', '.join(available)})")
    args.cache.mkdir(parents=True, exist_ok=True)
    ensure_environment(args.cache, argv)

    bench = Bench(args)
    uv_version = subprocess.run([bench.uv, "--version"], capture_output=True, text=True,
                                check=True).stdout.strip()
    results = []
    for name in args.sets or available:
        print(f"[{name}] ...", file=sys.stderr)
        results.append(bench.run_set(name))
    print(report(results, args, uv_version))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
