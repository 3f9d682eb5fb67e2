"""What to do after `add-driver` wrote a driver: the variables to set, the test to run, and
the one command that proves it all (`--verify`).

The `--verify` command is the shortest `add-driver` command line that rebuilds the same spec
(`command_for`): the provider, its catalogue id, and a flag for each answer that differs from
what those two alone would give. Run on the written checkout it changes nothing and checks.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any


def _rebuilt(spec, answers: dict[str, Any]):
    from ..errors import InvalidInput
    from ..spec.build import Request, build_spec

    def fill(missing, given):  # a required value no default gives is a flag to add
        answers.update({name: getattr(spec, name) for name in missing})
        return {**given, **answers}

    request = Request(
        provider=spec.provider,
        answers=answers,
        from_models_dev=spec.models_dev_name,
        no_models_dev=not spec.models_dev_name,
    )
    try:
        return build_spec(request, existing={spec.provider}, ask_missing=fill)
    except InvalidInput:
        return None


def command_for(spec) -> list[str] | None:
    """`add-driver` arguments that rebuild `spec`; None when a value has no flag."""
    answers: dict[str, Any] = {}
    for _ in range(3):  # a flag can change what others derive to: settle in a few rounds
        rebuilt = _rebuilt(spec, answers)
        if rebuilt is None:
            return None
        differ = {
            name: getattr(spec, name)
            for name in spec.to_dict()
            if getattr(rebuilt, name) != getattr(spec, name)
        }
        if not differ:
            return ["add-driver", spec.provider, *_source(spec), *_flags(answers)]
        if "extra_api_key_envs" in differ or "provider" in differ:
            return None
        answers.update(differ)
    return None


def _source(spec) -> list[str]:
    if spec.models_dev_name:
        return ["--from-models-dev", spec.models_dev_name]
    return ["--no-models-dev"]


def _flags(answers: dict[str, Any]) -> list[str]:
    """Each answer as its field's flag (``--lazy``/``--eager``, ``--class-name X``)."""
    from ..spec.driver_spec import FIELD

    flags: list[str] = []
    for name, value in answers.items():
        field = FIELD[name]
        if field.is_bool:
            on, off = field.flag.split("/")
            flags.append(on if value else off)
        elif value is not None:
            flags += [field.flag, str(value)]
    return flags


def steps(spec, plan, root: Path, *, verified: bool) -> list[str]:
    """The lines of "Next steps" for the driver `spec` that `plan` just wrote under `root`."""
    out: list[str] = []
    endpoint = f"{spec.provider.upper()}_ENDPOINT"
    override = f"{endpoint} overrides {spec.endpoint}" if spec.endpoint else ""
    if spec.requires_api_key:
        out.append(f"Set {spec.api_key_env} in the environment or the checkout's .env"
                   + (f" ({override})" if override else ""))  # fmt: skip
    elif spec.endpoint:
        out.append(f"Nothing to set: no key is needed; {override} if needed")
    tests = [c.path for c in plan.changes if c.action == "create" and c.path.startswith("tests/")]
    where = "" if Path.cwd().resolve() == root else f"cd {shlex.quote(str(root))} && "
    for path in tests:
        out.append(f"Run the generated tests: {where}python -m pytest {path}")
    if not verified:
        args = command_for(spec)
        if args is not None:
            repo = [] if not where else ["--repo", str(root)]
            line = shlex.join(["prompture", *args, *repo, "--yes", "--verify"])
            out.append(f"Prove import, registry, discovery and tests in one go: {line}")
        else:
            out.append("Prove it works: run this add-driver command again with --verify")
    return out
