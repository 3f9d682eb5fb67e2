"""The Bedrock Converse base: a generated-style subclass through the contract suite on the
local Bedrock server (Bedrock API key), SigV4 signing through botocore verified by the server,
the server checked by boto3's bedrock-runtime client, and the event-stream decoder."""

from __future__ import annotations

import json

import boto3
import botocore.exceptions
import pytest

from prompture.drivers import _eventstream as es
from prompture.drivers.bedrock_converse import AsyncBedrockConverseDriver, BedrockConverseDriver
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.model_rates import PROVIDER_MAP
from prompture.testing._contract_scenarios import WEATHER_TOOL
from prompture.testing.bedrock_contract import BedrockContract
from prompture.testing.bedrock_server import BedrockServer, exception_frame


# What the scaffolder generates for Amazon Bedrock (one file each, sync and async).
class BedrockDriver(BedrockConverseDriver):
    provider = "bedrock"
    display_name = "Amazon Bedrock"
    api_key_env = ("AWS_BEARER_TOKEN_BEDROCK",)
    default_region = "us-east-1"
    default_model = "amazon.nova-lite-v1:0"
    supports_json_schema = supports_tool_use = supports_streaming = True
    supports_vision = supports_reasoning = True


class AsyncBedrockDriver(AsyncBedrockConverseDriver):
    sync_driver = BedrockDriver


AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
)


@pytest.fixture(autouse=True)
def catalogue_entry(monkeypatch):
    """The PROVIDER_MAP line the scaffolder adds; no AWS variables from the machine."""
    monkeypatch.setitem(PROVIDER_MAP, "bedrock", "amazon-bedrock")
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class TestBedrockDriver(BedrockContract):
    driver_class = BedrockDriver
    async_driver_class = AsyncBedrockDriver
    priced_model = "amazon.nova-lite-v1:0"


@pytest.fixture(scope="module")
def running_server():
    with BedrockServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


def runtime(server, secret=None):
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=secret or server.secret_key,
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )


HI = [{"role": "user", "content": [{"text": "Hi"}]}]


def test_server_speaks_converse_to_boto3(server):
    server.script("Hi from Bedrock", usage={"prompt_tokens": 4, "completion_tokens": 3})
    answer = runtime(server).converse(modelId="amazon.nova-lite-v1:0", messages=HI)
    assert answer["output"]["message"]["content"] == [{"text": "Hi from Bedrock"}]
    assert answer["stopReason"] == "end_turn"
    assert answer["usage"] == {"inputTokens": 4, "outputTokens": 3, "totalTokens": 7}
    assert server.last_request.path == "/model/amazon.nova-lite-v1%3A0/converse"

    server.script("Streamed from Bedrock", reasoning="Think.")
    stream = runtime(server).converse_stream(modelId="m", messages=HI)["stream"]
    events = list(stream)
    texts = [
        e["contentBlockDelta"]["delta"].get("text", "") for e in events if "contentBlockDelta" in e
    ]
    assert "".join(texts) == "Streamed from Bedrock"
    assert events[-2]["messageStop"]["stopReason"] == "end_turn"
    assert events[-1]["metadata"]["usage"]["outputTokens"] >= 1


def test_tool_use_round_trip_through_boto3(server):
    client = runtime(server)
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "inputSchema": {"json": WEATHER_TOOL["function"]["parameters"]},
                }
            }
        ]
    }
    first = client.converse(modelId="m", messages=HI, toolConfig=tools)
    [block] = first["output"]["message"]["content"]
    assert block["toolUse"]["input"] == {"city": "Paris"} and first["stopReason"] == "tool_use"
    result = {
        "toolResult": {"toolUseId": block["toolUse"]["toolUseId"], "content": [{"text": "18C"}]}
    }
    messages = [*HI, first["output"]["message"], {"role": "user", "content": [result]}]
    final = client.converse(modelId="m", messages=messages, toolConfig=tools)
    assert final["output"]["message"]["content"] == [{"text": "The tool said: 18C"}]


