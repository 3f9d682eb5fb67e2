"""prompture-scaffold: add an LLM provider to a Prompture checkout with one command."""

__version__ = "0.1.0"
