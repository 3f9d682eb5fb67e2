"""`BedrockServer`: a real HTTP server on 127.0.0.1 speaking Amazon Bedrock's Converse API.

    with BedrockServer() as server:
        client = boto3.client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=server.url,
            aws_access_key_id=server.access_key_id, aws_secret_access_key=server.secret_key,
        )
        client.converse(modelId="amazon.nova-lite-v1:0", messages=[...])

Routes: ``POST /model/{modelId}/converse`` (JSON), ``POST /model/{modelId}/converse-stream``
(AWS event-stream frames, see `prompture.drivers._eventstream`) and, as the control plane,
``GET /foundation-models``. A request carries either the Bedrock API key as a Bearer token
(`api_key`) or a SigV4 signature, verified with `access_key_id`/`secret_key` for `region` and
the ``bedrock`` service. As AWS does, bad credentials are 403s (``Authentication failed`` for a
key, ``UnrecognizedClientException``/``InvalidSignatureException`` for signatures) and invalid
bodies 400 ``ValidationException`` with ``{"message"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from ..drivers._eventstream import encode_message
from . import _openai_format as fmt
from ._openai_format import ChatScripted
from ._server import LocalServer, RecordedRequest, Reply
from ._wire_probe import WireProbe

__all__ = ["BedrockServer", "BedrockWire"]

_CONVERSE = re.compile(r"^/model/([^/]+)/(converse|converse-stream)$")
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
    r"SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$"
)
STOP_REASONS = {"content_filter": "content_filtered"}
REQUEST_FIELDS = frozenset(
    "messages system inferenceConfig toolConfig guardrailConfig additionalModelRequestFields "
    "promptVariables additionalModelResponseFieldPaths requestMetadata performanceConfig "
    "serviceTier outputConfig".split()
)
BLOCK_KINDS = frozenset(
    "text image document video audio toolUse toolResult guardContent cachePoint "
    "reasoningContent citationsContent searchResult".split()
)
INFERENCE_FIELDS = frozenset({"maxTokens", "temperature", "topP", "stopSequences"})


class BedrockServer(ChatScripted, LocalServer):
    """A local Bedrock runtime with scripted replies (the `OpenAICompatServer` API).

    Scripted answers (`script`): `reasoning` becomes a ``reasoningContent`` block.
    """

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
        access_key_id: str = "AKIDTESTPROMPTURE",
        secret_key: str = "test-secret-key",
        region: str = "us-east-1",
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.models = tuple(models)
        self.access_key_id = access_key_id
        self.secret_key = secret_key
        self.region = region
        self._responses = 0
        self._calls = 0

    def _reset_state(self) -> None:
        self._responses = 0
        self._calls = 0

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        return {"message": message, **fields}

    def _error(self, status: int, kind: str, message: str) -> Reply:
        return Reply.of_json(status, {"message": message}, {"x-amzn-ErrorType": f"{kind}:"})

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            if self.api_key is None or hmac.compare_digest(
                auth.removeprefix("Bearer ").encode(), self.api_key.encode()
            ):
                return None
            message = "Authentication failed: Please make sure your API Key is valid."
            return Reply.of_json(403, {"Message": message})
        if auth.startswith("AWS4-HMAC-SHA256 "):
            return self._check_signature(request, auth)
        if self.api_key is None:
            return None
        return self._error(
            403, "MissingAuthenticationTokenException", "Missing Authentication Token"
        )

    def _check_signature(self, request: RecordedRequest, auth: str) -> Reply | None:
        match = _AUTHORIZATION.match(auth)
        if not match:
            return self._error(
                400, "IncompleteSignatureException", "Malformed Authorization header"
            )
        key_id, day, region, service, signed, signature = match.groups()
        if key_id != self.access_key_id:
            message = "The security token included in the request is invalid."
            return self._error(403, "UnrecognizedClientException", message)
        expected = sigv4_signature(request, self.secret_key, day, region, service, signed)
        scope_ok = region == self.region and service == "bedrock"
        if scope_ok and hmac.compare_digest(expected, signature):
            return None
        message = (
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method."
        )
        return self._error(403, "InvalidSignatureException", message)

    def _route(self, request: RecordedRequest) -> Reply:
        if request.method == "GET" and request.path.rstrip("/") == "/foundation-models":
            return Reply.of_json(200, {"modelSummaries": [_summary(m) for m in self.models]})
        match = _CONVERSE.match(request.path)
        if request.method != "POST" or not match:
            message = f"Unknown request URL: {request.method} {request.path}"
            return self._error(404, "UnknownOperationException", message)
        problem = request_problem(request.body)
        if problem:
            return self._error(400, "ValidationException", problem)
        reply = self._pop_script() or fmt.default_reply(as_openai_body(request.body))
        answer = self._converse_answer(request.body, reply)
        if match.group(2) == "converse-stream":
            frames = stream_frames(answer)
            return Reply(200, b"", content_type="application/vnd.amazon.eventstream", parts=frames)
        keys = ("stopReason", "usage", "metrics")
        body = {"output": {"message": answer["message"]}, **{k: answer[k] for k in keys}}
        return Reply.of_json(200, body)

    def _converse_answer(self, body: dict[str, Any], reply: fmt.ChatReply) -> dict[str, Any]:
        with self._lock:
            self._responses += 1
            first = self._calls + 1
            self._calls += len(reply.tool_calls)
        calls = [
            fmt.tool_call_object(f"tooluse_{first + i}", c) for i, c in enumerate(reply.tool_calls)
        ]
        counted = fmt.usage_for(as_openai_body(body), reply, calls)
        usage = {
            "inputTokens": counted["prompt_tokens"],
            "outputTokens": counted["completion_tokens"],
            "totalTokens": counted["total_tokens"],
        }
        content: list[dict[str, Any]] = []
        if reply.reasoning:
            text = {"text": reply.reasoning, "signature": "sig-test"}
            content.append({"reasoningContent": {"reasoningText": text}})
        if reply.text:
            content.append({"text": reply.text})
        for call in calls:
            function = call["function"]
            use = {"toolUseId": call["id"], "name": function["name"]}
            content.append({"toolUse": {**use, "input": json.loads(function["arguments"])}})
        stop = reply.finish_reason or ("tool_use" if calls else "end_turn")
        return {
            "message": {"role": "assistant", "content": content},
            "stopReason": STOP_REASONS.get(stop, stop),
            "usage": usage,
            "metrics": {"latencyMs": 1},
            "chunks": reply.chunks,
        }


def sigv4_signature(
    request: RecordedRequest, secret: str, day: str, region: str, service: str, signed: str
) -> str:
    """The SigV4 signature AWS computes for `request` (the signing process, step by step)."""
    headers = "".join(
        f"{name}:{' '.join(request.headers.get(name, '').split())}\n" for name in signed.split(";")
    )
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
        for k, v in sorted(parse_qsl(request.query, keep_blank_values=True))
    )
    payload_hash = (
        request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.raw).hexdigest()
    )
    canonical = "\n".join(
        [request.method, quote(request.path, safe="/~"), query, headers, signed, payload_hash]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            request.headers.get("x-amz-date", ""),
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def request_problem(body: Any) -> str | None:
    """Why Bedrock would refuse this Converse body, or None."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object."
    unknown = sorted(set(body) - REQUEST_FIELDS)
    if unknown:
        return f"Unknown parameter in input: {unknown[0]!r}"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "A conversation must start with a user message."
    if set(body.get("inferenceConfig") or {}) - INFERENCE_FIELDS:
        return "Unknown parameter in inferenceConfig."
    used: set[str] = set()
    for number, message in enumerate(messages):
        problem = _message_problem(message, number, used, "toolConfig" in body)
        if problem:
            return problem
    return None