def test_server_checks_signatures_and_bodies(server):
    with pytest.raises(botocore.exceptions.ClientError) as info:
        runtime(server, secret="not-the-secret").converse(modelId="m", messages=HI)
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
    with pytest.raises(botocore.exceptions.ClientError) as info:  # roles must alternate
        runtime(server).converse(modelId="m", messages=[*HI, *HI])
    assert info.value.response["Error"]["Code"] == "ValidationException"
    listed = boto3.client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_key,
    ).list_foundation_models()
    assert [m["modelId"] for m in listed["modelSummaries"]] == ["test-model", "test-model-2"]


@pytest.mark.parametrize("driver_class", [BedrockDriver, AsyncBedrockDriver])
async def test_driver_signs_with_aws_keys(server, monkeypatch, driver_class):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", server.secret_key)
    driver = driver_class(endpoint=server.url, model="amazon.nova-lite-v1:0")
    result = driver.generate("Hi")
    result = await result if driver_class is AsyncBedrockDriver else result
    assert result["text"]
    chunks = driver.generate_messages_stream([{"role": "user", "content": "Hi"}])
    if driver_class is AsyncBedrockDriver:
        done = [c async for c in chunks][-1]
    else:
        done = list(chunks)[-1]
    assert done["type"] == "done" and done["text"]
    assert all(r.headers["authorization"].startswith("AWS4-HMAC-SHA256 ") for r in server.requests)


def test_bad_signature_is_a_401_without_the_secret(server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-value-123")
    with pytest.raises(DriverHTTPError) as info:
        BedrockDriver(endpoint=server.url).generate("Hi")
    assert (info.value.status_code, info.value.retryable) == (401, False)
    assert "wrong-secret-value-123" not in str(info.value)


def test_no_credentials_names_every_way(server):
    with pytest.raises(ConfigurationError) as info:
        BedrockDriver(endpoint=server.url).generate("Hi")
    for name in ("AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"):
        assert name in str(info.value)
    assert server.requests == []


def test_endpoint_from_region(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    assert BedrockDriver(api_key="k").endpoint == "https://bedrock-runtime.eu-west-3.amazonaws.com"


def test_exception_frame_mid_stream_is_a_driver_error(server):
    server.fail_next(200, body=exception_frame("throttlingException", "Too many tokens"))
    driver = BedrockDriver(api_key="test-key", endpoint=server.url)
    with pytest.raises(DriverHTTPError, match="throttlingException: Too many tokens"):
        list(driver.generate_messages_stream([{"role": "user", "content": "Hi"}]))


def test_stream_cut_inside_a_frame_is_malformed(server):
    frame = es.encode_message({":event-type": "messageStart", ":message-type": "event"}, b"{}")
    server.fail_next(200, body=frame + frame[:10])
    driver = BedrockDriver(api_key="test-key", endpoint=server.url)
    with pytest.raises(DriverHTTPError, match="inside a frame"):
        list(driver.generate_messages_stream([{"role": "user", "content": "Hi"}]))


def test_event_stream_decoder_takes_any_split():
    frames = [
        es.encode_message({":event-type": "contentBlockDelta"}, json.dumps({"n": i}).encode())
        for i in range(3)
    ]
    data = b"".join(frames)
    for size in (1, 7, 16, len(data)):
        decoder = es.EventStreamDecoder()
        messages = []
        for at in range(0, len(data), size):
            messages += decoder.feed(data[at : at + size])
        assert [json.loads(m.payload)["n"] for m in messages] == [0, 1, 2]
        assert messages[0].headers == {":event-type": "contentBlockDelta"}
        assert decoder.pending == 0


def test_event_stream_decoder_refuses_corruption():
    frame = bytearray(es.encode_message({"a": "b"}, b"payload"))
    frame[-6] ^= 0xFF
    with pytest.raises(es.EventStreamError, match="message CRC"):
        es.EventStreamDecoder().feed(bytes(frame))
    frame = bytearray(es.encode_message({"a": "b"}, b"payload"))
    frame[1] ^= 0xFF
    with pytest.raises(es.EventStreamError, match="prelude CRC"):
        es.EventStreamDecoder().feed(bytes(frame))


def test_unknown_profile_is_a_configuration_error(server, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_PROFILE", "nobody")
    with pytest.raises(ConfigurationError, match="AWS_PROFILE 'nobody'"):
        BedrockDriver(endpoint=server.url).generate("Hi")
    assert server.requests == []
