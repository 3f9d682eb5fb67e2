"""Claude async driver: the twin of `ClaudeDriver` over `anthropic.AsyncAnthropic`."""

from __future__ import annotations

from .anthropic_messages import AsyncAnthropicMessagesDriver
from .claude_driver import ClaudeDriver


class AsyncClaudeDriver(AsyncAnthropicMessagesDriver):
    """Async twin of `ClaudeDriver`: same key, endpoint, flags and prices."""

    sync_driver = ClaudeDriver
