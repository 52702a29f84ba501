/**
  `buildPythonPackage` / `buildPythonApplication` (nixpkgs `mk-python-derivation.nix`), with the
  argument rules of the release the double plays (`lib.trivial.release`):

  - `format` (wheel | pyproject | setuptools | other) or `pyproject` (true = pyproject,
    false = other); both set fails the assertion; neither set means setuptools before 25.11 and
    throws "<name> does not configure a `format`..." from 25.11;
  - `dependencies` appended to `propagatedBuildInputs` (both propagated), `build-system` to
    `nativeBuildInputs` (from 24.05; on 23.11 they are unknown arguments, i.e. ignored env vars);
  - a python module of another interpreter in `buildInputs`/`propagatedBuildInputs` throws
    "Python version mismatch";
  - the argument `doCheck` becomes `doInstallCheck` (the derivation's `doCheck` is false);
  - name "pythonX.Y-<pname>-<version>" (no prefix for applications); outputs gain `dist` for
    wheel, pyproject and setuptools;
  - `disabled = true` throws "<pname>-<version> not supported for interpreter pythonX.Y" when
    `drvPath`/`outPath` is forced;
  - hooks as in nixpkgs: wheel unpack, PEP 517 build (+ runtime-deps check from 24.05), install
    with `installer`, dist output, tests-dir removal, bin bytecode removal, wrapPythonPrograms,
    conflict check (not for setuptools, wheel and the bootstrap packages), imports check; for
    the bootstrap packages (build, packaging, pyproject-hooks, wheel, flit-core, installer,
    tomli before 3.11) the PEP 517 build hook propagates no `wheel`, the runtime-deps check uses
    the bootstrap `packaging`, and flit-core/installer install with the bootstrap `installer`.

  Deliberate differences: `pythonRelaxDeps`/`pythonRemoveDeps` and `pythonNamespaces` are not
  implemented (they throw); `egg` is not supported; `dontWrapPythonPrograms` stays an env var
  (the wrap hook reads it) instead of shaping `postFixup`.
*/
{
  lib,
  config,
  stdenv,
  python,
  wrapPython,
  toPythonModule,
  namePrefix,
  pypaBuildHook,
  pypaInstallHook,
  pythonCatchConflictsHook,
  pythonImportsCheckHook,
  pythonOutputDistHook,
  pythonRemoveBinBytecodeHook,
  pythonRemoveTestsDirHook,
  pythonRuntimeDepsCheckHook,
  setuptoolsBuildHook,
  wheelUnpackHook,
}:
let
  inherit (lib)
    optional
    optionals
    optionalAttrs
    elem
    versionAtLeast
    ;

  release = lib.trivial.release;
  hasPep621Args = versionAtLeast release "24.05";
  neitherFormatThrows = versionAtLeast release "25.11";
  hasRuntimeDepsCheck = versionAtLeast release "24.05";
  passthruDepsAlways = versionAtLeast release "26.05";
  passthruDisabled = versionAtLeast release "25.05";

  withDistOutput' = f: elem f [
    "pyproject"
    "setuptools"
    "wheel"
  ];
  isBootstrapInstallPackage' = p: elem p [
    "flit-core"
    "installer"
  ];
  isBootstrapPackage' =
    p:
    elem p (
      [
        "build"
        "packaging"
        "pyproject-hooks"
        "wheel"
      ]
      ++ optionals (python.pythonOlder "3.11") [ "tomli" ]
    );
  isSetuptoolsDependency' = p: elem p [
    "setuptools"
    "wheel"
  ];

  cleanAttrs =
    attrs:
    removeAttrs attrs (
      [
        "disabled"
        "checkPhase"
        "checkInputs"
        "nativeCheckInputs"
        "doCheck"
        "doInstallCheck"
        "catchConflicts"
        "pyproject"
        "format"
        "disabledTestPaths"
        "disabledTests"
        "pytestFlagsArray"
        "unittestFlagsArray"
        "outputs"
        "stdenv"
      ]
      ++ optionals hasPep621Args [
        "dependencies"
        "optional-dependencies"
        "build-system"
      ]
    );
in
{
  name ? "${attrs.pname}-${attrs.version}",
  nativeBuildInputs ? [ ],
  buildInputs ? [ ],
  checkInputs ? [ ],
  nativeCheckInputs ? [ ],
  propagatedBuildInputs ? [ ],
  pythonPath ? [ ],
  disabled ? false,
  catchConflicts ? true,
  makeWrapperArgs ? [ ],
  dontWrapPythonPrograms ? false,
  permitUserSite ? false,
  removeBinBytecode ? true,
  pyproject ? null,
  format ? null,
  dependencies ? [ ],
  optional-dependencies ? { },
  build-system ? [ ],
  outputs ? [ "out" ],
  meta ? { },
  doCheck ? true,
  ...
}@attrs:

assert (pyproject != null) -> (format == null);

