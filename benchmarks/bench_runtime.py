"""Runtime speed: Prompture's drivers against the raw HTTP clients, one local server.

Prints a table of medians measured in this one run (no network: the server is on 127.0.0.1):
whole-process `import prompture` against a bare `python -c pass`; cold start in a fresh
process (`import prompture`, then `get_driver_for_model`, then the first call, cumulative); a
sync driver call vs a raw `requests.Session` post; an async
driver call vs a raw `httpx.AsyncClient` post; a 500-chunk stream vs raw `iter_lines` +
`json.loads`; async throughput at 64 and 256 concurrent requests (wall time per call) of the
plain-HTTP driver against raw httpx and of the OpenAI driver against the openai SDK;
SDK-backed drivers (OpenAI, Groq) against their official SDK called directly (rows built by
`sdk_row`, one line per provider); `extract_and_jsonify` against the bare driver call it makes
(same prompt, options and answer, from a server in a process of its own as a provider is), on
a small answer and on a 1 MB one. Targets on a 2-core
machine: import within 2x a bare interpreter, cold start (import, driver and first call)
under 60 ms, calls within 1.15x of raw (or of the SDK), streaming at 0.8x raw
speed or better (time ratio <= 1.25), extraction within 1.2x of the bare call on a small
answer and 1.5x on a 1 MB answer.

    python benchmarks/bench_runtime.py [--calls 300] [--only extraction|transport|startup]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from prompture.drivers import AsyncMoonshotDriver, MoonshotDriver
from prompture.drivers.async_openai_driver import AsyncOpenAIDriver
from prompture.drivers.groq_driver import GroqDriver
from prompture.drivers.openai_driver import OpenAIDriver
from prompture.testing import OpenAICompatServer
from prompture.testing.groq_server import GroqServer

KEY = "bench-key"
MESSAGES = [{"role": "user", "content": "Say hello."}]
STREAM_TEXT = " ".join(f"w{i}" for i in range(500))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_calls(call, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


async def atime_calls(call, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


def warm_env() -> dict[str, str]:
    """The environment of an installed package: bytecode is cached after the first run.

    (Some sandboxes set PYTHONDONTWRITEBYTECODE, which recompiles every module each time.)
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def bench_import(n: int = 15) -> tuple[float, float]:
    env = warm_env()

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - start

    run("import prompture")  # writes the bytecode cache, as a first use after install would
    bare = [run("pass") for _ in range(n)]
    full = [run("import prompture") for _ in range(n)]
    return median_ms(full), median_ms(bare)


COLD_START = """
import time
start = time.perf_counter()
import prompture
imported = time.perf_counter()
driver = prompture.get_driver_for_model("moonshot/kimi-k2-0905-preview")
built = time.perf_counter()
driver.generate_messages([{"role": "user", "content": "Say hello."}], {})
done = time.perf_counter()
print(imported - start, built - start, done - start)
"""


def bench_cold_start(n: int = 15) -> list[tuple]:
    """A fresh process each time: `import prompture`, then `get_driver_for_model` (settings
    included), then the first call to a local server, timed inside the process, cumulative."""
    with OpenAICompatServer(api_key=KEY) as server:
        env = {**warm_env(), "MOONSHOT_ENDPOINT": server.url, "MOONSHOT_API_KEY": KEY}

        def run() -> list[float]:
            out = subprocess.run(
                [sys.executable, "-c", COLD_START], check=True, env=env, capture_output=True
            )
            return [float(part) for part in out.stdout.split()]

        # Bytecode, the settings record and the per-provider catalogue copy written, as after
        # a first use (and a background catalogue refresh started once, if one is due).
        run()
        samples = [run() for _ in range(n)]
    columns = list(zip(*samples, strict=True))
    labels = ("cold: import prompture", "cold: + get_driver_for_model", "cold: + first call")
    return [
        (label, median_ms(list(column)), 0.0, "(in-process, cumulative)", "< 60 ms")
        for label, column in zip(labels, columns, strict=True)
    ]


def bench_sync(server: OpenAICompatServer, n: int) -> tuple[float, float]:
    import requests

    driver = MoonshotDriver(api_key=KEY, model="kimi-k2-0905-preview", endpoint=server.url)
    session = requests.Session()
    url, headers = server.url + "/chat/completions", {"Authorization": f"Bearer {KEY}"}
    body = {"model": "kimi-k2-0905-preview", "messages": MESSAGES}

    def raw():
        response = session.post(url, json=body, headers=headers, timeout=30)
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

    def via_driver():
        return driver.generate_messages(MESSAGES, {})

    paired_times(via_driver, raw, 20)  # warm up connections and caches
    drv_s, raw_s = paired_times(via_driver, raw, n)
    return median_ms(drv_s), median_ms(raw_s)


