"""A message with files (subtype file_share) through the real Bolt app."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import CodeSubmission, Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, count_rows, dump, start_interview
from tests.slack_validation import assert_valid_blocks


async def test_a_shared_code_file_is_a_submission(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    file = bot.slack.add_file("FCODE", b"def f(a):\n    return len(a)\n", name="solution.py")
    reply = await bot.send.dm("my solution", channel=DM, thread_ts=thread, files=[file])
    assert reply.status == 200
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        code = (await s.execute(select(CodeSubmission))).scalar_one()
    assert code.language == "python" and "return len(a)" in code.content
    assert any("FCODE" in r["path"] for r in bot.slack.file_requests)


async def test_bad_files_get_a_clear_reply_and_are_not_code(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    big = bot.slack.add_file("FBIG", b"x = 1\n" * 20000, name="big.py")
    binary = bot.slack.add_file(
        "FBIN",
        b"\x89PNG\x00\x00",
        name="shot.png",
        filetype="png",
        mimetype="image/png",
        mode="hosted",
    )
    empty = bot.slack.add_file("FEMPTY", b"", name="empty.py")
    for file in (big, binary, empty):
        await bot.send.dm("", channel=DM, thread_ts=thread, files=[file])
        await bot.settle()
    assert await count_rows(bot, CodeSubmission) == 0
    rejections = [
        c for c in bot.slack.posts(thread_ts=thread) if "could not use" in c.params["text"].lower()
    ]
    assert len(rejections) == 3
    assert "100 KB" in dump([c.params for c in rejections])
    for call in rejections:
        assert_valid_blocks(call.params["blocks"])
    # Oversize files are refused before any download.
    assert not any("FBIG" in r["path"] for r in bot.slack.file_requests)
    # The candidate messages themselves were still kept.
    assert await count_rows(bot, Message, Message.role == "candidate") == 3
