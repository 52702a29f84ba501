/**
  `python.buildEnv` (nixpkgs `wrapper.nix`): a symlink tree of `requiredPythonModules extraLibs`
  (python included) with its programs wrapped, see `pylib/build_env.py` for the venv-like
  isolation and the deliberate differences. Called with `callPackage`, so
  `buildEnv.override { extraLibs; ignoreCollisions; postBuild; makeWrapperArgs; permitUserSite; }`
  works as in nixpkgs.
*/
{
  lib,
  stdenv,
  runCommand,
  python,
  requiredPythonModules,
  extraLibs ? [ ],
  extraOutputsToInstall ? [ ],
  postBuild ? "",
  ignoreCollisions ? false,
  permitUserSite ? false,
  makeWrapperArgs ? [ ],
}:
let
  pylib = import ../pylib.nix;
  env =
    let
      paths = requiredPythonModules extraLibs ++ [
        (runCommand "bin" { } ''
          mkdir -p $out/bin
        '')
      ];
    in
    stdenv.mkDerivation {
      name = "${python.name}-env";
      inherit paths ignoreCollisions permitUserSite postBuild;
      inherit (python) executable;
      pythonInterpreter = python.interpreter;
      makeWrapperArgsJSON = builtins.toJSON makeWrapperArgs;
      extraOutputsToInstall = [ "out" ] ++ extraOutputsToInstall;
      buildCommand = ''
        /usr/bin/python3 -I -S ${pylib}/build_env.py
        runHook postBuild
      '';
      preferLocalBuild = true;
      allowSubstitutes = false;
      inherit (python) meta;
      passthru = python.passthru // {
        interpreter = "${env}/bin/${python.executable}";
        inherit python;
        env = stdenv.mkDerivation {
          name = "interactive-${python.name}-environment";
          nativeBuildInputs = [ env ];
          buildCommand = ''
            echo >&2 ""
            echo >&2 "*** Python 'env' attributes are intended for interactive nix-shell sessions, not for building! ***"
            echo >&2 ""
            exit 1
          '';
        };
      };
    };
in
env
