"""What `--help` shows beyond the options: each command's examples, and the `-h` alias.

The examples live here, one list per command, so `tests/scaffold/test_cli_help.py` can parse
every one of them against the real command and a renamed flag cannot leave a stale example.
"""

from __future__ import annotations

#: `-h` works wherever `--help` does (Click hands these names down to every subcommand).
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

#: Command name -> (what the example does, the arguments after `prompture`).
EXAMPLES: dict[str, tuple[tuple[str, str], ...]] = {
    "add-driver": (
        ("the wizard (on a terminal)", "add-driver"),
        ("everything from the catalogue", "add-driver deepseek --from-models-dev deepseek --yes"),
        (
            "preview a custom provider",
            "add-driver acme --compat openai --endpoint https://api.acme.example/v1 "
            "--default-model acme-1 --no-models-dev --dry-run",
        ),
        ("write, then prove it works", "add-driver --from-models-dev deepseek --yes --verify"),
        ("replay saved answers in CI", "add-driver --spec acme.toml --yes"),
    ),
    "remove-driver": (
        ("preview the removal", "remove-driver acme --dry-run"),
        ("remove without asking", "remove-driver acme --yes"),
    ),
    "check-drivers": (
        ("check every driver (exit 1 on a gap)", "check-drivers"),
        ("repair what it reports: show the diff, then write", "check-drivers --fix"),
        ("only show the repair", "check-drivers --fix --dry-run"),
        ("the same for a script", "check-drivers --json"),
    ),
    "providers": (
        ("search the catalogue", "providers deep"),
        ("every provider, as JSON", "providers --json"),
    ),
}


def _shell_lines(args: str, width: int = 72) -> str:
    """`$ prompture ARGS` broken before an option with shell continuations past `width`."""
    lines, line = [], "  $ prompture"
    for word in args.split(" "):
        if len(line) + 1 + len(word) > width and word.startswith("-"):
            lines.append(line + " \\")
            line = "      " + word
        else:
            line += " " + word
    return "\n".join([*lines, line])


def epilog(command: str) -> str:
    """The `Examples:` block of `command`'s help, kept as written (Click's `\\b` marker)."""
    lines = [f"  # {what}\n{_shell_lines(args)}" for what, args in EXAMPLES[command]]
    return "\b\nExamples:\n" + "\n".join(lines)
