"""The command groups of the `prompture` CLI, one module each, joined in `cli.py`.

Modules here import only Typer at module level; each command imports its machinery (libcst,
jinja2, the catalogue, rich) when it runs, so `prompture --help` stays fast.
"""
