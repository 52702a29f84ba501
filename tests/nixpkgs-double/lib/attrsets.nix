/** Attribute set functions (nixpkgs `lib/attrsets.nix`). */
{ lib }:
let
  inherit (builtins)
    attrNames
    listToAttrs
    ;
in
rec {
  inherit (builtins)
    attrNames
    attrValues
    hasAttr
    getAttr
    catAttrs
    mapAttrs
    listToAttrs
    intersectAttrs
    removeAttrs
    ;

  /** `{ inherit name value; }`. */
  nameValuePair = name: value: { inherit name value; };

  /** Keep the attributes for which `pred name value` holds. */
  filterAttrs =
    pred: set:
    removeAttrs set (builtins.filter (name: !pred name set.${name}) (attrNames set));

  /** Map each attribute to a new `nameValuePair`. */
  mapAttrs' = f: set: listToAttrs (map (attr: f attr set.${attr}) (attrNames set));

  /** Map each attribute to a list element. */
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);

  /** An attribute set with one attribute per name, valued `f name`. */
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);

  /** `as` when `cond`, else `{ }`. */
  optionalAttrs = cond: as: if cond then as else { };

  /** Whether a value is a derivation (`type == "derivation"`). */
  isDerivation = value: value.type or null == "derivation";

  /** Output `output` of a package unless an output was already chosen (`outputSpecified`). */
  getOutput =
    output: pkg:
    if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;

  /** The `bin` output, else `out`. */
  getBin = getOutput "bin";
  /** The `lib` output, else `out`. */
  getLib = getOutput "lib";
  /** The `dev` output, else `out`. */
  getDev = getOutput "dev";
  /** The `man` output, else `out`. */
  getMan = getOutput "man";

  /** Merge recursively; the right side wins on non-attrset values. */
  recursiveUpdate =
    lhs: rhs:
    let
      f =
        attrPath:
        zipAttrsWith (
          n: values:
          let
            here = attrPath ++ [ n ];
          in
          if builtins.length values == 1 || !(builtins.isAttrs (builtins.elemAt values 1) && builtins.isAttrs (builtins.head values)) then
            builtins.head values
          else
            f here values
        );
    in
    f [ ] [
      rhs
      lhs
    ];

  /** Combine a list of attribute sets with `f name [values...]`. */
  zipAttrsWith =
    f: sets:
    builtins.mapAttrs f (
      builtins.foldl' (
        acc: set:
        acc
        // builtins.mapAttrs (n: v: (acc.${n} or [ ]) ++ [ v ]) set
      ) { } sets
    );

  /** The value at `attrPath`, or `default`. */
  attrByPath =
    attrPath: default: set:
    let
      go =
        path: s:
        if path == [ ] then
          s
        else if builtins.isAttrs s && s ? ${builtins.head path} then
          go (builtins.tail path) s.${builtins.head path}
        else
          default;
    in
    go attrPath set;

  /** Whether `attrPath` exists in `e`. */
  hasAttrByPath =
    attrPath: e:
    let
      go =
        path: s:
        path == [ ]
        || (builtins.isAttrs s && s ? ${builtins.head path} && go (builtins.tail path) s.${builtins.head path});
    in
    go attrPath e;

  /** The value at `attrPath`; throws when missing. */
  getAttrFromPath =
    attrPath: set:
    attrByPath attrPath (abort "cannot find attribute `${builtins.concatStringsSep "." attrPath}'") set;

  /** `{ a.b.c = value; }` from `[ "a" "b" "c" ]`. */
  setAttrByPath =
    attrPath: value:
    if attrPath == [ ] then
      value
    else
      { ${builtins.head attrPath} = setAttrByPath (builtins.tail attrPath) value; };

  /** Mark an attribute set for recursion by tools such as nix-env. */
  recurseIntoAttrs = attrs: attrs // { recurseForDerivations = true; };

  /** Mark an attribute set as not to be recursed into. */
  dontRecurseIntoAttrs = attrs: attrs // { recurseForDerivations = false; };
}
