"""`serve_sandbox`, as `interview-bot sandbox` runs it: one URL, the real bot, a kept workspace."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from sandbox import serve_sandbox


async def test_serve_prints_one_url_and_keeps_the_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Offline interviewer, whatever the developer's environment or .env says.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    serving = asyncio.create_task(serve_sandbox(port=0, database_url=database_url))
    output = ""
    for _ in range(300):
        output += capsys.readouterr().out
        if output.endswith("\n") or serving.done():
            break
        await asyncio.sleep(0.05)
    [line] = output.splitlines()
    url = line.split()[-1]
    assert url.startswith("http://127.0.0.1:")

    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}ui/messages", json={"text": "hello"}) as response:
            assert await response.json() == {"ok": True}
        # The real bot answers a message outside an interview with a pointer.
        async with session.ws_connect(f"{url}ui/live") as socket:
            while True:
                update = await asyncio.wait_for(socket.receive_json(), timeout=10)
                if update["type"] == "snapshot" and len(update["messages"]) == 2:
                    break
                if update["type"] == "message" and update["message"].get("bot_id"):
                    break

    serving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await serving
    saved = (tmp_path / "bot.sandbox.json").read_text()
    assert "hello" in saved
