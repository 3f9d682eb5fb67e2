"""Rendering the new files: literal filters, template choice, hostile values, ruff, behaviour.

The generated self-contained driver is run through the real contract suite (the custom
skeleton, filled in, is in test_custom_skeleton.py).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path

import jinja2
import pytest

from prompture.testing import OpenAICompatibleContract, OpenAICompatServer
from prompture_scaffold.checkout import Layout
from prompture_scaffold.errors import InvalidInput, UnsafeTarget
from prompture_scaffold.render import files as render
from prompture_scaffold.render import jinja_env
from prompture_scaffold.render.code_layout import Import, fit_value_lines, import_block
from prompture_scaffold.spec.driver_spec import DriverSpec

REPO = Path(__file__).resolve().parents[2]

#: Where the runtime defines what generated code imports (as `discover` records it).
SYMBOLS = {
    "OpenAICompatibleDriver": "drivers/openai_compatible.py",
    "AsyncOpenAICompatibleDriver": "drivers/openai_compatible.py",
    "AnthropicMessagesDriver": "drivers/anthropic_messages.py",
    "AsyncAnthropicMessagesDriver": "drivers/anthropic_messages.py",
    "CustomWireDriver": "drivers/custom_wire.py",
    "AsyncCustomWireDriver": "drivers/custom_wire.py",
    "CostMixin": "cost_mixin.py",
    "Driver": "driver.py",
    "AsyncDriver": "async_driver.py",
    "PROVIDER_MAP": "model_rates.py",
    "DriverHTTPError": "exceptions.py",
    "ConfigurationError": "exceptions.py",
}
HOSTILE = {
    "display_name": 'Ac"me\'s \\ {{ x }} {% if %} ../ é中文 """ \u202e end"',
    "endpoint": 'https://api.acme.test/v1/"\\{{ x }}/{% raw %}/../é',
    "default_model": "m\"o\\d{{ e }}l\n../x'é\x00\t\r{% endraw %}",
}
HOSTILE_STRINGS = [
    *HOSTILE.values(),
    "",
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    'x\\"',
    "\n\r\t\x0b\x0c\x1b\x7f\x85",
    "\u2028\u2029\ufeff\u200b",
    "\ud800",
    "{{ 7 * 7 }}",
    "{% for x in y %}",
    "😀 中文 é",
    '") ; import os ; ("',
]


CONTRACTS = ("OpenAICompatibleContract", "AnthropicContract")


def make_layout(
    root: Path,
    *,
    package: str = "prompture",
    line_length: int = 100,
    omit: tuple[str, ...] = (),
    folders: bool = True,
) -> Layout:
    """A checkout layout at `root` with the runtime's module names (no files needed)."""
    package_dir = root / package
    symbols = {k: package_dir / v for k, v in SYMBOLS.items() if k not in omit}
    return Layout(
        root=root,
        package=package,
        package_dir=package_dir,
        drivers_dir=package_dir / "drivers",
        symbols=symbols,
        rates_dir=package_dir / "infra" / "rates" if folders else None,
        examples_dir=root / "examples" if folders else None,
        tests_dir=root / "tests" if folders else None,
        line_length=line_length,
        # Our runtime ships the contract suites; a foreign package does not.
        testing_contracts=frozenset(CONTRACTS if package == "prompture" else ()),
    )


def make_spec(**overrides) -> DriverSpec:
    fields = {
        "provider": "acme",
        "class_name": "Acme",
        "display_name": "Acme AI",
        "compat": "openai",
        "sdk": "requests",
        "lazy": True,
        "default_model": "acme-1",
        "auth": "api-key",
        "api_key_env": "ACME_API_KEY",
        "extra_api_key_envs": ("ACME_KEY",),
        "endpoint": "https://api.acme.test/v1",
        "models_dev_name": None,
        "json_mode": True,
        "json_schema": True,
        "tool_use": True,
        "streaming": True,
        "vision": True,
        "reasoning": True,
    }
    return DriverSpec(**{**fields, **overrides})


KINDS = {
    "subclass": {},
    "full": {"template": "full"},
    "custom": {"compat": "custom", "sdk": "acme-sdk>=1.2"},
    "anthropic": {"compat": "anthropic", "sdk": "anthropic>=2.0", "json_schema": False},
}
ANTHROPIC_BASES = ("AnthropicMessagesDriver", "AsyncAnthropicMessagesDriver")
CUSTOM_BASES = ("CustomWireDriver", "AsyncCustomWireDriver")


