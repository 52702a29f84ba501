# Cases for the double's lib: each `{ expr; expected; }` must be equal (values as in nixpkgs' lib).
{
  double ? ../../nixpkgs-double,
}:
let
  pkgs = import double { };
  inherit (pkgs) lib;
  attrs = {
    a = 1;
    b = 2;
  };
  extA = final: prev: { x = prev.x + 1; y = final.x * 10; };
  extB = final: prev: { x = prev.x * 2; };
  base = final: { x = 1; };
in
{
  fix = {
    expr = (lib.fix (self: { a = 1; b = self.a + 1; })).b;
    expected = 2;
  };
  extendsSeesFinal = {
    expr = lib.fix (lib.extends extA base);
    expected = { x = 2; y = 20; };
  };
  composeExtensionsOrder = {
    expr = lib.fix (lib.extends (lib.composeExtensions extA extB) base);
    expected = { x = 4; y = 40; };
  };
  composeManyExtensions = {
    expr = lib.fix (lib.extends (lib.composeManyExtensions [ extB extA ]) base);
    expected = { x = 3; y = 30; };
  };
  makeExtensible = {
    expr = ((lib.makeExtensible (self: { a = 1; b = self.a + 1; })).extend (f: p: { a = 10; })).b;
    expected = 11;
  };
  makeOverridableAttrset = {
    expr = ((lib.makeOverridable ({ a, b }: { r = a + b; }) { a = 1; b = 2; }).override { a = 10; }).r;
    expected = 12;
  };
  makeOverridableFunctionForm = {
    expr = ((lib.makeOverridable ({ a, b }: { r = a + b; }) { a = 1; b = 2; }).override (old: { b = old.b * 100; })).r;
    expected = 201;
  };
  makeOverridableTwice = {
    expr =
      (((lib.makeOverridable ({ a, b }: { r = a + b; }) { a = 1; b = 2; }).override { a = 10; }).override {
        b = 20;
      }).r;
    expected = 30;
  };
  callPackageWithDefaults = {
    expr = (lib.callPackageWith { a = 1; b = 5; } ({ a, c ? 3 }: { r = a + c; }) { }).r;
    expected = 4;
  };
  callPackageWithExplicitWins = {
    expr = (lib.callPackageWith { a = 1; } ({ a }: { r = a; }) { a = 7; }).r;
    expected = 7;
  };
  makeScopeOverrideScope = {
    expr =
      let
        scope = lib.makeScope (extra: lib.callPackageWith extra) (self: {
          x = 1;
          y = self.callPackage ({ x }: { v = x + 1; }) { };
        });
      in
      [
        scope.y.v
        (scope.overrideScope (final: prev: { x = prev.x + 10; })).y.v
      ];
    expected = [ 2 12 ];
  };
  extendDerivationOutputs = {
    expr =
      let
        d = derivation {
          name = "d";
          system = "x";
          builder = "/bin/sh";
          outputs = [ "out" "lib" ];
        };
        e = lib.extendDerivation true { extra = 1; } d;
      in
      [ e.extra e.lib.extra e.lib.outputName e.lib.outputSpecified (e.out.outPath == d.out.outPath) ];
    expected = [ 1 1 "lib" true true ];
  };
  extendDerivationConditionOnlyOnPaths = {
    expr =
      let
        d = derivation { name = "d"; system = "x"; builder = "/bin/sh"; };
        e = lib.extendDerivation (throw "nope") { extra = 1; } d;
      in
      [ e.extra e.name (builtins.tryEval e.drvPath).success ];
    expected = [ 1 "d" false ];
  };
  isDerivation = {
    expr = [ (lib.isDerivation pkgs.python3) (lib.isDerivation { }) ];
    expected = [ true false ];
  };
  attrsets = {
    expr = {
      mapAttrs = lib.mapAttrs (n: v: v * 2) attrs;
      mapAttrs' = lib.mapAttrs' (n: v: lib.nameValuePair "x${n}" v) attrs;
      filterAttrs = lib.filterAttrs (n: v: v > 1) attrs;
      attrValues = lib.attrValues attrs;
      genAttrs = lib.genAttrs [ "p" "q" ] (n: n + n);
      listToAttrs = lib.listToAttrs [ (lib.nameValuePair "k" 1) ];
      optionalAttrs = [ (lib.optionalAttrs true attrs) (lib.optionalAttrs false attrs) ];
      catAttrs = lib.catAttrs "a" [ attrs { b = 1; } { a = 3; } ];
    };
    expected = {
      mapAttrs = { a = 2; b = 4; };
      "mapAttrs'" = { xa = 1; xb = 2; };
      filterAttrs = { b = 2; };
      attrValues = [ 1 2 ];
      genAttrs = { p = "pp"; q = "qq"; };
      listToAttrs = { k = 1; };
      optionalAttrs = [ attrs { } ];
      catAttrs = [ 1 3 ];
    };
  };
  lists = {
    expr = {
      optional = [ (lib.optional true 1) (lib.optional false 1) ];
      optionals = [ (lib.optionals true [ 1 2 ]) (lib.optionals false [ 1 ]) ];
      unique = lib.unique [ 3 1 3 2 1 ];
      concatLists = lib.concatLists [ [ 1 ] [ ] [ 2 3 ] ];
      concatMap = lib.concatMap (x: [ x x ]) [ 1 2 ];
      flatten = lib.flatten [ 1 [ 2 [ 3 ] ] [ ] ];
      foldl' = lib.foldl' (acc: x: acc - x) 10 [ 1 2 ];
      last = lib.last [ 1 2 3 ];
      head = lib.head [ 1 2 ];
      elem = [ (lib.elem 2 [ 1 2 ]) (lib.elem 5 [ 1 ]) ];
    };
    expected = {
      optional = [ [ 1 ] [ ] ];
      optionals = [ [ 1 2 ] [ ] ];
      unique = [ 3 1 2 ];
      concatLists = [ 1 2 3 ];
      concatMap = [ 1 1 2 2 ];
      flatten = [ 1 2 3 ];
      "foldl'" = 7;
      last = 3;
      head = 1;
      elem = [ true false ];
    };
  };
  strings = {
    expr = {
      hasPrefix = [ (lib.hasPrefix "foo" "foobar") (lib.hasPrefix "bar" "foobar") ];
      hasSuffix = [ (lib.hasSuffix ".whl" "a.whl") (lib.hasSuffix "x" "") ];
      removePrefix = [ (lib.removePrefix "python3.11-" "python3.11-six") (lib.removePrefix "x" "abc") ];
      removeSuffix = [ (lib.removeSuffix ".tar.gz" "a-1.tar.gz") (lib.removeSuffix "x" "abc") ];
      splitString = [ (lib.splitString "." "a.b..c") (lib.splitString ", " "x, y") ];
      concatStringsSep = lib.concatStringsSep "-" [ "a" "b" ];
      concatMapStringsSep = lib.concatMapStringsSep ":" (x: x + "/lib") [ "/a" "/b" ];
      makeSearchPath = lib.makeSearchPath "lib/python3.11/site-packages" [ "/a" "/b" ];
      optionalString = [ (lib.optionalString true "x") (lib.optionalString false "x") ];
      toLower = lib.toLower "MarkupSafe";
      escapeShellArg = [ (lib.escapeShellArg "simple") (lib.escapeShellArg "it's") (lib.escapeShellArg "a b") ];
      versionAtLeast = [ (lib.versionAtLeast "3.11" "3.9") (lib.versionAtLeast "24.05" "24.11") ];
      versionOlder = [ (lib.versionOlder "3.9" "3.11") (lib.versionOlder "1.0" "1.0") ];
      getName = [ (lib.getName "python3.11-six-1.16.0") (lib.getName { pname = "six"; name = "x-1"; }) ];
    };
    expected = {
      hasPrefix = [ true false ];
      hasSuffix = [ true false ];
      removePrefix = [ "six" "abc" ];
      removeSuffix = [ "a-1" "abc" ];
      splitString = [ [ "a" "b" "" "c" ] [ "x" "y" ] ];
      concatStringsSep = "a-b";
      concatMapStringsSep = "/a/lib:/b/lib";
      makeSearchPath = "/a/lib/python3.11/site-packages:/b/lib/python3.11/site-packages";
      optionalString = [ "x" "" ];
      toLower = "markupsafe";
      escapeShellArg = [ "simple" "'it'\\''s'" "'a b'" ];
      versionAtLeast = [ true false ];
      versionOlder = [ true false ];
      getName = [ "python3.11-six" "six" ];
    };
  };
  trivial = {
    expr = [ (lib.id 1) (lib.const 1 2) (lib.isFunction (x: x)) (lib.isFunction { __functor = s: x: x; }) (lib.isFunction 1) ];
    expected = [ 1 1 true true false ];
  };
  getLib = {
    expr = [
      (lib.getLib pkgs.stdenv.cc.cc).outputName
      (lib.getLib pkgs.python3).outputName
    ];
    expected = [ "lib" "out" ];
  };
  fakeHash = {
    expr = lib.fakeHash;
    expected = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  };
  release = {
    expr = [ lib.trivial.release (import double { release = "25.11"; }).lib.trivial.release ];
    expected = [ "24.11" "25.11" ];
  };
}
