# Running the resolver: the request is written with builtins.toJSON, a derivation runs
# `mach_nix resolve-request` offline against the pinned index, and the resolution is read back
# with builtins.fromJSON (import-from-derivation). The derivation's only inputs are the
# request, the index, the `resolver/` source and an interpreter with resolvelib + packaging, so
# editing anything else in the repository never re-runs a resolution.
{
  lib,
  target,
  resolution1,
}:
let
  inherit (lib) hasSuffix;

  schemaVersion = 1;

  # Only the Python package, without caches, so that a stray .pyc never changes the hash.
  resolverSrc = builtins.path {
    name = "mach-nix-resolver";
    path = ../resolver;
    filter =
      path: type:
      let
        base = baseNameOf path;
      in
      !(
        base == "__pycache__"
        || hasSuffix ".pyc" base
        || hasSuffix ".egg-info" base
        || base == ".mypy_cache"
        || base == ".pytest_cache"
      );
  };

  # The source compiled for the interpreter that runs it: the store is read-only, so without
  # this every resolution would compile the resolver's modules again (70 ms of CPU here).
  # Unchecked-hash bytecode is used as it is, whatever the source files' store timestamps.
  compiledResolver =
    python: system:
    derivation {
      name = "mach-nix-resolver-compiled";
      inherit system;
      builder = python.interpreter;
      args = [
        "-I"
        "-c"
        ''
          import compileall, py_compile, shutil, sys
          src, out = sys.argv[1:]
          shutil.copytree(src, out)
          ok = compileall.compile_dir(out, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
          sys.exit(0 if ok else 1)
        ''
        resolverSrc
        (builtins.placeholder "out")
      ];
      preferLocalBuild = true;
      allowSubstitutes = false;
    };

  readers = {
    "1" = resolution1.read;
  };

  # The schemes of the URLs in a requirements text that carry credentials: any `user@` of an
  # http(s) URL (an index's `user:token@`, a bare token), a password in any other
  # (`ssh://git@host/...` names a user, no secret). The request is copied into the store,
  # which every user can read, so such a text is refused before (docs/indexes.md).
  credentialSchemes =
    text:
    let
      found = builtins.filter builtins.isList (
        builtins.split "([a-zA-Z][-a-zA-Z0-9+.]*)://([^/@[:space:]]*)@" text
      );
      secret =
        m:
        builtins.match ".*:.*" (builtins.elemAt m 1) != null
        || builtins.match "(git\\+)?https?" (builtins.elemAt m 0) != null;
    in
    map (m: builtins.elemAt m 0) (builtins.filter secret found);

  # The plain interpreter runs the resolver with its source and its two dependencies put on
  # sys.path explicitly: nothing depends on how an environment wrapper finds its prefix.
  entry = ''
    import sys
    sys.path[:0] = sys.argv.pop(1).split(":")
    from mach_nix.cli import main
    sys.exit(main(sys.argv[1:]))
  '';
in
rec {
  /**
    The request v1 for a requirements text (docs/resolution-format.md).

    # Inputs

    `python`
    : the interpreter the environment is for

    `requirements`
    : the text of a requirements.txt

    `providers`
    : provider preferences, `{ _default = "wheel,sdist"; numpy = "wheel"; }`

    `pre`
    : allow pre-releases everywhere

    # Type

    ```
    mkRequest :: { python, requirements, providers, pre } -> AttrSet
    ```
  */
  mkRequest =
    {
      python,
      requirements,
      providers ? { },
      pre ? false,
    }:
    if !builtins.isString requirements then
      throw "mach-nix: `requirements` must be the text of a requirements.txt (a string), not a ${builtins.typeOf requirements}; for a file use `requirements = builtins.readFile ./requirements.txt;`."
    else if credentialSchemes requirements != [ ] then
      throw "mach-nix: the requirements hold a URL with credentials in it (`${builtins.head (credentialSchemes requirements)}://USER:TOKEN@...`), which Nix would copy into the store, readable by every user. Remove them from the URL and put them in a netrc file instead; docs/indexes.md says how `mach-nix lock` and Nix's fetcher read it."
    else
      {
        inherit schemaVersion requirements pre;
        target = target.targetOf python;
        providers = {
          _default = "wheel,sdist";
        }
        // providers;
      };

  /**
    The derivation whose output is the resolution JSON of `request` against `index`.

    # Inputs

    `python`
    : the interpreter that runs the resolver; its package set must have `resolvelib` and
      `packaging`

    `index`
    : a mach-nix index directory (path, or a derivation/fetchTarball result)

    `request`
    : the request attrset (see `mkRequest`)

    # Type

    ```
    resolverDrv :: { python, index, request, system } -> Derivation
    ```
  */
  resolverDrv =
    {
      python,
      index,
      request,
      system,
    }:
    let
      missing = builtins.filter (n: !(python.pkgs ? ${n})) [
        "resolvelib"
        "packaging"
      ];
      searchPath =
        if missing == [ ] then
          "${compiledResolver python system}:${
            python.pkgs.makePythonPath [
              python.pkgs.resolvelib
              python.pkgs.packaging
            ]
          }"
        else
          throw "mach-nix: the resolver needs ${lib.concatStringsSep " and " missing} from ${python.name}'s package set, which lacks them; use a nixpkgs whose python has resolvelib (>= 1.0) and packaging (>= 23).";
    in
    derivation (
      {
        name = "mach-nix-resolution.json";
        inherit system;
        builder = python.interpreter;
        args = [
          "-B"
          "-I"
          "-c"
          entry
          searchPath
          "resolve-request"
          # builtins.toFile may not refer to derivation outputs (fetchurl'd direct references):
          # the file holds their paths as plain text, and `directInputs` makes them inputs.
          (builtins.toFile "mach-nix-request.json" (
            builtins.unsafeDiscardStringContext (builtins.toJSON request)
          ))
          "--index"
          "${index}"
          "--out"
          (builtins.placeholder "out")
        ];
        # Resolutions are cheap to recompute and never worth a substituter round trip.
        preferLocalBuild = true;
        allowSubstitutes = false;
      }
      // lib.optionalAttrs (request ? directReferences) {
        directInputs = builtins.attrValues request.directReferences;
      }
    );

  /**
    Read and validate the resolution a resolver derivation wrote (import-from-derivation).
    Throws the resolver's explanation when the requirements cannot be satisfied.

    # Type

    ```
    read :: Derivation -> AttrSet
    ```
  */
  read =
    drv:
    let
      doc = builtins.fromJSON (builtins.readFile drv);
      version = toString (doc.schemaVersion or "missing");
    in
    if readers ? ${version} then
      readers.${version} doc
    else
      throw "mach-nix: the resolver wrote a resolution of schemaVersion ${version}, which this lib/ cannot read (it reads ${toString (builtins.attrNames readers)}). The resolver and the Nix library come from different mach-nix versions.";

}
