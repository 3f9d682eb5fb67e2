"""Everything read from a checkout is data that may be wrong: a file that does not decode, has
bare-CR line endings, or holds wrongly typed pyproject fields is exit 3 naming the file, never a
traceback, for add-driver, its dry run, remove-driver and check-drivers (never 1, the drift
code)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run

from prompture_scaffold.checkout.read import read_text, toml_value
from prompture_scaffold.errors import UnsafeTarget


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture(scope="module")
def added(pristine, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("added") / "repo"
    shutil.copytree(pristine, root)
    assert run(root, *ACME_ARGS).exit_code == 0
    return root


def latin1(data: bytes) -> bytes:
    return data.replace(b"\n", b"\n# caf\xe9\n", 1)


def cr_only(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def replace_with(text: str):
    return lambda data: text.encode()


PYPROJECT_NAME = '[project]\nname = "prompture"\n'


def unparsable(data: bytes) -> bytes:
    return data + b"\ndef broken(:\n"


#: (file, damage, what the message must hold).
CASES = [
    ("prompture/drivers/__init__.py", latin1, "is not UTF-8 text (byte 0xe9"),
    ("prompture/__init__.py", latin1, "is not UTF-8 text"),
    ("prompture/settings.py", latin1, "is not UTF-8 text"),
    ("pyproject.toml", latin1, "is not UTF-8 text"),
    (".env.copy", latin1, "is not UTF-8 text"),
    ("prompture/drivers/__init__.py", cr_only, "bare CR line ending (line 1)"),
    ("prompture/settings.py", cr_only, "bare CR line ending"),
    ("prompture/discovery.py", cr_only, "bare CR line ending"),
    ("prompture/__init__.py", cr_only, "bare CR line ending"),
    ("prompture/drivers/__init__.py", unparsable, "does not parse"),
    ("prompture/settings.py", unparsable, "does not parse"),
    ("pyproject.toml", replace_with('project = "x"\n'), "project must be a table, not str"),
    ("pyproject.toml", replace_with("[project]\nname = 1\n"), "project.name must be a string"),
    ("pyproject.toml", replace_with("[project\n"), "is not valid TOML"),
    (
        "pyproject.toml",
        replace_with(PYPROJECT_NAME + '[tool.ruff]\nline-length = "abc"\n'),
        "tool.ruff.line-length must be a positive integer, not str 'abc'",
    ),
    (
        "pyproject.toml",
        replace_with(PYPROJECT_NAME + "[tool.black]\nline-length = true\n"),
        "tool.black.line-length must be a positive integer, not bool",
    ),
]

COMMANDS = {
    "add": (False, ACME_ARGS),
    "dry-run": (False, [*ACME_ARGS, "--dry-run"]),
    "remove": (True, ["remove-driver", "acme", "--yes"]),
    "check": (True, ["check-drivers"]),
}


RUNS = [
    pytest.param(command, *case, id=f"{command}-{case[0]}-{case[1].__name__}")
    for command in COMMANDS
    for case in CASES
]


@pytest.mark.parametrize(("command", "target", "damage", "says"), RUNS)
def test_a_damaged_file_is_exit_3_naming_it(
    tmp_path, pristine, added, command, target, damage, says
):
    after_add, args = COMMANDS[command]
    root = tmp_path / "repo"
    shutil.copytree(added if after_add else pristine, root)
    path = root / target
    path.write_bytes(damage(path.read_bytes()))
    before = fingerprint(root)
    result = run(root, *args)
    assert isinstance(result.exception, SystemExit), result.exception
    assert fingerprint(root) == before
    assert result.exit_code == 3, result.output
    assert f"error: {target}: " in result.stderr and says in result.stderr


def test_optional_dependencies_of_the_wrong_type_are_named_on_remove(tmp_path, added):
    root = tmp_path / "repo"
    shutil.copytree(added, root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(PYPROJECT_NAME + "optional-dependencies = 1\n", encoding="utf-8")
    result = run(root, "remove-driver", "acme", "--yes")
    assert result.exit_code == 3, result.output
    assert "project.optional-dependencies must be a table, not int 1" in result.stderr


def test_read_text_keeps_crlf_and_refuses_only_bare_crs(tmp_path):
    (tmp_path / "crlf.py").write_bytes(b"a = 1\r\nb = 2\r\n")
    assert read_text(tmp_path / "crlf.py") == "a = 1\r\nb = 2\r\n"
    (tmp_path / "mixed.py").write_bytes(b"a = 1\r\nb = 2\rc = 3\n")
    with pytest.raises(UnsafeTarget, match=r"bare CR line ending \(line 2\)"):
        read_text(tmp_path / "mixed.py", tmp_path)
    assert read_text(tmp_path / "absent.py") is None


@pytest.mark.parametrize(
    ("data", "value"),
    [({}, "default"), ({"a": {}}, "default"), ({"a": {"b": "x"}}, "x")],
)
def test_toml_value_gives_the_value_or_the_default(data, value):
    assert toml_value(data, ("a", "b"), str, "default", "f.toml") == value


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"a": []}, "a must be a table, not list []"),
        ({"a": {"b": 3}}, "a.b must be a string, not int 3"),
    ],
)
def test_toml_value_names_the_key_of_a_wrong_type(data, says):
    with pytest.raises(UnsafeTarget, match=re.escape(says)):
        toml_value(data, ("a", "b"), str, "", "f.toml")