def _message_problem(message: Any, number: int, used: set[str], has_tools: bool) -> str | None:
    expected = "user" if number % 2 == 0 else "assistant"
    if not isinstance(message, dict) or message.get("role") != expected:
        return "A conversation must alternate between user and assistant roles."
    content = message.get("content")
    if not isinstance(content, list) or not content:
        return f"messages.{number}.content must be a non-empty list."
    for block in content:
        if not isinstance(block, dict) or len(block) != 1 or not set(block) <= BLOCK_KINDS:
            return f"messages.{number}: each content block must have exactly one known member."
        if block.get("text") == "":
            return "The text field in the ContentBlock object is blank."
        if ("toolUse" in block or "toolResult" in block) and not has_tools:
            return "The toolConfig field must be defined when using toolUse and toolResult."
        if "toolUse" in block:
            used.add(block["toolUse"].get("toolUseId"))
        if "toolResult" in block and block["toolResult"].get("toolUseId") not in used:
            return "The toolResult blocks must answer toolUse blocks of the previous turn."
    return None


def as_openai_body(body: dict[str, Any]) -> dict[str, Any]:
    """The request as the OpenAI server helpers read it (default answers, word counts)."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": s.get("text", "")} for s in body.get("system") or []
    ]
    for message in body.get("messages") or []:
        texts = [b["text"] for b in message.get("content") or [] if "text" in b]
        if texts:
            messages.append({"role": message.get("role"), "content": " ".join(texts)})
        for block in message.get("content") or []:
            if "toolResult" in block:
                result = block["toolResult"].get("content") or []
                text = " ".join(part.get("text", "") for part in result)
                messages.append({"role": "tool", "content": text})
    tools = [
        {
            "type": "function",
            "function": {
                "name": t["toolSpec"]["name"],
                "parameters": t["toolSpec"]["inputSchema"]["json"],
            },
        }
        for t in (body.get("toolConfig") or {}).get("tools") or []
    ]
    structure = ((body.get("outputConfig") or {}).get("textFormat") or {}).get("structure") or {}
    schema = (structure.get("jsonSchema") or {}).get("schema")
    response_format = (
        {"type": "json_schema", "json_schema": {"schema": json.loads(schema)}} if schema else None
    )
    return {"messages": messages, "tools": tools, "response_format": response_format}


def stream_frames(answer: dict[str, Any]) -> tuple[bytes, ...]:
    """The event-stream frames of a streamed answer."""
    events: list[tuple[str, dict[str, Any]]] = [("messageStart", {"role": "assistant"})]
    for index, block in enumerate(answer["message"]["content"]):
        if "toolUse" in block:
            use = block["toolUse"]
            start = {"toolUse": {"toolUseId": use["toolUseId"], "name": use["name"]}}
            events.append(("contentBlockStart", {"contentBlockIndex": index, "start": start}))
            deltas = [{"toolUse": {"input": json.dumps(use["input"])}}]
        elif "reasoningContent" in block:
            text = block["reasoningContent"]["reasoningText"]["text"]
            deltas = [{"reasoningContent": {"text": p}} for p in fmt.split_text(text, None)]
        else:
            deltas = [{"text": p} for p in fmt.split_text(block["text"], answer["chunks"])]
        events += [("contentBlockDelta", {"contentBlockIndex": index, "delta": d}) for d in deltas]
        events.append(("contentBlockStop", {"contentBlockIndex": index}))
    events.append(("messageStop", {"stopReason": answer["stopReason"]}))
    events.append(("metadata", {"usage": answer["usage"], "metrics": answer["metrics"]}))
    return tuple(event_frame(kind, payload) for kind, payload in events)


def event_frame(kind: str, payload: dict[str, Any]) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, json.dumps(payload).encode())


def exception_frame(kind: str, message: str) -> bytes:
    """An exception frame (``throttlingException``...) as sent in the middle of a stream."""
    headers = {
        ":exception-type": kind,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, json.dumps({"message": message}).encode())


def _summary(model: str) -> dict[str, Any]:
    return {
        "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model}",
        "modelId": model,
        "modelName": model,
        "providerName": "Prompture",
        "inputModalities": ["TEXT"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "inferenceTypesSupported": ["ON_DEMAND"],
    }


class BedrockWire(WireProbe):
    """Probe for Converse: the Bearer key, the model from the URL, blocks read as text."""

    strict_schema = True

    def api_key(self, req: RecordedRequest) -> str | None:
        value = req.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None

    def _body(self, req: RecordedRequest) -> dict[str, Any]:
        return req.body if isinstance(req.body, dict) else {}

    def _blocks(self, req: RecordedRequest, role: str | None = None) -> list[dict[str, Any]]:
        return [
            block
            for m in self._body(req).get("messages") or []
            if role is None or m.get("role") == role
            for block in m.get("content") or []
        ]

    def model(self, req: RecordedRequest) -> str:
        match = _CONVERSE.match(req.path)
        return unquote(match.group(1)) if match else ""

    def system(self, req: RecordedRequest) -> str:
        return "\n".join(s.get("text", "") for s in self._body(req).get("system") or [])

    def texts(self, req: RecordedRequest) -> str:
        turns = [b["text"] for b in self._blocks(req) if "text" in b]
        return "\n".join(t for t in [self.system(req), *turns] if t)

    def json_mode(self, req: RecordedRequest) -> bool:
        return self.schema(req) is not None

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        structure = as_openai_body(self._body(req))["response_format"]
        return structure["json_schema"]["schema"] if structure else None

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        specs = [
            t["toolSpec"] for t in (self._body(req).get("toolConfig") or {}).get("tools") or []
        ]
        return [
            {
                "name": s["name"],
                "description": s.get("description"),
                "parameters": s["inputSchema"]["json"],
            }
            for s in specs
        ]

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return [
            b["toolUse"].get("name", "") for b in self._blocks(req, "assistant") if "toolUse" in b
        ]

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return [b["toolUse"].get("input") for b in self._blocks(req, "assistant") if "toolUse" in b]

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return [
            " ".join(part.get("text", "") for part in b["toolResult"].get("content") or [])
            for b in self._blocks(req, "user")
            if "toolResult" in b
        ]

    def has_image(self, req: RecordedRequest) -> bool:
        return any("image" in b for b in self._blocks(req))

    def is_stream(self, req: RecordedRequest) -> bool:
        return req.path.endswith("/converse-stream")

    def temperature(self, req: RecordedRequest) -> float | None:
        return (self._body(req).get("inferenceConfig") or {}).get("temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return (self._body(req).get("inferenceConfig") or {}).get("maxTokens")
