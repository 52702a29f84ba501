/**
  The hooks layer of the python set (nixpkgs `hooks/default.nix`): setup hooks built from the
  build python's set (`python.pythonOnBuildForHost.pkgs`), each a `makePythonHook` derivation
  whose `passthru.provides.setupHook` is true. The hook scripts are Python modules in
  `pylib/hooks/` (see `pylib/stdenv_builder.py`).
*/
self: super:
let
  inherit (self) python lib;
  inherit (python) pythonOnBuildForHost;
  inherit (pythonOnBuildForHost.pkgs) callPackage;
  pylib = import ../pylib.nix;
  pythonInterpreter = pythonOnBuildForHost.interpreter;
  pythonSitePackages = python.sitePackages;
  pythonCheckInterpreter = python.interpreter;
  hook = name: "${pylib}/hooks/${name}";
in
{
  /** `pkgs.makeSetupHook` with `passthru.provides.setupHook = true`. */
  makePythonHook =
    args: self.pkgs.makeSetupHook (lib.recursiveUpdate { passthru.provides.setupHook = true; } args);

  pypaBuildHook = callPackage (
    { makePythonHook, build }:
    makePythonHook {
      name = "pypa-build-hook";
      propagatedBuildInputs = [ build ];
      substitutions = {
        inherit pylib pythonInterpreter;
        hookName = "pypaBuildHook";
        checkDeps = "1";
      };
    } (hook "pypa_build_hook.py")
  ) { };

  setuptoolsBuildHook = callPackage (
    {
      makePythonHook,
      setuptools,
      wheel,
      pyproject-hooks,
    }:
    makePythonHook {
      name = "setuptools-build-hook";
      propagatedBuildInputs = [
        setuptools
        wheel
        pyproject-hooks
      ];
      substitutions = {
        inherit pylib pythonInterpreter;
        hookName = "setuptoolsBuildHook";
        checkDeps = "0";
      };
    } (hook "pypa_build_hook.py")
  ) { };

  pypaInstallHook = callPackage (
    { makePythonHook, installer }:
    makePythonHook {
      name = "pypa-install-hook";
      propagatedBuildInputs = [ installer ];
      substitutions = {
        inherit pylib pythonInterpreter pythonSitePackages;
      };
    } (hook "pypa_install_hook.py")
  ) { inherit (pythonOnBuildForHost.pkgs) installer; };

  pythonCatchConflictsHook = callPackage (
    { makePythonHook }:
    makePythonHook {
      name = "python-catch-conflicts-hook";
      substitutions = {
        inherit pythonSitePackages;
      };
    } (hook "python_catch_conflicts_hook.py")
  ) { };

  pythonImportsCheckHook = callPackage (
    { makePythonHook }:
    makePythonHook {
      name = "python-imports-check-hook";
      substitutions = {
        inherit pythonCheckInterpreter pythonSitePackages;
      };
    } (hook "python_imports_check_hook.py")
  ) { };

  pythonOutputDistHook = callPackage (
    { makePythonHook }:
    makePythonHook { name = "python-output-dist-hook"; } (hook "python_output_dist_hook.py")
  ) { };

  pythonRemoveBinBytecodeHook = callPackage (
    { makePythonHook }:
    makePythonHook { name = "python-remove-bin-bytecode-hook"; } (
      hook "python_remove_bin_bytecode_hook.py"
    )
  ) { };

  pythonRemoveTestsDirHook = callPackage (
    { makePythonHook }:
    makePythonHook {
      name = "python-remove-tests-dir-hook";
      substitutions = {
        inherit pythonSitePackages;
      };
    } (hook "python_remove_tests_dir_hook.py")
  ) { };

  pythonRuntimeDepsCheckHook = callPackage (
    { makePythonHook, packaging }:
    makePythonHook {
      name = "python-runtime-deps-check-hook";
      propagatedBuildInputs = [ packaging ];
      substitutions = {
        inherit pylib pythonInterpreter;
      };
    } (hook "python_runtime_deps_check_hook.py")
  ) { };

  wheelUnpackHook = callPackage (
    { makePythonHook }:
    makePythonHook { name = "wheel-unpack-hook"; } (hook "wheel_unpack_hook.py")
  ) { };

  wrapPython = callPackage (
    { makePythonHook }:
    makePythonHook {
      name = "wrap-python-hook";
      substitutions = {
        inherit pythonSitePackages;
      };
    } (hook "wrap_python_hook.py")
  ) { };
}