# --- literal filters ------------------------------------------------------------------------


def test_pystr_is_one_literal_holding_exactly_the_value():
    for value in HOSTILE_STRINGS:
        (statement,) = ast.parse(jinja_env.pystr(value)).body
        assert isinstance(statement.value, ast.Constant), value
        assert statement.value.value == value


def test_pystr_quotes_as_ruff_format_does():
    assert jinja_env.pystr("plain") == '"plain"'
    assert jinja_env.pystr("it's") == '"it\'s"'
    assert jinja_env.pystr('say "hi"') == "'say \"hi\"'"
    assert jinja_env.pystr("a'b\"c") == '"a\'b\\"c"'


def test_pystr_escapes_what_cannot_be_seen_and_keeps_printable_unicode():
    assert jinja_env.pystr("\x1b\u202e\n") == '"\\x1b\\u202e\\n"'
    assert jinja_env.pystr("é中😀") == '"é中😀"'


def test_pytuple_and_pyident():
    assert jinja_env.pytuple(["A"]) == '("A",)'
    assert jinja_env.pytuple(["A", 'B"']) == '("A", \'B"\')'
    assert jinja_env.pyident("AcmeDriver") == "AcmeDriver"
    for bad in ("class", "a-b", "x; y", "", "1a"):
        with pytest.raises(ValueError):
            jinja_env.pyident(bad)


def test_pydoc_never_ends_the_docstring_early():
    for value in HOSTILE_STRINGS:
        doc = jinja_env.pydoc(f"{value} driver.\n\nMore {value}.\n", indent=4, line_length=40)
        (statement,) = ast.parse(f"class X:\n    {doc}\n").body[0].body
        text = statement.value.value
        assert " ".join(text.split()) == " ".join(f"{value} driver. More {value}.".split())


def test_templates_print_only_filtered_values():
    env = jinja_env.get_env()
    with pytest.raises(TypeError, match="raw value"):
        env.from_string("x = {{ value }}").render(value="a")
    assert env.from_string("x = {{ value | pystr }}").render(value='a"') == "x = 'a\"'"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing | pystr }}").render()


def test_prose_is_refused_outside_a_docstring(monkeypatch):
    env = jinja_env.get_env()
    probes = {
        "probe_code.j2": "x = {{ value | text }}\n",
        "probe_doc.j2": "{% filter pydoc %}{{ value | text }} said hi{% endfilter %}\n",
    }
    monkeypatch.setattr(env, "loader", jinja2.DictLoader(probes))
    with pytest.raises(TypeError, match="outside a pydoc block"):
        jinja_env.render_template("probe_code.j2", {"value": "a"})
    out = jinja_env.render_template("probe_doc.j2", {"value": 'A "b"\n  c\ue000'})
    assert out == '"""A "b" c said hi"""'


def test_render_imports_jinja2_only_when_rendering():
    code = "import sys, prompture_scaffold.render.files; print('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- layout of values and imports -----------------------------------------------------------


def test_fit_value_lines_lays_out_long_values_like_ruff():
    assert fit_value_lines('x = "short"\n', 20) == 'x = "short"\n'
    assert fit_value_lines('    name = "abcdefghij"\n', 20) == (
        '    name = (\n        "abcdefghij"\n    )\n'
    )
    assert fit_value_lines('name = "abcdefghijklmnopqrstuvwxyz"\n', 20) == (
        'name = "abcdefghijklmnopqrstuvwxyz"  # noqa: E501\n'
    )
    assert fit_value_lines('t = ("AAAAAAAA", "BBBBBBBB")\n', 20) == (
        't = (\n    "AAAAAAAA",\n    "BBBBBBBB",\n)\n'
    )
    assert fit_value_lines('f(x="aaaaaaaaaaaaaaaaaaaaaaaa")\n', 20) == (
        'f(x="aaaaaaaaaaaaaaaaaaaaaaaa")\n'
    )


