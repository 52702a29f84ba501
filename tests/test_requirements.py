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
        ("--index-url https://example.org/simple", "--index-url"),
        ("-i https://example.org/simple", "-i"),
        ("--extra-index-url=https://example.org/simple", "--extra-index-url"),
        ("--find-links ./wheels", "--find-links"),
        ("-f ./wheels", "-f"),
        ("--no-index", "--no-index"),
        ("--trusted-host example.org", "--trusted-host"),
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