async def bench_async(server: OpenAICompatServer, n: int) -> tuple[float, float]:
    import httpx

    driver = AsyncMoonshotDriver(api_key=KEY, model="kimi-k2-0905-preview", endpoint=server.url)
    url, headers = server.url + "/chat/completions", {"Authorization": f"Bearer {KEY}"}
    body = {"model": "kimi-k2-0905-preview", "messages": MESSAGES}
    async with httpx.AsyncClient() as client:

        async def raw():
            response = await client.post(url, json=body, headers=headers, timeout=30)
            response.raise_for_status()
            return response.json()["choices"][0]["message"]["content"]

        async def via_driver():
            return await driver.generate_messages(MESSAGES, {})

        await apaired_times(via_driver, raw, 20)  # warm up connections and caches
        drv_s, raw_s = await apaired_times(via_driver, raw, n)
    return median_ms(drv_s), median_ms(raw_s)


def bench_stream(server: OpenAICompatServer, n: int) -> tuple[float, float]:
    import requests

    driver = MoonshotDriver(api_key=KEY, model="kimi-k2-0905-preview", endpoint=server.url)
    session = requests.Session()
    url, headers = server.url + "/chat/completions", {"Authorization": f"Bearer {KEY}"}
    body = {"model": "kimi-k2-0905-preview", "messages": MESSAGES, "stream": True}

    def raw():
        server.script(STREAM_TEXT, chunks=500)
        parts = []
        with session.post(url, json=body, headers=headers, stream=True, timeout=30) as r:
            for line in r.iter_lines():
                if line.startswith(b"data: ") and line != b"data: [DONE]":
                    chunk = json.loads(line[6:])
                    if chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
                        parts.append(chunk["choices"][0]["delta"]["content"])
        return "".join(parts)

    def via_driver():
        server.script(STREAM_TEXT, chunks=500)
        chunks = list(driver.generate_messages_stream(MESSAGES, {}))
        return chunks[-1]["text"]

    assert raw() == via_driver(), "the driver and the raw client must read the same stream"
    drv_s, raw_s = paired_times(via_driver, raw, n)
    return median_ms(drv_s), median_ms(raw_s)


def paired_times(first, second, n: int) -> tuple[list[float], list[float]]:
    """Seconds per call of `first` and `second`, alternating so load drift hits both alike."""
    a, b = [], []
    for _ in range(n):
        a.extend(time_calls(first, 1))
        b.extend(time_calls(second, 1))
    return a, b


async def apaired_times(first, second, n: int) -> tuple[list[float], list[float]]:
    """Async twin of `paired_times`."""
    a, b = [], []
    for _ in range(n):
        a.extend(await atime_calls(first, 1))
        b.extend(await atime_calls(second, 1))
    return a, b


def sdk_row(label: str, driver_call, sdk_call, sdk_name: str, n: int) -> tuple:
    """A table row: median ms of a driver call vs the same request made with the SDK directly.

    Both callables take no argument; pass coroutine functions to time async calls (they then
    run on one event loop, so per-loop clients are reused as in real use). 20 warm-up calls
    each keep client construction and first-call caches out of the figures; the timed calls
    alternate between the two.
    """
    if inspect.iscoroutinefunction(driver_call):

        async def measure() -> tuple[list[float], list[float]]:
            await apaired_times(driver_call, sdk_call, 20)
            return await apaired_times(driver_call, sdk_call, n)

        drv_s, sdk_s = asyncio.run(measure())
    else:
        paired_times(driver_call, sdk_call, 20)
        drv_s, sdk_s = paired_times(driver_call, sdk_call, n)
    return (label, median_ms(drv_s), median_ms(sdk_s), sdk_name, "<= 1.15x")


