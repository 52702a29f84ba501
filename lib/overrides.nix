# The core: a resolution becomes python overrides (`self: super: { ... }`), one package per
# resolved name, built by its provider, with the fixes from ../overrides applied. Every other
# function of the library is a thin wrapper over this one.
{
  lib,
  providers,
  buildFixes,
  sources,
}:
let
  inherit (lib) elem filter;

  # Packages that nixpkgs' build hooks or the sdist provider's build tools depend on. nixpkgs
  # makes its hooks from the final package set (hooks/default.nix): wheelUnpackHook and
  # pypaBuildHook propagate the set's `wheel`, setuptoolsBuildHook its `setuptools` and `wheel`,
  # pythonRuntimeDepsCheckHook its `packaging`, pipBuildHook/pipInstallHook its `pip`; `build`,
  # `installer`, `pyproject-hooks`, `flit-core` and `tomli` are the bootstrap tools behind them.
  # Built like every other package, a resolved `wheel` would need the set's `wheel` (itself) to
  # unpack: infinite recursion. So these are built with the interpreter's original set (its
  # buildPythonPackage and, for sdists, its setuptools and wheel), whose hooks never reach the
  # overridden set.
  buildToolNames = [
    "build"
    "flit-core"
    "installer"
    "packaging"
    "pip"
    "pyproject-hooks"
    "setuptools"
    "tomli"
    "wheel"
  ];

  # The build tools of a resolution and everything they depend on in it: a dependency of `wheel`
  # (newer wheels need `packaging`) built with the overridden set's hooks would need `wheel`
  # again.
  buildToolClosure =
    packages:
    map (e: e.key) (
      builtins.genericClosure {
        startSet = map (key: { inherit key; }) (filter (name: packages ? ${name}) buildToolNames);
        operator = e: map (key: { inherit key; }) packages.${e.key}.dependencies;
      }
    );
in
{
  /**
    Python overrides that put every package of `resolution` into a python package set.

    Each package's run-time dependencies come from the final (overridden) set. Its builder comes
    from the final set too, except for the build tools nixpkgs' hooks need (wheel, setuptools,
    packaging, …) and their dependencies, which `python.pkgs` (the set before these overrides)
    builds, so that no hook reaches back into the package being built.

    # Inputs

    `resolution`
    : a validated resolution (lib/resolution1.nix)

    `python`
    : the interpreter whose package set the overrides are for (the resolution was made for it)

    `tests`
    : run the packages' tests during their builds

    `projectDir`
    : the directory relative `path`/`editable` sources are found in (null: none given)

    `fn`
    : the public function's name, for messages

    # Type

    ```
    overridesFor :: { resolution, python, tests, projectDir ? null, fn ? "mkPythonOverrides" } -> (AttrSet -> AttrSet -> AttrSet)
    ```

    # Examples

    ```nix
    python.override { packageOverrides = overridesFor { inherit resolution python; tests = false; }; }
    ```
  */
  overridesFor =
    {
      resolution,
      python,
      tests ? false,
      projectDir ? null,
      fn ? "mkPythonOverrides",
    }:
    let
      tools = buildToolClosure resolution.packages;
    in
    self: _super:
    builtins.mapAttrs (
      name: pkg:
      let
        built = providers.${pkg.provider} {
          inherit pkg tests;
          pythonPackages = if elem name tools then python.pkgs else self;
          dependencies = map (dep: self.${dep}) pkg.dependencies;
          src = sources.srcOf { inherit fn projectDir pkg; };
        };
      in
      if buildFixes ? ${name} then built.overridePythonAttrs (buildFixes.${name} pkg) else built
    ) resolution.packages;
}
