/**
  Build helpers of the double's top level: `fetchurl`, `fetchPypi`, `runCommand`, `writeText`,
  `makeSetupHook`, `autoPatchelfHook`, `mkShell` and `pythonManylinuxPackages`.

  # Inputs

  `lib`, `stdenv`, `host`, `pylib`.
*/
{
  lib,
  stdenv,
  host,
  pylib,
}:
let
  inherit (lib)
    filter
    length
    head
    optionalAttrs
    hasPrefix
    ;

  # Nix's own fixed-output fetcher: needs no curl and no stdenv.
  builtinFetchurl = import <nix/fetchurl.nix>;

  /**
    `pkgs.fetchurl` with the argument set of nixpkgs 24.11 (no `...`: unknown arguments are an
    error). Downloads with Nix's builtin fetcher. `name` defaults to `baseNameOf` the first URL,
    query string included. Exactly one of `hash` (SRI), `sha256`, `sha512`, `sha1`,
    `outputHash` (+ `outputHashAlgo`) may be given: more throws "multiple hashes passed to
    fetchurl". Only the first URL is tried; `postFetch`, `netrcPhase`, `downloadToTemp`,
    `showURLs`, `recursiveHash` and `mirror://` URLs are not supported by the double and throw.
  */
  fetchurl =
    {
      url ? "",
      urls ? [ ],
      curlOpts ? "",
      curlOptsList ? [ ],
      name ? null,
      hash ? "",
      outputHash ? "",
      outputHashAlgo ? "",
      sha1 ? "",
      sha256 ? "",
      sha512 ? "",
      recursiveHash ? false,
      netrcPhase ? null,
      netrcImpureEnvVars ? [ ],
      postFetch ? "",
      downloadToTemp ? false,
      executable ? false,
      showURLs ? false,
      meta ? { },
      passthru ? { },
      preferLocalBuild ? true,
      nativeBuildInputs ? [ ],
    }@args:
    let
      urls_ =
        if urls != [ ] && url == "" then
          (if lib.isList urls then urls else throw "`urls` is not a list")
        else if urls == [ ] && url != "" then
          (if lib.isString url then [ url ] else throw "`url` is not a string")
        else
          throw "fetchurl requires either `url` or `urls` to be set";
      firstUrl = head urls_;
      hashes = filter (s: s != "") [
        hash
        outputHash
        sha1
        sha256
        sha512
      ];
      hashArgs =
        if length hashes > 1 then
          throw "multiple hashes passed to fetchurl"
        else if hash != "" then
          { inherit hash; }
        else if outputHash != "" then
          (
            if outputHashAlgo != "" then
              { ${outputHashAlgo} = outputHash; }
            else
              throw "fetchurl was passed outputHash without outputHashAlgo"
          )
        else if sha512 != "" then
          (if hasPrefix "sha512-" sha512 then { hash = sha512; } else { inherit sha512; })
        else if sha256 != "" then
          (if hasPrefix "sha256-" sha256 then { hash = sha256; } else { inherit sha256; })
        else if sha1 != "" then
          { inherit sha1; }
        else
          { hash = lib.fakeHash; };
      unsupported =
        lib.optional (postFetch != "") "postFetch"
        ++ lib.optional (netrcPhase != null) "netrcPhase"
        ++ lib.optional downloadToTemp "downloadToTemp"
        ++ lib.optional showURLs "showURLs"
        ++ lib.optional recursiveHash "recursiveHash"
        ++ lib.optional (hasPrefix "mirror://" firstUrl) "mirror:// URLs";
      drvName = if name != null then name else baseNameOf (toString firstUrl);
      drv =
        if unsupported != [ ] then
          throw "nixpkgs-double: fetchurl: ${lib.concatStringsSep ", " unsupported} not supported by the double"
        else
          builtinFetchurl (
            {
              url = firstUrl;
              name = drvName;
            }
            // hashArgs
            // optionalAttrs executable { executable = true; }
          );
    in
    lib.extendDerivation true (
      {
        inherit meta;
        passthru = {
          url = firstUrl;
          resolvedUrl = firstUrl;
        }
        // passthru;
        url = firstUrl;
        resolvedUrl = firstUrl;
        urls = urls_;
      }
      // passthru
    ) drv;

  /**
    `pkgs.fetchPypi`: the PyPI URL built from `pname`/`version` (sdist, or wheel with
    `format = "wheel"`), fetched with `fetchurl`.
  */
  fetchPypi =
    {
      pname,
      version,
      format ? "setuptools",
      extension ? "tar.gz",
      dist ? "py2.py3",
      python ? "py2.py3",
      abi ? "none",
      platform ? "any",
      hash ? "",
      sha256 ? "",
      passthru ? { },
    }:
    let
      first = builtins.substring 0 1 pname;
      url =
        if format == "wheel" then
          "https://files.pythonhosted.org/packages/${dist}/${first}/${pname}/${pname}-${version}-${python}-${abi}-${platform}.whl"
        else if format == "setuptools" then
          "https://files.pythonhosted.org/packages/source/${first}/${pname}/${pname}-${version}.${extension}"
        else
          throw "Unsupported format ${format}";
    in
    fetchurl {
      inherit
        url
        hash
        sha256
        passthru
        ;
    };

  /** `runCommand name env script`: a derivation whose builder runs `script` in /bin/sh. */
  runCommand =
    name: env: buildCommand:
    stdenv.mkDerivation (
      {
        inherit name buildCommand;
        passAsFile = [ "buildCommand" ] ++ (env.passAsFile or [ ]);
      }
      // removeAttrs env [ "passAsFile" ]
    );

  /** `writeText name text`: a store file with that content (`builtins.toFile`-like, but a derivation). */
  writeText =
    name: text:
    stdenv.mkDerivation {
      inherit name text;
      passAsFile = [ "text" ];
      buildCommand = ''cp "$textPath" "$out"'';
      preferLocalBuild = true;
      allowSubstitutes = false;
    };

  /**
    `makeSetupHook { name; propagatedBuildInputs; substitutions; passthru; meta; } script`: a
    derivation carrying `script` as its setup hook. Deliberate difference: the double's hooks are
    Python modules (`nix-support/setup-hook.py`, see `pylib/stdenv_builder.py`), not shell.
  */
  makeSetupHook =
    {
      name ? lib.warn "calling makeSetupHook without passing a name is deprecated." "hook",
      propagatedBuildInputs ? [ ],
      depsTargetTargetPropagated ? [ ],
      substitutions ? { },
      passthru ? { },
      meta ? { },
    }:
    script:
    stdenv.mkDerivation {
      inherit
        name
        propagatedBuildInputs
        passthru
        meta
        ;
      substitutionsJSON = builtins.toJSON substitutions;
      buildCommand = ''
        ${host.builderPython} -I -S ${pylib}/make_setup_hook.py ${script} "$out"
        ${lib.optionalString (propagatedBuildInputs != [ ]) ''
          printf '%s ' $propagatedBuildInputs > "$out/nix-support/propagated-build-inputs"
        ''}
      '';
    };

  /** `autoPatchelfHook`: see `pylib/hooks/auto_patchelf_hook.py` for its semantics. */
  autoPatchelfHook = makeSetupHook {
    name = "auto-patchelf-hook";
    substitutions = {
      libcDirs = host.libDirs;
      libcNames = host.glibcLibraries;
    };
  } "${pylib}/hooks/auto_patchelf_hook.py";

  manylinuxLibs =
    name: names:
    stdenv.mkDerivation {
      inherit name;
      NIX_DOUBLE_LIB_DIRS = host.libDirs;
      NIX_DOUBLE_LIB_NAMES = names;
      buildCommand = ''${host.builderPython} -I -S ${pylib}/link_host_libs.py "$out"'';
    };

  manylinux2014Names = [
    "libc.so.6"
    "libm.so.6"
    "libdl.so.2"
    "librt.so.1"
    "libpthread.so.0"
    "libresolv.so.2"
    "libnsl.so.1"
    "libutil.so.1"
    "libgcc_s.so.1"
    "libstdc++.so.6"
    "libX11.so.6"
    "libXext.so.6"
    "libXrender.so.1"
    "libICE.so.6"
    "libSM.so.6"
    "libGL.so.1"
    "libgobject-2.0.so.0"
    "libgthread-2.0.so.0"
    "libglib-2.0.so.0"
  ];

  /**
    `pythonManylinuxPackages`: lists of derivations for `buildInputs`. Deliberate difference: one
    derivation per list linking whichever of the policy's libraries the host has, instead of
    nixpkgs' glibc, gcc, xorg, libGL and glib packages.
  */
  pythonManylinuxPackages = rec {
    manylinux2014 = [ (manylinuxLibs "manylinux2014-host-libs" manylinux2014Names) ];
    manylinux2010 = [ (manylinuxLibs "manylinux2010-host-libs" manylinux2014Names) ];
    manylinux1 = [
      (manylinuxLibs "manylinux1-host-libs" (
        manylinux2014Names
        ++ [
          "libpanelw.so.5"
          "libncursesw.so.5"
          "libcrypt.so.1"
        ]
      ))
    ];
  };

  /**
    `mkShell { name ? "nix-shell"; packages ? []; inputsFrom ? []; shellHook ? ""; ... }`, as
    nixpkgs' pkgs/build-support/mkshell: `packages` go to nativeBuildInputs; the inputs of each
    `inputsFrom` derivation are merged in and their shellHooks run before this one's; other
    attributes (passthru included) go to mkDerivation. Buildable: the output is a dump of the
    build environment, as in nixpkgs (a devShell must build for `nix flake check`).
  */
  mkShell =
    {
      name ? "nix-shell",
      packages ? [ ],
      inputsFrom ? [ ],
      buildInputs ? [ ],
      nativeBuildInputs ? [ ],
      propagatedBuildInputs ? [ ],
      propagatedNativeBuildInputs ? [ ],
      ...
    }@attrs:
    let
      mergeInputs =
        input:
        (attrs.${input} or [ ])
        ++ lib.subtractLists inputsFrom (lib.concatMap (i: i.${input} or [ ]) inputsFrom);
      rest = removeAttrs attrs [
        "name"
        "packages"
        "inputsFrom"
        "buildInputs"
        "nativeBuildInputs"
        "propagatedBuildInputs"
        "propagatedNativeBuildInputs"
        "shellHook"
      ];
    in
    stdenv.mkDerivation (
      {
        inherit name;
        buildInputs = mergeInputs "buildInputs";
        nativeBuildInputs = packages ++ mergeInputs "nativeBuildInputs";
        propagatedBuildInputs = mergeInputs "propagatedBuildInputs";
        propagatedNativeBuildInputs = mergeInputs "propagatedNativeBuildInputs";
        shellHook = lib.concatStringsSep "\n" (lib.catAttrs "shellHook" (lib.reverseList inputsFrom ++ [ attrs ]));
        buildCommand = ''
          echo "------------------------------------------------------------" >> "$out"
          echo " WARNING: the existence of this path is not guaranteed." >> "$out"
          echo " It is an internal implementation detail for pkgs.mkShell." >> "$out"
          echo "------------------------------------------------------------" >> "$out"
          export >> "$out"
        '';
        preferLocalBuild = true;
      }
      // rest
    );
in
{
  inherit
    fetchurl
    fetchPypi
    runCommand
    writeText
    makeSetupHook
    autoPatchelfHook
    mkShell
    pythonManylinuxPackages
    ;
}
