/**
  The nixpkgs test double's `lib`: a re-implementation, with the same names and semantics, of the
  part of nixpkgs' `lib` that mach-nix and the double itself use. Each file mirrors one file of
  nixpkgs' `lib/`; the flat attribute set re-exports them the way nixpkgs does.

  # Inputs

  `release`
  : the nixpkgs release this double plays (`lib.trivial.release`, `lib.version`).
*/
{
  release ? "24.11",
}:
let
  lib = {
    trivial = import ./trivial.nix { inherit lib release; };
    lists = import ./lists.nix { inherit lib; };
    strings = import ./strings.nix { inherit lib; };
    attrsets = import ./attrsets.nix { inherit lib; };
    fixedPoints = import ./fixed-points.nix { inherit lib; };
    customisation = import ./customisation.nix { inherit lib release; };
    platforms = import ./platforms.nix { };

    inherit (lib.trivial)
      id
      const
      flip
      pipe
      concat
      seq
      deepSeq
      isFunction
      functionArgs
      setFunctionArgs
      mirrorFunctionArgs
      toFunction
      warn
      warnIf
      warnIfNot
      throwIf
      throwIfNot
      assertMsg
      boolToString
      mergeAttrs
      max
      min
      release
      version
      versionSuffix
      codeName
      isBool
      isInt
      isFloat
      isString
      isList
      isAttrs
      isPath
      ;
    inherit (lib.lists)
      map
      filter
      foldr
      foldl
      foldl'
      elem
      elemAt
      length
      head
      tail
      last
      init
      take
      drop
      sublist
      range
      genList
      reverseList
      sort
      any
      all
      count
      findFirst
      partition
      toList
      remove
      subtractLists
      intersectLists
      unique
      flatten
      optional
      optionals
      concatLists
      concatMap
      imap0
      imap1
      zipLists
      zipListsWith
      ;
    inherit (lib.strings)
      concatStrings
      concatMapStrings
      concatStringsSep
      concatMapStringsSep
      intersperse
      makeSearchPath
      makeSearchPathOutput
      makeLibraryPath
      makeBinPath
      optionalString
      hasPrefix
      hasSuffix
      hasInfix
      stringToCharacters
      stringLength
      substring
      escape
      escapeShellArg
      escapeShellArgs
      escapeRegex
      escapeNixString
      replaceStrings
      toLower
      toUpper
      splitString
      removePrefix
      removeSuffix
      versionOlder
      versionAtLeast
      getName
      getVersion
      fileContents
      match
      split
      sanitizeDerivationName
      ;
    inherit (lib.attrsets)
      attrNames
      attrValues
      hasAttr
      getAttr
      catAttrs
      filterAttrs
      mapAttrs
      mapAttrs'
      mapAttrsToList
      genAttrs
      listToAttrs
      nameValuePair
      optionalAttrs
      isDerivation
      getOutput
      getBin
      getLib
      getDev
      getMan
      recursiveUpdate
      attrByPath
      hasAttrByPath
      getAttrFromPath
      setAttrByPath
      zipAttrsWith
      intersectAttrs
      removeAttrs
      recurseIntoAttrs
      dontRecurseIntoAttrs
      ;
    inherit (lib.fixedPoints)
      fix
      fix'
      extends
      composeExtensions
      composeManyExtensions
      makeExtensible
      makeExtensibleWithCustomName
      toExtension
      ;
    inherit (lib.customisation)
      overrideDerivation
      makeOverridable
      callPackageWith
      callPackagesWith
      extendDerivation
      makeScope
      ;

    /** Placeholder SRI hash; a fixed-output build with it fails and prints the real hash. */
    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    /** Placeholder sha256 in nix-base32. */
    fakeSha256 = "0000000000000000000000000000000000000000000000000000";
    /** Placeholder sha512 in hex. */
    fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
  };
in
lib