def test_import_block_sorts_like_ruff_isort():
    paths = types.SimpleNamespace(package="prompture", line_length=100)
    block = import_block(
        [
            Import(".zai_driver", "ZaiDriver"),
            Import(".openai_compatible", "AsyncOpenAICompatibleDriver"),
            Import(".p10_driver", "P10Driver"),
            Import(".p2_driver", "P2Driver"),
            Import("..cost_mixin", "prepare_strict_schema"),
            Import("..cost_mixin", "CostMixin"),
            Import("requests", None),
            Import("prompture.testing", "OpenAICompatibleContract"),
        ],
        paths,
    )
    assert block.split("\n") == [
        "import requests",
        "",
        "from prompture.testing import OpenAICompatibleContract",
        "",
        "from ..cost_mixin import CostMixin, prepare_strict_schema",
        "from .openai_compatible import AsyncOpenAICompatibleDriver",
        "from .p2_driver import P2Driver",
        "from .p10_driver import P10Driver",
        "from .zai_driver import ZaiDriver",
    ]
    narrow = types.SimpleNamespace(package="prompture", line_length=30)
    assert import_block([Import(".a", "Bbbbbbbbbb"), Import(".a", "Cccccccccc")], narrow) == (
        "from .a import (\n    Bbbbbbbbbb,\n    Cccccccccc,\n)"
    )
    with pytest.raises(UnsafeTarget):
        import_block([Import("a b", "X")], paths)


# --- template choice and files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "omit", "kind"),
    [
        ({}, (), "subclass"),
        ({"template": "full"}, (), "full"),
        ({}, ("OpenAICompatibleDriver",), "full"),
        ({"compat": "custom"}, (), "subclass"),
        ({"compat": "custom", "template": "full"}, (), "full_custom"),
        ({"compat": "custom"}, ("AsyncCustomWireDriver",), "full_custom"),
        (KINDS["anthropic"], (), "subclass"),
        (KINDS["anthropic"], ("OpenAICompatibleDriver",), "subclass"),
        ({}, ANTHROPIC_BASES, "subclass"),
    ],
)
def test_template_kind(tmp_path, overrides, omit, kind):
    spec, layout = make_spec(**overrides), make_layout(tmp_path, omit=omit)
    assert render.template_kind(spec, layout) == kind


@pytest.mark.parametrize(
    ("overrides", "omit", "flag"),
    [
        ({}, ANTHROPIC_BASES, "--compat anthropic:"),
        ({}, ANTHROPIC_BASES[1:], "--compat anthropic:"),
        ({"template": "full"}, (), "--template full:"),
        ({"template": "full"}, ANTHROPIC_BASES, "--compat anthropic:"),
    ],
)
def test_anthropic_wire_without_its_base_is_refused(tmp_path, overrides, omit, flag):
    """No self-contained Anthropic driver exists: exit 2, pointing at --compat custom."""
    spec, layout = make_spec(**KINDS["anthropic"], **overrides), make_layout(tmp_path, omit=omit)
    with pytest.raises(InvalidInput) as caught:
        render.render_new_files(spec, layout)
    assert str(caught.value).startswith(flag) and "--compat custom" in str(caught.value)
    assert caught.value.exit_code == 2
    paths = render.new_file_paths(spec, layout)  # remove-driver still finds the files
    assert paths["sync"] == "prompture/drivers/acme_driver.py"


@pytest.mark.parametrize("sdk", ["requests", "httpx"])
def test_anthropic_wire_needs_an_sdk_requirement(tmp_path, sdk):
    spec = make_spec(**{**KINDS["anthropic"], "sdk": sdk})
    with pytest.raises(InvalidInput, match=f"^--sdk {sdk}: .*anthropic SDK"):
        render.render_new_files(spec, make_layout(tmp_path))


