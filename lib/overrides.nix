# The core: a resolution becomes python overrides (`self: super: { ... }`), one package per
# resolved name, built by its provider, with the fixes from ../overrides applied. Every other
# function of the library is a thin wrapper over this one.
{
  lib,
  providers,
  buildFixes,
}:
{
  /**
    Python overrides that put every package of `resolution` into a python package set.

    # Inputs

    `resolution`
    : a validated resolution (lib/resolution1.nix)

    `tests`
    : run the packages' tests during their builds

    # Type

    ```
    overridesFor :: { resolution, tests } -> (AttrSet -> AttrSet -> AttrSet)
    ```

    # Examples

    ```nix
    python.override { packageOverrides = overridesFor { inherit resolution; tests = false; }; }
    ```
  */
  overridesFor =
    {
      resolution,
      tests ? false,
    }:
    self: _super:
    builtins.mapAttrs (
      name: pkg:
      let
        built = providers.${pkg.provider} {
          inherit self pkg tests;
          dependencies = map (dep: self.${dep}) pkg.dependencies;
        };
      in
      if buildFixes ? ${name} then built.overridePythonAttrs (buildFixes.${name} pkg) else built
    ) resolution.packages;
}
