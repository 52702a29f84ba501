/**
  Facts about the host this double runs on, read at evaluation time from files (no
  import-from-derivation): the Debian release, its glibc version, the default `python3`
  version, and the multiarch library directory. Nothing here exists in real nixpkgs: it is what
  the double uses instead of building a stdenv and an interpreter.

  # Inputs

  `lib`
  : the double's lib.

  `system`
  : the Nix system string, e.g. "x86_64-linux".
*/
{ lib, system }:
let
  inherit (lib)
    head
    elemAt
    fileContents
    splitString
    filter
    findFirst
    ;

  readIfExists = path: if builtins.pathExists path then builtins.readFile path else null;

  debianVersion =
    let
      s = readIfExists "/etc/debian_version";
    in
    if s == null then null else lib.removeSuffix "\n" s;

  debianMajor = if debianVersion == null then null else head (splitString "." debianVersion);

  # Debian's glibc per release; anything else gets the conservative manylinux2014 floor.
  glibcVersion =
    {
      "12" = "2.36";
      "13" = "2.41";
    }
    .${toString debianMajor} or "2.17";

  # "3.11" from Debian's python3 defaults, else the newest /usr/bin/python3.N present.
  pythonVersion =
    let
      defaults = readIfExists "/usr/share/python3/debian_defaults";
      m =
        if defaults == null then
          null
        else
          builtins.match ".*default-version = python(3\\.[0-9]+).*" (
            builtins.replaceStrings [ "\n" ] [ " " ] defaults
          );
      probed = findFirst (v: builtins.pathExists "/usr/bin/python${v}") null (
        map (n: "3.${toString n}") (lib.reverseList (lib.range 8 15))
      );
    in
    if m != null then
      head m
    else if probed != null then
      probed
    else
      throw "nixpkgs-double: no /usr/bin/python3.N on this host";

  # The patch level from dpkg's database (python3.X-minimal's "Version: 3.X.P-..."), else "0".
  pythonPatch =
    let
      status = readIfExists "/var/lib/dpkg/status";
      stanzas = if status == null then [ ] else filter builtins.isString (builtins.split "\nPackage: " status);
      stanza = findFirst (s: lib.hasPrefix "python${pythonVersion}-minimal\n" s) null stanzas;
      m =
        if stanza == null then
          null
        else
          builtins.match ".*\nVersion: [0-9]+\\.[0-9]+\\.([0-9]+).*" (
            builtins.substring 0 4096 stanza
          );
    in
    if m == null then "0" else head m;

  cpu = head (splitString "-" system);
  isLinux = lib.hasSuffix "-linux" system;
  triplet = "${cpu}-linux-gnu";
in
{
  inherit
    debianVersion
    debianMajor
    glibcVersion
    pythonVersion
    pythonPatch
    cpu
    isLinux
    triplet
    ;
  /**
    The libraries nixpkgs' glibc package ships (libgcc_s included, as nixpkgs' glibc has it):
    the double's `stdenv.cc.libc` links them, and its autoPatchelf leaves them to the loader.
  */
  glibcLibraries = [
    "libc.so.6"
    "libm.so.6"
    "libmvec.so.1"
    "libdl.so.2"
    "librt.so.1"
    "libpthread.so.0"
    "libresolv.so.2"
    "libutil.so.1"
    "libnsl.so.1"
    "libanl.so.1"
    "libBrokenLocale.so.1"
    "libthread_db.so.1"
    "libc_malloc_debug.so.0"
    "ld-linux-x86-64.so.2"
    "ld-linux-aarch64.so.1"
    "libgcc_s.so.1"
  ];
  /** Where the host's glibc and the rest of its shared libraries live. */
  libDirs = [
    "/lib/${triplet}"
    "/usr/lib/${triplet}"
  ];
  /** The host interpreter the double's python wraps. */
  pythonBin = "/usr/bin/python${pythonVersion}";
  /** The host python that runs the double's builder scripts (always with -I -S). */
  builderPython = "/usr/bin/python3";
}
