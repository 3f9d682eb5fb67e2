"""Azure example: two extractions with `extract_and_jsonify`.

The first uses the default instruction, the second a custom `instruction_template`; each
prints the JSON it got and the token usage.

API key: AZURE_API_KEY.
Base URL: AZURE_ENDPOINT, else the driver's default.
"""

from __future__ import annotations

import json
from typing import Any

from prompture import extract_and_jsonify

MODEL = "azure/gpt-5.5"

TEXT = (
    "Maria Garcia is a 34-year-old software engineer from Madrid. "
    "She speaks Spanish, English and German, and spends her weekends "
    "hiking in the Sierra de Guadarrama."
)
SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "profession": {"type": "string"},
        "city": {"type": "string"},
        "languages": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "age"],
}
CUSTOM_INSTRUCTION = (
    "You are a careful HR assistant. Extract the candidate's details "
    "as JSON and leave out anything the text does not state:"
)


def show(title: str, result: dict[str, Any]) -> None:
    """Print one extraction: the JSON object, then its token usage."""
    usage = result["usage"]
    print(f"=== {title} ===")
    print(json.dumps(result["json_object"], indent=2, ensure_ascii=False))
    print(
        f"tokens: {usage['prompt_tokens']} prompt"
        f" + {usage['completion_tokens']} completion"
        f" = {usage['total_tokens']}, cost: ${usage['cost']:.6f}\n",
    )


def main() -> None:
    default = extract_and_jsonify(TEXT, SCHEMA, model_name=MODEL)
    show("Default instruction", default)
    custom = extract_and_jsonify(
        TEXT,
        SCHEMA,
        model_name=MODEL,
        instruction_template=CUSTOM_INSTRUCTION,
    )
    show("Custom instruction", custom)


if __name__ == "__main__":
    main()
