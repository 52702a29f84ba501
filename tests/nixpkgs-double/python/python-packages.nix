/**
  The packages layer of the python set (nixpkgs `top-level/python-packages.nix`), `self: super:`.
  Every package is a PyPI wheel built by the double's own buildPythonPackage (format = "wheel"),
  at the version nixpkgs 24.11 ships where that matters (resolvelib 1.0.1, packaging 24.1).

  Bootstrap (nixpkgs builds these from source with flit-core; the double installs wheels):
  `bootstrap.installer` and `bootstrap.packaging` are wheels unpacked without `installer`
  (`pylib/bootstrap_install.py`), for installing `installer` and for the runtime-deps check of the
  bootstrap packages. `wheel` is what `wheelUnpackHook` propagates, so it is built by a
  buildPythonPackage whose `wheelUnpackHook` propagates nothing and whose install uses
  `bootstrap.installer` (`installer` itself needs `wheel`); it is an ordinary python module
  otherwise (name, outputs, passthru, `overridePythonAttrs`).
*/
self: super:
let
  inherit (self) callPackage;
  pypi = path: "https://files.pythonhosted.org/packages/${path}";

  /** A pure-python wheel package; `deps` are its runtime python dependencies' attribute names. */
  wheelPackage =
    {
      pname,
      version,
      file,
      path,
      sha256,
      imports,
      deps ? [ ],
      builderOverrides ? null,
    }:
    # The dependencies are formal arguments, so `.override { <dep> = ...; }` works as usual.
    callPackage (self.lib.setFunctionArgs (
      args:
      let
        buildPythonPackage =
          if builderOverrides == null then
            args.buildPythonPackage
          else
            args.buildPythonPackage.override builderOverrides;
      in
      buildPythonPackage (
        {
          inherit pname version;
          format = "wheel";
          src = args.fetchurl {
            url = pypi "${path}/${file}";
            inherit sha256;
          };
          doCheck = false;
          pythonImportsCheck = imports;
          meta = {
            homepage = "https://pypi.org/project/${pname}/";
          };
        }
        # The spelling the release's own packages use: 23.11 had no `dependencies` argument.
        // (
          if self.lib.versionAtLeast self.lib.trivial.release "24.05" then
            { dependencies = map (d: args.${d}) deps; }
          else
            { propagatedBuildInputs = map (d: args.${d}) deps; }
        )
      )
    ) (self.lib.genAttrs ([ "buildPythonPackage" "fetchurl" ] ++ deps) (_: false))) { };

  /** A wheel unpacked into site-packages without `installer`, as a python module. */
  bootstrapPackage =
    {
      pname,
      version,
      path,
      file,
      sha256,
    }:
    callPackage (
      { stdenv, fetchurl, python }:
      self.toPythonModule (
        stdenv.mkDerivation {
          pname = "python${python.pythonVersion}-bootstrap-${pname}";
          inherit version;
          src = fetchurl {
            url = pypi "${path}/${file}";
            inherit sha256;
          };
          buildCommand = ''
            /usr/bin/python3 -I -S ${import ../pylib.nix}/bootstrap_install.py "$src" "$out" ${python.sitePackages}
          '';
        }
      )
    ) { };
  # The wheels nixpkgs' hooks need: built without hooks (bootstrap) and as packages of the set.
  hookWheels = {
    installer = {
      pname = "installer";
      version = "0.7.0";
      path = "e5/ca/1172b6638d52f2d6caa2dd262ec4c811ba59eee96d54a7701930726bce18";
      file = "installer-0.7.0-py3-none-any.whl";
      sha256 = "05d1933f0a5ba7d8d6296bb6d5018e7c94fa473ceb10cf198a92ccea19c27b53";
    };
    packaging = {
      pname = "packaging";
      version = "24.1";
      path = "08/aa/cc0199a5f0ad350994d660967a8efb233fe0416e4639146c089643407ce6";
      file = "packaging-24.1-py3-none-any.whl";
      sha256 = "5b8f2217dbdbd2f7f384c41c628544e6d52f2d0f53c6d0c3ea61aa5d1d7ff124";
    };
  };
