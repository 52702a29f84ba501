/**
  The interpreter's passthru and its package set, composed like nixpkgs' `passthrufun.nix`:

    base (python-packages-base.nix)
      -> aliases (only with config.allowAliases)
      -> hooks -> packages (python-packages.nix)
      -> pythonPackagesExtensions (in order)
      -> packageOverrides (last, wins)

  as one `lib.makeScope`, so every layer sees the final set and `overrideScope` works.
  `ensurePythonModules` (newer nixpkgs) is applied from release 26.05 on.
*/
{
  lib,
  stdenv,
  callPackage,
  pythonPackagesExtensions,
  config,
}:
{
  implementation,
  libPrefix,
  executable,
  sourceVersion,
  pythonVersion,
  packageOverrides,
  sitePackages,
  hasDistutilsCxxPatch,
  pythonOnBuildForBuild,
  pythonOnBuildForHost,
  pythonOnBuildForTarget,
  pythonOnHostForHost,
  pythonOnTargetForTarget,
  pythonAttr ? null,
  self,
}:
let
  release = lib.trivial.release;

  ensurePythonModules =
    items:
    let
      providesSetupHook = lib.attrByPath [ "provides" "setupHook" ] false;
      valid =
        value: pythonPackages.hasPythonModule value || providesSetupHook value || value == stdenv;
      func =
        name: value:
        if lib.isDerivation value then
          lib.extendDerivation (
            valid value
            || throw "${name} should use `buildPythonPackage` or `toPythonModule` if it is to be part of the Python packages set."
          ) { } value
        else
          value;
    in
    lib.mapAttrs func items;

  pythonPackagesUnchecked = callPackage (
    {
      pkgs,
      stdenv,
      python,
      overrides,
    }:
    let
      pythonPackagesFun = import ./python-packages-base.nix {
        inherit stdenv pkgs lib;
        python = self;
      };
      hooks = import ./hooks.nix;
      pythonExtension = import ./python-packages.nix;
      extensions = lib.composeManyExtensions (
        [
          hooks
          pythonExtension
        ]
        ++ pythonPackagesExtensions
        ++ [ overrides ]
      );
      aliases =
        self: super: lib.optionalAttrs (config.allowAliases or true) (import ./python-aliases.nix lib self super);
    in
    lib.makeScope pkgs.newScope (lib.extends (lib.composeExtensions aliases extensions) pythonPackagesFun)
  ) {
    overrides = packageOverrides;
    python = self;
  };

  pythonPackages =
    if lib.versionAtLeast release "26.05" then
      ensurePythonModules pythonPackagesUnchecked
    else
      pythonPackagesUnchecked;
in
rec {
  isPy27 = pythonVersion == "2.7";
  isPy39 = pythonVersion == "3.9";
  isPy310 = pythonVersion == "3.10";
  isPy311 = pythonVersion == "3.11";
  isPy312 = pythonVersion == "3.12";
  isPy313 = pythonVersion == "3.13";
  isPy314 = pythonVersion == "3.14";
  isPy2 = lib.substring 0 1 pythonVersion == "2";
  isPy3 = lib.substring 0 1 pythonVersion == "3";
  isPy3k = isPy3;
  isPyPy = lib.hasInfix "pypy" interpreter;

  buildEnv = callPackage ./wrapper.nix {
    python = self;
    inherit (pythonPackages) requiredPythonModules;
  };
  withPackages = import ./with-packages.nix { inherit buildEnv pythonPackages; };
  pkgs = pythonPackages;
  interpreter = "${self}/bin/${executable}";
  inherit
    executable
    implementation
    libPrefix
    pythonVersion
    sitePackages
    ;
  inherit sourceVersion;
  pythonAtLeast = lib.versionAtLeast pythonVersion;
  pythonOlder = lib.versionOlder pythonVersion;
  inherit hasDistutilsCxxPatch;
  inherit
    pythonOnBuildForBuild
    pythonOnBuildForHost
    pythonOnBuildForTarget
    pythonOnHostForHost
    pythonOnTargetForTarget
    ;
  pythonABITags = [
    "abi3"
    "none"
    "cp${sourceVersion.major}${sourceVersion.minor}"
  ];
  inherit pythonAttr;
}
