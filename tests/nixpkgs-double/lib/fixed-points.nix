/** Fixed points and extensions (nixpkgs `lib/fixed-points.nix`). */
{ lib }:
rec {
  /** The least fixed point of `f`: `let x = f x; in x`. */
  fix =
    f:
    let
      x = f x;
    in
    x;

  /** Like `fix`, also recording the un-fixed function as `__unfix__`. */
  fix' =
    f:
    let
      x = f x // {
        __unfix__ = f;
      };
    in
    x;

  /**
    Apply an overlay `final: prev: { ... }` to a fixed-point function `f`.
    Type: (a -> a -> a) -> (a -> a) -> (a -> a)
  */
  extends =
    overlay: f:
    (
      final:
      let
        prev = f final;
      in
      prev // overlay final prev
    );

  /** Compose two overlays: `g` sees `prev` updated by `f`. */
  composeExtensions =
    f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';

  /** Compose a list of overlays, first to last. */
  composeManyExtensions = lib.lists.foldr (x: y: composeExtensions x y) (final: prev: { });

  /** A fixed point with an `extend` function that applies one more overlay. */
  makeExtensible = makeExtensibleWithCustomName "extend";

  /** `makeExtensible` with a chosen name for the extender attribute. */
  makeExtensibleWithCustomName =
    extenderName: rattrs:
    fix' (
      self:
      (rattrs self)
      // {
        ${extenderName} = f: makeExtensibleWithCustomName extenderName (extends f rattrs);
      }
    );

  /**
    Turn an attrset, a `prev:` function or a `final: prev:` function into an overlay.
  */
  toExtension =
    f:
    if lib.trivial.isFunction f then
      final: prev:
      let
        fPrev = f prev;
      in
      if lib.trivial.isFunction fPrev then f final prev else fPrev
    else
      final: prev: f;
}
