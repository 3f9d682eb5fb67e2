"""Base URLs that are templates: ``${VAR}`` placeholders the catalogue writes into some URLs.

models.dev gives a few providers a base URL that holds a variable
(``https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1``). Such a URL
comes from the catalogue (or the facts table), never from what a user types: a typed endpoint
holding ``${`` is still refused (`spec.validate`), since python-dotenv would expand it in `.env`.

The generated driver keeps the template as its default endpoint and names, for each variable,
the settings that may hold it: the provider's own ``{PROVIDER}_...`` name first, then the
catalogue's (`variables`). The runtime base fills them in when the driver is used.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER", "TEMPLATE_URL_RE", "is_template", "own_name", "variables"]

PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
#: A URL whose only ``$`` characters open placeholders (``${`` of another shape is refused).
TEMPLATE_URL_RE = re.compile(r"https?://(?:[^\s'\"`\\$]|\$\{[A-Z][A-Z0-9_]*\})+")
#: Setting suffixes a variable must not take: the provider's key, model and endpoint fields.
_RESERVED = ("API_KEY", "MODEL", "ENDPOINT")


def is_template(url: str) -> bool:
    """Whether `url` holds placeholders (and nothing else that looks like one)."""
    return "${" in url and bool(TEMPLATE_URL_RE.fullmatch(url))


def own_name(provider: str, var: str) -> str:
    """The provider's own name for catalogue variable `var`: ``{PROVIDER}_`` and what is left
    of `var` once the words it shares with the provider are dropped from its front
    (``cloudflare_workers_ai`` + ``CLOUDFLARE_ACCOUNT_ID`` gives
    ``CLOUDFLARE_WORKERS_AI_ACCOUNT_ID``; ``databricks`` + ``DATABRICKS_HOST`` gives
    ``DATABRICKS_HOST``; ``cloudflare_ai_gateway`` + ``CLOUDFLARE_GATEWAY_ID`` gives
    ``CLOUDFLARE_AI_GATEWAY_ID``)."""
    head, words = provider.upper().split("_"), var.split("_")
    while len(words) > 1 and words[0] in head:
        words = words[1:]
    name = "_".join([*head, *words])
    return f"{name}_VALUE" if name.endswith(_RESERVED) else name


def variables(provider: str, url: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``((VAR, (own name, VAR)), ...)`` for each placeholder of `url`, in order (the own name
    alone when it is ``VAR``)."""
    found = dict.fromkeys(PLACEHOLDER.findall(url))
    pairs = []
    for var in found:
        own = own_name(provider, var)
        pairs.append((var, (own,) if own == var else (own, var)))
    return tuple(pairs)