def sdk_rows(n: int) -> list[tuple]:
    """OpenAI and Groq: our SDK-backed drivers vs their SDKs, one local server each."""
    import groq
    import openai

    rows = []
    model = "gpt-4o-mini"
    with OpenAICompatServer(api_key=KEY) as server:
        driver = OpenAIDriver(api_key=KEY, model=model, endpoint=server.url)
        client = openai.OpenAI(api_key=KEY, base_url=server.url, max_retries=0)

        def openai_sdk():
            completion = client.chat.completions.create(model=model, messages=MESSAGES)
            return completion.choices[0].message.content

        def openai_driver():
            return driver.generate_messages(MESSAGES, {})["text"]

        label = "sync call (OpenAIDriver)"
        rows.append(sdk_row(label, openai_driver, openai_sdk, "openai.OpenAI", n))

        def openai_driver_per_call():  # what the registry does for every extraction
            fresh = OpenAIDriver(api_key=KEY, model=model, endpoint=server.url)
            return fresh.generate_messages(MESSAGES, {})["text"]

        label = "sync call, new OpenAIDriver each"
        rows.append(sdk_row(label, openai_driver_per_call, openai_sdk, "openai.OpenAI", n))

        async_driver = AsyncOpenAIDriver(api_key=KEY, model=model, endpoint=server.url)
        async_client = openai.AsyncOpenAI(api_key=KEY, base_url=server.url, max_retries=0)

        async def openai_async_sdk():
            completion = await async_client.chat.completions.create(model=model, messages=MESSAGES)
            return completion.choices[0].message.content

        async def openai_async_driver():
            return (await async_driver.generate_messages(MESSAGES, {}))["text"]

        label = "async call (AsyncOpenAIDriver)"
        rows.append(sdk_row(label, openai_async_driver, openai_async_sdk, "openai.AsyncOpenAI", n))

    model = "llama-3.3-70b-versatile"
    with GroqServer(api_key=KEY) as server:
        driver = GroqDriver(api_key=KEY, model=model, endpoint=server.url)
        client = groq.Groq(api_key=KEY, base_url=server.url, max_retries=0)

        def groq_sdk():
            completion = client.chat.completions.create(model=model, messages=MESSAGES)
            return completion.choices[0].message.content

        def groq_driver():
            return driver.generate_messages(MESSAGES, {})["text"]

        rows.append(sdk_row("sync call (GroqDriver)", groq_driver, groq_sdk, "groq.Groq", n))
    return rows


def claude_google_rows(n: int) -> list[tuple]:
    """Claude and Google: our SDK-backed drivers vs their SDKs, one local server each."""
    import anthropic
    from google import genai
    from google.genai import types

    from prompture.drivers import ClaudeDriver, GoogleDriver
    from prompture.testing import AnthropicServer, GeminiServer

    rows = []
    model = "claude-opus-4-7"
    with AnthropicServer(api_key=KEY) as server:
        driver = ClaudeDriver(api_key=KEY, model=model, endpoint=server.url)
        client = anthropic.Anthropic(api_key=KEY, base_url=server.url, max_retries=0)

        def claude_driver():
            return driver.generate_messages(MESSAGES, {"max_tokens": 64})["text"]

        def claude_sdk():
            return client.messages.create(model=model, max_tokens=64, messages=MESSAGES)

        rows.append(sdk_row("sync call (ClaudeDriver)", claude_driver, claude_sdk, "anthropic", n))

    model = "gemini-3.5-flash"
    with GeminiServer(api_key=KEY) as server:
        driver = GoogleDriver(api_key=KEY, model=model, endpoint=server.url)
        options = types.HttpOptions(base_url=server.url, api_version="v1beta")
        client = genai.Client(api_key=KEY, http_options=options)

        def google_driver():
            return driver.generate_messages(MESSAGES, {})["text"]

        # The same request the driver sends: it turns off the SDK's automatic function
        # calling (tools are the caller's to run) and asks a reasoning model for its thoughts.
        # A bare `contents="Say hello."` would be a smaller request, not a faster client.
        contents = [{"role": "user", "parts": [{"text": "Say hello."}]}]
        config = {
            "automatic_function_calling": {"disable": True},
            "thinking_config": {"include_thoughts": True},
        }

        def google_sdk():
            return client.models.generate_content(model=model, contents=contents, config=config)

        rows.append(
            sdk_row("sync call (GoogleDriver)", google_driver, google_sdk, "google-genai", n)
        )
    return rows


EXTRACTION_SCHEMA = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "qty": {"type": "integer"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["name", "qty"],
            },
        }
    },
    "required": ["items"],
}


def extraction_answer(items: int) -> str:
    """A JSON answer matching `EXTRACTION_SCHEMA` with `items` entries (~100 bytes each)."""
    rows = [
        {"name": f"item {i} " + "x" * 40, "qty": i, "tags": ["a", "b", "c"]} for i in range(items)
    ]
    return json.dumps({"items": rows})