def test_anthropic_wire_gets_the_short_subclass_pair(tmp_path):
    spec = make_spec(**KINDS["anthropic"], auth="endpoint", extra_api_key_envs=())
    files = render.render_new_files(spec, make_layout(tmp_path))
    sync = files["prompture/drivers/acme_driver.py"]
    assert "from .anthropic_messages import AnthropicMessagesDriver\n" in sync
    assert "class AcmeDriver(AnthropicMessagesDriver):" in sync
    assert "``pip install prompture[acme]``" in sync
    assert _assigned(sync) == {
        "provider": "acme",
        "display_name": "Acme AI",
        "api_key_env": ("ACME_API_KEY",),
        "requires_api_key": False,
        "default_endpoint": "https://api.acme.test/v1",
        "default_model": "acme-1",
        "pip_extra": "acme",
        "supports_json_mode": True,
        "supports_json_schema": False,
        "supports_tool_use": True,
        "supports_streaming": True,
        "supports_vision": True,
        "supports_reasoning": True,
    }
    assert len(sync.splitlines()) < 40
    keyed = render.render_new_files(make_spec(**KINDS["anthropic"]), make_layout(tmp_path))
    assert "requires_api_key" not in keyed["prompture/drivers/acme_driver.py"]
    assert _assigned(keyed["prompture/drivers/acme_driver.py"])["api_key_env"] == (
        "ACME_API_KEY",
        "ACME_KEY",
    )
    twin = files["prompture/drivers/async_acme_driver.py"]
    assert twin.endswith(
        "\n\nfrom .acme_driver import AcmeDriver\n"
        "from .anthropic_messages import AsyncAnthropicMessagesDriver\n\n\n"
        "class AsyncAcmeDriver(AsyncAnthropicMessagesDriver):\n"
        '    """Async twin of `AcmeDriver`: same key, endpoint, flags and prices."""\n\n'
        "    sync_driver = AcmeDriver\n"
        "    pip_extra = sync_driver.pip_extra\n"
    )
    assert json.loads(files["prompture/infra/rates/acme.json"])["api_type"] == "anthropic"
    test_module = files["tests/test_acme_driver.py"]
    assert "from prompture.testing import AnthropicContract\n" in test_module
    assert "class TestAcmeDriver(AnthropicContract):" in test_module
    assert "local Anthropic Messages server" in test_module
    assert "OpenAI" not in test_module and "skip" not in test_module
    assert "extract_and_jsonify" in files["examples/acme_example.py"]


def test_anthropic_subclass_imports_the_base_where_the_checkout_defines_it(tmp_path):
    layout = make_layout(tmp_path, package="mylib")
    moved = {name: layout.package_dir / "wire/anthropic.py" for name in ANTHROPIC_BASES}
    layout = dataclasses.replace(layout, symbols={**layout.symbols, **moved})
    files = render.render_new_files(make_spec(**KINDS["anthropic"]), layout)
    sync = files["mylib/drivers/acme_driver.py"]
    assert "from ..wire.anthropic import AnthropicMessagesDriver\n" in sync
    assert "``pip install mylib[acme]``" in sync


def test_catalogue_anthropic_provider_rate_file_and_priced_model(tmp_path):
    from prompture._catalogue import render_rate_file

    spec = make_spec(
        **KINDS["anthropic"], provider="mm", models_dev_name="minimax", default_model="MiniMax-M2.7"
    )
    files = render.render_new_files(spec, make_layout(tmp_path))
    rates = files["prompture/infra/rates/mm.json"]
    assert rates == render_rate_file("mm", "minimax", api_type="anthropic")
    assert json.loads(rates)["api_type"] == "anthropic"
    assert 'priced_model = "MiniMax-M2.7"' in files["tests/test_mm_driver.py"]


def test_new_files_are_keyed_by_checkout_relative_posix_paths(tmp_path):
    files = render.render_new_files(make_spec(), make_layout(tmp_path))
    assert sorted(files) == [
        "examples/acme_example.py",
        "prompture/drivers/acme_driver.py",
        "prompture/drivers/async_acme_driver.py",
        "prompture/infra/rates/acme.json",
        "tests/test_acme_driver.py",
    ]
    relative = dataclasses.replace(make_layout(Path("")), root=tmp_path)
    assert render.render_new_files(make_spec(), relative) == files
    assert sorted(render.new_file_paths(make_spec(), relative).values()) == sorted(files)
    anthropic = render.new_file_paths(make_spec(compat="anthropic"), relative)
    assert anthropic["sync"] == "prompture/drivers/acme_driver.py"


def test_missing_folders_and_opt_outs_skip_files(tmp_path):
    bare = render.render_new_files(make_spec(), make_layout(tmp_path, folders=False))
    assert sorted(bare) == [
        "prompture/drivers/acme_driver.py",
        "prompture/drivers/async_acme_driver.py",
    ]
    quiet = render.render_new_files(make_spec(example=False, tests=False), make_layout(tmp_path))
    assert "examples/acme_example.py" not in quiet and "tests/test_acme_driver.py" not in quiet


