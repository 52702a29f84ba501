# The public functions. Each takes the same arguments (the README lists them) and is a thin
# wrapper over `mkPythonOverrides`.
{
  lib,
  pkgs,
  resolve,
  resolution1,
  lock1,
  core,
  sources,
  directRefs,
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
      projectDir ? null,
    }:
    let
      py = pythonFrom fn python;
      # `requirements = ./requirements.txt;` reads the file, whose directory is then where
      # relative paths in it (`./pkg`, `-e ./pkg`) are found, unless projectDir says otherwise.
      requirementsIsPath = builtins.isPath requirements;
      text = if requirementsIsPath then builtins.readFile requirements else requirements;
      baseDir =
        if projectDir != null then
          projectDir
        else if requirementsIsPath then
          dirOf requirements
        else
          null;
      request = resolve.mkRequest {
        python = py;
        requirements = text;
        inherit providers pre;
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
            request = request // directRefs.forRequest {
              inherit fn;
              inherit (pkgs) fetchurl;
              projectDir = baseDir;
              requirements = text;
            };
          };
      resolution =
        if lockFile != null then
          lock1.read { inherit fn lockFile request; }
        else
          resolve.read drv;
    in
    {
      python = py;
      projectDir = baseDir;
      inherit
        fn
        drv
        resolution
        overridesPre
        overridesPost
        ;
      overrides = core.overridesFor {
        inherit resolution tests fn;
        projectDir = baseDir;
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

  /**
    A development shell (`pkgs.mkShell`) with a python environment of every package of the
    resolution except the editable ones (`-e ./pkg`): those are imported from the working tree,
    so edits show without a rebuild. Their dependencies are in the environment; the shellHook
    puts each editable package's import root (its `src/` if it has one, else its directory)
    first on PYTHONPATH. The environment is `passthru.pythonEnv`.

    # Inputs

    `args`
    : the arguments of `mkPython`; relative `-e` paths need `projectDir` or
      `requirements = ./requirements.txt`

    # Type

    ```
    mkPythonShell :: AttrSet -> Derivation
    ```

    # Examples

    ```nix
    mach-nix.mkPythonShell { requirements = ./requirements.txt; lockFile = ./mach-nix.lock.json; }
    ```
  */
  mkPythonShell =
    args:
    let
      ctx = prepare "mkPythonShell" args;
      py = overriddenPython ctx;
      editable = resolution1.editableNames ctx.resolution;
      others = builtins.filter (n: !(builtins.elem n editable)) (
        resolution1.packageNames ctx.resolution
      );
      env = py.withPackages (ps: map (name: ps.${name}) others);
      roots = map (
        name:
        sources.editableImportRoot {
          inherit (ctx) fn projectDir;
          pkg = ctx.resolution.packages.${name};
        }
      ) editable;
    in
    pkgs.mkShell {
      name = "mach-nix-shell";
      packages = [ env ];
      shellHook = lib.concatMapStrings (root: ''
        export PYTHONPATH=${lib.escapeShellArg root}''${PYTHONPATH:+:$PYTHONPATH}
      '') (lib.reverseList roots);
      passthru = {
        pythonEnv = env;
        inherit editable;
      };
    };
}
