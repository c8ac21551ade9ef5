"""leantoml agrees with tomllib on everything it accepts, and leaves the rest to tomllib.

Three sources of documents: tomllib's own test suite (valid and invalid files) from the
interpreters installed here, real pyproject.toml files, and documents hypothesis assembles
from fragments of valid and invalid TOML (redefined tables, dotted keys into inline tables,
floats and dates, bad escapes, trailing commas, ...).
"""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv.hook import leantoml, tomlfile
from autovenv.hook.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYENV = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types (True is not 1) and the same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def check(text: str) -> bool:
    """leantoml's answer, when it gives one, is tomllib's. True when leantoml answered."""
    try:
        lean = leantoml.parse(text)
    except leantoml.Unsupported:
        return False
    try:
        full = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        pytest.fail(f"leantoml accepted invalid TOML ({e}): {text!r}")
    assert same(lean, full), (text, lean, full)
    return True


def tomllib_test_files(kind: str) -> list[str]:
    found = glob.glob(str(PYENV / "versions" / "*" / "lib" / "python3*" / "test" / "test_tomllib"
                          / "data" / kind / "**" / "*.toml"), recursive=True)
    return sorted(found)


@pytest.mark.parametrize("kind", ["valid", "invalid"])
def test_tomllib_test_suite(kind: str) -> None:
    files = tomllib_test_files(kind)
    if not files:
        pytest.skip("no interpreter here ships tomllib's tests")
    accepted = 0
    for path in files:
        try:
            text = Path(path).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        accepted += check(text)
    if kind == "valid":
        assert accepted >= 10  # the subset is not empty


def test_everyday_pyproject_files_need_no_tomllib() -> None:
    texts = [
        (ROOT / "pyproject.toml").read_text(),
        '[project]\nname = "x"\n',
        "[project]\nname = 'x'\nrequires-python = \">=3.9\"\n",
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "demo"  # comment\nversion = "0.1.0"\nauthors = [{name = "A", email = "a@b.c"}]\n'
        'license = {text = "MIT"}\nclassifiers = [\n  "Programming Language :: Python :: 3",  # c\n]\n'
        'dependencies = []\n[project.optional-dependencies]\ntest = ["pytest>=7"]\n'
        '[project.scripts]\ndemo = "demo:main"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
        '[tool.autovenv]\npython = "3.12"\npip = false\n[[tool.uv.index]]\nname = "x"\nurl = "https://x"\n'
        '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["E", "F"]\n',
        "pip = false\r\ncreate = \"never\"\r\n",
    ]
    for text in texts:
        assert check(text), text


KEYS = ["a", "b", "c", '"a"', "'b'", "a.b", "a.c", "b.c", "a . b", '"a.b"', "1", "-", "é", '""', "x.y.z"]
VALUES = [
    "1", "-0", "+1_000", "1__0", "_1", "01", "0x1f", "1.5", "1e3", "inf", "nan", "1979-05-27", "12:30:00",
    "true", "false", "truex", '"s"', "'lit'", '"a\\tb\\u00e9\\U0001F600"', '"\\x"', '"\\ud800"', '"a',
    "'a", '"""m"""', "'''m'''", "[]", "[1, 2]", "[1,]", "[,]", "[1 2]", "[\n1,\n# c\n2\n]", '[[1], ["a"]]',
    "{}", "{a = 1}", "{a.b = 1, a.c = 2}", "{a = 1,}", "{a.b = 1, a = 2}", "{a = 1, a = 2}", "{\na = 1}",
    "{a = [1,\n2]}", "[{a = 1}, {b = 2}]", "", "1 2", '"tab\there"', "'\\'",
]
HEADERS = ["[a]", "[a.b]", "[b]", "[a.b.c]", "[[a]]", "[[a.b]]", "[[t]]", "[t.s]", "[ a . b ]", '["a"]',
           "[x.'y']", "[]", "[a]]", "[[a]", "[a] x", "[c.d]", "[c]", "[[c.d]]"]
JUNK = ["", "# comment", "   # indented comment", "\t", "=", "a", "\x7f", "\x00", "\r", "\ufeff"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.one_of(
        st.sampled_from(HEADERS),
        st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES), st.sampled_from(["", "  # c"])).map(
            lambda t: f"{t[0]} = {t[1]}{t[2]}"),
        st.sampled_from(JUNK),
    ), max_size=12))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=1500, deadline=None)
@given(documents())
def test_generated_documents(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab=.[]{},'\"\\ \n#0123456789tu_-")), max_size=40))
def test_random_text(text: str) -> None:
    check(text)


def test_read_toml_errors_name_the_line_and_repeat_reads_reuse_the_parse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nname = "x"\nversion = \n')
    with pytest.raises(ConfigError, match=r"bad\.toml is not valid TOML: .*line 3"):
        tomlfile.read_toml(str(bad))
    good = tmp_path / "good.toml"
    good.write_text('[project]\nname = "x"\n')
    first = tomlfile.read_toml(str(good))
    assert tomlfile.read_toml(str(good)) is first
    good.write_text('[project]\nname = "y"\n')  # same size, perhaps the same mtime: re-read
    assert tomlfile.read_toml(str(good)) == {"project": {"name": "y"}}
