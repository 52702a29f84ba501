# Per-package build fixes, kept apart from the core (lib/ ships no per-package hacks).
#
# Each attribute is a normalized project name mapped to `pkg: old: { ... }`, where `pkg` is the
# package's resolution entry (name, version, provider, file) and `old` the arguments its
# provider passed to buildPythonPackage; the result is merged with `overridePythonAttrs`.
# Example of an entry:
#
#   pyzmq = pkg: old: { buildInputs = (old.buildInputs or [ ]) ++ [ pkgs.zeromq ]; };
{ lib, pkgs }:
{
}
