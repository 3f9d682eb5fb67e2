"""Claude driver: Anthropic's Messages API through the official `anthropic` SDK.

API key: CLAUDE_API_KEY or ANTHROPIC_API_KEY.
Base URL: CLAUDE_ENDPOINT, else the default below (the SDK appends ``/v1/messages``).
SDK: ``pip install prompture[claude]`` (imported on first use).
Prices and capabilities: models.dev ("anthropic") and infra/rates/claude.json.
"""

from __future__ import annotations

from .anthropic_messages import AnthropicMessagesDriver


class ClaudeDriver(AnthropicMessagesDriver):
    """Claude over the Messages API.

    A JSON schema goes out as structured output (``output_config.format``) to the models that
    have it, else as a forced tool; JSON without a schema (Claude has no JSON mode) is asked
    for in the system prompt. Thinking is
    asked for with ``options["thinking"]`` (a token budget, True for adaptive thinking, or
    Anthropic's own ``thinking`` object) and comes back as ``meta["reasoning_content"]``.
    ``temperature`` is not sent: the API version the SDK speaks rejects it.
    """

    provider = "claude"
    display_name = "Claude"
    api_key_env = ("CLAUDE_API_KEY", "ANTHROPIC_API_KEY")
    default_endpoint = "https://api.anthropic.com"
    default_model = "claude-opus-4-7"
    pip_extra = "claude"

    supports_json_mode = False
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