in
{
  bootstrap = self.lib.recurseIntoAttrs {
    installer = bootstrapPackage hookWheels.installer;
    packaging = bootstrapPackage hookWheels.packaging;
  };

  installer = wheelPackage (hookWheels.installer // { imports = [ "installer" ]; });

  packaging = wheelPackage (hookWheels.packaging // { imports = [ "packaging" ]; });

  resolvelib = wheelPackage {
    pname = "resolvelib";
    version = "1.0.1";
    path = "d2/fc/e9ccf0521607bcd244aa0b3fbd574f71b65e9ce6a112c83af988bbbe2e23";
    file = "resolvelib-1.0.1-py2.py3-none-any.whl";
    sha256 = "d2da45d1a8dfee81bdd591647783e340ef3bcb104b54c383f70d422ef5cc7dbf";
    imports = [ "resolvelib" ];
  };

  setuptools = wheelPackage {
    pname = "setuptools";
    version = "75.1.0";
    path = "ff/ae/f19306b5a221f6a436d8f2238d5b80925004093fa3edea59835b514d9057";
    file = "setuptools-75.1.0-py3-none-any.whl";
    sha256 = "35ab7fd3bcd95e6b7fd704e4a1539513edad446c097797f2985e0e4b960772f2";
    imports = [
      "setuptools"
      "pkg_resources"
    ];
  };

  wheel = wheelPackage {
    pname = "wheel";
    version = "0.44.0";
    path = "1b/d1/9babe2ccaecff775992753d8686970b1e2755d21c8a63be73aba7a4e7d77";
    file = "wheel-0.44.0-py3-none-any.whl";
    sha256 = "2376a90c98cc337d18623527a97c31797bd02bad0033d41547043a1cbfbe448f";
    imports = [ "wheel" ];
    # Not built with what it is needed for (wheelUnpackHook) nor with `installer`, which needs
    # it: see the comment at the top.
    builderOverrides = {
      wheelUnpackHook = self.wheelUnpackHook.override { wheel = null; };
      pypaInstallHook = self.pypaInstallHook.override {
        inherit (self.python.pythonOnBuildForHost.pkgs.bootstrap) installer;
      };
    };
  };

  pyproject-hooks = wheelPackage {
    pname = "pyproject-hooks";
    version = "1.2.0";
    path = "bd/24/12818598c362d7f300f18e74db45963dbcb85150324092410c8b49405e42";
    file = "pyproject_hooks-1.2.0-py3-none-any.whl";
    sha256 = "9e5c6bfa8dcc30091c74b0cf803c81fdd29d94f01992a7707bc97babb1141913";
    imports = [ "pyproject_hooks" ];
  };

  build = wheelPackage {
    pname = "build";
    version = "1.2.2";
    path = "91/fd/e4bda6228637ecae5732162b5ac2a5a822e2ba8e546eb4997cde51b231a3";
    file = "build-1.2.2-py3-none-any.whl";
    sha256 = "277ccc71619d98afdd841a0e96ac9fe1593b823af481d3b0cea748e8894e0613";
    imports = [ "build" ];
    deps = [
      "packaging"
      "pyproject-hooks"
    ];
  };

  flit-core = wheelPackage {
    pname = "flit-core";
    version = "3.9.0";
    path = "38/45/618e84e49a6c51e5dd15565ec2fcd82ab273434f236b8f108f065ded517a";
    file = "flit_core-3.9.0-py3-none-any.whl";
    sha256 = "7aada352fb0c7f5538c4fafeddf314d3a6a92ee8e2b1de70482329e42de70301";
    imports = [ "flit_core" ];
  };

  six = wheelPackage {
    pname = "six";
    version = "1.16.0";
    path = "d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11";
    file = "six-1.16.0-py2.py3-none-any.whl";
    sha256 = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
    imports = [ "six" ];
  };

  idna = wheelPackage {
    pname = "idna";
    version = "3.10";
    path = "76/c6/c88e154df9c4e1a2a66ccf0005a88dfb2650c1dffb6f5ce603dfbd452ce3";
    file = "idna-3.10-py3-none-any.whl";
    sha256 = "946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3";
    imports = [ "idna" ];
  };
}
