# The `sdist` provider: a source distribution from the index, built into a wheel with its PEP 517
# backend inside the Nix build (`pyproject = true`). This first version offers setuptools and
# wheel as the build system, which covers setuptools projects; other backends come with build
# system resolution.
{ lib, pkgs }:
let
  inherit (lib) hasSuffix optional;
in
/**
  Build one resolved package from its sdist.

  # Type

  ```
  sdist :: { self, pkg, dependencies, tests } -> Derivation
  ```
*/
{
  self,
  pkg,
  dependencies,
  tests,
}:
self.buildPythonPackage {
  pname = pkg.name;
  inherit (pkg) version;
  pyproject = true;
  src = pkgs.fetchurl {
    inherit (pkg.file) url sha256;
    name = pkg.file.filename;
  };
  nativeBuildInputs = [
    self.setuptools
    self.wheel
  ]
  ++ optional (hasSuffix ".zip" pkg.file.filename) pkgs.unzip;
  propagatedBuildInputs = dependencies;
  doCheck = tests;
  passthru.machNix = {
    inherit (pkg) provider file;
  };
}
