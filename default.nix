# mach-nix: `import ./. { inherit pkgs; pypiIndex = ./index; }` gives the library
# (mkPython, mkPythonOverrides, resolution, ...). `pkgs` is yours: mach-nix never imports a
# nixpkgs behind your back beyond this default.
{
  pkgs ? import <nixpkgs> { },
  python ? "python3",
  pypiIndex ? null,
  ...
}:
import ./lib { inherit pkgs python pypiIndex; }