def test_full_driver_needs_the_checkout_base_classes(tmp_path):
    layout = make_layout(tmp_path, omit=("CostMixin",))
    with pytest.raises(UnsafeTarget, match="CostMixin"):
        render.render_new_files(make_spec(template="full"), layout)


def test_minimal_rate_file_without_a_catalogue_id(tmp_path):
    files = render.render_new_files(make_spec(default_model='x"y'), make_layout(tmp_path))
    text = files["prompture/infra/rates/acme.json"]
    data = json.loads(text)
    assert text == json.dumps(data, indent=2) + "\n"
    assert data["provider"] == "acme" and data["models_dev"] is None
    assert data["api_type"] == "openai"
    assert data["models"]['x"y']["supports_tool_use"] is True


def test_catalogue_rate_file_and_priced_model(tmp_path):
    from prompture._catalogue import render_rate_file

    spec = make_spec(provider="grokx", models_dev_name="xai", default_model="grok-4.3")
    files = render.render_new_files(spec, make_layout(tmp_path))
    assert files["prompture/infra/rates/grokx.json"] == render_rate_file("grokx", "xai")
    assert 'priced_model = "grok-4.3"' in files["tests/test_grokx_driver.py"]
    free = make_spec(models_dev_name="lmstudio", default_model="openai/gpt-oss-20b")
    free_files = render.render_new_files(free, make_layout(tmp_path))
    assert "priced_model" not in free_files["tests/test_acme_driver.py"]


def test_custom_wire_gets_an_honest_skeleton_test(tmp_path):
    files = render.render_new_files(make_spec(compat="custom"), make_layout(tmp_path))
    test_module = files["tests/test_acme_driver.py"]
    assert test_module.startswith('"""SKELETON tests')
    assert "import OpenAICompatibleContract" not in test_module
    assert "pytest.mark.skip" not in test_module  # it fails until the methods are written
    assert 'pytest.fail(f"still to write: {type(driver).__name__}.{method}")' in test_module


# --- user values only ever become literals --------------------------------------------------


