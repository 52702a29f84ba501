# Where a resolved package's source comes from when the resolution says it is a direct
# reference (docs/resolution-format.md, `source`): a URL (fetched by the provider from `file`
# as any index file), a git commit (`builtins.fetchGit`), or a local path copied into the
# store. Pure functions of the resolution entry and the project directory; no nixpkgs needed.
{ lib }:
let
  inherit (lib) hasPrefix hasSuffix;

  # What never belongs in a source copy: VCS data, caches, and `nix-build` result links.
  keep =
    path: type:
    let
      base = baseNameOf path;
    in
    !(
      base == ".git"
      || base == "__pycache__"
      || base == ".mypy_cache"
      || base == ".pytest_cache"
      || base == ".tox"
      || base == ".venv"
      || hasSuffix ".pyc" base
      || (type == "symlink" && hasPrefix "result" base)
    );

  isArchive = p: hasSuffix ".whl" p || hasSuffix ".tar.gz" p || hasSuffix ".zip" p;
in
rec {
  /**
    The local path a `path` or `editable` source names, as a Nix path: absolute paths as they
    are, relative ones under `projectDir` (the directory of the requirements file).

    # Inputs

    `fn`
    : the public function's name, for messages

    `projectDir`
    : a path, or null when the requirements were given as a string without one

    `pkg`
    : the resolution entry

    # Type

    ```
    localPath :: { fn, projectDir, pkg } -> Path
    ```
  */
  localPath =
    {
      fn,
      projectDir,
      pkg,
    }:
    let
      p = pkg.source.path;
    in
    if hasPrefix "/" p then
      /. + p
    else if projectDir == null then
      throw "mach-nix.${fn}: ${pkg.name} comes from the relative path ${p}, but there is no directory to find it in: the requirements were given as a string. Pass `projectDir = ./.;` (the directory the requirements file is in), or `requirements = ./requirements.txt;` (a path)."
    else
      projectDir + "/${p}";

  /**
    The `src` of a direct reference, or null for a package the provider fetches from its `file`
    (index packages and URL references).

    # Type

    ```
    srcOf :: { fn, projectDir, pkg } -> (Path | String | Null)
    ```
  */
  srcOf =
    {
      fn,
      projectDir,
      pkg,
    }@args:
    let
      kind = pkg.source.kind or "index";
    in
    if kind == "git" then
      let
        checkout = builtins.fetchGit {
          inherit (pkg.source) url rev;
          allRefs = true;
        };
      in
      if pkg.source ? subdirectory then "${checkout}/${pkg.source.subdirectory}" else checkout
    else if kind == "path" || kind == "editable" then
      let
        path = localPath args;
      in
      if isArchive pkg.source.path then
        let
          actual = builtins.hashFile "sha256" path;
        in
        # the lock pinned the archive's sha256: a file changed since then is an error, not a
        # silently different build
        if (pkg.file.sha256 or actual) != actual then
          throw "mach-nix.${fn}: ${pkg.name}'s archive ${toString path} has sha256 ${actual}, but the resolution pinned ${pkg.file.sha256}: the file changed since it was resolved. Resolve or lock again (`mach-nix lock`) if the change is wanted."
        else
          builtins.path {
            inherit path;
            name = pkg.file.filename;
          }
      else
        builtins.path {
          inherit path;
          name = "${pkg.name}-${pkg.version}-source";
          filter = keep;
        }
    else
      null;

  /**
    The directory an editable package is imported from in a development shell: its `src/`
    when it has one (the src layout), else the project directory itself (the flat layout).
    A string (the working tree's absolute path), so nothing is copied into the store.

    # Type

    ```
    editableImportRoot :: { fn, projectDir, pkg } -> String
    ```
  */
  editableImportRoot =
    args:
    let
      root = localPath args;
    in
    toString (if builtins.pathExists (root + "/src") then root + "/src" else root);
}
