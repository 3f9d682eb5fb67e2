"""Local wire-format servers and the driver contract suite.

Each server (`OpenAICompatServer`, `AnthropicServer`, ...) is a real HTTP server on 127.0.0.1
speaking one provider wire format; it records every request (`RecordedRequest`) and answers
from scripted replies or sensible defaults. `StandInModelServer` is no server: it stands in for
the local model an AirLLM driver loads, with the same scripting and recording API. A
`WireProbe` reads what a server received (`OpenAIWire` for chat completions, `AnthropicWire`
for Messages, `AirLLMWire` for the stand-in model). `DriverContract` is a pytest mixin running
any driver, sync and async, against its wire's server; `OpenAICompatibleContract`,
`AnthropicContract`, `LocalModelContract`... are that mixin on one wire. Only the standard
library is imported here; the contract suite (which needs pytest) loads on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._anthropic_probe import AnthropicWire
from ._gemini_probe import GeminiWire
from ._ollama_probe import OllamaWire
from ._server import RecordedRequest
from ._wire_probe import OpenAIWire, WireProbe
from .anthropic_server import AnthropicServer
from .azure_server import AzureOpenAIServer, AzureOpenAIWire
from .bedrock_server import BedrockServer, BedrockWire
from .cohere_server import CohereServer, CohereWire
from .gemini_server import GeminiServer
from .groq_server import GroqServer
from .local_model import AirLLMWire, StandInModelServer
from .ollama_server import OllamaServer
from .openai_server import OpenAICompatServer
from .responses_server import PerplexityAgentServer, ResponsesServer, ResponsesWire
from .vertex_server import (
    VertexAnthropicServer,
    VertexAnthropicWire,
    VertexGeminiServer,
    VertexGeminiWire,
)

if TYPE_CHECKING:
    from .azure_contract import AzureOpenAIContract
    from .bedrock_contract import BedrockContract
    from .cohere_contract import CohereContract
    from .contract import AnthropicContract, DriverContract, OpenAICompatibleContract
    from .gemini_contract import GeminiContract
    from .local_model_contract import LocalModelContract
    from .ollama_contract import OllamaContract
    from .responses_contract import PerplexityAgentContract, ResponsesContract
    from .vertex_contract import VertexAnthropicContract, VertexGeminiContract

__all__ = [
    "AirLLMWire",
    "AnthropicContract",
    "AnthropicServer",
    "AnthropicWire",
    "AzureOpenAIContract",
    "AzureOpenAIServer",
    "AzureOpenAIWire",
    "BedrockContract",
    "BedrockServer",
    "BedrockWire",
    "CohereContract",
    "CohereServer",
    "CohereWire",
    "DriverContract",
    "GeminiContract",
    "GeminiServer",
    "GeminiWire",
    "GroqServer",
    "LocalModelContract",
    "OllamaContract",
    "OllamaServer",
    "OllamaWire",
    "OpenAICompatServer",
    "OpenAICompatibleContract",
    "OpenAIWire",
    "PerplexityAgentContract",
    "PerplexityAgentServer",
    "RecordedRequest",
    "ResponsesContract",
    "ResponsesServer",
    "ResponsesWire",
    "StandInModelServer",
    "VertexAnthropicContract",
    "VertexAnthropicServer",
    "VertexAnthropicWire",
    "VertexGeminiContract",
    "VertexGeminiServer",
    "VertexGeminiWire",
    "WireProbe",
]

#: Contract mixins, served lazily from their modules (importing them imports pytest).
_CONTRACT_MODULES = {
    "AnthropicContract": "contract",
    "AzureOpenAIContract": "azure_contract",
    "BedrockContract": "bedrock_contract",
    "CohereContract": "cohere_contract",
    "DriverContract": "contract",
    "OpenAICompatibleContract": "contract",
    "GeminiContract": "gemini_contract",
    "LocalModelContract": "local_model_contract",
    "OllamaContract": "ollama_contract",
    "PerplexityAgentContract": "responses_contract",
    "ResponsesContract": "responses_contract",
    "VertexAnthropicContract": "vertex_contract",
    "VertexGeminiContract": "vertex_contract",
}


def __getattr__(name: str) -> Any:
    if name in _CONTRACT_MODULES:
        from importlib import import_module

        return getattr(import_module(f".{_CONTRACT_MODULES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
