/** A small `lib.platforms`: the system lists `meta.platforms` is usually built from. */
{ }:
rec {
  linux = [
    "aarch64-linux"
    "armv7l-linux"
    "i686-linux"
    "powerpc64le-linux"
    "riscv64-linux"
    "x86_64-linux"
  ];
  darwin = [
    "aarch64-darwin"
    "x86_64-darwin"
  ];
  unix = linux ++ darwin;
  all = unix;
}
