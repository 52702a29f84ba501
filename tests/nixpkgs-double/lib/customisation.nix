/** Overriding and package sets (nixpkgs `lib/customisation.nix`). */
{ lib, release }:
let
  inherit (lib.trivial)
    isFunction
    functionArgs
    setFunctionArgs
    mirrorFunctionArgs
    ;
  inherit (lib.attrsets) optionalAttrs filterAttrs;
in
rec {
  /**
    Re-run `derivation` with the attributes of `drv` updated by `f drv`, keeping `meta` and
    `passthru`. Prefer `overrideAttrs`.
  */
  overrideDerivation =
    drv: f:
    let
      newDrv = derivation (drv.drvAttrs // (f drv));
    in
    lib.trivial.flip (extendDerivation (builtins.seq drv.drvPath true)) newDrv (
      {
        meta = drv.meta or { };
        passthru = if drv ? passthru then drv.passthru else { };
      }
      // (drv.passthru or { })
    );

  /**
    Make the result of `f origArgs` overridable: `.override newArgs` re-calls `f` with
    `origArgs // newArgs` (or `origArgs // newArgs origArgs` for a function); `overrideAttrs` and
    `overrideDerivation` keep `.override` on their results.
  */
  makeOverridable =
    f:
    let
      mirrorArgs = mirrorFunctionArgs f;
    in
    mirrorArgs (
      origArgs:
      let
        result = f origArgs;
        overrideWith = newArgs: origArgs // (if isFunction newArgs then newArgs origArgs else newArgs);
        overrideArgs = mirrorArgs (newArgs: makeOverridable f (overrideWith newArgs));
        overrideResult = g: makeOverridable (mirrorArgs (args: g (f args))) origArgs;
      in
      if builtins.isAttrs result then
        result
        // {
          override = overrideArgs;
          overrideDerivation = fdrv: overrideResult (x: overrideDerivation x fdrv);
          ${if result ? overrideAttrs then "overrideAttrs" else null} =
            fdrv: overrideResult (x: x.overrideAttrs fdrv);
        }
      else if isFunction result then
        setFunctionArgs result (functionArgs result)
        // {
          override = overrideArgs;
        }
      else
        result
    );

  /**
    Call `fn` (a function or a path to one) with its formal arguments taken from `autoArgs`,
    updated by `args`; the result is overridable. A required argument that neither provides aborts
    (as in nixpkgs, uncatchable by `tryEval`). Unlike nixpkgs, no "did you mean" suggestions.
  */
  callPackageWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      fargs = functionArgs f;
      allArgs = builtins.intersectAttrs fargs autoArgs // args;
      missingArgs = filterAttrs (name: value: !value) (removeAttrs fargs (builtins.attrNames allArgs));
      errorForArg =
        arg:
        let
          loc = builtins.unsafeGetAttrPos arg fargs;
          loc' = if loc != null then loc.file + ":" + toString loc.line else "<unknown location>";
        in
        "Function called without required argument \"${arg}\" at ${loc'}";
      error = errorForArg (builtins.head (builtins.attrNames missingArgs));
    in
    if missingArgs == { } then
      makeOverridable f allArgs
    else
      abort "lib.customisation.callPackageWith: ${error}";

  /** Like `callPackageWith` for a function returning a set of packages; each gets `.override`. */
  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      auto = builtins.intersectAttrs (functionArgs f) autoArgs;
      mirrorArgs = mirrorFunctionArgs f;
      origArgs = auto // args;
      pkgs = f origArgs;
      mkAttrOverridable = name: _: makeOverridable (mirrorArgs (newArgs: (f newArgs).${name})) origArgs;
    in
    if lib.attrsets.isDerivation pkgs then
      throw (
        "function `callPackages` was called on a *single* derivation "
        + ''"${pkgs.name or "<unknown-name>"}";''
        + " did you mean to use `callPackage` instead?"
      )
    else
      builtins.mapAttrs mkAttrOverridable pkgs;

  /**
    Add `passthru` attributes to every output of `drv`; `condition` is asserted only when
    `drvPath` or `outPath` is forced.
  */
  extendDerivation =
    condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      commonAttrs =
        drv // (builtins.listToAttrs outputsList) // { all = map (x: x.value) outputsList; } // passthru;
      outputToAttrListElement = outputName: {
        name = outputName;
        value =
          commonAttrs
          // {
            inherit (drv.${outputName}) type outputName;
            outputSpecified = true;
            drvPath =
              assert condition;
              drv.${outputName}.drvPath;
            outPath =
              assert condition;
              drv.${outputName}.outPath;
          }
          // optionalAttrs (passthru ? overrideAttrs) {
            overrideAttrs = f: (passthru.overrideAttrs f).${outputName};
          };
      };
      outputsList = map outputToAttrListElement outputs;
    in
    commonAttrs
    // {
      drvPath =
        assert condition;
        drv.drvPath;
      outPath =
        assert condition;
        drv.outPath;
    };

  /**
    A package set whose members are called with the set itself (`callPackage`), with
    `overrideScope (final: prev: { ... })`, `newScope` and `packages`. Releases before 25.05 also
    have the deprecated `overrideScope'` (with a warning).
  */
  makeScope =
    newScope: f:
    let
      self =
        f self
        // {
          newScope = scope: newScope (self // scope);
          callPackage = self.newScope { };
          overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
          packages = f;
        }
        // optionalAttrs (lib.strings.versionOlder release "25.05") {
          overrideScope' = lib.trivial.warn "`overrideScope'` (from `lib.makeScope`) has been renamed to `overrideScope`." self.overrideScope;
        };
    in
    self;
}
