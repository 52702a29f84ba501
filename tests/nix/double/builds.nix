# Derivations test_double.py builds (`nix-build builds.nix -A <name>`); some must fail, see there.
{
  double ? ../../nixpkgs-double,
  release ? "24.11",
}:
let
  pkgs = import double { inherit release; };
  inherit (pkgs) lib fetchurl stdenv python3;
  ps = python3.pkgs;

  resolvelibSdist = fetchurl {
    url = "https://files.pythonhosted.org/packages/ce/10/f699366ce577423cbc3df3280063099054c23df70856465080798c6ebad6/resolvelib-1.0.1.tar.gz";
    sha256 = "04ce76cbd63fded2078ce224785da6ecd42b9564b1390793f64ddecbe997b309";
  };

  six117src = fetchurl {
    url = "https://files.pythonhosted.org/packages/b7/ce/149a00dd41f10bc29e5921b496af8b574d8413afcd5e30dfa0ed46c2cc5e/six-1.17.0-py2.py3-none-any.whl";
    sha256 = "4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274";
  };
  six117 = ps.six.overridePythonAttrs {
    version = "1.17.0";
    src = six117src;
  };

  # MarkupSafe 3.0.2 manylinux wheels for the interpreters the double meets (Debian 12 and 13).
  markupsafeWheels = {
    "3.11" = {
      url = "https://files.pythonhosted.org/packages/f1/a4/aefb044a2cd8d7334c8a47d3fb2c9f328ac48cb349468cc31c20b539305f/MarkupSafe-3.0.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
      sha256 = "a123e330ef0853c6e822384873bef7507557d8e4a082961e1defa947aa59ba84";
    };
    "3.13" = {
      url = "https://files.pythonhosted.org/packages/0c/91/96cf928db8236f1bfab6ce15ad070dfdd02ed88261c2afafd4b43575e9e9/MarkupSafe-3.0.2-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
      sha256 = "15ab75ef81add55874e7ab7055e9c397312385bd9ced94920f2802310c930396";
    };
  };
  markupsafe =
    args:
    ps.buildPythonPackage (
      {
        pname = "markupsafe";
        version = "3.0.2";
        format = "wheel";
        src = fetchurl (
          markupsafeWheels.${python3.pythonVersion}
            or (throw "builds.nix: no MarkupSafe wheel listed for python ${python3.pythonVersion}")
        );
        nativeBuildInputs = [ pkgs.autoPatchelfHook ];
        doCheck = false;
        pythonImportsCheck = [
          "markupsafe"
          "markupsafe._speedups"
        ];
      }
      // args
    );
  # Make the extension module want one more library, before autoPatchelf runs (postFixup).
  wantLibrary = soname: ''
    for so in $out/${python3.sitePackages}/markupsafe/_speedups*.so; do
      chmod u+w "$so"
      patchelf --add-needed ${soname} "$so"
    done
  '';
