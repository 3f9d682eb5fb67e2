"""Imports declared as a ``_LAZY_IMPORTS`` table (our runtime's ``__init__`` modules)."""

from __future__ import annotations

import ast

from checkouts import context, dedent, repo_layout

from prompture_scaffold.edits import _imports
from prompture_scaffold.edits._source import PySource, find_assign

INIT = "prompture/drivers/__init__.py"
DRIVER = "prompture.drivers.acme_driver"
BEFORE = dedent(
    """
    _LAZY_IMPORTS = {
        ".alpha_driver": ["AlphaDriver"],
        ".base": ["AsyncBase", "Base"],
        ".zed_driver": ["ZedDriver"],
    }
    """
)


def src(text: str) -> PySource:
    return PySource(text, context(repo_layout(), INIT))


def add(text: str, module: str, name: str) -> str:
    return _imports.add_names(src(text), module, [name], "." + module.rsplit(".", 1)[1])


def remove(text: str, module: str, name: str) -> str:
    return _imports.remove_names(src(text), module, [name])


def test_a_name_already_in_the_table_is_a_no_op():
    assert add(BEFORE, "prompture.drivers.alpha_driver", "AlphaDriver") == BEFORE


def test_a_new_module_gets_its_entry_in_sorted_place():
    after = add(BEFORE, DRIVER, "AcmeDriver")
    assert after == BEFORE.replace(
        '    ".alpha', '    ".acme_driver": ["AcmeDriver"],\n    ".alpha'
    )


def test_a_name_joins_its_module_in_sorted_place():
    after = add(BEFORE, "prompture.drivers.base", "Middle")
    assert '".base": ["AsyncBase", "Base", "Middle"],' in after


def test_adding_twice_is_adding_once():
    once = add(BEFORE, DRIVER, "AcmeDriver")
    assert add(once, DRIVER, "AcmeDriver") == once


def test_remove_inverts_add_for_a_new_entry_and_for_a_joined_name():
    assert remove(add(BEFORE, DRIVER, "AcmeDriver"), DRIVER, "AcmeDriver") == BEFORE
    module = "prompture.drivers.base"
    assert remove(add(BEFORE, module, "Middle"), module, "Middle") == BEFORE


def test_removing_the_last_name_of_a_module_removes_its_entry():
    after = remove(BEFORE, "prompture.drivers.zed_driver", "ZedDriver")
    table = ast.literal_eval(find_assign(ast.parse(after).body, "_LAZY_IMPORTS").value)
    assert table == {".alpha_driver": ["AlphaDriver"], ".base": ["AsyncBase", "Base"]}


def test_a_long_entry_is_exploded_and_removed_again():
    name = "B" * 90 + "Driver"
    after = add(BEFORE, DRIVER, name)
    assert f'    ".acme_driver": [\n        "{name}",\n    ],\n' in after
    assert remove(after, DRIVER, name) == BEFORE


def test_the_names_read_back_from_the_table():
    assert _imports.imported_names(src(BEFORE), "prompture.drivers.base") == ["AsyncBase", "Base"]
    assert _imports.imported_names(src(BEFORE), DRIVER) == []
