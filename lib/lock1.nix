# Lock files of version 1 (docs/lock-format.md): a resolution plus the request it was resolved
# from. Nix builds from a lock with no resolver run at all, after checking that the lock still
# fits the requirements and interpreter it is used with.
{
  lib,
  resolution1,
  requirementsText,
}:
let
  inherit (lib)
    concatStringsSep
    concatMapStringsSep
    filter
    elem
    mapAttrsToList
    optional
    optionalString
    versionAtLeast
    ;

  # Spaces carry no meaning inside a requirement (`attrs >= 1` is `attrs>=1`).
  dropSpaces = s: lib.concatStrings (filter builtins.isString (builtins.split "[[:space:]]+" s));

  # Each entry becomes a string: keys in the order given, so the result reads like the CLI's.
  relockCommand =
    {
      lockFile,
      request,
    }:
    let
      t = request.target;
      providerArgs = mapAttrsToList (name: list: "--provider ${name}=${list}") (
        builtins.removeAttrs request.providers [ "_default" ]
      );
    in
    concatStringsSep " " (
      [
        "mach-nix lock -r requirements.txt"
        "--python ${t.python.version}"
        "--platform ${t.system}"
      ]
      ++ optional (t.libc != null) "--glibc ${t.libc.version}"
      ++ [ "--providers ${request.providers._default}" ]
      ++ providerArgs
      ++ optional request.pre "--pre"
      ++ [ "-o ${baseNameOf (toString lockFile)}" ]
    );
in
rec {
  /**
    The requirement lines of a requirements text as Nix compares them: continuation lines
    joined, comments, blank lines and spaces dropped.

    # Type

    ```
    requirementLines :: String -> [ String ]
    ```

    # Examples

    ```nix
    requirementLines "requests >= 2  # http\n\n attrs\n"
    => [ "requests>=2" "attrs" ]
    ```
  */
  requirementLines = text: map dropSpaces (requirementsText.logicalLines text);

  /**
    Why a lock does not fit a request, as a list of sentences (empty when it fits).

    # Type

    ```
    mismatches :: { lock, request } -> [ String ]
    ```
  */
  mismatches =
    {
      lock,
      request,
    }:
    let
      old = lock.request;
      oldLines = requirementLines old.requirements;
      newLines = requirementLines request.requirements;
      added = filter (l: !(elem l oldLines)) newLines;
      removed = filter (l: !(elem l newLines)) oldLines;
      xy = v: concatStringsSep "." (lib.take 2 (lib.splitString "." v));
      oldPy = old.target.python;
      newPy = request.target.python;
      quote = concatMapStringsSep ", " (l: "'${l}'");
    in
    optional (added != [ ] || removed != [ ]) (
      "the requirements changed"
      + optionalString (added != [ ]) ("; not in the lock: " + quote added)
      + optionalString (removed != [ ]) ("; only in the lock: " + quote removed)
    )
    ++ optional (
      oldPy.implementation != newPy.implementation || xy oldPy.version != xy newPy.version
    ) "it was made for ${oldPy.implementation} ${oldPy.version}, the interpreter is ${newPy.implementation} ${newPy.version}"
    ++ optional (old.target.system != request.target.system) "it was made for ${old.target.system}, the interpreter is for ${request.target.system}"
    ++ optional (
      old.target.libc != null
      && request.target.libc != null
      && !(versionAtLeast request.target.libc.version old.target.libc.version)
    ) "it was made for glibc ${old.target.libc.version}, newer than the interpreter's ${request.target.libc.version}"
    ++ optional (old.providers != request.providers) "the providers changed"
    ++ optional (old.pre != request.pre) "`pre` changed";

  /**
    Read a lock file for `request`: its resolution when the lock fits, else a throw that says
    what differs and how to re-lock.

    # Inputs

    `fn`
    : the public function's name, for the message

    `lockFile`
    : path of the lock file

    `request`
    : the request Nix would send the resolver (lib/resolve.nix `mkRequest`)

    # Type

    ```
    read :: { fn, lockFile, request } -> AttrSet
    ```
  */
  read =
    {
      fn,
      lockFile,
      request,
    }:
    let
      lock = builtins.fromJSON (builtins.readFile lockFile);
      version = toString (lock.schemaVersion or "missing");
      problems = mismatches { inherit lock request; };
    in
    if version != "1" then
      throw "mach-nix.${fn}: ${toString lockFile} is a lock of schemaVersion ${version}; this mach-nix reads lock files of version 1. Re-lock with this version: ${relockCommand { inherit lockFile request; }}"
    else if !(lock ? request) then
      throw "mach-nix.${fn}: ${toString lockFile} is not a mach-nix lock file (it has no `request`); a resolution printed by `mach-nix resolve` is not a lock. Write one with: ${relockCommand { inherit lockFile request; }}"
    else if problems != [ ] then
      throw "mach-nix.${fn}: the lock file ${toString lockFile} does not fit: ${concatStringsSep "; " problems}. Re-lock with: ${relockCommand { inherit lockFile request; }}"
    else
      resolution1.read (builtins.removeAttrs lock [ "request" ]);
}
