/** `python.withPackages f` = `python.buildEnv.override { extraLibs = f python.pkgs; }`. */
{ buildEnv, pythonPackages }:
f: buildEnv.override { extraLibs = f pythonPackages; }
