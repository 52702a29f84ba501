from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from indexfactory import make_index, release
from mach_nix.cli import main
from pypiserver import serve

RESOLVER = Path(__file__).resolve().parent.parent / "resolver"

PROJECTS: dict[str, Any] = {
    "requests": {"2.31.0": release(["urllib3<3", 'pysocks; extra == "socks"'])},
    "urllib3": {"1.26.0": release([]), "2.0.0": release([])},
    "pysocks": {"1.7.1": release([])},
}

TARGET = {
    "system": "x86_64-linux",
    "python": {"implementation": "cpython", "version": "3.11.2"},
    "libc": {"name": "glibc", "version": "2.36"},
}


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return make_index(tmp_path / "index", PROJECTS)


def write_request(path: Path, requirements: str, **extra: Any) -> Path:
    doc = {"schemaVersion": 1, "requirements": requirements, "target": TARGET,
           "providers": {"_default": "wheel,sdist"}, "pre": False, **extra}
    path.write_text(json.dumps(doc))
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


TARGET_ARGS = ["--python", "3.11.2", "--platform", "x86_64-linux", "--glibc", "2.36"]


def test_resolve_json(tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("requests[socks]\nurllib3<2\n")
    code, out, err = run(["resolve", "-r", str(req), "--index", str(index), *TARGET_ARGS], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["roots"] == ["requests", "urllib3"]
    assert d["packages"]["urllib3"]["version"] == "1.26.0"
    assert d["packages"]["requests"]["dependencies"] == ["pysocks", "urllib3"]
    assert d["target"] == TARGET


def test_resolve_pins_to_file(tmp_path: Path, index: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("requests[socks]\n")
    out_file = tmp_path / "out" / "pins.txt"
    code, out, err = run(["resolve", "-r", str(req), "--index", str(index), "--format", "pins",
                          "-o", str(out_file), *TARGET_ARGS], capsys)
    assert code == 0, err
    assert out == ""
    assert out_file.read_text() == "pysocks==1.7.1\nrequests==2.31.0\nurllib3==2.0.0\n"


def test_output_that_cannot_be_written_is_a_message(tmp_path: Path, index: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("requests\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    for out_path in (tmp_path, blocker / "pins.txt"):  # a directory; under a file
        code, out, err = run(["resolve", "-r", str(req), "--index", str(index), "--format",
                              "pins", "-o", str(out_path), *TARGET_ARGS], capsys)
        assert code == 1 and out == ""
        assert err.startswith(f"mach-nix: error: cannot write {out_path}: ")
        assert "Give -o a file" in err and "Traceback" not in err
    assert tmp_path.is_dir() and blocker.read_text() == ""


def test_resolve_providers_and_pre_options(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    idx = make_index(tmp_path / "i", {"a": {"1.0": release([]), "2.0rc1": release([])}})
    req = tmp_path / "r.txt"
    req.write_text("a\n")
    base = ["resolve", "-r", str(req), "--index", str(idx), "--format", "pins", *TARGET_ARGS]
    assert run(base, capsys)[1] == "a==1.0\n"
    assert run([*base, "--pre"], capsys)[1] == "a==2.0rc1\n"
    code, _, err = run([*base, "--provider", "a=sdist"], capsys)
    assert code == 1
    assert "mach-nix: error:" in err and "no sdist" in err
    code, _, err = run([*base, "--providers", "conda"], capsys)
    assert code == 1 and "conda" in err


def test_user_errors_are_one_line_without_traceback(
    tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("requests==2.31.0\nurllib3<1\n")
    code, out, err = run(["resolve", "-r", str(req), "--index", str(index), *TARGET_ARGS],
                         capsys)
    assert code == 1
    assert out == ""
    assert err.startswith("mach-nix: error: Cannot resolve")
    assert "Traceback" not in err
    assert err.count("\n") == 1
    code, _, err = run(["resolve", "-r", str(req), "--index", str(tmp_path / "nope"),
                        *TARGET_ARGS], capsys)
    assert code == 1 and "is not a mach-nix index" in err
    code, _, err = run(["resolve", "-r", str(tmp_path / "missing.txt"), "--index", str(index),
                        *TARGET_ARGS], capsys)
    assert code == 1 and "cannot read requirements file" in err
    code, _, err = run(["resolve", "-r", str(req), "--index", str(index), "--python", "2.7.1"],
                       capsys)
    assert code == 1 and "only Python 3" in err


def test_resolve_request(tmp_path: Path, index: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    request = write_request(tmp_path / "request.json", "requests[socks]\n")
    out = tmp_path / "resolution.json"
    code, stdout, err = run(["resolve-request", str(request), "--index", str(index),
                             "--out", str(out)], capsys)
    assert code == 0, err
    assert stdout == ""
    d = json.loads(out.read_text())
    assert d["schemaVersion"] == 1
    assert sorted(d["packages"]) == ["pysocks", "requests", "urllib3"]
    first = out.read_bytes()
    run(["resolve-request", str(request), "--index", str(index), "--out", str(out)], capsys)
    assert out.read_bytes() == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.parametrize(
    ("requirements", "extra", "kind"),
    [
        ("requests==2.31.0\nurllib3<1\n", {}, "resolution-impossible"),
        ("reqests\n", {}, "unknown-package"),
        ("requests >>= 1\n", {}, "requirements"),
        ("-r other.txt\n", {}, "requirements"),
        ("requests\n", {"schemaVersion": 2}, "format"),
        ("requests\n", {"providers": {"_default": "conda"}}, "format"),
    ],
)
def test_resolve_request_user_errors_write_an_error_document(
    tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str],
    requirements: str, extra: dict[str, Any], kind: str,
) -> None:
    request = write_request(tmp_path / "request.json", requirements, **extra)
    out = tmp_path / "resolution.json"
    code, _, err = run(["resolve-request", str(request), "--index", str(index),
                        "--out", str(out)], capsys)
    assert code == 0
    d = json.loads(out.read_text())
    assert d["schemaVersion"] == 1
    assert d["error"]["kind"] == kind
    assert d["error"]["message"]
    assert err == f"mach-nix: no resolution ({kind}); the evaluation error explains why\n"


def test_resolve_request_bad_index_is_an_error_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = write_request(tmp_path / "request.json", "six\n")
    out = tmp_path / "resolution.json"
    assert main(["resolve-request", str(request), "--index", str(tmp_path / "none"),
                 "--out", str(out)]) == 0
    assert json.loads(out.read_text())["error"]["kind"] == "index"


@pytest.mark.parametrize("argv", [["--help"], ["resolve", "--help"],
                                  ["resolve-request", "--help"], ["--version"]])
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "mach-nix" in out


def test_index_help(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mach_nix.crawler")
    with pytest.raises(SystemExit) as e:
        main(["index", "--help"])
    assert e.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["resolve"])
    assert e.value.code == 2


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(RESOLVER), *sys.path])}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, check=False)


def test_python_dash_m(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(RESOLVER), *sys.path])}
    p = subprocess.run([sys.executable, "-m", "mach_nix", "--help"], env=env,
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0
    assert "resolve-request" in p.stdout


def test_resolve_request_imports_little(tmp_path: Path, index: Path) -> None:
    request = write_request(tmp_path / "request.json", "requests\n")
    out = tmp_path / "out.json"
    code = (
        "import sys\n"
        "from mach_nix.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "heavy = [m for m in ('mach_nix.crawler', 'mach_nix.http', 'urllib.request',"
        " 'concurrent.futures', 'email.parser', 'tarfile', 'zipfile', 'mach_nix.buildmeta',"
        " 'pyproject_hooks') if m in sys.modules]\n"
        "print(rc, heavy)\n"
    )
    p = _python(code, "resolve-request", str(request), "--index", str(index), "--out", str(out))
    assert p.stdout.strip() == "0 []", p.stderr


FIXTURE = Path(__file__).resolve().parent / "data" / "index"
CASES = sorted(p.parent for p in (Path(__file__).resolve().parent / "cases").glob(
    "*/request.json"))


@pytest.mark.skipif(not (FIXTURE / "index.json").is_file(), reason="no fixture index")
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_resolve_request_writes_the_golden_document(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "resolution.json"
    assert main(["resolve-request", str(case / "request.json"), "--index", str(FIXTURE),
                 "--out", str(out)]) == 0
    assert out.read_bytes() == (case / "resolution.json").read_bytes()


def test_resolve_request_of_a_missing_file_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["resolve-request", str(tmp_path / "nope.json"), "--index", str(tmp_path),
                        "--out", str(tmp_path / "out.json")], capsys)
    assert code == 1
    assert err.startswith(f"mach-nix: error: cannot read the request {tmp_path / 'nope.json'}")
    assert "Traceback" not in err and not (tmp_path / "out.json").exists()


def test_direct_url_with_credentials_sends_them_as_a_header_and_records_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    token = "d1rect-t0ken-93"
    with serve() as private:
        private.auth = ("ci", token)
        private.add_wheel("privpkg", "1.0")
        private.publish()
        url = f"{private.url}/files/privpkg/privpkg-1.0-py3-none-any.whl"
        with_creds = url.replace("://", f"://ci:{token}@", 1)
        req = tmp_path / "requirements.txt"
        req.write_text(f"privpkg @ {with_creds}\n")
        code, out, err = run(["resolve", "-r", str(req), *TARGET_ARGS], capsys)
        assert code == 0, err
        assert private.authorized[urlsplit(url).path] >= 1  # sent, as a header
    package = json.loads(out)["packages"]["privpkg"]
    # the user name stays (as for ssh://git@...), the password never
    assert package["source"] == {"kind": "url", "url": url.replace("://", "://ci@", 1)}
    assert token not in out + err
    assert not [f for f in (tmp_path / "cache").rglob("*")
                if f.is_file() and token.encode() in f.read_bytes()]
