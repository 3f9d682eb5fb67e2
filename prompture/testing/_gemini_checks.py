"""What Gemini's ``generateContent`` rejects, checked the way Google's front end does.

Google parses request bodies strictly: an unknown field anywhere is a 400 (``Unknown name
"additionalProperties" at 'generation_config.response_schema': Cannot find field.``), a part
must hold exactly one kind of data, function responses must answer the function-call turn
right before them, and schema types must be Gemini's ``Type`` names. Drivers that build an
invalid body fail here as they would against the real API. Field names are accepted in
lowerCamelCase and snake_case, as Google's JSON parser does.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ._gemini_format import contents, function_calls, function_responses, get, parts, snake


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_TOP = _names(
    "contents systemInstruction generationConfig tools toolConfig safetySettings "
    "cachedContent labels serviceTier store model"
)
_GENERATION = _names(
    "temperature topP topK candidateCount maxOutputTokens stopSequences responseMimeType "
    "responseSchema responseJsonSchema presencePenalty frequencyPenalty seed "
    "responseLogprobs logprobs responseModalities thinkingConfig speechConfig "
    "mediaResolution enableEnhancedCivicAnswers imageConfig audioTimestamp"
)
_THINKING = _names("includeThoughts thinkingBudget thinkingLevel")
_CONTENT = _names("role parts")
_PART = _names(
    "text inlineData fileData functionCall functionResponse executableCode "
    "codeExecutionResult thought thoughtSignature videoMetadata partMetadata "
    "mediaResolution"
)
#: The part fields of which exactly one must be set (Gemini's ``data`` oneof).
_PART_DATA = (
    "text inlineData fileData functionCall functionResponse executableCode codeExecutionResult"
).split()
_BLOB = _names("mimeType data")
_FILE_DATA = _names("mimeType fileUri")
_FUNCTION_CALL = _names("id name args")
_FUNCTION_RESPONSE = _names("id name response parts willContinue scheduling")
_TOOL = _names(
    "functionDeclarations googleSearch googleSearchRetrieval codeExecution urlContext "
    "fileSearch computerUse googleMaps"
)
_DECLARATION = _names(
    "name description behavior parameters parametersJsonSchema response responseJsonSchema"
)
_TOOL_CONFIG = _names("functionCallingConfig retrievalConfig")
_CALLING_CONFIG = _names("mode allowedFunctionNames")
_CALLING_MODES = _names("MODE_UNSPECIFIED AUTO ANY NONE VALIDATED")
_SCHEMA = _names(
    "type format title description nullable enum maxItems minItems properties "
    "required minProperties maxProperties minLength maxLength pattern example anyOf "
    "propertyOrdering default items minimum maximum"
)
_TYPES = _names("TYPE_UNSPECIFIED STRING NUMBER INTEGER BOOLEAN ARRAY OBJECT NULL")
_ROLES = _names("user model function")
_FUNCTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$")
_JSON_MIME_TYPES = ("application/json", "text/x.enum")


class RequestError(ValueError):
    """A request Gemini would answer with ``400 INVALID_ARGUMENT``; the message is Google's."""


def check_request(body: Any) -> None:
    """Raise `RequestError` for a ``generateContent`` body the real API would reject."""
    if not isinstance(body, dict):
        raise RequestError("Invalid JSON payload received. Expected an object.")
    _known(body, _TOP, "")
    history = contents(body)
    if not history:
        raise RequestError("* GenerateContentRequest.contents: contents is not specified")
    for index, content in enumerate(get(body, "contents")):
        _check_content(content, f"contents[{index}]")
    _check_turn_order(history)
    if get(body, "systemInstruction") is not None:
        _check_content(get(body, "systemInstruction"), "system_instruction", role_needed=False)
    _check_generation_config(get(body, "generationConfig"))
    for index, tool in enumerate(get(body, "tools") or []):
        _check_tool(tool, f"tools[{index}]")
    _check_tool_config(get(body, "toolConfig"))