def _shape(source: str) -> str:
    """The module's AST with every string constant blanked: its code, not its values."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def _assigned(source: str) -> dict[str, object]:
    """Every ``name = <literal>`` in the module or its classes."""
    values = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return values


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_values_change_only_literals(tmp_path, kind):
    layout = make_layout(tmp_path, line_length=79)
    benign = render.render_new_files(make_spec(**KINDS[kind]), layout)
    hostile = render.render_new_files(make_spec(**KINDS[kind], **HOSTILE), layout)
    assert sorted(benign) == sorted(hostile)
    for path, text in hostile.items():
        if not path.endswith(".py"):
            continue
        assert _shape(text) == _shape(benign[path]), path
        values = _assigned(text)
        if "drivers/acme_driver.py" in path:
            assert values["display_name"] == HOSTILE["display_name"]
            assert values["default_endpoint"] == HOSTILE["endpoint"]
            assert values["default_model"] == HOSTILE["default_model"]
        if "MODEL" in values:
            assert values["MODEL"] == "acme/" + HOSTILE["default_model"]


# --- ruff: every kind, both line lengths, hostile and long values, one run ------------------

LONG_CLASS = "Acme" + "Xy" * 28

RUFF_CASES = {
    "sub": {},
    "sub_long": {"display_name": "D" * 70, "default_model": "m" * 75, "endpoint": "https://e" * 9},
    "full": {"template": "full", "auth": "endpoint"},
    "full_eager": {"template": "full", "lazy": False, "vision": False},
    "custom": KINDS["custom"],
    "custom_eager": {"compat": "custom", "lazy": False, "streaming": False},
    "full_eager_sdk": {"template": "full", "sdk": "acme-sdk>=1.2", "lazy": False},
    "custom_eager_sdk": {**KINDS["custom"], "lazy": False},
    "anth": KINDS["anthropic"],
    "anth_keyless": {**KINDS["anthropic"], "auth": "none", "extra_api_key_envs": ()},
    "anth_long": {
        **KINDS["anthropic"],
        "display_name": "D" * 70,
        "default_model": "m" * 75,
        "endpoint": "https://e" * 9,
        "api_key_env": "ACME_" + "K" * 60 + "_API_KEY",
    },
    **{f"{kind}_hostile": {**KINDS[kind], **HOSTILE} for kind in KINDS},
    # 60-character class names (the longest --class-name takes) with 40-character provider
    # keys (the longest): class lines, name assignments and import paths wrap or are marked.
    **{
        f"{kind}_long_class_{'q' * 22}"[:38]: {**overrides, "class_name": LONG_CLASS}
        for kind, overrides in {
            **KINDS,
            "full_custom": {"compat": "custom", "template": "full"},
            "anth_keyless": {**KINDS["anthropic"], "auth": "none", "extra_api_key_envs": ()},
        }.items()
    },
    "long": {
        "template": "full",
        "display_name": "A" * 50 + " very long display name " + "B" * 60,
        "default_model": "x" * 120,
        "api_key_env": "ACME_" + "K" * 60 + "_API_KEY",
    },
}


def _write_checkout(root: Path, line_length: int, package: str, omit=(), cases=RUFF_CASES):
    for folder in (f"{package}/drivers", f"{package}/infra/rates", "tests", "examples"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    if package == "prompture":
        (root / "prompture/testing").mkdir()
        (root / "prompture/testing/__init__.py").write_text("")
    (root / "pyproject.toml").write_text(
        f'[tool.ruff]\nline-length = {line_length}\ntarget-version = "py311"\n'
        '[tool.ruff.lint]\nselect = ["E", "F", "W", "I", "B", "UP"]\n'
    )
    layout = make_layout(root, package=package, line_length=line_length, omit=omit)
    for name, overrides in cases.items():
        spec = make_spec(provider=f"p_{name}", **overrides)
        for path, text in render.render_new_files(spec, layout).items():
            (root / path).write_text(text, encoding="utf-8")


#: A checkout of another package without our errors or bases: the self-contained templates.
FOREIGN_CASES = {
    "sub": {},
    "full": {"template": "full"},
    **KINDS,
    **{name: case for name, case in RUFF_CASES.items() if "_long_class_" in name},
}


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_generated_files_pass_ruff_check_and_format(tmp_path):
    without = ("DriverHTTPError", "ConfigurationError", "PROVIDER_MAP", *CUSTOM_BASES)
    roots = {
        "l79": (79, "prompture", (), RUFF_CASES),
        "l100": (100, "prompture", (), RUFF_CASES),
        "foreign": (88, "mylib", without, FOREIGN_CASES),
    }
    for name, (line_length, package, omit, cases) in roots.items():
        _write_checkout(tmp_path / name, line_length, package, omit, cases)
    targets = [str(tmp_path / name) for name in roots]
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "--no-cache", *targets], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = [*ruff, "format", "--no-cache", "--check", "--diff", *targets]
    formatted = subprocess.run(fmt, capture_output=True, text=True)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


# --- behaviour of the generated drivers -----------------------------------------------------


def _load_drivers(spec: DriverSpec, layout: Layout) -> tuple[type, type]:
    """Render, execute the modules inside ``prompture.drivers``, return both classes."""
    files = render.render_new_files(spec, layout)
    classes = []
    for name in (f"{spec.provider}_driver", f"async_{spec.provider}_driver"):
        module = types.ModuleType(f"prompture.drivers.{name}")
        module.__package__ = "prompture.drivers"
        sys.modules[module.__name__] = module
        source = files[f"prompture/drivers/{name}.py"]
        exec(compile(source, module.__name__, "exec"), vars(module))
        classes.append(module)
    return getattr(classes[0], spec.sync_class), getattr(classes[1], spec.async_class)


_FULL = _load_drivers(
    make_spec(provider="scaffoldfull", class_name="ScaffoldFull", template="full"),
    make_layout(REPO, folders=False),
)


class TestFullTemplateContract(OpenAICompatibleContract):
    """The self-contained driver passes the whole contract suite, sync and async."""

    driver_class = _FULL[0]
    async_driver_class = _FULL[1]


def _anthropic_drivers() -> tuple[type, type]:
    spec = make_spec(provider="scaffoldanth", class_name="ScaffoldAnth", **KINDS["anthropic"])
    return _load_drivers(spec, make_layout(REPO, folders=False))


async def test_anthropic_subclass_pair_speaks_the_messages_api():
    """The short subclasses work as they are: sync and async, one shared profile."""
    from prompture._driver_base import PROFILE_ATTRS
    from prompture.testing import AnthropicServer

    sync_class, async_class = _anthropic_drivers()
    for name in PROFILE_ATTRS:
        assert getattr(async_class, name) == getattr(sync_class, name), name
    assert async_class.pip_extra == sync_class.pip_extra == "scaffoldanth"
    with AnthropicServer() as server:
        server.script("Hello there.", usage={"prompt_tokens": 3, "completion_tokens": 2})
        result = sync_class(api_key="test-key", endpoint=server.url).generate("Hi")
        assert result["text"] == "Hello there." and result["meta"]["total_tokens"] == 5
        assert server.last_request.path == "/v1/messages"
        server.script("Async hello.")
        result = await async_class(api_key="test-key", endpoint=server.url).generate("Hi")
        assert result["text"] == "Async hello."


async def test_anthropic_subclass_without_the_sdk_names_its_own_extra(monkeypatch):
    from prompture.exceptions import ConfigurationError

    sync_class, async_class = _anthropic_drivers()
    monkeypatch.setitem(sys.modules, "anthropic", None)  # `import anthropic` now fails
    hint = r"pip install prompture\[scaffoldanth\]"
    with pytest.raises(ConfigurationError, match=hint):
        sync_class(api_key="k", endpoint="http://127.0.0.1:9").generate("Hi")
    with pytest.raises(ConfigurationError, match=hint):
        await async_class(api_key="k", endpoint="http://127.0.0.1:9").generate("Hi")


# --- --eager with a third-party SDK -------------------------------------------------------


async def test_eager_full_driver_with_an_sdk_imports_its_wire_libraries(monkeypatch):
    """--eager imports requests and httpx at the top; the SDK it does not call is not needed."""
    spec = make_spec(
        provider="scaffoldeager", class_name="ScaffoldEager", template="full", lazy=False
    )
    spec = dataclasses.replace(spec, sdk="acme-sdk>=1.2")
    monkeypatch.setitem(sys.modules, "acme_sdk", None)  # not installed
    sync_class, async_class = _load_drivers(spec, make_layout(REPO, folders=False))
    with OpenAICompatServer() as server:
        server.script("Eager.")
        driver = sync_class(api_key="test-key", endpoint=server.url)
        assert driver.generate("Hi")["text"] == "Eager."
        server.script("Eager twin.")
        result = await async_class(api_key="test-key", endpoint=server.url).generate("Hi")
        assert result["text"] == "Eager twin."


def _eager_custom(monkeypatch, sdk_module) -> type:
    monkeypatch.setitem(sys.modules, "acme_sdk", sdk_module)
    spec = make_spec(
        provider="scaffoldeagersdk", class_name="ScaffoldEagerSdk", lazy=False, **KINDS["custom"]
    )
    files = render.render_new_files(spec, make_layout(REPO, folders=False))
    assert "\n    import acme_sdk\n" in files["prompture/drivers/scaffoldeagersdk_driver.py"]
    return _load_drivers(spec, make_layout(REPO, folders=False))[0]


def test_eager_custom_sdk_is_imported_with_the_module(monkeypatch):
    sdk = types.ModuleType("acme_sdk")
    assert _eager_custom(monkeypatch, sdk)(api_key="k")._sdk() is sdk


def test_eager_custom_sdk_missing_still_imports_and_says_how_to_install(monkeypatch):
    from prompture.exceptions import ConfigurationError

    driver = _eager_custom(monkeypatch, None)(api_key="k")
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[scaffoldeagersdk\]"):
        driver._sdk()


def test_eager_sdk_whose_module_name_cannot_be_guessed_is_refused(tmp_path):
    spec = make_spec(compat="custom", sdk="3d-sdk>=1", lazy=False)
    with pytest.raises(InvalidInput, match="--eager: .*'3d_sdk'.*use --lazy"):
        render.render_new_files(spec, make_layout(tmp_path))
    assert render.render_new_files(dataclasses.replace(spec, lazy=True), make_layout(tmp_path))
