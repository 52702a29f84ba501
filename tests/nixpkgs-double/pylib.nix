/**
  The double's builder scripts (`pylib/`) as one store directory, without `__pycache__`, so that
  every file that refers to it gets the same store path.
*/
builtins.path {
  name = "nixpkgs-double-pylib";
  path = ./pylib;
  filter = path: type: baseNameOf path != "__pycache__" && !(builtins.match ".*\\.pyc" path != null);
}