def _known(obj: Any, fields: set[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise RequestError(f"Invalid JSON payload received. Expected an object at '{where}'.")
    accepted = fields | {snake(name) for name in fields}
    for name in obj:
        if name not in accepted:
            at = f" at '{where}'" if where else ""
            raise RequestError(
                f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.'
            )


def _check_content(content: Any, where: str, *, role_needed: bool = True) -> None:
    _known(content, _CONTENT, where)
    role = get(content, "role")
    if role_needed and role is not None and role not in _ROLES:
        raise RequestError("Please use a valid role: user, model.")
    if not parts(content):
        message = f"* GenerateContentRequest.{where}.parts: contents.parts must not be empty."
        raise RequestError(message)
    for index, part in enumerate(get(content, "parts")):
        _check_part(part, f"{where}.parts[{index}]")


def _check_part(part: Any, where: str) -> None:
    _known(part, _PART, where)
    present = [name for name in _PART_DATA if get(part, name) is not None]
    if len(present) != 1:
        raise RequestError(
            f"* GenerateContentRequest.{where}.data: required oneof field 'data' must have one "
            "initialized field"
        )
    if get(part, "inlineData") is not None:
        blob = get(part, "inlineData")
        _known(blob, _BLOB, f"{where}.inline_data")
        _check_base64(get(blob, "data"), f"{where}.inline_data.data")
    if get(part, "fileData") is not None:
        _known(get(part, "fileData"), _FILE_DATA, f"{where}.file_data")
    if get(part, "thoughtSignature") is not None:
        _check_base64(get(part, "thoughtSignature"), f"{where}.thought_signature")
    if get(part, "functionCall") is not None:
        call = get(part, "functionCall")
        _known(call, _FUNCTION_CALL, f"{where}.function_call")
        _check_name(get(call, "name"), f"{where}.function_call.name")
    if get(part, "functionResponse") is not None:
        response = get(part, "functionResponse")
        _known(response, _FUNCTION_RESPONSE, f"{where}.function_response")
        _check_name(get(response, "name"), f"{where}.function_response.name")
        if not isinstance(get(response, "response", {}), dict):
            raise RequestError(
                f"Invalid value at '{where}.function_response.response' "
                "(type.googleapis.com/google.protobuf.Struct): a JSON object is required"
            )


def _check_base64(value: Any, where: str) -> None:
    try:
        text = str(value).replace("-", "+").replace("_", "/")
        base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        message = f"Invalid value at '{where}' (TYPE_BYTES), Base64 decoding failed"
        raise RequestError(message) from None


def _check_name(name: Any, where: str) -> None:
    if not isinstance(name, str) or not _FUNCTION_NAME.match(name):
        raise RequestError(
            f"* GenerateContentRequest.{where}: Invalid function name. Must start with a letter "
            "or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), "
            "colons (:), or dashes (-), with a maximum length of 64."
        )


def _check_turn_order(history: list[dict[str, Any]]) -> None:
    """Function responses answer the function-call turn right before them, one for one."""
    for index, content in enumerate(history):
        responses = function_responses(content)
        if not responses:
            continue
        previous = function_calls(history[index - 1]) if index else []
        if not previous:
            raise RequestError(
                "Please ensure that function response turn comes immediately after a function "
                "call turn."
            )
        if sorted(get(r, "name") for r in responses) != sorted(get(c, "name") for c in previous):
            raise RequestError(
                "Please ensure that the number of function response parts is equal to the "
                "number of function call parts of the function call turn."
            )


def _check_generation_config(config: Any) -> None:
    if config is None:
        return
    _known(config, _GENERATION, "generation_config")
    if get(config, "thinkingConfig") is not None:
        _known(get(config, "thinkingConfig"), _THINKING, "generation_config.thinking_config")
    schema, json_schema = get(config, "responseSchema"), get(config, "responseJsonSchema")
    if schema is not None and json_schema is not None:
        raise RequestError("response_schema and response_json_schema cannot both be set.")
    if (schema is not None or json_schema is not None) and get(
        config, "responseMimeType"
    ) not in _JSON_MIME_TYPES:
        raise RequestError(
            "* GenerateContentRequest.generation_config.response_mime_type: a response schema "
            "requires response_mime_type to be one of: application/json, text/x.enum."
        )
    if schema is not None:
        check_schema(schema, "generation_config.response_schema")


def check_schema(schema: Any, where: str) -> None:
    """A Gemini ``Schema`` (the OpenAPI subset): known keywords and ``Type`` names only."""
    _known(schema, _SCHEMA, where)
    kind = get(schema, "type")
    if kind is not None and (not isinstance(kind, str) or kind.upper() not in _TYPES):
        raise RequestError(
            f"Invalid value at '{where}.type' (type.googleapis.com/google.ai.generativelanguage."
            f"v1beta.Type), {kind!r}"
        )
    for name, sub in (get(schema, "properties") or {}).items():
        check_schema(sub, f"{where}.properties[{name}].value")
    if get(schema, "items") is not None:
        check_schema(get(schema, "items"), f"{where}.items")
    for index, sub in enumerate(get(schema, "anyOf") or []):
        check_schema(sub, f"{where}.any_of[{index}]")


def _check_tool(tool: Any, where: str) -> None:
    _known(tool, _TOOL, where)
    for index, declaration in enumerate(get(tool, "functionDeclarations") or []):
        at = f"{where}.function_declarations[{index}]"
        _known(declaration, _DECLARATION, at)
        _check_name(get(declaration, "name"), f"{at}.name")
        if get(declaration, "parameters") is not None:
            if get(declaration, "parametersJsonSchema") is not None:
                raise RequestError(f"{at}: parameters and parameters_json_schema are exclusive.")
            check_schema(get(declaration, "parameters"), f"{at}.parameters")


def _check_tool_config(config: Any) -> None:
    if config is None:
        return
    _known(config, _TOOL_CONFIG, "tool_config")
    calling = get(config, "functionCallingConfig")
    if calling is None:
        return
    _known(calling, _CALLING_CONFIG, "tool_config.function_calling_config")
    mode = get(calling, "mode")
    if mode is not None and str(mode).upper() not in _CALLING_MODES:
        raise RequestError(
            "Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/"
            f"google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), {mode!r}"
        )
