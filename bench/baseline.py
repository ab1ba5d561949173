"""The baseline: a bare slack-bolt AsyncApp echo bot on the same aiohttp adapter.

It is what the smallest Bolt bot doing the same outside work looks like: no database, no
retries, no state. Slash commands and block_actions are acked; every direct message gets
exactly one reply in its thread, posted by a task started after the ack. With
``OPENAI_BASE_URL`` set the reply is the model's streamed answer (the same one call the
interviewer makes per turn), otherwise the message is echoed back.

Like the bot it runs with ``process_before_response=True``: with Bolt's default, the HTTP
answer waits for a loop that checks every 10 ms whether the listener has acked, which would
add ~10 ms to every baseline ack and flatter every ratio.

Run as a process by the benchmark: ``python -m bench.baseline`` with SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, SLACK_API_URL, PORT and optionally OPENAI_API_KEY/OPENAI_BASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from typing import Any

from aiohttp import web
from openai import AsyncOpenAI
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build_baseline_app(
    *, token: str, signing_secret: str, api_url: str, model: AsyncOpenAI | None
) -> AsyncApp:
    """The echo bot: acks everything, answers each direct message once."""
    client = AsyncWebClient(token=token, base_url=api_url)
    app = AsyncApp(client=client, signing_secret=signing_secret, process_before_response=True)
    replies: set[asyncio.Task[None]] = set()

    @app.command(re.compile(r"^/.+"))
    async def echo_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack(response_type="ephemeral", text=f"You said: {command.get('text', '')}")

    @app.action(re.compile(r".+"))
    async def ack_action(ack: AsyncAck) -> None:
        await ack()

    @app.event("app_home_opened")
    async def ignore_home() -> None:
        return None

    async def reply(event: dict[str, Any], client: AsyncWebClient) -> None:
        text = str(event.get("text") or "")
        if model is not None:
            text = await _stream_answer(model, text)
        await client.chat_postMessage(
            channel=event["channel"], thread_ts=event.get("thread_ts") or event["ts"], text=text
        )

    @app.event("message")
    async def echo_message(ack: AsyncAck, event: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        task = asyncio.create_task(reply(event, client))
        replies.add(task)
        task.add_done_callback(replies.discard)

    return app


async def _stream_answer(model: AsyncOpenAI, text: str) -> str:
    stream = await model.chat.completions.create(
        model="fake-model",
        messages=[{"role": "user", "content": text}],
        stream=True,
        max_tokens=600,
    )
    parts: list[str] = []
    async with stream:
        async for chunk in stream:
            for choice in chunk.choices:
                if choice.delta.content:
                    parts.append(choice.delta.content)
    return "".join(parts)


def build_web_app(app: AsyncApp) -> web.Application:
    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    web_app = web.Application()
    web_app.router.add_post("/slack/events", slack_events)
    web_app.router.add_get("/healthz", healthz)
    return web_app


async def serve() -> None:
    model = None
    if os.environ.get("OPENAI_BASE_URL"):
        model = AsyncOpenAI(
            api_key=os.environ.get("OPENAI_API_KEY", "bench"),
            base_url=os.environ["OPENAI_BASE_URL"],
            max_retries=0,
            timeout=30.0,
        )
    app = build_baseline_app(
        token=os.environ["SLACK_BOT_TOKEN"],
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        api_url=os.environ["SLACK_API_URL"],
        model=model,
    )
    runner = web.AppRunner(build_web_app(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["PORT"])).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
