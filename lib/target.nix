# The resolver's target: what it needs to know of the interpreter and platform the environment
# runs on. The resolver derives PEP 508 marker values and wheel tags from it
# (mach_nix/target.py), so this file only reads attributes nixpkgs' python carries.
{ lib }:
{
  /**
    The request's `target` for a nixpkgs python interpreter (docs/resolution-format.md).

    # Inputs

    `python`
    : a nixpkgs python interpreter derivation, e.g. `pkgs.python3`

    # Type

    ```
    targetOf :: Derivation -> AttrSet
    ```

    # Examples

    ```nix
    targetOf pkgs.python311
    => { system = "x86_64-linux"; python = { implementation = "cpython"; version = "3.11.9"; }; libc = { name = "glibc"; version = "2.40"; }; }
    ```
  */
  targetOf =
    python:
    let
      platform = python.stdenv.hostPlatform;
      libc = python.stdenv.cc.libc or null;
      implementation = python.implementation or "cpython";
    in
    # nixpkgs' pypy carries the PyPy release in `version` and only X.Y of the language, so the
    # full Python version that markers and wheel tags need is not known for it.
    if implementation != "cpython" then
      throw "mach-nix: ${python.name or "the interpreter"} is a ${implementation} interpreter; mach-nix resolves for CPython only so far. Pass a CPython interpreter (`python = \"python3\";`)."
    else
    {
      inherit (platform) system;
      python = {
        inherit implementation;
        inherit (python) version;
      };
      libc =
        if platform.isLinux && libc != null then
          {
            name = platform.libc or "glibc";
            inherit (libc) version;
          }
        else
          null;
    };
}