#: A local server in a process of its own answering every chat completion with one text (the
#: file named by argv[1]), `argv[2]` times: as a provider is, it runs beside the client, not
#: inside it competing for the interpreter lock with the parse being measured.
_SERVER_PROCESS = """
import sys
from pathlib import Path
from prompture.testing import OpenAICompatServer
answer = Path(sys.argv[1]).read_text()
with OpenAICompatServer(api_key=sys.argv[3]) as server:
    for _ in range(int(sys.argv[2])):
        server.script(answer)
    print(server.url, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def server_process(answer: str, count: int):
    """The URL of a server process answering `count` requests with `answer`."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        file.write(answer)
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVER_PROCESS, file.name, str(count), KEY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield child.stdout.readline().strip()
    finally:
        child.stdin.close()
        child.wait(timeout=30)
        os.unlink(file.name)


def extraction_rows(n: int) -> list[tuple]:
    """`extract_and_jsonify` vs the bare driver call it makes, small and 1 MB answers.

    The driver comes from the registry and settings (MOONSHOT_ENDPOINT), as in real use; the
    bare call sends the same prompt and options (those of a first extraction, recorded by an
    in-process server) to a driver built once. Both sides are then answered with the same
    text by a server in its own process (`server_process`).
    """
    from prompture import extract_and_jsonify
    from prompture.drivers import get_driver_for_model

    rows = []
    model = "moonshot/kimi-k2-0905-preview"
    text = "Inventory: three items, each with a name, a quantity and tags."
    for label, answer, calls, target in (
        ("extract_and_jsonify, small answer", extraction_answer(3), n, "<= 1.2x"),
        ("extract_and_jsonify, 1 MB answer", extraction_answer(10_000), n // 4, "<= 1.5x"),
    ):
        with OpenAICompatServer(api_key=KEY) as recorder:
            os.environ.update(MOONSHOT_ENDPOINT=recorder.url, MOONSHOT_API_KEY=KEY)
            recorder.script(answer)
            extract_and_jsonify(text, EXTRACTION_SCHEMA, model_name=model)
            prompt, options = bare_request(recorder)
        with server_process(answer, 2 * (calls + 5) + 2) as url:
            os.environ["MOONSHOT_ENDPOINT"] = url
            driver = get_driver_for_model(model)
            extract_and_jsonify(text, EXTRACTION_SCHEMA, model_name=model)  # warm caches
            driver.generate(prompt, options)

            def extract():
                return extract_and_jsonify(text, EXTRACTION_SCHEMA, model_name=model)

            def bare(driver=driver, prompt=prompt, options=options):
                return driver.generate(prompt, options)

            paired_times(extract, bare, 5)
            ext_s, bare_s = paired_times(extract, bare, calls)
        rows.append((label, median_ms(ext_s), median_ms(bare_s), "bare driver call", target))
    return rows


def bare_request(server: OpenAICompatServer) -> tuple[str, dict]:
    """The prompt and options of the last extraction request, to repeat them bare."""
    body = server.last_request.body
    schema = body["response_format"]["json_schema"]["schema"]
    options = {"model": body["model"], "json_mode": True, "json_schema": schema}
    return body["messages"][-1]["content"], options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument(
        "--only", choices=["extraction", "transport", "startup"], help="run only these rows"
    )
    args = parser.parse_args()
    if args.only == "extraction":
        print_rows(extraction_rows(args.calls))
        return
    if args.only == "transport":
        print_rows(transport_rows(args.calls))
        return
    if args.only == "startup":
        full, bare = bench_import()
        print_rows([("import prompture (whole process)", full, bare, "python -c pass", "<= 2x")])
        print_rows(bench_cold_start())
        return

    rows = []
    full, bare = bench_import()
    rows.append(("import prompture (whole process)", full, bare, "python -c pass", "<= 2x"))
    rows.extend(bench_cold_start())
    rows.extend(transport_rows(args.calls))
    rows.extend(sdk_rows(args.calls))
    rows.extend(claude_google_rows(args.calls))
    rows.extend(extraction_rows(args.calls))

    print_rows(rows)


async def concurrent_ms(call, concurrency: int, total: int) -> float:
    """Wall time per request (ms) of `total` calls made `concurrency` at a time."""
    per_worker = total // concurrency

    async def worker():
        for _ in range(per_worker):
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.perf_counter() - start) * 1000 / (per_worker * concurrency)


