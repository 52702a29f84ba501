/**
  The double's `stdenv`: platform descriptions, a `cc` made of the host's glibc and libstdc++,
  and `mkDerivation` backed by `pylib/stdenv_builder.py` (run by the host python).

  Deliberate differences from nixpkgs: there is no bootstrap toolchain; `cc.libc` is the host's
  glibc (its version read from the Debian release), `cc.cc.lib` links to the host's libstdc++ and
  libgcc_s; `PATH` is always `/usr/bin:/bin`; phases are run by a Python phase runner (see its
  docstring); `meta` checks cover only `broken` and `platforms`.

  # Inputs

  `lib`, `host`, `system`, `config`, `pylib` (the builder scripts' store directory).
*/
{
  lib,
  host,
  system,
  config,
  pylib,
}:
let
  inherit (lib)
    optionalAttrs
    isFunction
    elem
    getDev
    ;

  platform = {
    inherit system;
    config = "${host.cpu}-unknown-linux-gnu";
    isLinux = lib.hasSuffix "-linux" system;
    isDarwin = lib.hasSuffix "-darwin" system;
    isx86_64 = host.cpu == "x86_64";
    isAarch64 = host.cpu == "aarch64";
    isx86 = elem host.cpu [
      "x86_64"
      "i686"
    ];
    is64bit = elem host.cpu [
      "x86_64"
      "aarch64"
      "riscv64"
      "powerpc64le"
    ];
    isMusl = false;
    isStatic = false;
    libc = "glibc";
    parsed = {
      cpu = {
        name = host.cpu;
      };
      kernel = {
        name = "linux";
      };
      abi = {
        name = "gnu";
      };
    };
    extensions = {
      sharedLibrary = ".so";
      executable = "";
    };
  };

  builderArgs = script: [
    "-I"
    "-S"
    "${pylib}/${script}"
  ];

  /**
    Check `meta` like nixpkgs' check-meta in small: broken packages and packages for other
    platforms refuse to evaluate (when `drvPath`/`outPath` is forced) unless allowed by config.
  */
  checkMeta =
    name: meta:
    if (meta.broken or false) && !(config.allowBroken or false) then
      throw "Package ‘${name}’ is marked as broken, refusing to evaluate."
    else if
      meta ? platforms && !(elem system meta.platforms) && !(config.allowUnsupportedSystem or false)
    then
      throw "Package ‘${name}’ is not available on the requested hostPlatform:\n  hostPlatform.config = \"${platform.config}\"\n  package.meta.platforms = ${builtins.toJSON meta.platforms}"
    else
      true;

  # The attribute names mkDerivation does not pass to `derivation`.
  nonDrvAttrs = [
    "meta"
    "passthru"
    "pos"
    "finalPackage"
    "overrideAttrs"
  ];

  /** Build the derivation from final attributes; `overrideAttrs` is supplied by the caller. */
  mkDerivationSimple =
    overrideAttrs: attrs:
    let
      name =
        attrs.name or (
          if attrs ? pname && attrs ? version then
            "${attrs.pname}-${attrs.version}"
          else
            throw "stdenv.mkDerivation: neither `name` nor `pname` and `version` given"
        );
      meta = {
        name = name;
        available = true;
      }
      // optionalAttrs (attrs ? pname) { inherit (attrs) pname; }
      // optionalAttrs (attrs ? version) { inherit (attrs) version; }
      // (attrs.meta or { });
      passthru = attrs.passthru or { };
      outputs = attrs.outputs or [ "out" ];
      doCheck = attrs.doCheck or false;
      doInstallCheck = attrs.doInstallCheck or false;
      depLists = {
        nativeBuildInputs = map getDev (
          lib.flatten (
            (attrs.nativeBuildInputs or [ ])
            ++ lib.optionals doCheck (attrs.nativeCheckInputs or [ ])
            ++ lib.optionals doInstallCheck (attrs.nativeInstallCheckInputs or [ ])
          )
        );
        buildInputs = map getDev (
          lib.flatten (
            (attrs.buildInputs or [ ])
            ++ lib.optionals doCheck (attrs.checkInputs or [ ])
            ++ lib.optionals doInstallCheck (attrs.installCheckInputs or [ ])
          )
        );
        propagatedBuildInputs = map getDev (lib.flatten (attrs.propagatedBuildInputs or [ ]));
        propagatedNativeBuildInputs = map getDev (lib.flatten (attrs.propagatedNativeBuildInputs or [ ]));
      };
      drvAttrs =
        removeAttrs attrs nonDrvAttrs
        // depLists
        // {
          inherit name system outputs;
          builder = host.builderPython;
          args = builderArgs "stdenv_builder.py";
          PATH = "/usr/bin:/bin";
          __ignoreNulls = true;
        };
      drv = derivation drvAttrs;
    in
    lib.extendDerivation (checkMeta name meta) (
      {
        inherit meta passthru overrideAttrs;
      }
      // passthru
    ) drv;

  /**
    `stdenv.mkDerivation`: an attribute set or a `finalAttrs: { ... }` function. The result has
    `overrideAttrs` taking `prev: { }` or `final: prev: { }`, and `finalPackage`.
  */
  mkDerivation =
    fpargs:
    let
      rattrs0 = if isFunction fpargs then fpargs else _: fpargs;
      makeExtensible =
        rattrs:
        let
          args = rattrs (args // { inherit finalPackage overrideAttrs; });
          overrideAttrs =
            f0:
            let
              f =
                self: super:
                let
                  x = f0 super;
                in
                if isFunction x then f0 self super else x;
            in
            makeExtensible (
              self:
              let
                super = rattrs self;
              in
              super // (if isFunction f0 then f self super else f0)
            );
          finalPackage = mkDerivationSimple overrideAttrs args;
        in
        finalPackage;
    in
    makeExtensible rattrs0;

  /** The host's glibc, seen as nixpkgs' `stdenv.cc.libc`. */
  libc = mkDerivation {
    pname = "glibc";
    version = host.glibcVersion;
    outputs = [
      "out"
      "dev"
    ];
    NIX_DOUBLE_LIB_DIRS = host.libDirs;
    NIX_DOUBLE_LIB_NAMES = host.glibcLibraries;
    buildCommand = ''${host.builderPython} -I -S ${pylib}/link_host_libs.py "$out"; mkdir -p "$dev"'';
  };

  /** The host's libstdc++ and libgcc_s, as `stdenv.cc.cc` with a `lib` output. */
  ccCompiler = mkDerivation {
    pname = "gcc";
    version = "host";
    outputs = [
      "out"
      "lib"
    ];
    NIX_DOUBLE_LIB_DIRS = host.libDirs;
    NIX_DOUBLE_LIB_NAMES = [
      "libstdc++.so.6"
      "libgcc_s.so.1"
      "libgomp.so.1"
    ];
    buildCommand = ''${host.builderPython} -I -S ${pylib}/link_host_libs.py "$lib"; mkdir -p "$out"'';
  };
in
{
  inherit mkDerivation;
  hostPlatform = platform;
  buildPlatform = platform;
  targetPlatform = platform;
  inherit (platform) system isLinux isDarwin;
  cc = {
    inherit libc;
    cc = ccCompiler;
    isGNU = true;
    isClang = false;
    name = "host-cc-wrapper";
  };
  shell = "/bin/sh";
}
