# What the providers share: where a package's source comes from, and what it records of itself.
{ pkgs }:
{
  /**
    The source to build from: `src` when given (a direct reference: a git checkout or a local
    path, lib/sources.nix), else the resolution's `file` fetched by URL with its sha256. The
    store name is the real file name: wheel installers parse it, and URLs may carry fragments
    or percent-encoding.

    # Type

    ```
    source :: AttrSet -> (Path | Derivation | Null) -> Path | Derivation
    ```
  */
  source =
    pkg: src:
    if src != null then
      src
    else
      pkgs.fetchurl {
        inherit (pkg.file) url sha256;
        name = pkg.file.filename;
      };

  /**
    `passthru.machNix` of a built package: how it was resolved (provider, file, source).
  */
  passthru = pkg: {
    machNix = {
      inherit (pkg) provider;
      file = pkg.file or null;
      source = pkg.source or null;
    };
  };
}
