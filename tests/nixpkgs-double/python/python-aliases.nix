/**
  The aliases layer (nixpkgs `python-aliases.nix`, `lib: self: super:`), applied only with
  `config.allowAliases`. nixpkgs' entries name packages the double does not ship, so the layer is
  here (in its place between base and packages) but empty.
*/
lib: self: super: { }
