/**
  The hooks layer of the python set (nixpkgs `hooks/default.nix`): setup hooks made with the
  set's own `callPackage`, so their dependencies are the final set's packages (`packageOverrides`
  included), as in nixpkgs: `wheelUnpackHook` propagates the set's `wheel`, `pypaBuildHook` the
  set's `wheel`, `setuptoolsBuildHook` the set's `setuptools` and `wheel`,
  `pythonRuntimeDepsCheckHook` the set's `packaging`. Only `build` and `installer` come from the
  build python's set (`python.pythonOnBuildForHost.pkgs`). Each hook is a `makePythonHook`
  derivation whose `passthru.provides.setupHook` is true; the hook scripts are Python modules in
  `pylib/hooks/` (see `pylib/stdenv_builder.py`).

  Deliberate differences: the double's PEP 517 build script (`pylib/build_wheel.py`) imports
  `packaging` and `pyproject_hooks` from PYTHONPATH, so `pypaBuildHook` propagates the build
  python's `build` (whose dependencies they are; nixpkgs only substitutes `build`'s path into its
  script) and `setuptoolsBuildHook` the build python's `pyproject-hooks` (nixpkgs runs `setup.py`).
*/
self: super:
let
  inherit (self) python lib callPackage;
  inherit (python) pythonOnBuildForHost;
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

  # `wheel` is overridden with null for the bootstrap packages (mk-python-derivation.nix).
  pypaBuildHook = callPackage (
    {
      makePythonHook,
      build,
      wheel,
    }:
    makePythonHook {
      name = "pypa-build-hook";
      propagatedBuildInputs = [
        build
        wheel
      ];
      substitutions = {
        inherit pylib pythonInterpreter;
        hookName = "pypaBuildHook";
        checkDeps = "1";
      };
    } (hook "pypa_build_hook.py")
  ) { inherit (pythonOnBuildForHost.pkgs) build; };

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
  ) { inherit (pythonOnBuildForHost.pkgs) pyproject-hooks; };

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

  # `packaging` is overridden with the bootstrap one for the bootstrap packages.
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

  # The set's own `wheel` is built without it (python-packages.nix), else it would need itself.
  wheelUnpackHook = callPackage (
    { makePythonHook, wheel }:
    makePythonHook {
      name = "wheel-unpack-hook";
      propagatedBuildInputs = [ wheel ];
    } (hook "wheel_unpack_hook.py")
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
