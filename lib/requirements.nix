# Reading a requirements text in Nix, as far as lib/ needs to (the resolver parses it in full).
{ lib }:
{
  /**
    The logical lines of a requirements text: `\`-continuations joined, comments dropped (a `#`
    at the start of a line or after whitespace, as pip reads it; a URL's `#sha256=` fragment
    has none before it), surrounding space trimmed, empty lines left out.

    # Type

    ```
    logicalLines :: String -> [ String ]
    ```

    # Examples

    ```nix
    logicalLines "requests >= 2  # http\n\n attrs\n"
    => [ "requests >= 2" "attrs" ]
    ```
  */
  logicalLines =
    text:
    let
      joined = builtins.replaceStrings [ "\\\n" ] [ "" ] text;
      raw = builtins.filter builtins.isString (builtins.split "\r?\n" joined);
      uncomment = l: builtins.head (builtins.split "(^|[[:space:]])#" l);
      trim = l: builtins.head (builtins.match "[[:space:]]*(.*[^[:space:]]|)[[:space:]]*" l);
    in
    builtins.filter (l: l != "") (map (l: trim (uncomment l)) raw);
}
