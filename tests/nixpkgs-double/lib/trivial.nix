/** Basic combinators and type predicates (nixpkgs `lib/trivial.nix`). */
{ lib, release }:
rec {
  /** The identity function. Type: a -> a */
  id = x: x;

  /** Ignore the second argument. Type: a -> b -> a */
  const = x: _: x;

  /** Swap the first two arguments of a function. Type: (a -> b -> c) -> b -> a -> c */
  flip = f: a: b: f b a;

  /** Apply a list of functions left to right: `pipe x [ f g ]` is `g (f x)`. */
  pipe = builtins.foldl' (x: f: f x);

  /** List concatenation as a function. */
  concat = x: y: x ++ y;

  /** `builtins.seq`. */
  seq = builtins.seq;

  /** `builtins.deepSeq`. */
  deepSeq = builtins.deepSeq;

  /** Maximum of two comparable values. */
  max = x: y: if x > y then x else y;

  /** Minimum of two comparable values. */
  min = x: y: if x < y then x else y;

  /** "true" or "false". */
  boolToString = b: if b then "true" else "false";

  /** Merge two attribute sets, the second winning. */
  mergeAttrs = x: y: x // y;

  /** True for lambdas and for attribute sets with a callable `__functor`. */
  isFunction = f: builtins.isFunction f || (f ? __functor && isFunction (f.__functor f));

  /**
    The formal arguments of a function (`builtins.functionArgs`), also for functors that carry
    `__functionArgs`.
  */
  functionArgs =
    f:
    if f ? __functor then
      f.__functionArgs or (functionArgs (f.__functor f))
    else
      builtins.functionArgs f;

  /** Attach formal arguments to a function by turning it into a functor. */
  setFunctionArgs = f: args: {
    __functor = self: f;
    __functionArgs = args;
  };

  /** Give `g` the formal arguments of `f`. Type: (a -> b) -> (a -> c) -> (a -> c) */
  mirrorFunctionArgs =
    f:
    let
      fArgs = functionArgs f;
    in
    g: setFunctionArgs g fArgs;

  /** Turn a value into a function that ignores its argument, unless it already is one. */
  toFunction = v: if isFunction v then v else _: v;

  /**
    Print a warning and return the second argument. With NIX_ABORT_ON_WARN set, abort instead,
    like nixpkgs.
  */
  warn =
    if builtins.elem (builtins.getEnv "NIX_ABORT_ON_WARN") [
      "1"
      "true"
      "yes"
    ] then
      msg:
      builtins.trace "[1;31mwarning: ${msg}[0m" (
        abort "NIX_ABORT_ON_WARN=true; warnings are treated as unrecoverable errors."
      )
    else
      msg: builtins.trace "[1;31mwarning: ${msg}[0m";

  /** `warn` when the condition holds, else identity. */
  warnIf = cond: msg: if cond then warn msg else x: x;

  /** `warn` unless the condition holds. */
  warnIfNot = cond: msg: if cond then x: x else warn msg;

  /** `pred || throw msg` (nixpkgs `lib.asserts.assertMsg`), for use in `assert`. */
  assertMsg = pred: msg: pred || builtins.throw msg;

  /** Throw `msg` when `cond` holds, else identity. */
  throwIf = cond: msg: if cond then throw msg else x: x;

  /** Throw `msg` unless `cond` holds. */
  throwIfNot = cond: msg: if cond then x: x else throw msg;

  inherit (builtins)
    isBool
    isInt
    isFloat
    isString
    isList
    isAttrs
    isPath
    ;

  /** The release this double plays, e.g. "24.11". */
  inherit release;

  /** Suffix of `version`, as nixpkgs built from git without a `.version-suffix` file. */
  versionSuffix = "pre-git";

  /** `release` + `versionSuffix`. */
  version = release + versionSuffix;

  /** Code name of the release (only the ones the double plays). */
  codeName =
    {
      "23.11" = "Tapir";
      "24.05" = "Uakari";
      "24.11" = "Vicuna";
      "25.05" = "Warbler";
      "25.11" = "Xantusia";
    }
    .${release} or "Unknown";
}
