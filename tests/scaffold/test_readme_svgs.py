"""The README's pictures: `scripts/make_readme_svgs.py` still runs, records what the README
says it does, and the committed SVGs show what the tool prints today."""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_readme_svgs.py"
README = (REPO / "README.md").read_text(encoding="utf-8")
NAMES = ("dry-run", "providers", "check-drivers", "wizard")


def load_script():
    spec = importlib.util.spec_from_file_location("make_readme_svgs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


script = load_script()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, str]:
    """Every picture, made once into a tmp dir: name -> the text it shows."""
    out = tmp_path_factory.mktemp("img")
    paths = script.make_all(out)
    assert [p.name for p in paths] == [f"{name}.svg" for name in NAMES]
    return {path.stem: shown_text(path) for path in paths}


def shown_text(path: Path) -> str:
    """The text an SVG made by rich shows (tags dropped, entities and spaces decoded)."""
    svg = path.read_text(encoding="utf-8")
    body = svg[svg.index("<g transform") :]  # after the styles and the window title
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")


def test_the_pictures_are_svgs_of_the_commands(made):
    dry_run = made["dry-run"]
    assert "$ prompture add-driver acme --dry-run" in dry_run
    # The new driver whole, and the wiring lines, none cut (long lines wrap).
    assert "+class AcmeDriver(OpenAICompatibleDriver):" in dry_run
    assert "+    supports_reasoning = False" in dry_run
    assert re.search(r'\+register_driver\("acme", settings_factory\("?AcmeDriver"?\)', dry_run)
    assert "+    acme_endpoint: str = " in dry_run and "+ACME_API_KEY=" in dry_run
    assert re.search(r"ollama,\s+airllm,\s+azure,\s+cachibot,\s+acme\n", dry_run)  # wrapped
    assert "… the diff of examples/acme_example.py (not shown)" in dry_run
    assert "deepseek" in made["providers"] and "DEEPSEEK_API_KEY" in made["providers"]
    check, fix, again = made["check-drivers"].split("$ prompture ")[1:]
    assert check.startswith("check-drivers\n") and "groq: missing registry, env template" in check
    assert fix.startswith("check-drivers --fix --yes\n")
    assert '+register_driver("groq", ' in fix and "+GROQ_ENDPOINT=" in fix
    assert "fixed: 2 modified" in fix
    assert again.startswith("check-drivers\n") and "groq: missing" not in again
    rows = [line for line in again.splitlines() if line.startswith("  ")]
    assert any("groq" in row for row in rows) and not any("✗" in row for row in rows)
    wizard = made["wizard"]
    assert "? Provider: deepseek\n" in wizard and "? Write these changes? [y/n/e/q]: y\n" in wizard
    assert "created   prompture/drivers/deepseek_driver.py" in wizard


def test_the_dry_run_picture_is_the_readme_command():
    assert f"prompture {script.DRY_RUN}\n" in README


def test_the_readme_shows_every_picture():
    for name in NAMES:
        assert f"](docs/img/{name}.svg)" in README


def test_the_pictures_load_no_web_font():
    for name in NAMES:
        svg = (REPO / "docs" / "img" / f"{name}.svg").read_text(encoding="utf-8")
        assert "@font-face" not in svg and "Fira" not in svg
        assert "cdnjs" not in svg and "woff" not in svg
        assert re.search(r"font-family: [^;]*monospace;", svg)


def test_the_committed_pictures_are_up_to_date(made):
    for name, text in made.items():
        committed = REPO / "docs" / "img" / f"{name}.svg"
        assert shown_text(committed) == text, f"run `python {SCRIPT.relative_to(REPO)}`"
