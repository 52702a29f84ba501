# The `sdist` provider: a source distribution from the index, built into a wheel with its PEP 517
# backend inside the Nix build (`pyproject = true`). This first version offers setuptools and
# wheel as the build system, which covers setuptools projects; other backends come with build
# system resolution.
{
  lib,
  pkgs,
  common,
}:
let
  inherit (lib) hasSuffix optional;
in
/**
  Build one resolved package from its sdist.

  # Inputs

  `pythonPackages`
  : the package set whose buildPythonPackage, setuptools and wheel build it: the final set, or
    the interpreter's original one for the build tools nixpkgs' hooks need (lib/overrides.nix)

  `pkg`
  : the package's entry in the resolution

  `dependencies`
  : the derivations of its run-time dependencies

  `src`
  : the source when it is not the resolution's `file` fetched by URL (a direct reference:
    a git checkout or a local path, lib/sources.nix); null to fetch `file`

  `tests`
  : run the package's tests during the build

  # Type

  ```
  sdist :: { pythonPackages, pkg, dependencies, tests, src ? null } -> Derivation
  ```
*/
{
  pythonPackages,
  pkg,
  dependencies,
  tests,
  src ? null,
}:
pythonPackages.buildPythonPackage {
  pname = pkg.name;
  inherit (pkg) version;
  pyproject = true;
  src = common.source pkg src;
  nativeBuildInputs = [
    pythonPackages.setuptools
    pythonPackages.wheel
  ]
  ++ optional (hasSuffix ".zip" (pkg.file.filename or "")) pkgs.unzip;
  propagatedBuildInputs = dependencies;
  doCheck = tests;
  passthru = common.passthru pkg;
}
