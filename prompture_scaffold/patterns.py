"""The shapes of the values that become names, paths or URLs: the spec's checks, the catalogue's
sanitising and the renderer's last guard all match against these same patterns."""

import re

PROVIDER_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
CLASS_RE = re.compile(r"[A-Z][A-Za-z0-9]{0,59}")
ENV_RE = re.compile(r"[A-Z][A-Z0-9_]{0,99}")
URL_RE = re.compile(r"https?://[^\s'\"`\\]+")
MODEL_BAD_RE = re.compile(r"[\s'\"`\\]")
#: The longest model id, display name and base URL accepted.
MODEL_MAX, DISPLAY_MAX, URL_MAX = 200, 80, 500