async def interleaved(
    ours, theirs, concurrency: int, total: int, rounds: int = 5
) -> tuple[list[float], list[float]]:
    """Per-call wall times of `ours` and `theirs` over `rounds` rounds, taking turns at going
    first (the second of a pair meets the pools, caches and collector the first left), so
    neither side always follows the other; the machine's load moves: compare medians."""
    mine, other = [], []
    for turn in range(rounds):
        pair = [(ours, mine), (theirs, other)]
        for call, into in pair if turn % 2 == 0 else pair[::-1]:
            into.append(await concurrent_ms(call, concurrency, total))
    return mine, other


async def concurrency_pairs(server: OpenAICompatServer, concurrency: int) -> list[tuple]:
    """Async throughput at `concurrency` requests in flight: the plain-HTTP driver against raw
    httpx, the OpenAI driver against the openai SDK called directly (same server, same loop)."""
    import httpx
    import openai

    # Calls per measurement: 256 at x64 (0.5 s); 512 at x256, where one call takes ~10 ms of
    # wall time (the server's thread per connection contends for the GIL with the client).
    total = max(concurrency * 2, 256)
    url, headers = server.url + "/chat/completions", {"Authorization": f"Bearer {KEY}"}
    body = {"model": "kimi-k2-0905-preview", "messages": MESSAGES}
    moonshot = AsyncMoonshotDriver(api_key=KEY, model="kimi-k2-0905-preview", endpoint=server.url)
    ours = AsyncOpenAIDriver(api_key=KEY, model="gpt-4o-mini", endpoint=server.url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with (
        httpx.AsyncClient(limits=limits) as client,
        openai.AsyncOpenAI(api_key=KEY, base_url=server.url, max_retries=0) as sdk,
    ):

        async def raw():
            response = await client.post(url, json=body, headers=headers, timeout=60)
            return response.json()["choices"][0]["message"]["content"]

        async def via_moonshot():
            return await moonshot.generate_messages(MESSAGES, {})

        async def via_sdk():
            return await sdk.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

        async def via_openai_driver():
            return await ours.generate_messages(MESSAGES, {})

        for call in (raw, via_moonshot, via_sdk, via_openai_driver):  # warm-up: pools filled
            await concurrent_ms(call, concurrency, concurrency)
        drv, base = await interleaved(via_moonshot, raw, concurrency, total)
        sdk_drv, sdk_base = await interleaved(via_openai_driver, via_sdk, concurrency, total)
    med = statistics.median
    return [
        (
            f"async x{concurrency} (Moonshot), per call",
            med(drv),
            med(base),
            "httpx.AsyncClient",
            "<= 1.15x",
        ),
        (
            f"async x{concurrency} (OpenAI), per call",
            med(sdk_drv),
            med(sdk_base),
            "openai.AsyncOpenAI",
            "<= 1.15x",
        ),
    ]


def transport_rows(n: int) -> list[tuple]:
    """Sync, async and stream calls against the raw clients, and async throughput at 64 and
    256 concurrent requests."""
    rows = []
    with OpenAICompatServer(api_key=KEY) as server:
        drv, raw = bench_sync(server, n)
        rows.append(("sync call (MoonshotDriver)", drv, raw, "requests.Session", "<= 1.15x"))
        drv, raw = asyncio.run(bench_async(server, n))
        rows.append(("async call (AsyncMoonshotDriver)", drv, raw, "httpx.AsyncClient", "<= 1.15x"))
        drv, raw = bench_stream(server, max(n // 8, 10))
        rows.append(("stream, 500 chunks", drv, raw, "iter_lines + json.loads", "<= 1.25x"))
        for concurrency in (64, 256):
            rows.extend(asyncio.run(concurrency_pairs(server, concurrency)))
    return rows


def print_rows(rows: list[tuple]) -> None:
    print(
        f"{'measure':36} {'prompture':>11} {'baseline':>11} {'ratio':>7}  {'baseline is':24} target"
    )
    for name, ours, base, base_name, target in rows:
        # An absolute target has no baseline to divide by.
        base_text, ratio = (f"{base:9.2f}ms", f"{ours / base:6.2f}x") if base else ("", "")
        print(f"{name:36} {ours:9.2f}ms {base_text:>11} {ratio:>7}  {base_name:24} {target}")


if __name__ == "__main__":
    main()
