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

  # `source` (docs/resolution-format.md): its kind and the fields each kind needs.
  sourceFields = {
    index = [ ];
    url = [ "url" ];
    git = [
      "url"
      "rev"
    ];
    path = [ "path" ];
    editable = [ "path" ];
  };

  isArchive = p: lib.hasSuffix ".whl" p || lib.hasSuffix ".tar.gz" p || lib.hasSuffix ".zip" p;

  checkSource =
    key: pkg:
    let
      kind = pkg.source.kind or "index";
      missing = builtins.filter (f: !(pkg.source ? ${f})) (sourceFields.${kind} or [ ]);
      tree = kind == "git" || kind == "editable" || (kind == "path" && !(isArchive pkg.source.path));
    in
    if !(sourceFields ? ${kind}) then
      throw "mach-nix: '${key}' comes from a source of kind '${kind}', which this version of mach-nix cannot build; the resolver and lib/ come from different mach-nix versions."
    else if missing != [ ] then
      throw "mach-nix: the resolution's source of '${key}' lacks ${concatStringsSep ", " missing}; the resolver and lib/ disagree about resolution format 1. This is a bug in mach-nix."
    else if tree && pkg.provider != "sdist" then
      throw "mach-nix: '${key}' is a source tree (${kind}) but has provider '${pkg.provider}'; a tree builds with provider sdist. This is a bug in mach-nix."
    else if !tree && !(pkg ? file) then
      throw "mach-nix: the resolution's entry for '${key}' lacks file; the resolver and lib/ disagree about resolution format 1. This is a bug in mach-nix."
    else
      pkg;

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
      checkSource key pkg;
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

  /**
    Names of the packages a development shell takes from the working tree (source kind
    `editable`), sorted.

    # Type

    ```
    editableNames :: AttrSet -> [ String ]
    ```
  */
  editableNames =
    resolution:
    builtins.filter (n: (resolution.packages.${n}.source.kind or "index") == "editable") (
      attrNames resolution.packages
    );
}
