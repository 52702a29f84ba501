# The public functions. Each takes the same arguments (the README lists them) and is a thin
# wrapper over `mkPythonOverrides`.
{
  lib,
  pkgs,
  resolve,
  resolution1,
  lock1,
  core,
  defaultPython,
  defaultIndex,
}:
let
  inherit (lib) composeManyExtensions;

  pythonFrom =
    fn: python:
    if builtins.isString python then
      pkgs.${python}
        or (throw "mach-nix.${fn}: `python = \"${python}\"` names no interpreter in the given pkgs; use an attribute name such as \"python3\" or \"python311\", or pass the interpreter itself (`python = pkgs.python311;`).")
    else
      python;

  noSource =
    fn:
    throw "mach-nix.${fn}: nothing to resolve against. Either lock the requirements once with `mach-nix lock -r requirements.txt -o mach-nix.lock.json` and pass `lockFile = ./mach-nix.lock.json;` (no resolver runs during evaluation), or pass `pypiIndex = <a mach-nix index directory>` (to `import mach-nix { ... }` or to ${fn}) to resolve during evaluation; build an index with `mach-nix index --out ./index -r requirements.txt` (docs/index-format.md).";

  # Everything the functions share: the interpreter, the resolution and its overrides.
  prepare =
    fn:
    {
      requirements,
      providers ? { },
      pre ? false,
      python ? defaultPython,
      pypiIndex ? defaultIndex,
      lockFile ? null,
      tests ? false,
      overridesPre ? [ ],
      overridesPost ? [ ],
    }:
    let
      py = pythonFrom fn python;
      request = resolve.mkRequest {
        python = py;
        inherit requirements providers pre;
      };
      # Without a lock, the resolver runs in a derivation (import-from-derivation).
      drv =
        if pypiIndex == null then
          noSource fn
        else
          resolve.resolverDrv {
            python = py;
            index = pypiIndex;
            system = pkgs.stdenv.buildPlatform.system;
            inherit request;
          };
      resolution =
        if lockFile != null then
          lock1.read { inherit fn lockFile request; }
        else
          resolve.read drv;
    in
    {
      python = py;
      inherit drv resolution overridesPre overridesPost;
      overrides = core.overridesFor {
        inherit resolution tests;
        python = py;
      };
    };

  # The interpreter with the resolution (and the user's overrides around it) in its package set.
  # `self` makes py.pkgs.python see the new set too (nixpkgs manual).
  overriddenPython =
    ctx:
    let
      py = ctx.python.override (old: {
        self = py;
        packageOverrides = composeManyExtensions (
          [ (old.packageOverrides or (_: _: { })) ] ++ ctx.overridesPre ++ [ ctx.overrides ] ++ ctx.overridesPost
        );
      });
    in
    py;
in
{
  /**
    The resolution of a requirements text as an attrset (docs/resolution-format.md): what
    mach-nix pinned, for inspection and tests.

    # Type

    ```
    resolution :: AttrSet -> AttrSet
    ```
  */
  resolution = args: (prepare "resolution" args).resolution;

  /**
    The derivation whose output is the resolution JSON (`nix-build` it to see the file; its
    output is byte-identical for the same request and index).

    # Type

    ```
    resolutionDrv :: AttrSet -> Derivation
    ```
  */
  resolutionDrv = args: (prepare "resolutionDrv" args).drv;

  /**
    Python overrides (`self: super: { ... }`) that make a python package set conform to the
    requirements: the core every other function wraps. They are for the set of the interpreter
    given as `python`, whose original set builds the build tools nixpkgs' hooks need.

    # Inputs

    `args`
    : `{ requirements; providers ? {}; pre ? false; python ? "python3"; pypiIndex | lockFile; tests ? false; }`

    # Type

    ```
    mkPythonOverrides :: AttrSet -> (AttrSet -> AttrSet -> AttrSet)
    ```

    # Examples

    ```nix
    pkgs.python3.override { packageOverrides = mach-nix.mkPythonOverrides { requirements = "requests"; }; }
    ```
  */
  mkPythonOverrides =
    args:
    let
      ctx = prepare "mkPythonOverrides" args;
    in
    composeManyExtensions (ctx.overridesPre ++ [ ctx.overrides ] ++ ctx.overridesPost);

  /**
    A python environment (`python.withPackages`) holding every package of the resolution.

    # Inputs

    `args`
    : `{ requirements; providers ? {}; pre ? false; python ? "python3"; pypiIndex | lockFile; tests ? false; overridesPre ? []; overridesPost ? []; }`

    # Type

    ```
    mkPython :: AttrSet -> Derivation
    ```

    # Examples

    ```nix
    mach-nix.mkPython { requirements = "requests[socks] >= 2.28"; }
    ```
  */
  mkPython =
    args:
    let
      ctx = prepare "mkPython" args;
      py = overriddenPython ctx;
    in
    py.withPackages (ps: map (name: ps.${name}) (resolution1.packageNames ctx.resolution));
}
