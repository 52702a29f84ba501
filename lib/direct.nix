# Direct references for the resolver derivation (import-from-derivation). The resolver runs
# without network, so lib/ fetches each pinned direct reference first and hands the resolver
# the store path, keyed by the reference as the requirements write it (the request's
# `directReferences`, docs/resolution-format.md). The simple forms are recognised here, in Nix,
# rather than by a first resolver derivation: they are one token on a line, and a second IFD
# would double the evaluation cost of every requirements text. What this does not fetch (an
# unpinned URL or git revision) the resolver refuses with a message saying how to pin it.
{
  lib,
  sources,
  requirementsText,
}:
let
  inherit (lib)
    concatMap
    elemAt
    filter
    hasPrefix
    hasSuffix
    head
    listToAttrs
    ;

  lines = requirementsText.logicalLines;

  isUrl = w: builtins.match "(git[+]|https?://|file:).*" w != null;

  looksLikePath =
    w:
    hasPrefix "." w
    || hasPrefix "/" w
    || isUrl w
    || hasSuffix ".whl" w
    || hasSuffix ".tar.gz" w
    || hasSuffix ".zip" w;

  # `./pkg[extra]` -> `./pkg` (extras are not part of the reference; URLs keep brackets)
  dropExtras =
    w:
    let
      m = builtins.match "(.*)[[][-A-Za-z0-9,._[:space:]]*[]]" w;
    in
    if m != null && !(isUrl w) then head m else w;

  # The reference a line makes, as the resolver's parser keys it, or null.
  referenceOf =
    line:
    let
      named = builtins.match "[A-Za-z0-9][A-Za-z0-9._-]*[[:space:]]*([[][-A-Za-z0-9,._[:space:]]*[]])?[[:space:]]*@[[:space:]]*([^[:space:]]+).*" line;
      editable = builtins.match "(-e|--editable)(=|[[:space:]]*)([^;[:space:]]+).*" line;
      bare = builtins.match "([^;[:space:]]+).*" line;
    in
    if named != null then
      elemAt named 1
    else if editable != null then
      dropExtras (elemAt editable 2)
    else if !(hasPrefix "-" line) && bare != null && looksLikePath (head bare) then
      dropExtras (head bare)
    else
      null;

  fragmentSha256 =
    w:
    let
      m = builtins.match ".*#(.*&)?sha256=([0-9a-fA-F]{64}).*" w;
    in
    if m == null then null else elemAt m 1;

  storeName =
    url:
    let
      base = baseNameOf url;
    in
    if builtins.match "[A-Za-z0-9+._=-]+" base != null && !(hasPrefix "." base) then
      base
    else
      "direct-reference";

  # The store path of one reference, or null when it is not pinned (the resolver explains).
  fetch =
    {
      fn,
      fetchurl,
      projectDir,
    }:
    written:
    let
      noFragment = head (builtins.split "#" written);
    in
    if hasPrefix "git+" written then
      let
        m = builtins.match "git[+](.*://[^/]*/.*)@([0-9a-f]{40})" noFragment;
      in
      if m == null then
        null
      else
        builtins.fetchGit {
          url = elemAt m 0;
          rev = elemAt m 1;
          allRefs = true;
        }
    else if builtins.match "https?://.*" written != null then
      let
        sha256 = fragmentSha256 written;
      in
      if sha256 == null then
        null
      else
        fetchurl {
          url = noFragment;
          inherit sha256;
          name = storeName noFragment;
        }
    else
      let
        pathText =
          if hasPrefix "file://" noFragment then
            builtins.substring 7 (-1) noFragment
          else if hasPrefix "file:" noFragment then
            builtins.substring 5 (-1) noFragment
          else
            noFragment;
      in
      sources.srcOf {
        inherit fn projectDir;
        pkg = {
          name = "direct";
          version = "0";
          source = {
            kind = "path";
            path = pathText;
          };
          file.filename = storeName pathText;
        };
      };
in
rec {
  /**
    The direct references of a requirements text, as the resolver's parser keys them.

    # Type

    ```
    references :: String -> [ String ]
    ```

    # Examples

    ```nix
    references "six @ https://h/six-1.0-py3-none-any.whl#sha256=...\n-e ./pkg[x]\nattrs\n"
    => [ "https://h/six-1.0-py3-none-any.whl#sha256=..." "./pkg" ]
    ```
  */
  references = text: filter (r: r != null) (map referenceOf (lines text));

  /**
    The request fields for the direct references of `requirements`: `{ }` when there are none,
    else `{ directReferences = { <reference> = <store path>; }; }` with every pinned reference
    fetched (URL with `#sha256=`, git with a full commit, local paths).

    # Type

    ```
    forRequest :: { fn, fetchurl, projectDir, requirements } -> AttrSet
    ```
  */
  forRequest =
    {
      fn,
      fetchurl,
      projectDir,
      requirements,
    }:
    let
      fetched = concatMap (
        r:
        let
          p = fetch { inherit fn fetchurl projectDir; } r;
        in
        if p == null then
          [ ]
        else
          [
            {
              name = r;
              value = "${p}";
            }
          ]
      ) (references requirements);
    in
    if fetched == [ ] then { } else { directReferences = listToAttrs fetched; };
}