in
{
  # A venv-like environment of the two packages the resolver needs.
  env = python3.withPackages (ps: [
    ps.resolvelib
    ps.packaging
    ps.build
  ]);

  # packageOverrides replacing nixpkgs' six; `self` so the set's python sees it too.
  envWithOverriddenSix =
    let
      py = python3.override {
        self = py;
        packageOverrides = final: prev: {
          six = prev.six.overridePythonAttrs {
            version = "1.17.0";
            src = six117src;
          };
        };
      };
    in
    py.withPackages (ps: [
      ps.six
      ps.build
    ]);

  # buildEnv's own arguments: wrapper flags and postBuild.
  envWrapped = python3.buildEnv.override {
    extraLibs = [ ps.build ];
    makeWrapperArgs = [
      "--set"
      "DOUBLE_FLAG"
      "set by makeWrapperArgs"
    ];
    postBuild = ''
      echo built > $out/marker
    '';
  };

  # overridePythonAttrs alone, in an env built with buildEnv.override.
  envWithOverridePythonAttrs = python3.buildEnv.override { extraLibs = [ six117 ]; };

  # Two sixes (two store paths) in one runtime closure: the conflict check must fail.
  conflict = ps.idna.overridePythonAttrs {
    dependencies = [
      ps.six
      six117
    ];
  };

  # The same two sixes in an env: a file collision unless ignoreCollisions.
  envCollision = python3.buildEnv.override {
    extraLibs = [
      ps.six
      six117
    ];
  };
  envCollisionIgnored = python3.buildEnv.override {
    extraLibs = [
      ps.six
      six117
    ];
    ignoreCollisions = true;
  };

  # A wheel whose store name is not a wheel file name.
  badWheelName = ps.six.overridePythonAttrs {
    src = fetchurl {
      url = "https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl";
      sha256 = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
      name = "six-1.16.0.whl";
    };
  };

  # pythonImportsCheck really imports.
  importsCheckFails = ps.six.overridePythonAttrs { pythonImportsCheck = [ "no_such_module_here" ]; };

  # A binary wheel, patched by autoPatchelfHook.
  binaryWheel = markupsafe { };
  binaryWheelMissingLib = markupsafe { postInstall = wantLibrary "libdouble-missing.so.1"; };
  binaryWheelIgnoredLib = markupsafe {
    postInstall = wantLibrary "libdouble-missing.so.1";
    autoPatchelfIgnoreMissingDeps = [ "libdouble-*" ];
    pythonImportsCheck = [ "markupsafe" ];
    appendRunpaths = [ "/run/double-extra" ];
  };
  binaryWheelNeedsCxx = markupsafe { postInstall = wantLibrary "libstdc++.so.6"; };
  binaryWheelWithCxx = markupsafe {
    postInstall = wantLibrary "libstdc++.so.6";
    buildInputs = [ stdenv.cc.cc.lib ];
  };
  binaryWheelManylinux = markupsafe {
    postInstall = wantLibrary "libstdc++.so.6";
    buildInputs = pkgs.pythonManylinuxPackages.manylinux2014;
  };

  # A PEP 517 build from an sdist, with its backend from build-system.
  pyprojectBuild = ps.buildPythonPackage {
    pname = "resolvelib";
    version = "1.0.1";
    pyproject = true;
    src = resolvelibSdist;
    build-system = [
      ps.setuptools
      ps.wheel
    ];
    doCheck = false;
    pythonImportsCheck = [ "resolvelib" ];
  };

  # The same with the backend in nativeBuildInputs, which every release honours (23.11 ignores
  # build-system).
  pyprojectBuildPortable = ps.buildPythonPackage {
    pname = "resolvelib";
    version = "1.0.1";
    pyproject = true;
    src = resolvelibSdist;
    nativeBuildInputs = [
      ps.setuptools
      ps.wheel
    ];
    doCheck = false;
    pythonImportsCheck = [ "resolvelib" ];
  };

  # The same without its backend: build's dependency check fails it.
  pyprojectBuildWithoutBackend = ps.buildPythonPackage {
    pname = "resolvelib";
    version = "1.0.1";
    pyproject = true;
    src = resolvelibSdist;
    doCheck = false;
  };

  # A wheel build imports the set's own `wheel` (wheelUnpackHook propagates it); here the set's
  # wheel is replaced through packageOverrides and leaves a marker file.
  wheelOnBuildPath =
    let
      py = python3.override {
        self = py;
        packageOverrides = final: prev: {
          wheel = prev.wheel.overridePythonAttrs { postInstall = "touch $out/marked"; };
        };
      };
    in
    py.pkgs.six.overridePythonAttrs {
      postInstall = ''
        ${python3.interpreter} -c 'import wheel; print(wheel.__file__)' > $out/wheel-file
      '';
      passthru.setsWheel = py.pkgs.wheel;
    };

  # A wheel shipping a top-level `tests` package: removed like nixpkgs' pythonRemoveTestsDir.
  inherit (ps) build six;
}
