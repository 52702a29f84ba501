# The `wheel` provider: a wheel from the index, fetched by URL with its sha256 and installed by
# nixpkgs' wheel install (`format = "wheel"`). Binary wheels get autoPatchelf, with the
# manylinux library set as the place to find what the wheel does not bundle.
{
  lib,
  pkgs,
  common,
}:
let
  inherit (lib) optional optionals;
in
/**
  Build one resolved package from its wheel.

  # Inputs

  `pythonPackages`
  : the package set whose buildPythonPackage (and so whose hooks) builds it: the final set, or
    the interpreter's original one for the build tools those hooks need (lib/overrides.nix)

  `pkg`
  : the package's entry in the resolution

  `dependencies`
  : the derivations of its run-time dependencies

  `src`
  : the source when it is not the resolution's `file` fetched by URL (a direct reference:
    a git checkout or a local path, lib/sources.nix); null to fetch `file`

  `tests`
  : run the package's tests (a wheel carries none; kept for a uniform provider interface)

  # Type

  ```
  wheel :: { pythonPackages, pkg, dependencies, tests, src ? null } -> Derivation
  ```
*/
{
  pythonPackages,
  pkg,
  dependencies,
  tests,
  src ? null,
}:
let
  isLinux = pkgs.stdenv.hostPlatform.isLinux;
  binary = pkg.file.binary or false;
in
pythonPackages.buildPythonPackage {
  pname = pkg.name;
  inherit (pkg) version;
  format = "wheel";
  src = common.source pkg src;
  propagatedBuildInputs = dependencies;
  nativeBuildInputs = optional (binary && isLinux) pkgs.autoPatchelfHook;
  buildInputs = optionals (binary && isLinux) pkgs.pythonManylinuxPackages.manylinux2014;
  doCheck = tests;
  passthru = common.passthru pkg;
}
