from __future__ import annotations

from pathlib import Path

import pytest
from mach_nix.errors import RequirementsError
from mach_nix.requirements import (
    parse_requirement_set,
    parse_requirement_set_file,
    parse_requirements,
    parse_requirements_file,
)


def names(text: str) -> list[str]:
    return [str(r.requirement) for r in parse_requirements(text)]


def test_basic_lines_comments_and_blanks() -> None:
    text = (
        "# a comment\n"
        "\n"
        "requests[socks] >= 2.28   # inline comment\n"
        "   \n"
        'attrs; python_version >= "3.8"\n'
    )
    reqs = parse_requirements(text, source="requirements.txt")
    assert [r.name for r in reqs] == ["requests", "attrs"]
    assert reqs[0].requirement.extras == {"socks"}
    assert str(reqs[0].requirement.specifier) == ">=2.28"
    assert reqs[0].line == 3
    assert reqs[0].source == "requirements.txt"
    assert reqs[0].text == "requests[socks] >= 2.28"
    assert str(reqs[1].requirement.marker) == 'python_version >= "3.8"'
    assert reqs[1].line == 5


def test_names_are_normalized() -> None:
    reqs = parse_requirements("Foo_Bar.baz==1\nPyYAML\n")
    assert [r.name for r in reqs] == ["foo-bar-baz", "pyyaml"]
    assert reqs[0].requirement.name == "Foo_Bar.baz"  # the user's spelling is kept


def test_hash_inside_a_word_is_not_a_comment() -> None:
    # only "#" at line start or after whitespace starts a comment (pip's rule)
    with pytest.raises(RequirementsError) as e:
        parse_requirements("foo#bar\n")
    assert "line 1" in str(e.value)


def test_continuation_lines() -> None:
    reqs = parse_requirements("requests \\\n  >=2.0 \\\n  ; python_version > '3'\nsix\n")
    assert [r.name for r in reqs] == ["requests", "six"]
    assert str(reqs[0].requirement.specifier) == ">=2.0"
    assert reqs[0].line == 1
    assert reqs[1].line == 4


def test_comment_line_ends_a_continuation() -> None:
    reqs = parse_requirements("six \\\n# comment\nattrs\n")
    assert [r.name for r in reqs] == ["six", "attrs"]


def test_environment_markers_and_extras_are_kept() -> None:
    (r,) = parse_requirements("pkg[a,B] ; sys_platform == 'linux' and python_version < '4'")
    assert r.requirement.extras == {"a", "B"}
    assert r.requirement.marker is not None


def test_pre_option() -> None:
    rs = parse_requirement_set("--pre\nsix\n")
    assert rs.pre is True
    assert [r.name for r in rs.requirements] == ["six"]
    assert parse_requirement_set("six\n").pre is False


def test_includes_relative_to_the_including_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.txt").write_text("six\n-r more.txt\n")
    (tmp_path / "sub" / "more.txt").write_text("attrs\n")
    (tmp_path / "cons.txt").write_text("six<2\n")
    (tmp_path / "requirements.txt").write_text(
        "-r sub/base.txt\n--requirement=sub/more.txt\n-c cons.txt\nclick\n"
    )
    rs = parse_requirement_set_file(tmp_path / "requirements.txt")
    assert [r.name for r in rs.requirements] == ["six", "attrs", "attrs", "click"]
    assert rs.requirements[1].source.endswith("more.txt")
    assert [c.name for c in rs.constraints] == ["six"]
    assert [r.name for r in parse_requirements_file(tmp_path / "requirements.txt")] == [
        "six", "attrs", "attrs", "click",
    ]


