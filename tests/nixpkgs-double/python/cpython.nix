/**
  The double's CPython: a store path whose `bin/pythonX.Y` is the host interpreter, made its own
  isolated prefix by a `pyvenv.cfg` (the host's site- and dist-packages are not on `sys.path`).
  Called with `callPackage`, so `.override { packageOverrides; self; }` replaces arguments like
  nixpkgs' `cpython/default.nix`: a second `packageOverrides` drops the first, and without `self`
  the set's own `python` is still the un-overridden interpreter.

  Deliberate difference: the interpreter is not built, so the version is the host's and the
  `sitecustomize.py` that nixpkgs ships (NIX_PYTHONPATH handling) does not exist.
*/
{
  lib,
  stdenv,
  callPackage,
  config,
  pythonPackagesExtensions,
  pkgsBuildBuild,
  pkgsBuildHost,
  pkgsBuildTarget,
  pkgsHostHost,
  pkgsTargetTarget,
  sourceVersion,
  pythonAttr,
  hostInterpreter,
  pylib,
  builderPython,
  self,
  packageOverrides ? (self: super: { }),
}:
let
  pythonVersion = "${sourceVersion.major}.${sourceVersion.minor}";
  libPrefix = "python${pythonVersion}";
  executable = libPrefix;
  sitePackages = "lib/${libPrefix}/site-packages";
  version = "${sourceVersion.major}.${sourceVersion.minor}.${sourceVersion.patch}${sourceVersion.suffix}";
  release = lib.trivial.release;

  passthruFun = import ./passthru.nix {
    inherit
      lib
      stdenv
      callPackage
      pythonPackagesExtensions
      config
      ;
  };

  passthru =
    passthruFun {
      implementation = "cpython";
      inherit
        libPrefix
        executable
        sourceVersion
        pythonVersion
        packageOverrides
        sitePackages
        pythonAttr
        self
        ;
      hasDistutilsCxxPatch = false;
      pythonOnBuildForBuild = pkgsBuildBuild.${pythonAttr};
      pythonOnBuildForHost = pkgsBuildHost.${pythonAttr};
      pythonOnBuildForTarget = pkgsBuildTarget.${pythonAttr};
      pythonOnHostForHost = pkgsHostHost.${pythonAttr};
      pythonOnTargetForTarget = pkgsTargetTarget.${pythonAttr} or { };
    }
    // lib.optionalAttrs (lib.versionOlder release "25.05") {
      # 23.11 name; an alias (with a warning) until 24.11, gone from 25.05. (The double keeps
      # `pythonOnBuildForHost` on 23.11 too, which real 23.11 did not have yet.)
      pythonForBuild =
        if release == "23.11" then
          pkgsBuildHost.${pythonAttr}
        else
          lib.warn "python.pythonForBuild is deprecated, use python.pythonOnBuildForHost" pkgsBuildHost.${pythonAttr};
    }
  ;
in
stdenv.mkDerivation {
  pname = "python3";
  inherit version;
  buildCommand = ''
    ${builderPython} -I -S ${pylib}/make_python.py "$out" ${hostInterpreter} ${pythonVersion} ${pylib}/hooks/python_setup_hook.py
  '';
  passthru = passthru // {
    inherit stdenv;
  };
  meta = {
    description = "High-level dynamically-typed programming language (the host's interpreter, seen through the nixpkgs double)";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
    mainProgram = executable;
  };
}
