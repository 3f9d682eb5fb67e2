"""Contract checks that only make sense on the OpenAI chat-completions wire.

OpenAI-compatible drivers pass conversations, tools and images through unchanged, so these
checks compare the request body with what the caller gave, exactly. Other wires translate
and are checked through their probe only (see `_contract_scenarios`).
"""

from __future__ import annotations

import copy
import json

from ._contract_scenarios import TINY_PNG, WEATHER_TOOL, Case


async def messages_sent_as_given(case: Case) -> None:
    """Conversations (tool turns and images included) go out exactly as given."""
    image = {"type": "image_url", "image_url": {"url": TINY_PNG}}
    call = {
        "id": "call_abc123",
        "type": "function",
        "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})},
    }
    messages = [
        {"role": "system", "content": "You answer in one word."},
        {"role": "user", "content": [{"type": "text", "text": "Weather here?"}, image]},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_abc123", "content": "18C and sunny"},
    ]
    await case.make().generate_messages(copy.deepcopy(messages), {})
    assert case.sent.body["messages"] == messages


async def tools_sent_as_given(case: Case) -> None:
    """Tools go out exactly as given; the server's call id comes back unchanged."""
    case.require("supports_tool_use")
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    result = await case.make().generate_messages_with_tools(messages, [WEATHER_TOOL], {})
    assert case.sent.body["tools"] == [WEATHER_TOOL]
    assert [call["id"] for call in result["tool_calls"]] == ["call_1"]


#: The OpenAI-only checks, run by `OpenAICompatibleContract` after the common ones.
SCENARIOS = (messages_sent_as_given, tools_sent_as_given)
