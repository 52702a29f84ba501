# The README's example, on this repository's test double and fixture index (no nixpkgs needed):
#   python -m tests.nixutil nix-build example.nix && ./result/bin/python -c 'import requests'
# With a real nixpkgs, pass it: nix-build example.nix --arg pkgs 'import <nixpkgs> { }'
{
  pkgs ? import ./tests/nixpkgs-double { },
}:
let
  mach-nix = import ./. {
    inherit pkgs;
    python = "python3";
    pypiIndex = ./tests/data/index;
  };
in
mach-nix.mkPython {
  requirements = ''
    requests[socks] >= 2.28
    attrs; python_version >= "3.8"
  '';
}
