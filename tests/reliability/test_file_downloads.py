"""Shared files through the real Bolt app, from a file host as rough as a real one.

A snippet's body arrives in pieces; the whole of it is stored and reaches the interviewer.
A host that sends too much, too slowly or from elsewhere gets the candidate a clear reply,
and nothing partial or foreign is stored as their code.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.interview.code import MAX_CODE_BYTES
from handlers.file_download import DownloadLimits
from sandbox.model_server import FakeModelServer
from sandbox.slack_double import SlackDouble
from storage.models import CodeSubmission
from tests.reliability.conftest import (
    launch_model_bot,
    messages_of,
    row_counts,
    say,
    start_interview,
    texts,
)

MARK = "PAST_THE_FIRST_PIECES"


def snippet(size: int, *, mark_at: int) -> bytes:
    """Python of `size` bytes with numbered lines and MARK on a line near `mark_at`."""
    lines: list[str] = []
    total = 0
    n = 0
    while total < size:
        line = f"def step_{n:05d}(x):  # {MARK}\n" if mark_at <= total < mark_at + 40 else ""
        line = line or f"def step_{n:05d}(x):\n    return x + {n}\n"
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines).encode()[:size]


async def test_a_60_kb_snippet_in_pieces_is_stored_whole_and_reaches_the_interviewer(
    launch: Any, fake_slack: SlackDouble, fake_model: FakeModelServer, sqlite_url: str
) -> None:
    bot = await launch_model_bot(launch, fake_slack, fake_model, sqlite_url)
    thread = await start_interview(bot)
    content = snippet(60 * 1024, mark_at=20 * 1024)
    file = fake_slack.add_file("F0SIXTY", content, name="solution.py")
    asked = len(fake_model.requests)

    reply = await bot.send.dm("", channel=thread.channel, thread_ts=thread.thread_ts, files=[file])
    await bot.settle()

    assert reply.status == 200
    async with bot.runtime.db.sessions() as s:
        stored = (await s.execute(select(CodeSubmission))).scalar_one()
    assert stored.content == content.decode()
    assert stored.slack_file_id == "F0SIXTY"
    # The interviewer's next request carries the code well past the first pieces.
    [review] = fake_model.requests[asked:]
    # The code's message (what running it did follows it as data).
    code_message = next(
        m["content"] for m in review["messages"] if m["role"] == "user" and MARK in m["content"]
    )
    assert content.decode()[: 20 * 1024] in code_message
    assert not any("could not use" in t.lower() for t in texts(fake_slack, thread))


@pytest.mark.parametrize(
    ("served", "reason"),
    [
        ("a byte at a time", "did not finish sending it"),
        ("from another site", "another site"),
        ("more than declared, over the cap", "at most 100 KB"),
    ],
)
async def test_a_rough_file_host_gets_a_clear_reply_and_nothing_partial_is_kept(
    launch: Any, fake_slack: SlackDouble, sqlite_url: str, served: str, reason: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    bot.runtime.engine.messenger.download_limits = DownloadLimits(timeout_seconds=0.5)
    thread = await start_interview(bot)
    code = b"def solve(xs):\n    return sorted(xs)\n"
    if served == "a byte at a time":
        file = fake_slack.add_file("F0ROUGH", code * 50, pieces=(1,), pause=0.05)
    elif served == "from another site":
        file = fake_slack.add_file("F0ROUGH", code, redirect="cross-origin")
    else:
        file = fake_slack.add_file("F0ROUGH", code * (MAX_CODE_BYTES // len(code) + 200), size=512)

    reply = await bot.send.dm("", channel=thread.channel, thread_ts=thread.thread_ts, files=[file])
    await bot.settle()

    assert reply.status == 200
    assert (await row_counts(bot.runtime.db))["code"] == 0
    notices = [t for t in texts(fake_slack, thread) if "solution.py" in t]
    assert len(notices) == 1 and reason in notices[0], notices
    rejected = [
        m for m in await messages_of(bot.runtime.db, thread.session_id) if m.kind == "file_rejected"
    ]
    assert len(rejected) == 1
    # The interview goes on: the next message gets its answer.
    before = len(texts(fake_slack, thread))
    await say(bot, thread, "I'll paste it as a code block instead.")
    await bot.settle()
    assert len(texts(fake_slack, thread)) == before + 1