let
  name_ = name;
  fullName = namePrefix + name_;

  format' =
    if pyproject != null then
      (if pyproject then "pyproject" else "other")
    else if format != null then
      format
    else if neitherFormatThrows then
      throw "${fullName} does not configure a `format`. To build with setuptools as before, set `pyproject = true` and `build-system = [ setuptools ]`."
    else
      "setuptools";

  dependencies' = if hasPep621Args then dependencies else [ ];
  build-system' = if hasPep621Args then build-system else [ ];

  withDistOutput = withDistOutput' format';
  pname' = attrs.pname or null;
  isBootstrapInstallPackage = isBootstrapInstallPackage' pname';
  isBootstrapPackage = isBootstrapInstallPackage || isBootstrapPackage' pname';
  isSetuptoolsDependency = isSetuptoolsDependency' pname';

  unsupported =
    optional ((attrs.pythonRelaxDeps or [ ]) != [ ] && (attrs.pythonRelaxDeps or false) != false) "pythonRelaxDeps"
    ++ optional ((attrs.pythonRemoveDeps or [ ]) != [ ] && (attrs.pythonRemoveDeps or false) != false) "pythonRemoveDeps"
    ++ optional ((attrs.pythonNamespaces or [ ]) != [ ]) "pythonNamespaces"
    ++ optional (format' == "egg") "format = \"egg\"";

  isPythonModule = drv: drv ? pythonModule && drv ? pythonPath;
  isMismatchedPython = drv: drv.pythonModule != python;
  validatePythonMatches =
    attrName:
    map (
      drv:
      if isPythonModule drv && isMismatchedPython drv then
        throw ''
          Python version mismatch in '${fullName}':

          The Python derivation '${fullName}' depends on a Python derivation
          named '${drv.name}', but the two derivations use different versions
          of Python:

              '${fullName}' uses ${python}
              '${drv.name}' uses ${toString drv.pythonModule}

          Possible solutions:

            * If '${drv.name}' is a Python library, change the reference to '${drv.name}'
              in the ${attrName} of '${fullName}' to use a '${drv.name}' built from the same
              version of Python

            * If '${drv.name}' is used as a tool during the build, move the reference to
              '${drv.name}' in '${fullName}' from ${attrName} to nativeBuildInputs
        ''
      else
        drv
    );

  installHook =
    if isBootstrapInstallPackage then
      pypaInstallHook.override { inherit (python.pythonOnBuildForHost.pkgs.bootstrap) installer; }
    else
      pypaInstallHook;

  self = toPythonModule (
    stdenv.mkDerivation (
      (cleanAttrs attrs)
      // {
        name = fullName;

        nativeBuildInputs =
          [
            python
            wrapPython
            pythonRemoveTestsDirHook
          ]
          ++ optionals (catchConflicts && !isBootstrapPackage && !isSetuptoolsDependency) [
            pythonCatchConflictsHook
          ]
          ++ optionals removeBinBytecode [ pythonRemoveBinBytecodeHook ]
          ++ optionals (format' == "setuptools") [ setuptoolsBuildHook ]
          ++ optionals (format' == "pyproject") (
            # The bootstrap packages are what these hooks need, so they must not need the set's
            # own (as in nixpkgs; the double has no bootstrap `build`, see hooks.nix).
            [
              (if isBootstrapPackage then pypaBuildHook.override { wheel = null; } else pypaBuildHook)
            ]
            ++ optionals hasRuntimeDepsCheck [
              (
                if isBootstrapPackage then
                  pythonRuntimeDepsCheckHook.override {
                    inherit (python.pythonOnBuildForHost.pkgs.bootstrap) packaging;
                  }
                else
                  pythonRuntimeDepsCheckHook
              )
            ]
          )
          ++ optionals (format' == "wheel") [ wheelUnpackHook ]
          ++ optionals (format' != "other") [ installHook ]
          ++ optionals (stdenv.buildPlatform == stdenv.hostPlatform) [ pythonImportsCheckHook ]
          ++ optionals withDistOutput [ pythonOutputDistHook ]
          ++ nativeBuildInputs
          ++ build-system';

        buildInputs = validatePythonMatches "buildInputs" (buildInputs ++ pythonPath);

        propagatedBuildInputs = validatePythonMatches "propagatedBuildInputs" (
          propagatedBuildInputs ++ dependencies' ++ [ python ]
        );

        strictDeps = true;
        LANG = "${if python.stdenv.hostPlatform.isDarwin then "en_US" else "C"}.UTF-8";

        # Python packages don't have a checkPhase, only an installCheckPhase.
        doCheck = false;
        doInstallCheck = attrs.doCheck or true;
        nativeInstallCheckInputs = nativeCheckInputs;
        installCheckInputs = checkInputs;

        dontWrapPythonPrograms = dontWrapPythonPrograms;

        outputs = outputs ++ optional withDistOutput "dist";

        passthru =
          optionalAttrs passthruDisabled { inherit disabled; }
          // optionalAttrs (passthruDepsAlways || dependencies' != [ ]) { dependencies = dependencies'; }
          // optionalAttrs (passthruDepsAlways || optional-dependencies != { }) {
            inherit optional-dependencies;
          }
          // optionalAttrs (passthruDepsAlways || build-system' != [ ]) { build-system = build-system'; }
          // attrs.passthru or { };

        meta = {
          platforms = python.meta.platforms;
          isBuildPythonPackage = python.meta.platforms;
        }
        // meta;
      }
      // optionalAttrs (attrs ? checkPhase) { installCheckPhase = attrs.checkPhase; }
    )
  );
in
if unsupported != [ ] then
  throw "nixpkgs-double: buildPythonPackage ${fullName}: ${lib.concatStringsSep ", " unsupported} not implemented by the double"
else
  lib.extendDerivation (
    disabled -> throw "${name_} not supported for interpreter ${python.executable}"
  ) { } self
