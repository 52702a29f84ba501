/** List functions (nixpkgs `lib/lists.nix`). */
{ lib }:
rec {
  inherit (builtins)
    map
    filter
    elem
    elemAt
    length
    head
    tail
    genList
    sort
    any
    all
    concatLists
    concatMap
    ;

  /** Right fold. `foldr op nul [x1 x2]` is `op x1 (op x2 nul)`. */
  foldr =
    op: nul: list:
    let
      len = builtins.length list;
      fold' = n: if n == len then nul else op (builtins.elemAt list n) (fold' (n + 1));
    in
    fold' 0;

  /** Lazy left fold. */
  foldl =
    op: nul: list:
    let
      foldl' = n: if n == -1 then nul else op (foldl' (n - 1)) (builtins.elemAt list n);
    in
    foldl' (builtins.length list - 1);

  /** Strict left fold; also forces the initial accumulator. */
  foldl' =
    op: acc:
    builtins.seq acc (builtins.foldl' op acc);

  /** Map with the 0-based index. */
  imap0 = f: list: builtins.genList (n: f n (builtins.elemAt list n)) (builtins.length list);

  /** Map with the 1-based index. */
  imap1 = f: list: builtins.genList (n: f (n + 1) (builtins.elemAt list n)) (builtins.length list);

  /** The last element; fails on the empty list. */
  last =
    list:
    assert lib.trivial.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    builtins.elemAt list (builtins.length list - 1);

  /** All but the last element; fails on the empty list. */
  init =
    list:
    assert lib.trivial.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (builtins.length list - 1) list;

  /** The first `count` elements. */
  take = count: sublist 0 count;

  /** All but the first `count` elements. */
  drop = count: list: sublist count (builtins.length list) list;

  /** `count` elements starting at `start`, clamped to the list. */
  sublist =
    start: count: list:
    let
      len = builtins.length list;
    in
    builtins.genList (n: builtins.elemAt list (n + start)) (
      if start >= len then
        0
      else if start + count > len then
        len - start
      else
        count
    );

  /** Integers from `first` to `last`, inclusive. */
  range =
    first: last: if first > last then [ ] else builtins.genList (n: first + n) (last - first + 1);

  /** The list in reverse order. */
  reverseList =
    xs:
    let
      l = builtins.length xs;
    in
    builtins.genList (n: builtins.elemAt xs (l - n - 1)) l;

  /** How many elements satisfy `pred`. */
  count = pred: builtins.foldl' (c: x: if pred x then c + 1 else c) 0;

  /** The first element satisfying `pred`, or `default`. */
  findFirst =
    pred: default: list:
    let
      found = builtins.filter pred list;
    in
    if found == [ ] then default else builtins.head found;

  /** Split into `{ right = matching; wrong = others; }`. */
  partition = builtins.partition;

  /** Wrap a non-list in a singleton list. */
  toList = x: if builtins.isList x then x else [ x ];

  /** Remove every occurrence of `e`. */
  remove = e: builtins.filter (x: x != e);

  /** `subtractLists e list` removes the elements of `e` from `list`. */
  subtractLists = e: builtins.filter (x: !(builtins.elem x e));

  /** Elements of the second list that are also in the first. */
  intersectLists = e: builtins.filter (x: builtins.elem x e);

  /** Remove duplicates, keeping the first occurrence. */
  unique = foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ];

  /** Flatten nested lists; a non-list becomes a singleton. */
  flatten = x: if builtins.isList x then builtins.concatMap (y: flatten y) x else [ x ];

  /** `[ elem ]` when `cond`, else `[ ]`. */
  optional = cond: elem: if cond then [ elem ] else [ ];

  /** `elems` when `cond`, else `[ ]`. */
  optionals = cond: elems: if cond then elems else [ ];

  /** Pair up two lists with `f`, truncating to the shorter. */
  zipListsWith =
    f: fst: snd:
    builtins.genList (n: f (builtins.elemAt fst n) (builtins.elemAt snd n)) (
      lib.trivial.min (builtins.length fst) (builtins.length snd)
    );

  /** Pair up two lists into `{ fst; snd; }`. */
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });
}