def test_glued_short_include(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("six\n")
    reqs = parse_requirements("-ra.txt\n", base_dir=tmp_path)
    assert [r.name for r in reqs] == ["six"]


def test_include_in_a_string_without_base_dir_says_how_to_inline() -> None:
    with pytest.raises(RequirementsError) as e:
        parse_requirements("six\n-r other.txt\n", source="requirements")
    msg = str(e.value)
    assert "requirements, line 2" in msg
    assert "-r other.txt" in msg
    assert "builtins.readFile ./other.txt" in msg


def test_include_loop(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("-r b.txt\n")
    (tmp_path / "b.txt").write_text("-r a.txt\n")
    with pytest.raises(RequirementsError, match="loop"):
        parse_requirements_file(tmp_path / "a.txt")


def test_missing_include(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("six\n-r nope.txt\n")
    with pytest.raises(RequirementsError) as e:
        parse_requirements_file(tmp_path / "a.txt")
    assert "a.txt, line 2" in str(e.value)
    assert "nope.txt" in str(e.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RequirementsError, match="cannot read"):
        parse_requirements_file(tmp_path / "nope.txt")


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("--trusted-host example.org", "--trusted-host"),
        ("--index-url", "--index-url needs a URL"),
        ("--no-index=yes", "--no-index takes no value"),
        ("--editable git+https://example.org/x.git#egg=x", "editable git checkouts"),
        ("six==1.16.0 --hash=sha256:abcd", "not a sha256 hash"),
        ("six==1.16.0 --hash=md5:" + "a" * 32, "not a sha256 hash"),
        ("-e https://example.org/six-1.16.0.tar.gz", "-e takes a local directory"),
        ("hg+https://example.org/six#egg=six", "git only"),
        ("six @ https://example.org/six/", "does not name a wheel"),
        ("six @ https://example.org/six-1.0.tar.gz#sha256=abc", "64 hex digits"),
        ("./pkg --hash=sha256:" + "a" * 64 + " --config-settings=x", "--config-settings"),
        ("~/pkg", "~ is not expanded"),
        ("--no-binary", "needs a value"),
        ("--prefer-binary", "--only-binary"),
        ("six==1.16.0 --config-settings=x=y", "--config-settings"),
        ("--frobnicate", "unknown option --frobnicate"),
        ("six==${SIX_VERSION}", "environment variables"),
    ],
)
def test_unsupported_lines_are_refused_clearly(line: str, expect: str) -> None:
    with pytest.raises(RequirementsError) as e:
        parse_requirements(f"attrs\n{line}\n", source="req.txt")
    msg = str(e.value)
    assert msg.startswith("req.txt, line 2: ")
    assert line in msg
    assert expect in msg


@pytest.mark.parametrize("line", ["foo ==", "foo >= 1 <", "foo[", "foo; python_version >>", "==1"])
def test_malformed_lines(line: str) -> None:
    with pytest.raises(RequirementsError) as e:
        parse_requirements(f"\n{line}\n", source="r.txt")
    msg = str(e.value)
    assert msg.startswith("r.txt, line 2: ")
    assert line in msg
    assert "not a valid requirement" in msg


def test_constraints_cannot_have_extras(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("requests[socks]<3\n")
    with pytest.raises(RequirementsError, match="extras"):
        parse_requirements("-c c.txt\n", base_dir=tmp_path)


def test_error_is_one_paragraph() -> None:
    with pytest.raises(RequirementsError) as e:
        parse_requirements("foo >= 1 <\n")
    assert "\n" not in str(e.value)


def test_bom_is_ignored() -> None:
    assert [r.name for r in parse_requirements("\ufeffsix\n")] == ["six"]


def test_index_options_are_kept(tmp_path: Path) -> None:
    (tmp_path / "wheels").mkdir()
    (tmp_path / "base.txt").write_text("-i https://first.example/simple\n--no-index\n")
    req = tmp_path / "requirements.txt"
    req.write_text(
        "-r base.txt\n"
        "--index-url=https://main.example/simple\n"
        "--extra-index-url https://extra.example/simple\n"
        "-ihttps://last.example/simple  # the last one wins, as in pip\n"
        "--extra-index-url https://extra.example/simple\n"
        "-f wheels\n"
        "--find-links https://links.example/page.html\n"
        "six\n"
    )
    rs = parse_requirement_set_file(req)
    assert rs.index_url == "https://last.example/simple"
    assert rs.extra_index_urls == ("https://extra.example/simple",)
    # a relative directory is relative to the requirements file, as pip has it
    assert rs.find_links == (str(tmp_path / "wheels"), "https://links.example/page.html")
    assert rs.no_index
    assert [r.name for r in rs.requirements] == ["six"]


# --- direct references, hashes, binary options (issue 8) ------------------------------------

WHEEL_URL = "https://files.example.org/p/six-1.16.0-py2.py3-none-any.whl"
HEX = "a" * 64


@pytest.mark.parametrize(
    ("line", "name", "given", "link"),
    [
        (f"six @ {WHEEL_URL}", "six", True,
         {"kind": "url", "location": WHEEL_URL, "sha256": None, "written": WHEEL_URL}),
        (f"six @ {WHEEL_URL}#sha256={HEX.upper()}", "six", True,
         {"kind": "url", "location": WHEEL_URL, "sha256": HEX}),
        (WHEEL_URL, "six", False, {"kind": "url", "location": WHEEL_URL}),
        ("foo @ git+https://example.org/foo.git@v1.0#subdirectory=py", "foo", True,
         {"kind": "git", "location": "https://example.org/foo.git", "rev": "v1.0",
          "subdirectory": "py"}),
        ("foo @ git+https://user@example.org/foo.git", "foo", True,
         {"kind": "git", "location": "https://user@example.org/foo.git", "rev": None}),
        ("git+file:///srv/repo@" + "b" * 40 + "#egg=Bar_Baz", "bar-baz", True,
         {"kind": "git", "location": "file:///srv/repo", "rev": "b" * 40}),
        ("./pkg", "pkg", False, {"kind": "path", "location": "./pkg", "editable": False}),
        ("../other/pkg[cli] ; python_version > '3'", "pkg", False,
         {"kind": "path", "location": "../other/pkg"}),
        ("/abs/pkg", "pkg", False, {"kind": "path", "location": "/abs/pkg"}),
        ("file:///abs/my%20pkg", "my-pkg", False, {"kind": "path", "location": "/abs/my pkg"}),
        ("dist/idna-3.10-py3-none-any.whl", "idna", False,
         {"kind": "path", "location": "dist/idna-3.10-py3-none-any.whl"}),
        ("./six-1.16.0.tar.gz", "six", False, {"kind": "path", "location": "./six-1.16.0.tar.gz"}),
        ("-e ./pkg", "pkg", False, {"kind": "path", "location": "./pkg", "editable": True}),
        ("--editable=./pkg[dev]", "pkg", False, {"kind": "path", "location": "./pkg",
                                                  "editable": True}),
        ("-e./pkg", "pkg", False, {"kind": "path", "editable": True}),
    ],
)
def test_direct_references_are_parsed(line: str, name: str, given: bool,
                                      link: dict[str, object], tmp_path: Path) -> None:
    (r,) = parse_requirement_set(line + "\n", base_dir=tmp_path).requirements
    assert r.name == name and r.name_given is given
    assert r.link is not None and r.link.base_dir == tmp_path
    for key, value in link.items():
        assert getattr(r.link, key) == value, key
    assert r.requirement.url is None  # the link is kept apart from the PEP 508 requirement


def test_extras_and_markers_of_direct_references_are_kept() -> None:
    (r,) = parse_requirements("./pkg[a,b] ; sys_platform == 'linux'\n")
    assert r.requirement.extras == {"a", "b"} and r.requirement.marker is not None
    (r,) = parse_requirements(f"six[x] @ {WHEEL_URL} ; python_version > '3'\n")
    assert r.requirement.extras == {"x"} and r.requirement.marker is not None


def test_pinned_says_whether_evaluation_can_fetch_it() -> None:
    rs = parse_requirement_set(
        f"a @ {WHEEL_URL}\nb @ {WHEEL_URL}#sha256={HEX}\nc @ git+https://h/c@main\n"
        f"d @ git+https://h/d@{'c' * 40}\n./e\n"
    )
    assert [r.link.pinned for r in rs.requirements if r.link] == [False, True, False, True, True]


def test_hashes_and_hash_checking_mode() -> None:
    rs = parse_requirement_set(f"six==1.16.0 --hash=sha256:{HEX} --hash sha256:{'B' * 64}\n"
                               "attrs\n")
    assert rs.requirements[0].hashes == (HEX, "b" * 64)
    assert rs.requirements[1].hashes == ()
    assert rs.hash_checking
    assert not parse_requirement_set("six\n").hash_checking
    assert parse_requirement_set("--require-hashes\nsix\n").hash_checking


def test_binary_options_follow_pips_rules() -> None:
    rs = parse_requirement_set("--no-binary :all:\n--only-binary Foo_Bar,six\nsix\n")
    assert rs.no_binary == {":all:"} and rs.only_binary == {"foo-bar", "six"}
    rs = parse_requirement_set("--only-binary=:all:\n--only-binary :none:\n--no-binary six\n")
    assert rs.only_binary == set() and rs.no_binary == {"six"}
    rs = parse_requirement_set("--no-binary six\n--only-binary six\n")
    assert rs.no_binary == set() and rs.only_binary == {"six"}


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("-e git+https://h/x.git#egg=x", "clone the repository"),
        ("-e", "-e needs a local directory"),
        (f"-e ./pkg --hash=sha256:{HEX}", "cannot be hash-checked"),
        ("six @ ftp://h/six-1.0.tar.gz", "not supported; use https://"),
        ("six @ file:relative/path", "absolute path"),
        ("six @ git+ftp://h/six", "not a git URL"),
        ("--only-binary", "needs a value"),
        ("six @ git+https://[h/six@main", "not a valid URL"),
        ("https://[h/six-1.0.tar.gz", "not a valid URL"),
        ("./six-1.0.tar.gz#sha256=abc", "64 hex digits"),
        ("six @ file:///six-1.0.tar.gz#sha256=xyz", "64 hex digits"),
    ],
)
def test_direct_reference_errors_name_file_line_and_fix(line: str, expect: str) -> None:
    with pytest.raises(RequirementsError) as e:
        parse_requirement_set(f"attrs\n{line}\n", source="reqs.txt")
    assert str(e.value).startswith(f'reqs.txt, line 2: "{line}"')
    assert expect in str(e.value)


def test_constraints_cannot_be_direct_references(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(f"six @ {WHEEL_URL}\n")
    with pytest.raises(RequirementsError) as e:
        parse_requirement_set("-c c.txt\n", base_dir=tmp_path)
    assert "not in a constraints file" in str(e.value)


def test_sha256_fragment_is_lowercased_for_urls_and_paths() -> None:
    upper = HEX.upper()
    rs = parse_requirement_set(f"a @ {WHEEL_URL}#sha256={upper}\n./b-1.0.tar.gz#sha256={upper}\n")
    assert [r.link.sha256 for r in rs.requirements if r.link] == [HEX.lower()] * 2
