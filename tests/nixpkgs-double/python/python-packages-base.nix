/**
  Base layer of the python package set (nixpkgs `python-packages-base.nix`): buildPythonPackage,
  buildPythonApplication, toPythonModule, toPythonApplication, hasPythonModule,
  requiredPythonModules, makePythonPath, disabled/disabledIf, python, pythonPackages.
*/
{
  pkgs,
  stdenv,
  lib,
  python,
}:
self:
let
  inherit (self) callPackage;

  namePrefix = python.libPrefix + "-";

  /**
    Add `overridePythonAttrs` to what `f` builds: it re-calls `f` with the original arguments
    shallowly updated (`args // new`, or `args // new args` for a function).
  */
  makeOverridablePythonPackage =
    f:
    lib.mirrorFunctionArgs f (
      origArgs:
      let
        args = lib.fix (
          lib.extends (_: previousAttrs: {
            passthru = (previousAttrs.passthru or { }) // {
              overridePythonAttrs = newArgs: makeOverridablePythonPackage f (overrideWith newArgs);
            };
          }) (_: origArgs)
        );
        result = f args;
        overrideWith = newArgs: args // (if lib.isFunction newArgs then newArgs args else newArgs);
      in
      if builtins.isAttrs result then
        result
      else if builtins.isFunction result then
        {
          overridePythonAttrs = newArgs: makeOverridablePythonPackage f (overrideWith newArgs);
          __functor = self: result;
        }
      else
        result
    )
    // lib.optionalAttrs (f ? override) {
      override = lib.mirrorFunctionArgs f.override (fdrv: makeOverridablePythonPackage (f.override fdrv));
    };

  mkPythonDerivation = ./mk-python-derivation.nix;

  buildPythonPackage = makeOverridablePythonPackage (
    callPackage mkPythonDerivation {
      inherit namePrefix;
      inherit toPythonModule;
    }
  );

  buildPythonApplication = makeOverridablePythonPackage (
    callPackage mkPythonDerivation {
      namePrefix = "";
      toPythonModule = x: x;
    }
  );

  /** Whether `drv` provides a module for this interpreter (`pythonModule == python`). */
  hasPythonModule = drv: drv ? pythonModule && drv.pythonModule == python;

  /** `python`, the modules among `drvs`, and their `requiredPythonModules`, deduplicated. */
  requiredPythonModules =
    drvs:
    let
      modules = lib.filter hasPythonModule drvs;
    in
    lib.unique ([ python ] ++ modules ++ lib.concatLists (lib.catAttrs "requiredPythonModules" modules));

  /** A PYTHONPATH for the python modules needed by `drvs`. */
  makePythonPath = drvs: lib.makeSearchPath python.sitePackages (requiredPythonModules drvs);

  removePythonPrefix = lib.removePrefix namePrefix;

  /** Mark a derivation as a python module of this interpreter (passthru only, no rebuild). */
  toPythonModule =
    drv:
    drv.overrideAttrs (oldAttrs: {
      passthru = (oldAttrs.passthru or { }) // {
        pythonModule = python;
        pythonPath = [ ];
        requiredPythonModules = builtins.addErrorContext "while calculating requiredPythonModules for ${drv.name or drv.pname}:" (
          requiredPythonModules drv.propagatedBuildInputs
        );
      };
    });

  /** Turn a python library into an application: no name prefix, `pythonModule = false`. */
  toPythonApplication =
    drv:
    drv.overrideAttrs (oldAttrs: {
      passthru = (oldAttrs.passthru or { }) // {
        name = removePythonPrefix oldAttrs.name;
        pythonModule = false;
      };
    });

  disabled =
    drv:
    throw "${removePythonPrefix (drv.pname or drv.name)} not supported for interpreter ${python.executable}";

  disabledIf = x: drv: if x then disabled drv else drv;
in
{
  inherit lib pkgs stdenv;
  inherit (python.passthru)
    isPy27
    isPy39
    isPy310
    isPy311
    isPy312
    isPy313
    isPy314
    isPy3k
    isPyPy
    pythonAtLeast
    pythonOlder
    ;
  inherit buildPythonPackage buildPythonApplication;
  inherit
    hasPythonModule
    requiredPythonModules
    makePythonPath
    disabled
    disabledIf
    ;
  inherit toPythonModule toPythonApplication;

  python = toPythonModule python;

  pythonPackages = self;
}
