{
  description = "mach-nix: a requirements.txt becomes a reproducible Python environment built by Nix";

  # No inputs: the library takes the caller's nixpkgs as an argument, so a consumer's flake.lock
  # decides which nixpkgs is used.
  outputs =
    { self }:
    let
      # The same code path as default.nix: each function takes the library's arguments
      # (pkgs, python, pypiIndex) together with its own.
      call =
        name: args:
        (import ./default.nix {
          inherit (args) pkgs;
        }).${name}
          (builtins.removeAttrs args [ "pkgs" ]);
    in
    {
      lib = {
        mkPython = call "mkPython";
        mkPythonOverrides = call "mkPythonOverrides";
        mkPythonShell = call "mkPythonShell";
        resolution = call "resolution";
        resolutionDrv = call "resolutionDrv";
      };
    };
}
