"""Phase runner behind the nixpkgs double's `stdenv.mkDerivation`.

Runs with the host python as `python3 -I -S stdenv_builder.py` (no site, no user env). It plays
nixpkgs' `setup.sh` `genericBuild` in small:

* the dependency closure is read from `nix-support/propagated-build-inputs` and
  `nix-support/propagated-native-build-inputs`, like stdenv's `findInputs`;
* setup hooks are Python modules (`nix-support/setup-hook.py` in a dependency) whose `setup(b, dep)`
  registers phases, hook functions and environment hooks on the `Builder`;
* phases run in the standard order; a phase given as a string attribute (e.g. `installPhase`)
  runs in `/bin/sh` and must call `runHook preInstall` itself, as in nixpkgs; default phases and
  Python phases run `pre<Phase>` / `post<Phase>` around themselves;
* `runHook name` runs the string attribute `name` first, then the Python hooks registered
  under `name` (nixpkgs runs the implicit hook before the `<name>Hooks` array).

Deliberate differences from nixpkgs: shell snippets run in separate `/bin/sh` processes, so
variables they set do not reach later phases; there is no `patchShebangs`, no stripping, no
`configure`/`make` defaults beyond running `make` when a Makefile exists.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SHELL_PRELUDE = r"""
runHook() {
  _double_hook_name="$1"; shift
  eval "_double_hook_body=\${$_double_hook_name:-}"
  if [ -n "$_double_hook_body" ]; then eval "$_double_hook_body"; fi
  return 0
}
set -e
"""

DEFAULT_PHASES = [
    "@prePhases",
    "unpackPhase",
    "patchPhase",
    "@preConfigurePhases",
    "configurePhase",
    "@preBuildPhases",
    "buildPhase",
    "checkPhase",
    "@preInstallPhases",
    "installPhase",
    "@preFixupPhases",
    "fixupPhase",
    "installCheckPhase",
    "@preDistPhases",
    "distPhase",
    "@postPhases",
]

# phase -> (variable, skip when the variable is set (True) or unset (False))
SKIP_RULES: dict[str, tuple[str, bool]] = {
    "unpackPhase": ("dontUnpack", True),
    "patchPhase": ("dontPatch", True),
    "configurePhase": ("dontConfigure", True),
    "buildPhase": ("dontBuild", True),
    "checkPhase": ("doCheck", False),
    "installPhase": ("dontInstall", True),
    "fixupPhase": ("dontFixup", True),
    "installCheckPhase": ("doInstallCheck", False),
    "distPhase": ("doDist", False),
}


class BuildError(Exception):
    """A phase failed; the message is printed and the build exits non-zero."""


class Builder:
    """State of one build: environment, outputs, dependencies and registered hooks."""

    def __init__(self) -> None:
        self.env = os.environ
        self.outputs: dict[str, Path] = {
            name: Path(self.env[name]) for name in self.env.get("outputs", "out").split()
        }
        self.phase_impls: dict[str, Callable[[], None]] = {}
        self.hooks: dict[str, list[Callable[[], None]]] = {}
        self.env_hooks: list[Callable[[Path, str], None]] = []
        self.extra_phases: dict[str, list[str]] = {}
        self.native_deps: list[Path] = []
        self.host_deps: list[Path] = []
        # Shell functions hooks define for string phases (e.g. addAutoPatchelfSearchPath).
        self.shell_functions = ""

    # --- helpers for hooks -------------------------------------------------------------

    def var(self, name: str, default: str = "") -> str:
        """An environment variable as the build sees it ("" when unset)."""
        return self.env.get(name, default)

    def flag(self, name: str) -> bool:
        """A boolean attribute: set and non-empty (`true` becomes "1", `false` "")."""
        return bool(self.env.get(name, ""))

    def words(self, name: str) -> list[str]:
        """A list attribute (space-separated by Nix)."""
        return self.env.get(name, "").split()

    def add_hook(self, name: str, fn: Callable[[], None]) -> None:
        """Register `fn` to run at `runHook name` (e.g. "postFixup")."""
        self.hooks.setdefault(name, []).append(fn)

    def add_phase(self, list_name: str, phase: str, fn: Callable[[], None] | None = None) -> None:
        """Append `phase` to a phase list such as "preDistPhases" and optionally define it."""
        self.extra_phases.setdefault(list_name, []).append(phase)
        if fn is not None:
            self.phase_impls.setdefault(phase, fn)

    def set_phase(self, phase: str, fn: Callable[[], None]) -> None:
        """Use `fn` for a standard phase unless the derivation gave its own string for it or an
        earlier hook already took it (hooks test `[ -z "${unpackPhase-}" ]` in nixpkgs)."""
        if phase not in self.env:
            self.phase_impls.setdefault(phase, fn)

    def prepend_path(self, var: str, entry: str) -> None:
        """Prepend to a colon-separated search path variable."""
        old = self.env.get(var, "")
        self.env[var] = entry + (":" + old if old else "")

    def append_path(self, var: str, entry: str) -> None:
        """Append to a colon-separated search path variable (stdenv `addToSearchPath`)."""
        old = self.env.get(var, "")
        parts = old.split(":") if old else []
        if entry not in parts:
            self.env[var] = (old + ":" if old else "") + entry

    def run_shell(self, script: str, what: str) -> None:
        """Run a shell snippet in /bin/sh with the build environment and `runHook` defined."""
        if not script.strip():
            return
        result = subprocess.run(
            ["/bin/sh", "-c", SHELL_PRELUDE + self.shell_functions + script],
            env=self.env,
            check=False,
        )
        if result.returncode != 0:
            raise BuildError(f"{what} failed with exit code {result.returncode}")

    def run(self, argv: list[str], what: str, **kwargs: Any) -> None:
        """Run a program with the build environment, failing the build on a non-zero exit."""
        result = subprocess.run(argv, env=self.env, check=False, **kwargs)
        if result.returncode != 0:
            raise BuildError(f"{what} failed with exit code {result.returncode}")

    def run_hook(self, name: str) -> None:
        """The string attribute `name`, then the Python hooks registered under it."""
        self.run_shell(self.env.get(name, ""), name)
        for fn in self.hooks.get(name, []):
            fn()

    # --- dependencies ------------------------------------------------------------------

    def _closure(self, roots: list[str]) -> list[Path]:
        seen: list[Path] = []

        def visit(p: Path) -> None:
            if p in seen:
                return
            seen.append(p)
            for name in ("propagated-build-inputs", "propagated-native-build-inputs"):
                f = p / "nix-support" / name
                if f.is_file():
                    for dep in f.read_text().split():
                        visit(Path(dep))

        for r in roots:
            visit(Path(r))
        return seen

    def load_dependencies(self) -> None:
        """Find the closure, load setup hooks, then run environment hooks over every dep."""
        self.native_deps = self._closure(
            self.words("nativeBuildInputs") + self.words("propagatedNativeBuildInputs")
        )
        self.host_deps = self._closure(
            self.words("buildInputs") + self.words("propagatedBuildInputs")
        )
        everything = self.native_deps + [d for d in self.host_deps if d not in self.native_deps]
        for dep in everything:
            hook = dep / "nix-support" / "setup-hook.py"
            if hook.is_file():
                spec = importlib.util.spec_from_file_location(f"setup_hook_{dep.name}", hook)
                assert spec is not None and spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                module.setup(self, dep)
        for dep in self.native_deps:
            for fn in list(self.env_hooks):
                fn(dep, "native")
        for dep in self.host_deps:
            for fn in list(self.env_hooks):
                fn(dep, "host")

    # --- default phases ----------------------------------------------------------------

    def unpack_phase(self) -> None:
        srcs = self.words("srcs") or self.words("src")
        if not srcs:
            raise BuildError("unpackPhase: variable $src or $srcs should point to the source")
        top = Path.cwd()
        before = {p.name for p in top.iterdir()}
        for src in srcs:
            unpack_file(Path(src), top)
        source_root = self.var("sourceRoot")
        if not source_root:
            new_dirs = [p for p in top.iterdir() if p.name not in before and p.is_dir()]
            if len(new_dirs) != 1:
                raise BuildError(
                    "unpackPhase: unpacker produced multiple directories"
                    if new_dirs
                    else "unpackPhase: unpacker appears to have produced no directories"
                )
            source_root = new_dirs[0].name
        make_writable(top / source_root)
        self.env["sourceRoot"] = source_root
        os.chdir(top / source_root)

    def patch_phase(self) -> None:
        for patch in self.words("patches"):
            flags = self.words("patchFlags") or ["-p1"]
            with open(patch, "rb") as fh:
                self.run(["patch", *flags], f"applying {patch}", stdin=fh)

    def build_phase(self) -> None:
        if Path("Makefile").exists() or Path("makefile").exists():
            self.run(["make", *self.words("makeFlags"), *self.words("buildFlags")], "make")

    def install_phase(self) -> None:
        prefix = self.var("prefix", str(self.outputs["out"]))
        Path(prefix).mkdir(parents=True, exist_ok=True)
        if Path("Makefile").exists() or Path("makefile").exists():
            self.run(["make", "install", *self.words("makeFlags")], "make install")

    def fixup_phase(self) -> None:
        for path in self.outputs.values():
            if path.exists():
                make_writable(path)
        self.run_hook("preFixup")
        for fn in self.hooks.get("fixupOutput", []):
            fn()
        out = self.outputs["out"]
        for var, filename in (
            ("propagatedBuildInputs", "propagated-build-inputs"),
            ("propagatedNativeBuildInputs", "propagated-native-build-inputs"),
        ):
            deps = self.words(var)
            if deps:
                support = out / "nix-support"
                support.mkdir(parents=True, exist_ok=True)
                # stdenv's printWords: every word followed by one space.
                (support / filename).write_text("".join(d + " " for d in deps))
        setup_hook = self.var("setupHook")
        if setup_hook:
            support = out / "nix-support"
            support.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(setup_hook, support / "setup-hook")
        self.run_hook("postFixup")

    # --- driver ------------------------------------------------------------------------

    def phase_list(self) -> list[str]:
        if self.var("phases"):
            return self.words("phases")
        result: list[str] = []
        for item in DEFAULT_PHASES:
            if item.startswith("@"):
                name = item[1:]
                result += self.words(name) + self.extra_phases.get(name, [])
            else:
                result.append(item)
        return result

    def run_phase(self, phase: str) -> None:
        rule = SKIP_RULES.get(phase)
        if rule is not None:
            var, skip_if_set = rule
            if self.flag(var) == skip_if_set:
                return
        print(f"@nix-double phase {phase}", file=sys.stderr, flush=True)
        if phase in self.env:
            self.run_shell(self.env[phase], phase)
            return
        stem = phase.removesuffix("Phase")
        stem = stem[:1].upper() + stem[1:]
        if phase == "fixupPhase" and phase not in self.phase_impls:
            self.fixup_phase()
            return
        impl = self.phase_impls.get(phase) or {
            "unpackPhase": self.unpack_phase,
            "patchPhase": self.patch_phase,
            "configurePhase": lambda: None,
            "buildPhase": self.build_phase,
            "checkPhase": lambda: None,
            "installPhase": self.install_phase,
            "installCheckPhase": lambda: None,
            "distPhase": lambda: None,
        }.get(phase)
        if impl is None:
            raise BuildError(f"{phase}: no such phase (not a variable, not defined by a hook)")
        self.run_hook("pre" + stem)
        impl()
        self.run_hook("post" + stem)

    def main(self) -> None:
        if self.var("PATH") in ("", "/path-not-set"):
            self.env["PATH"] = "/usr/bin:/bin"
        # stdenv's default: 1980-01-01, the oldest date zip files can hold.
        self.env.setdefault("SOURCE_DATE_EPOCH", "315532800")
        build_top = Path(self.var("NIX_BUILD_TOP", self.var("TMPDIR", "/tmp")))
        os.chdir(build_top)
        self.load_dependencies()
        if self.var("buildCommandPath"):
            self.env["buildCommand"] = Path(self.env["buildCommandPath"]).read_text()
        if self.var("buildCommand"):
            self.run_shell(self.env["buildCommand"], "buildCommand")
            return
        for phase in self.phase_list():
            self.run_phase(phase)


def make_writable(path: Path) -> None:
    """chmod -R u+w."""
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def strip_hash(path: Path) -> str:
    """A store path's name without the `<hash>-` prefix (stdenv `stripHash`)."""
    name = path.name
    if len(name) > 33 and name[32] == "-":
        return name[33:]
    return name


def unpack_file(src: Path, dest: Path) -> None:
    """Unpack a tarball or zip into `dest`, or copy a directory (stdenv `unpackFile`)."""
    name = strip_hash(src)
    if src.is_dir():
        shutil.copytree(src, dest / name, symlinks=True)
    elif name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")):
        with tarfile.open(src) as tf:
            if hasattr(tarfile, "data_filter"):
                tf.extractall(dest, filter="tar")
            else:
                tf.extractall(dest)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(src) as zf:
            zf.extractall(dest)
    else:
        raise BuildError(f"do not know how to unpack source archive {src}")


if __name__ == "__main__":
    # Hooks import this module by name; let them get this very instance (one BuildError class).
    sys.modules.setdefault("stdenv_builder", sys.modules[__name__])
    try:
        Builder().main()
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
