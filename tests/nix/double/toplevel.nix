# Cases for the double's top level: stdenv, fetchurl, mkDerivation, manylinux, overlays. Each
# `{ expr; expected; }` must be equal. `glibcVersion` is what the host's Debian release ships.
{
  double ? ../../nixpkgs-double,
  glibcVersion,
}:
let
  pkgs = import double { };
  inherit (pkgs) lib stdenv fetchurl;
  url = "https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl";
  hex = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
  sri = "sha256-irsvHYaJCi37mJ+ad8/P0+R8KjVLAREXcTJviqJuAlQ=";
  fails = v: !(builtins.tryEval (builtins.deepSeq v v)).success;
  simple = stdenv.mkDerivation {
    pname = "simple";
    version = "1";
    buildCommand = "mkdir $out";
  };
  fp = stdenv.mkDerivation (finalAttrs: {
    pname = "fp";
    version = "1";
    label = "${finalAttrs.pname}-${finalAttrs.version}";
    buildCommand = "mkdir $out";
  });
in
{
  platform = {
    expr = {
      inherit (stdenv.hostPlatform) system isLinux isDarwin libc;
      cpu = stdenv.hostPlatform.parsed.cpu.name == lib.head (lib.splitString "-" builtins.currentSystem);
      arch = stdenv.hostPlatform.isx86_64 || stdenv.hostPlatform.isAarch64;
      same = stdenv.buildPlatform.system == stdenv.hostPlatform.system;
      libcName = stdenv.cc.libc.pname;
      libcVersion = stdenv.cc.libc.version;
      ccLib = stdenv.cc.cc.lib.outputName;
    };
    expected = {
      system = builtins.currentSystem;
      isLinux = true;
      isDarwin = false;
      libc = "glibc";
      cpu = true;
      arch = true;
      same = true;
      libcName = "glibc";
      libcVersion = glibcVersion;
      ccLib = "lib";
    };
  };

  mkDerivation = {
    expr = {
      name = simple.name;
      meta = simple.meta.name;
      passthru = (stdenv.mkDerivation {
        name = "p";
        buildCommand = "mkdir $out";
        passthru.hello = "world";
      }).hello;
      overrideAttrsPrev = (simple.overrideAttrs (old: { version = old.version + "0"; })).name;
      overrideAttrsFinalPrev = (simple.overrideAttrs (final: prev: { version = "2"; extra = final.version; })).extra;
      overrideAttrsSet = (simple.overrideAttrs { version = "3"; }).version;
      finalAttrs = fp.label;
      finalAttrsFollowsOverride = (fp.overrideAttrs { version = "9"; }).label;
      envVar = (stdenv.mkDerivation { name = "e"; buildCommand = ""; FOO = [ "a" "b" ]; }).drvAttrs.FOO;
      outputs = (stdenv.mkDerivation { name = "o"; buildCommand = ""; outputs = [ "out" "dev" ]; }).dev.outputName;
      brokenThrows = fails (stdenv.mkDerivation { name = "b"; buildCommand = ""; meta.broken = true; }).drvPath;
      brokenReadable = (stdenv.mkDerivation { name = "b"; buildCommand = ""; meta.broken = true; }).meta.broken;
      platformsThrows = fails (stdenv.mkDerivation { name = "b"; buildCommand = ""; meta.platforms = [ "mips-none" ]; }).drvPath;
    };
    expected = {
      name = "simple-1";
      meta = "simple-1";
      passthru = "world";
      overrideAttrsPrev = "simple-10";
      overrideAttrsFinalPrev = "2";
      overrideAttrsSet = "3";
      finalAttrs = "fp-1";
      finalAttrsFollowsOverride = "fp-9";
      envVar = [ "a" "b" ];
      outputs = "dev";
      brokenThrows = true;
      brokenReadable = true;
      platformsThrows = true;
    };
  };

  fetchurl = {
    expr = {
      defaultName = (fetchurl { inherit url; sha256 = hex; }).name;
      queryName = (fetchurl { url = "${url}?x=1"; sha256 = hex; }).name;
      givenName = (fetchurl { url = "${url}#sha256=${hex}"; name = "six-1.16.0-py2.py3-none-any.whl"; sha256 = hex; }).name;
      sriSamePath = (fetchurl { inherit url; hash = sri; }).outPath == (fetchurl { inherit url; sha256 = hex; }).outPath;
      sriAsSha256 = (fetchurl { inherit url; sha256 = sri; }).outPath == (fetchurl { inherit url; sha256 = hex; }).outPath;
      urls = (fetchurl { urls = [ url ]; sha256 = hex; }).url;
      multipleHashes = fails (fetchurl { inherit url; sha256 = hex; hash = sri; }).drvPath;
      noUrl = fails (fetchurl { sha256 = hex; }).drvPath;
      passthru = (fetchurl { inherit url; sha256 = hex; passthru.x = 1; }).x;
      fetchPypi = (pkgs.fetchPypi { pname = "six"; version = "1.16.0"; sha256 = hex; }).url;
    };
    expected = {
      defaultName = "six-1.16.0-py2.py3-none-any.whl";
      queryName = "six-1.16.0-py2.py3-none-any.whl?x=1";
      givenName = "six-1.16.0-py2.py3-none-any.whl";
      sriSamePath = true;
      sriAsSha256 = true;
      urls = url;
      multipleHashes = true;
      noUrl = true;
      passthru = 1;
      fetchPypi = "https://files.pythonhosted.org/packages/source/s/six/six-1.16.0.tar.gz";
    };
  };

  manylinux = {
    expr = map (n: builtins.all lib.isDerivation pkgs.pythonManylinuxPackages.${n}) [
      "manylinux1"
      "manylinux2010"
      "manylinux2014"
    ];
    expected = [ true true true ];
  };

  helpers = {
    expr = {
      runCommand = (pkgs.runCommand "rc" { FOO = "1"; } "mkdir $out").FOO;
      writeText = (pkgs.writeText "t.txt" "hi").name;
      hook = lib.isDerivation pkgs.autoPatchelfHook;
      callPackage = (pkgs.callPackage ({ lib, python3 }: python3.pythonVersion) { }) == pkgs.python3.pythonVersion;
    };
    expected = {
      runCommand = "1";
      writeText = "t.txt";
      hook = true;
      callPackage = true;
    };
  };

  overlays = {
    expr =
      let
        p = import double {
          overlays = [
            (final: prev: { marker = 1; })
            (final: prev: { marker = prev.marker + 1; seen = final.marker; })
          ];
        };
      in
      [
        p.marker
        p.seen
        (p.extend (final: prev: { marker = 10; })).seen
        (p.appendOverlays [ (final: prev: { other = true; }) ]).other
      ];
    expected = [ 2 2 10 true ];
  };
}
