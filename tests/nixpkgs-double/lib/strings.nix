/** String functions (nixpkgs `lib/strings.nix`). */
{ lib }:
let
  inherit (builtins)
    stringLength
    substring
    replaceStrings
    concatStringsSep
    filter
    isString
    isList
    match
    split
    ;
in
rec {
  inherit
    stringLength
    substring
    replaceStrings
    concatStringsSep
    match
    split
    ;

  /** Concatenate a list of strings. */
  concatStrings = builtins.concatStringsSep "";

  /** Map then concatenate. */
  concatMapStrings = f: list: concatStrings (map f list);

  /** Map then join with `sep`. */
  concatMapStringsSep =
    sep: f: list:
    concatStringsSep sep (map f list);

  /** Put `separator` between the elements of a list. */
  intersperse =
    separator: list:
    if list == [ ] || builtins.length list == 1 then
      list
    else
      builtins.tail (builtins.concatMap (x: [ separator x ]) list);

  /** `"p1/subDir:p2/subDir"`, skipping nulls. */
  makeSearchPath =
    subDir: paths:
    concatStringsSep ":" (map (path: path + "/" + subDir) (filter (x: x != null) paths));

  /** Like `makeSearchPath`, taking output `output` of each package. */
  makeSearchPathOutput =
    output: subDir: pkgs:
    makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);

  /** `lib` directories of the packages' `lib` outputs. */
  makeLibraryPath = makeSearchPathOutput "lib" "lib";

  /** `bin` directories of the packages' `bin` outputs. */
  makeBinPath = makeSearchPathOutput "bin" "bin";

  /** `string` when `cond`, else "". */
  optionalString = cond: string: if cond then string else "";

  /** Whether `str` starts with `pref`. */
  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;

  /** Whether `content` ends with `suffix`. */
  hasSuffix =
    suffix: content:
    let
      lenContent = stringLength content;
      lenSuffix = stringLength suffix;
    in
    lenContent >= lenSuffix && substring (lenContent - lenSuffix) lenContent content == suffix;

  /** Whether `infix` occurs in `content`. */
  hasInfix = infix: content: builtins.match ".*${escapeRegex infix}.*" "${content}" != null;

  /** The characters of a string as a list of one-character strings. */
  stringToCharacters = s: builtins.genList (p: substring p 1 s) (stringLength s);

  /** Backslash-escape every character of `list` in a string. */
  escape = list: replaceStrings list (map (c: "\\${c}") list);

  /** Quote a string for a POSIX shell; strings of safe characters stay as they are. */
  escapeShellArg =
    arg:
    let
      string = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" string == null then
      "'${replaceStrings [ "'" ] [ "'\\''" ] string}'"
    else
      string;

  /** `escapeShellArg` each element, joined with spaces. */
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;

  /** Escape regular expression metacharacters. */
  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");

  /** Quote a string as a Nix string literal. */
  escapeNixString = s: escape [ "$" ] (builtins.toJSON s);

  /** ASCII lower-case. */
  toLower = replaceStrings upperChars lowerChars;

  /** ASCII upper-case. */
  toUpper = replaceStrings lowerChars upperChars;

  /** The 26 lower-case ASCII letters. */
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";

  /** The 26 upper-case ASCII letters. */
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  /** Split `s` at every occurrence of the literal `sep`; keeps string context. */
  splitString =
    sep: s:
    let
      splits = filter isString (split (escapeRegex (toString sep)) (toString s));
    in
    map (v: substring 0 0 s + v) splits;

  /** Drop `prefix` from the start of `str` when present. */
  removePrefix =
    prefix: str:
    let
      preLen = stringLength prefix;
    in
    if substring 0 preLen str == prefix then
      substring preLen (stringLength str - preLen) str
    else
      str;

  /** Drop `suffix` from the end of `str` when present. */
  removeSuffix =
    suffix: str:
    let
      sufLen = stringLength suffix;
      sLen = stringLength str;
    in
    if sufLen <= sLen && suffix == substring (sLen - sufLen) sufLen str then
      substring 0 (sLen - sufLen) str
    else
      str;

  /** Whether `v1` is older than `v2` (`builtins.compareVersions`). */
  versionOlder = v1: v2: builtins.compareVersions v2 v1 == 1;

  /** Whether `v1` is at least `v2`. */
  versionAtLeast = v1: v2: !versionOlder v1 v2;

  /** `pname`, else the name part of `name` (`builtins.parseDrvName`); strings are parsed. */
  getName =
    x:
    let
      parse = drv: (builtins.parseDrvName drv).name;
    in
    if isString x then parse x else x.pname or (parse x.name);

  /** `version`, else the version part of `name`; strings are parsed. */
  getVersion =
    x:
    let
      parse = drv: (builtins.parseDrvName drv).version;
    in
    if isString x then parse x else x.version or (parse x.name);

  /** A file's contents without the trailing newline. */
  fileContents = file: removeSuffix "\n" (builtins.readFile file);

  /** Turn any string into a valid store path name (nixpkgs' algorithm). */
  sanitizeDerivationName =
    let
      okRegex = match "[[:alnum:]+_?=-][[:alnum:]+._?=-]*";
    in
    string:
    if stringLength string <= 207 && okRegex string != null then
      builtins.unsafeDiscardStringContext string
    else
      lib.trivial.pipe string [
        builtins.unsafeDiscardStringContext
        (x: builtins.elemAt (match "\\.*(.*)" x) 0)
        (split "[^[:alnum:]+._?=-]+")
        (concatMapStrings (s: if isList s then "-" else s))
        (x: substring (lib.trivial.max (stringLength x - 207) 0) (-1) x)
        (x: if stringLength x == 0 then "unknown" else x)
      ];
}
