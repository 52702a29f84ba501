# mach-nix's Nix library. Each concern lives in its own file; this one imports them and passes
# each its siblings, so every dependency between files is visible here.
{
  pkgs,
  python ? "python3",
  pypiIndex ? null,
}:
let
  inherit (pkgs) lib;

  names = import ./names.nix { inherit lib; };
  target = import ./target.nix { inherit lib; };
  resolution1 = import ./resolution1.nix { inherit lib; };
  resolve = import ./resolve.nix { inherit lib target resolution1; };
  requirementsText = import ./requirements.nix { inherit lib; };
  lock1 = import ./lock1.nix { inherit lib resolution1 requirementsText; };
  providers =
    let
      common = import ./providers/common.nix { inherit pkgs; };
    in
    {
      wheel = import ./providers/wheel.nix { inherit lib pkgs common; };
      sdist = import ./providers/sdist.nix { inherit lib pkgs common; };
    };
  buildFixes = import ../overrides { inherit lib pkgs; };
  sources = import ./sources.nix { inherit lib; };
  directRefs = import ./direct.nix { inherit lib sources requirementsText; };
  core = import ./overrides.nix {
    inherit
      lib
      providers
      buildFixes
      sources
      ;
  };
  api = import ./api.nix {
    inherit
      lib
      pkgs
      resolve
      resolution1
      lock1
      core
      sources
      directRefs
      ;
    defaultPython = python;
    defaultIndex = pypiIndex;
  };
in
api
// {
  inherit (names) normalizeName;
  inherit (target) targetOf;
  inherit (resolve) mkRequest;
}
