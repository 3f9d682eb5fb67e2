"""Each `DriverSpec` field is declared once (`spec.driver_spec`); the flags, the wizard's
questions, the review rows, the defaults and the checks are all made from that declaration."""

from __future__ import annotations

import dataclasses

import pytest
import typer.main

from prompture_scaffold.cli import app
from prompture_scaffold.errors import InvalidInput
from prompture_scaffold.spec.build import resolve
from prompture_scaffold.spec.driver_spec import CAPABILITIES, FIELD, FIELDS, DriverSpec
from prompture_scaffold.spec.validate import check_given
from prompture_scaffold.wizard.answers import EXTRA, FLOW, fields_of
from prompture_scaffold.wizard.fields import QUESTIONS
from prompture_scaffold.wizard.review import ROWS


def test_every_spec_field_is_declared_with_its_words():
    assert [f.name for f in FIELDS] == [f.name for f in dataclasses.fields(DriverSpec)]
    for field in FIELDS:
        assert field.label or field.asked == "capability", field.name
        assert field.explain, field.name
        assert field.asked in ("flow", "extra", "capability"), field.name


def _add_driver_params() -> dict[str, object]:
    command = typer.main.get_command(app).commands["add-driver"]
    return {param.name: param for param in command.params}


def test_add_driver_has_one_option_per_declared_flag():
    params = _add_driver_params()
    for field in FIELDS:
        if not field.flag:
            assert field.name not in params  # set by a spec file only
            continue
        param = params[field.name]
        if field.name == "provider":
            assert param.param_type_name == "argument"
            continue
        assert field.flag.split("/")[0] in param.opts, field.name
        assert param.help == field.help
        if field.choices:
            assert list(param.type.choices) == list(field.choices)


def test_the_wizard_asks_every_field_and_the_review_shows_each_once():
    asked = {name for key in (*FLOW, *EXTRA) for name in fields_of(key)}
    assert asked == {f.name for f in FIELDS}
    shown = [name for _, names in ROWS for name in names]
    assert sorted(shown) == sorted(f.name for f in FIELDS)
    for key in (*FLOW, *EXTRA):
        if key not in ("provider", "capabilities", "sdk_version"):
            assert QUESTIONS[key].help == FIELD[key].explain
            assert QUESTIONS[key].label.startswith(FIELD[key].label)


def test_the_declared_defaults_fill_what_nothing_gave():
    filled, missing = resolve({"provider": "acme"})
    assert missing == ("compat", "endpoint", "default_model")
    assert filled["class_name"] == "Acme" and filled["api_key_env"] == "ACME_API_KEY"
    filled, missing = resolve({"provider": "acme", "compat": "openai", "default_model": "m"})
    assert missing == ("endpoint",)
    assert filled["sdk"] == "requests" and filled["lazy"] is False
    assert {name: filled[name] for name in CAPABILITIES} == {
        "json_mode": True, "json_schema": False, "tool_use": False, "streaming": True,
        "vision": False, "reasoning": False,
    }  # fmt: skip


@pytest.mark.parametrize("field", [f for f in FIELDS if f.flag], ids=lambda f: f.name)
def test_a_wrong_value_is_refused_naming_the_declared_flag(field):
    wrong = 3 if not field.is_bool else "yes"
    with pytest.raises(InvalidInput) as raised:
        check_given({field.name: wrong, "provider": "acme"} if field.name != "provider" else {
            "provider": wrong})  # fmt: skip
    assert str(raised.value).startswith(f"{field.shown_flag}: ")
