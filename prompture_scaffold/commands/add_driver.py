"""`prompture add-driver`: build the spec, plan every change, then preview or apply it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from . import _common, _complete, _flow, _interactive

app = typer.Typer()


def _spec_options(command: Callable[..., None]) -> Callable[..., None]:
    """`command` taking, before its own options, the provider argument and one option per
    spec field, each made from the field's declaration (flag, help, choices); Typer passes
    them into the command's ``**answers``."""
    import inspect
    import re

    from .._compat import StrEnum
    from ..spec.driver_spec import FIELDS

    fields = []
    for field in FIELDS:
        if field.name == "provider":
            info = typer.Argument(help=field.help)
            kind = str | None
        elif not field.flag:
            continue  # set only by a spec file
        elif field.is_bool:
            info, kind = typer.Option(field.flag, help=field.help, show_default=False), bool | None
        else:
            info, kind = typer.Option(field.flag, help=field.help), str | None
            if field.choices:  # an enum: Typer lists the values in --help and completes them
                members = {re.sub(r"\W", "_", value): value for value in field.choices}
                kind = StrEnum(field.name.title().replace("_", ""), members) | None
        annotation = Annotated[kind, info]
        fields.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY,
                                        default=None, annotation=annotation))  # fmt: skip
    own = inspect.signature(command, eval_str=True).parameters.values()
    params = [*fields, *(p for p in own if p.kind is not inspect.Parameter.VAR_KEYWORD)]
    command.__signature__ = inspect.Signature(params)
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


@app.command("add-driver")
@_spec_options
def add_driver(
    *,
    no_models_dev: Annotated[
        bool, typer.Option("--no-models-dev", help="No models.dev mapping.")
    ] = False,
    from_models_dev: Annotated[
        str | None,
        typer.Option(
            metavar="ID", help="Fill from models.dev.", autocompletion=_complete.catalogue_ids
        ),
    ] = None,
    spec: Annotated[Path | None, typer.Option(help="TOML answers file.")] = None,
    save_spec: Annotated[Path | None, typer.Option(help="Write the answers used.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the diff, write nothing.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never prompt.")] = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Regenerate an existing driver.")] = False,
    discard_edits: Annotated[
        bool,
        typer.Option(
            "--discard-edits",
            help="With --force, overwrite generated files even where they carry hand edits "
            "(else exit 2, showing the edits).",
        ),
    ] = False,
    repo: Annotated[Path | None, _common.repo_option("The checkout to edit.")] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Prove the driver works after writing: import, registry, discovery and the "
            "generated tests, run in the checkout's environment. Exit 1 if a check fails, "
            "could not run, or had all its tests skipped.",
        ),
    ] = False,
    python: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="Interpreter for --verify (default: the checkout's .venv or venv, else the "
            "active virtualenv, else this one).",
        ),
    ] = None,
    ask: Annotated[
        list[str] | None,
        typer.Option(metavar="FIELD", help="Ask FIELD in the wizard even when given (repeat)."),
    ] = None,
    refresh_catalogue: Annotated[
        bool, typer.Option("--refresh-catalogue", help="Fetch the live models.dev catalogue first.")
    ] = False,
    **answers: str | bool | None,
) -> None:
    """Add an LLM provider driver: generate its files and wire it in everywhere.

    On a terminal, without --yes/--no-input, a wizard asks for what is missing."""
    provider = answers.pop("provider", None)
    flags = {name: getattr(v, "value", v) for name, v in answers.items() if v is not None}
    with _common.exit_codes(as_json=json_output):
        from ..spec.build import Request

        request = Request(
            provider=provider,
            answers=flags,
            from_models_dev=from_models_dev,
            no_models_dev=no_models_dev,
            spec_file=spec,
            force=force,
        )
        ask_fields = _interactive.check_ask_fields(ask or ())
        if refresh_catalogue:
            from ..catalogue.models_dev import refresh

            refresh(_common.console(stderr=True), err_console=_common.console(stderr=True))
        interactive = _common.stdin_is_terminal() and not (yes or no_input or json_output)
        how = _flow.Outcome(
            dry_run,
            json_output,
            interactive,
            verify,
            "added",
            python=python,
            discard_edits=discard_edits,
        )
        _run(request, repo, save_spec, how, ask_fields)


def _run(request, repo: Path | None, save_spec: Path | None, how, ask_fields) -> None:
    import dataclasses
    import functools

    from ..plan.planner import plan_add
    from ..spec.build import build_spec, check_new, refuse_missing
    from ..spec.toml_file import check_save_path, save_spec_file

    layout = _common.open_layout(repo)
    existing, taken = _existing(layout), _taken(layout)
    if how.ask:  # a checkout that cannot be edited is exit 3 before the first question
        from ..plan.places import preflight

        preflight(layout)
    # The driver --force replaces, read back once per provider (the wizard may change it).
    replaced = functools.cache(lambda provider: _replacing(layout, provider, request.force))

    def make(request, ask_missing):
        notes: list[str] = []
        spec = build_spec(
            request,
            existing=existing,
            taken_classes=taken,
            own_classes=dict(layout.providers),
            ask_missing=ask_missing,
            notes=notes,
        )
        plan = plan_add(spec, layout, replacing=replaced(spec.provider))
        check_new(spec, plan, existing, request.force)
        return spec, dataclasses.replace(plan, notes=(*notes, *plan.notes))

    if how.ask:  # a terminal: the wizard answers what is missing (`ask_missing`) and confirms
        spec, plan, how = _interactive.wizard_run(
            request, make, how, existing=existing, ask_fields=ask_fields
        )
    else:
        spec, plan = make(request, refuse_missing)
    old = replaced(spec.provider)
    if old is not None:
        from ..plan.planner import hand_edits

        how = dataclasses.replace(how, edits=hand_edits(old, layout, plan))
    if save_spec is not None:  # checked now, written once the change is (or at a dry run's end)
        check_save_path(save_spec, layout.root, [c.path for c in plan.changes])
        how = dataclasses.replace(how, then=functools.partial(save_spec_file, save_spec, spec))
    _flow.finish(plan, spec, layout, how)


def _replacing(layout, provider: str, force: bool):
    """With `--force`, the spec of the driver registered as `provider` today (None if none)."""
    from ..checkout import existing_providers
    from ..spec.readback import spec_from_checkout

    if not force or provider not in existing_providers(layout):
        return None
    return spec_from_checkout(layout, provider)


def _existing(layout) -> set[str]:
    from ..checkout import existing_providers

    found = set(existing_providers(layout))
    files = (p.name for p in layout.drivers_dir.glob("*_driver.py"))
    return found | {n.removesuffix("_driver.py") for n in files if not n.startswith("async_")}


def _taken(layout) -> set[str]:
    """Driver class names the new classes must not shadow: those of the drivers package and
    those the package exports (``AsyncDriver`` itself, for `--class-name Async`)."""
    import re

    from ..checkout.read import read_text

    names: set[str] = {name for name in layout.symbols if name.endswith("Driver")}
    for module in (layout.drivers_init, Path(layout.package_dir) / "__init__.py"):
        text = read_text(module, layout.root) or ""
        names |= set(re.findall(r"\b[A-Z]\w*Driver\b", text))
    return names
