# Cases for the double's python interpreter and package set: each `{ expr; expected; }` must be
# equal. Only evaluation (and instantiation for drvPath); nothing is built.
{
  double ? ../../nixpkgs-double,
}:
let
  pkgs = import double { };
  inherit (pkgs) lib python3;
  ps = python3.pkgs;
  pyAttr = python3.pythonAttr;

  tag = value: pkg: pkg.overridePythonAttrs (old: { passthru = (old.passthru or { }) // { inherit value; }; });
  tagOf = pkg: pkg.value or null;
  setTag = value: final: prev: { six = tag value prev.six; };
  chainTag = value: final: prev: { six = tag "${toString (tagOf prev.six)}+${value}" prev.six; };

  withOverlays = overlays: import double { inherit overlays; };
  names = map (d: d.name);
  fails = v: !(builtins.tryEval (builtins.seq v v)).success;
  failsDrv = d: !(builtins.tryEval d.drvPath).success;

  wheelSrc = pkgs.fetchurl {
    url = "https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl";
    sha256 = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
  };
  mkPkg =
    p: args:
    p.python3.pkgs.buildPythonPackage (
      {
        pname = "demo";
        version = "1.0";
        src = wheelSrc;
      }
      // args
    );
in
{
  interpreterAttributes = {
    expr = {
      inherit (python3) implementation isPy3k;
      sitePackagesShape = python3.sitePackages == "lib/python${python3.pythonVersion}/site-packages";
      executable = python3.executable == "python${python3.pythonVersion}";
      libPrefix = python3.libPrefix == python3.executable;
      interpreter = python3.interpreter == "${python3}/bin/${python3.executable}";
      version = lib.hasPrefix "${python3.pythonVersion}." python3.version;
      sourceVersion = "${python3.sourceVersion.major}.${python3.sourceVersion.minor}" == python3.pythonVersion;
      atLeast = [ (python3.pythonAtLeast "3.8") (python3.pythonOlder "3.8") ];
      name = python3.name == "python3-${python3.version}";
      platforms = builtins.elem builtins.currentSystem python3.meta.platforms;
      has = map (n: python3 ? ${n}) [
        "pkgs"
        "withPackages"
        "buildEnv"
        "override"
        "overrideAttrs"
        "stdenv"
        "passthru"
        "pythonOnBuildForHost"
        "sitePackages"
      ];
      versionedAttr = pkgs.${pyAttr}.outPath == python3.outPath;
      buildPython = python3.pythonOnBuildForHost.outPath == python3.outPath;
      stdenvIsPkgs = python3.stdenv.hostPlatform.system == builtins.currentSystem;
    };
    expected = {
      implementation = "cpython";
      isPy3k = true;
      sitePackagesShape = true;
      executable = true;
      libPrefix = true;
      interpreter = true;
      version = true;
      sourceVersion = true;
      atLeast = [ true false ];
      name = true;
      platforms = true;
      has = lib.genList (_: true) 9;
      versionedAttr = true;
      buildPython = true;
      stdenvIsPkgs = true;
    };
  };

  packageIdentity = {
    expr = {
      name = ps.six.name == "${python3.libPrefix}-six-1.16.0";
      inherit (ps.six) pname version outputs;
      pythonModule = ps.six.pythonModule.outPath == python3.outPath;
      resolvelib = ps.resolvelib.version;
      packaging = ps.packaging.version;
      has = map (n: ps ? ${n}) [
        "buildPythonPackage"
        "buildPythonApplication"
        "toPythonModule"
        "toPythonApplication"
        "hasPythonModule"
        "requiredPythonModules"
        "makePythonPath"
        "python"
        "pythonPackages"
        "pkgs"
        "lib"
        "callPackage"
        "disabled"
        "disabledIf"
        "overrideScope"
        "installer"
        "setuptools"
        "wheel"
        "pyproject-hooks"
        "build"
        "six"
        "idna"
        "pypaInstallHook"
        "wheelUnpackHook"
        "pythonCatchConflictsHook"
      ];
      hookProvides = ps.pypaInstallHook.provides.setupHook;
      distIsOutput = ps.six.dist.outputName;
      sameSet = ps.pythonPackages.six.outPath == ps.six.outPath;
      python3Packages = pkgs.python3Packages.six.outPath == ps.six.outPath;
      hasPythonModule = [ (ps.hasPythonModule ps.six) (ps.hasPythonModule pkgs.stdenv.cc.libc) ];
      extensionsDefault = pkgs.pythonPackagesExtensions;
    };
    expected = {
      name = true;
      pname = "six";
      version = "1.16.0";
      outputs = [ "out" "dist" ];
      pythonModule = true;
      resolvelib = "1.0.1";
      packaging = "24.1";
      has = lib.genList (_: true) 25;
      hookProvides = true;
      distIsOutput = "dist";
      sameSet = true;
      python3Packages = true;
      hasPythonModule = [ true false ];
      extensionsDefault = [ ];
    };
  };

  requiredPythonModules = {
    expr = names ps.build.requiredPythonModules;
    expected = [
      python3.name
      ps.packaging.name
      ps.pyproject-hooks.name
    ];
  };

  makePythonPath = {
    expr = ps.makePythonPath [ ps.six ];
    expected = "${python3}/${python3.sitePackages}:${ps.six}/${python3.sitePackages}";
  };

  # packageOverrides (last) wins over pythonPackagesExtensions, which see the nixpkgs package.
  layering = {
    expr =
      let
        p = withOverlays [
          (final: prev: { pythonPackagesExtensions = prev.pythonPackagesExtensions ++ [ (setTag "ext1") ]; })
          (final: prev: { pythonPackagesExtensions = prev.pythonPackagesExtensions ++ [ (chainTag "ext2") ]; })
        ];
        withPo = p.python3.override { packageOverrides = chainTag "po"; };
      in
      [
        (tagOf p.python3.pkgs.six)
        (tagOf p.python3Packages.six)
        (tagOf (p.python3.withPackages (ps: [ ])).pkgs.six)
        (tagOf withPo.pkgs.six)
      ];
    expected = [
      "ext1+ext2"
      "ext1+ext2"
      "ext1+ext2"
      "ext1+ext2+po"
    ];
  };

  overrideReplacesPackageOverrides = {
    expr =
      let
        once = python3.override { packageOverrides = setTag "f"; };
        twice = once.override { packageOverrides = chainTag "g"; };
        composed = once.override (old: {
          packageOverrides = lib.composeExtensions old.packageOverrides (chainTag "g");
        });
      in
      [
        (tagOf once.pkgs.six)
        (tagOf twice.pkgs.six)
        (tagOf composed.pkgs.six)
      ];
    expected = [
      "f"
      "+g"
      "f+g"
    ];
  };

  selfMatters = {
    expr =
      let
        noSelf = python3.override { packageOverrides = setTag "f"; };
        withSelf =
          let
            py = python3.override {
              self = py;
              packageOverrides = setTag "f";
            };
          in
          py;
      in
      [
        (tagOf noSelf.pkgs.six)
        (tagOf noSelf.pkgs.python.pkgs.six)
        (tagOf withSelf.pkgs.six)
        (tagOf withSelf.pkgs.python.pkgs.six)
        # The env's passthru is the un-overridden python's, but its packages come from the
        # overridden set.
        (tagOf (noSelf.withPackages (ps: [ ])).pkgs.six)
        (map tagOf (noSelf.withPackages (ps: [ ps.six ])).paths)
      ];
    expected = [
      "f"
      null
      "f"
      "f"
      null
      [
        null
        "f"
        null
      ]
    ];
  };

  python3AndPython3PackagesAreDistinct = {
    expr =
      let
        onlyPython3 = withOverlays [
          (final: prev: {
            python3 =
              let
                py = prev.python3.override {
                  self = py;
                  packageOverrides = setTag "f";
                };
              in
              py;
          })
        ];
        onlyPackages = withOverlays [
          (final: prev: { python3Packages = prev.python3Packages.overrideScope (setTag "s"); })
        ];
        versioned = withOverlays [
          (final: prev: {
            ${pyAttr} = prev.${pyAttr}.override {
              self = final.${pyAttr};
              packageOverrides = setTag "v";
            };
          })
        ];
      in
      [
        (tagOf onlyPython3.python3.pkgs.six)
        (tagOf onlyPython3.python3Packages.six)
        (tagOf onlyPackages.python3Packages.six)
        (tagOf onlyPackages.python3.pkgs.six)
        (tagOf versioned.python3.pkgs.six)
        (tagOf versioned.python3Packages.six)
      ];
    expected = [
      "f"
      null
      "s"
      null
      "v"
      "v"
    ];
  };

  overrideScope = {
    expr =
      let
        scope = ps.overrideScope (final: prev: { six = tag "scoped" prev.six; });
      in
      [
        (tagOf scope.six)
        (tagOf ps.six)
        (tagOf scope.pythonPackages.six)
      ];
    expected = [
      "scoped"
      null
      "scoped"
    ];
  };

  overridePythonAttrsIsShallow = {
    expr =
      let
        demo = mkPkg pkgs {
          dependencies = [ ps.six ];
          format = "wheel";
        };
        seen = demo.overridePythonAttrs (old: {
          passthru = {
            oldNames = builtins.attrNames old;
            oldDeps = map (d: d.pname) old.dependencies;
          };
        });
        noDeps = demo.overridePythonAttrs { dependencies = [ ]; };
        newVersion = ps.six.overridePythonAttrs { version = "1.17.0"; };
      in
      {
        oldHasPython = builtins.elem "python" seen.oldDeps;
        oldHasPropagated = builtins.elem "propagatedBuildInputs" seen.passthru.oldNames;
        inherit (seen) oldDeps;
        passthruKeepsDependencies = seen.passthru ? dependencies;
        noDeps = names noDeps.requiredPythonModules;
        demoRequired = names demo.requiredPythonModules;
        newVersion = newVersion.name;
        keepsOverride = (newVersion.overridePythonAttrs { }).version;
      };
    expected = {
      oldHasPython = false;
      oldHasPropagated = false;
      oldDeps = [ "six" ];
      passthruKeepsDependencies = true;
      noDeps = [ python3.name ];
      demoRequired = [
        python3.name
        ps.six.name
      ];
      newVersion = "${python3.libPrefix}-six-1.17.0";
      keepsOverride = "1.17.0";
    };
  };

  overrideCallPackageArgs = {
    expr = names (ps.build.override { packaging = ps.six; }).requiredPythonModules;
    expected = [
      python3.name
      ps.six.name
      ps.pyproject-hooks.name
    ];
  };

  overrideAttrsKeepsPythonness = {
    expr =
      let
        o = ps.six.overrideAttrs (old: { doInstallCheck = false; });
      in
      [
        (o ? overridePythonAttrs)
        (o.pythonModule.outPath == python3.outPath)
        o.doInstallCheck
        ps.six.doCheck
      ];
    expected = [
      true
      true
      false
      false
    ];
  };

  formatRules = {
    expr =
      let
        hookNames = d: map (h: h.name) (builtins.filter (h: h ? name) d.nativeBuildInputs);
        neither = mkPkg pkgs { };
        neither2511 = mkPkg (import double { release = "25.11"; }) { };
        wheel = mkPkg pkgs { format = "wheel"; };
        pyproject = mkPkg pkgs { pyproject = true; };
        other = mkPkg pkgs { pyproject = false; };
        both = mkPkg pkgs {
          pyproject = true;
          format = "wheel";
        };
      in
      {
        neither = builtins.elem "setuptools-build-hook" (hookNames neither);
        neitherOutputs = neither.outputs;
        neither2511Throws = fails neither2511.outputs;
        wheel = builtins.elem "wheel-unpack-hook" (hookNames wheel);
        pyproject = builtins.elem "pypa-build-hook" (hookNames pyproject);
        runtimeCheck = builtins.elem "python-runtime-deps-check-hook" (hookNames pyproject);
        otherOutputs = other.outputs;
        otherInstalls = builtins.elem "pypa-install-hook" (hookNames other);
        bothThrows = fails both.outputs;
      };
    expected = {
      neither = true;
      neitherOutputs = [ "out" "dist" ];
      neither2511Throws = true;
      wheel = true;
      pyproject = true;
      runtimeCheck = true;
      otherOutputs = [ "out" ];
      otherInstalls = false;
      bothThrows = true;
    };
  };

  dependencyArguments = {
    expr =
      let
        demo = mkPkg pkgs {
          format = "wheel";
          dependencies = [ ps.six ];
          propagatedBuildInputs = [ ps.idna ];
          build-system = [ ps.setuptools ];
          doCheck = true;
        };
        old = mkPkg (import double { release = "23.11"; }) {
          format = "wheel";
          dependencies = [ ps.six ];
        };
      in
      {
        propagated = names demo.propagatedBuildInputs;
        buildSystemNative = builtins.elem ps.setuptools.name (names demo.nativeBuildInputs);
        doCheck = demo.doCheck;
        doInstallCheck = demo.doInstallCheck;
        passthruDeps = map (d: d.pname) demo.dependencies;
        sixHasNoDepsAttr = ps.six ? dependencies;
        old = names old.propagatedBuildInputs;
      };
    expected = {
      propagated = [
        ps.idna.name
        ps.six.name
        python3.name
      ];
      buildSystemNative = true;
      doCheck = false;
      doInstallCheck = true;
      passthruDeps = [ "six" ];
      sixHasNoDepsAttr = false;
      old = [ python3.name ];
    };
  };

  disabled = {
    expr =
      let
        d = mkPkg pkgs {
          format = "wheel";
          disabled = true;
        };
      in
      [
        d.pname
        d.version
        (failsDrv d)
        (ps.six ? disabled)
        ((mkPkg (import double { release = "25.05"; }) { format = "wheel"; }).disabled)
      ];
    expected = [
      "demo"
      "1.0"
      true
      false
      false
    ];
  };

  versionMismatch = {
    expr =
      let
        other =
          let
            py = python3.override {
              self = py;
              sourceVersion = python3.sourceVersion // {
                patch = "99";
              };
            };
          in
          py;
      in
      [
        (fails (mkPkg pkgs {
          format = "wheel";
          dependencies = [ other.pkgs.six ];
        }).propagatedBuildInputs)
        (other.outPath != python3.outPath)
      ];
    expected = [
      true
      true
    ];
  };

  applications = {
    expr =
      let
        app = ps.buildPythonApplication {
          pname = "demo-app";
          version = "1.0";
          format = "wheel";
          src = wheelSrc;
        };
        asApp = ps.toPythonApplication ps.six;
      in
      [
        app.name
        (app ? pythonModule)
        asApp.name
        asApp.pythonModule
        (names (ps.requiredPythonModules [ app asApp ps.idna ]))
      ];
    expected = [
      "demo-app-1.0"
      false
      "six-1.16.0"
      false
      [
        python3.name
        ps.idna.name
      ]
    ];
  };

  withPackagesPassthru = {
    expr =
      let
        env = python3.withPackages (ps: [ ps.build ]);
        env2 = python3.buildEnv.override {
          extraLibs = [ ps.six ];
          ignoreCollisions = true;
        };
      in
      {
        interpreter = env.interpreter == "${env}/bin/${python3.executable}";
        python = env.python.outPath == python3.outPath;
        inherit (env) sitePackages executable;
        pkgs = env.pkgs.six.outPath == ps.six.outPath;
        hasEnv = env ? env;
        paths = builtins.length env.paths;
        env2 = env2.ignoreCollisions;
        name = env.name;
      };
    expected = {
      interpreter = true;
      python = true;
      inherit (python3) sitePackages executable;
      pkgs = true;
      hasEnv = true;
      paths = 5;
      env2 = true;
      name = "${python3.name}-env";
    };
  };

  releaseDifferences = {
    expr =
      let
        r2405 = import double { release = "24.05"; };
        r2505 = import double { release = "25.05"; };
        r2605 = import double { release = "26.05"; };
        stray = r2605.python3.pkgs.overrideScope (final: prev: { notAModule = r2605.writeText "x" "x"; });
      in
      {
        overrideScopePrime2405 = r2405.python3.pkgs ? "overrideScope'";
        overrideScopePrime2505 = r2505.python3.pkgs ? "overrideScope'";
        pythonForBuild2405 = r2405.python3 ? pythonForBuild;
        pythonForBuild2505 = r2505.python3 ? pythonForBuild;
        ensurePythonModules2605 = failsDrv r2605.python3.pkgs.pypaInstallHook == false && failsDrv stray.notAModule;
        ensurePythonModulesModules = !(failsDrv r2605.python3.pkgs.six);
      };
    expected = {
      overrideScopePrime2405 = true;
      overrideScopePrime2505 = false;
      pythonForBuild2405 = true;
      pythonForBuild2505 = false;
      ensurePythonModules2605 = false;
      ensurePythonModulesModules = true;
    };
  };
  # nixpkgs' hooks/default.nix: hooks are made with the set's own callPackage, so they carry the
  # final set's wheel/setuptools/packaging (packageOverrides included); build and installer
  # come from the build python; the bootstrap packages' PEP 517 build uses neither the set's
  # wheel nor its packaging.
  hooksUseTheSetsOwnPackages = {
    expr =
      let
        marked = pkg: pkg.overridePythonAttrs { postInstall = "touch $out/marked"; };
        py =
          let
            p = python3.override {
              self = p;
              packageOverrides = final: prev: {
                wheel = marked prev.wheel;
                setuptools = marked prev.setuptools;
                packaging = marked prev.packaging;
                installer = marked prev.installer;
                build = marked prev.build;
              };
            };
          in
          p;
        ops = py.pkgs;
        # What a build sees of its nativeBuildInputs: them and their propagated closure.
        buildClosure =
          drv:
          map (e: e.key) (
            builtins.genericClosure {
              startSet = map (d: {
                key = d.outPath;
                inherit d;
              }) (builtins.filter lib.isDerivation drv.nativeBuildInputs);
              operator =
                e:
                map (d: {
                  key = d.outPath;
                  inherit d;
                }) (builtins.filter lib.isDerivation (e.d.propagatedBuildInputs or [ ]));
            }
          );
        sees = pkg: drv: builtins.elem pkg.outPath (buildClosure drv);
        wheelBuild = mkPkg { python3 = py; } { format = "wheel"; };
        pyprojectBuild = mkPkg { python3 = py; } { pyproject = true; };
        setuptoolsBuild = mkPkg { python3 = py; } { format = "setuptools"; };
        bootstrapBuild = mkPkg { python3 = py; } {
          pname = "packaging";
          pyproject = true;
        };
      in
      {
        wheelSeesSetsWheel = sees ops.wheel wheelBuild;
        wheelSeesOriginalWheel = sees ps.wheel wheelBuild;
        pyprojectSees = map (p: sees p pyprojectBuild) [
          ops.wheel
          ops.packaging
          ps.build
          ops.build
        ];
        setuptoolsSees = map (p: sees p setuptoolsBuild) [
          ops.setuptools
          ops.wheel
        ];
        bootstrapSees = map (p: sees p bootstrapBuild) [
          ops.wheel
          ops.packaging
          ps.bootstrap.packaging
        ];
        installerFromBuildPython = [
          (sees ps.installer wheelBuild)
          (sees ops.installer wheelBuild)
        ];
        # The double's own set has no cycle: its wheel is built without wheelUnpackHook's wheel.
        ownWheelNeedsNoWheel = !(sees ps.wheel ps.wheel) && sees ps.wheel ps.six;
        ownWheelShape = {
          inherit (ps.wheel) pname version outputs;
          name = ps.wheel.name == "${python3.libPrefix}-wheel-0.44.0";
          module = ps.hasPythonModule ps.wheel;
          overridable = ps.wheel ? overridePythonAttrs;
        };
      };
    expected = {
      wheelSeesSetsWheel = true;
      wheelSeesOriginalWheel = false;
      pyprojectSees = [
        true
        true
        true
        false
      ];
      setuptoolsSees = [
        true
        true
      ];
      bootstrapSees = [
        false
        false
        true
      ];
      installerFromBuildPython = [
        true
        false
      ];
      ownWheelNeedsNoWheel = true;
      ownWheelShape = {
        pname = "wheel";
        version = "0.44.0";
        outputs = [
          "out"
          "dist"
        ];
        name = true;
        module = true;
        overridable = true;
      };
    };
  };
}
