# Project name normalization: the one place in Nix (PEP 503), tested against the same cases as
# `mach_nix.names.normalize` (tests/cases/names.json).
{ lib }:
let
  inherit (lib) toLower;
in
{
  /**
    Normalize a Python project name as PEP 503 does: lower case, and every run of `-`, `_`
    and `.` becomes a single `-`.

    # Inputs

    `name`
    : a project name as written in a requirement or on PyPI

    # Type

    ```
    normalizeName :: String -> String
    ```

    # Examples

    ```nix
    normalizeName "Foo_Bar..baz"
    => "foo-bar-baz"
    ```
  */
  normalizeName =
    name:
    let
      parts = builtins.split "[-_.]+" name;
    in
    toLower (lib.concatStrings (map (p: if builtins.isList p then "-" else p) parts));
}
