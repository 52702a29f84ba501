# Reader for resolution documents of schemaVersion 1 (docs/resolution-format.md). When the
# format changes, a resolution2.nix is added beside this one and lib/resolve.nix picks the
# reader by the document's schemaVersion.
{ lib }:
let
  inherit (lib) concatStringsSep attrNames;

  requiredPackageFields = [
    "name"
    "version"
    "provider"
    "dependencies"
  ];

  checkPackage =
    key: pkg:
    let
      missing = builtins.filter (f: !(pkg ? ${f})) requiredPackageFields;
    in
    if missing != [ ] then
      throw "mach-nix: the resolution's entry for '${key}' lacks ${concatStringsSep ", " missing}; the resolver and lib/ disagree about resolution format 1. This is a bug in mach-nix."
    else if pkg.provider != "sdist" && pkg.provider != "wheel" then
      throw "mach-nix: '${key}' ${pkg.version} was resolved to provider '${pkg.provider}', which this version of mach-nix cannot build."
    else
      pkg;
in
{
  /**
    Validate a decoded resolution v1 and return it, or throw the resolver's own explanation
    when the document is an error document.

    # Type

    ```
    read :: AttrSet -> AttrSet
    ```
  */
  read =
    doc:
    if doc ? error then
      throw "mach-nix: ${doc.error.message}"
    else
      doc
      // {
        packages = builtins.mapAttrs checkPackage doc.packages;
        roots = doc.roots;
      };

  /**
    Names of every package of a resolution, sorted.

    # Type

    ```
    packageNames :: AttrSet -> [ String ]
    ```
  */
  packageNames = resolution: attrNames resolution.packages;
}
