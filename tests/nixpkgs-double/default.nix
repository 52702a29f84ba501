/**
  A nixpkgs-shaped test double for mach-nix: `import ./tests/nixpkgs-double { }` gives a `pkgs`
  attribute set whose python parts behave like nixpkgs' wherever mach-nix relies on them (see
  shared/nixpkgs-python-interface.md). It builds with the host's programs only: /bin/sh,
  /usr/bin/python3 and /usr/bin/patchelf, and fetches PyPI files with Nix's builtin fetcher.

  # Inputs

  `system`
  : the Nix system (default: the current one).

  `release`
  : the nixpkgs release whose behaviour to play: "23.11", "24.05", "24.11" (default), "25.05",
    "25.11", "26.05"; see section 9.3 of the interface document.

  `overlays`
  : `final: prev: { ... }` functions applied in order, as nixpkgs does.

  `config`
  : nixpkgs config; the double reads `allowAliases`, `allowBroken`, `allowUnsupportedSystem`.
*/
{
  system ? builtins.currentSystem,
  release ? "24.11",
  overlays ? [ ],
  config ? { },
}:
let
  lib = import ./lib { inherit release; };
  host = import ./host.nix { inherit lib system; };
  pylib = import ./pylib.nix;
  config' = {
    allowAliases = true;
    allowBroken = false;
    allowUnsupportedSystem = false;
  }
  // config;

  pythonAttr = "python" + lib.replaceStrings [ "." ] [ "" ] host.pythonVersion;

  /** The double's own packages, as a `final:` function (overlays extend it). */
  basePackages =
    final:
    let
      stdenv = import ./stdenv.nix {
        inherit lib host system pylib;
        config = config';
      };
      buildSupport = import ./build-support.nix {
        inherit lib host pylib;
        inherit (final) stdenv;
      };
    in
    # Everything build-support.nix exports (fetchurl, runCommand, autoPatchelfHook, ...).
    buildSupport
    // {
      inherit lib stdenv;
      pkgs = final;
      config = config';

      /** callPackage over the final package set. */
      newScope = extra: lib.callPackageWith (final // extra);
      callPackage = final.newScope { };

      # No cross compilation: every splice is the package set itself.
      pkgsBuildBuild = final;
      pkgsBuildHost = final;
      pkgsBuildTarget = final;
      pkgsHostHost = final;
      pkgsHostTarget = final;
      pkgsTargetTarget = final;
      buildPackages = final;

      pythonPackagesExtensions = [ ];

      ${pythonAttr} = final.callPackage ./python/cpython.nix {
        self = final.${pythonAttr};
        inherit pythonAttr pylib;
        inherit (host) builderPython;
        hostInterpreter = host.pythonBin;
        sourceVersion = {
          major = "3";
          minor = lib.elemAt (lib.splitString "." host.pythonVersion) 1;
          patch = host.pythonPatch;
          suffix = "";
        };
      };
      "${pythonAttr}Packages" = lib.recurseIntoAttrs final.${pythonAttr}.pkgs;
      python3 = final.${pythonAttr};
      python3Packages = lib.dontRecurseIntoAttrs final."${pythonAttr}Packages";

      /** nixpkgs' `pkgs.extend`: the same double with one more overlay. */
      extend =
        overlay:
        import ./. {
          inherit system release;
          config = config;
          overlays = overlays ++ [ overlay ];
        };
      /** nixpkgs' `pkgs.appendOverlays`. */
      appendOverlays =
        extra:
        import ./. {
          inherit system release;
          config = config;
          overlays = overlays ++ extra;
        };

      /** Facts about the host the double stands on (not a nixpkgs attribute). */
      nixpkgsDouble = {
        inherit host release pylib;
      };
    };
in
lib.fix (lib.foldl' (lib.flip lib.extends) basePackages overlays)
