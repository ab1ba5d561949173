"""Each Slack surface through the real Bolt app: command, Home, buttons, files, timers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from handlers.blocks import ids
from storage.models import CodeSubmission, Interview, InterviewSession, Message
from tests.conftest import BotHarness
from tests.factories import seed_history
from tests.fakes.slack_requests import USER_ID
from tests.slack_validation import assert_valid_blocks, assert_valid_view

DM = "D" + USER_ID[1:]


def _dump(value: Any) -> str:
    return json.dumps(value)


async def _count(bot: BotHarness, model: Any, *where: Any) -> int:
    async with bot.runtime.db.sessions() as s:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return int((await s.execute(stmt)).scalar_one())


async def _start_interview(bot: BotHarness, difficulty: str = "easy") -> str:
    await bot.send.action(ids.START_INTERVIEW, value=json.dumps({"difficulty": difficulty}))
    await bot.settle()
    return bot.slack.messages[DM][0]["ts"]


# /start-interview ------------------------------------------------------------------------


async def test_command_shows_start_card_with_preset_difficulty(bot: BotHarness) -> None:
    reply = await bot.send.command("hard")
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert_valid_blocks(body["blocks"])
    select_el = next(
        b.get("accessory", None) for b in body["blocks"] if _dump(b).count(ids.SELECT_DIFFICULTY)
    )
    if select_el is None:  # the select may sit in an actions/input block instead
        select_el = next(
            el
            for b in body["blocks"]
            for el in b.get("elements", [])
            if isinstance(el, dict) and el.get("action_id") == ids.SELECT_DIFFICULTY
        )
    assert select_el["initial_option"]["value"] == "hard"
    text = _dump(body["blocks"]).lower()
    for word in ("communication", "problem solving", "code quality", "overall", "snippet"):
        assert word in text
    # Nothing was posted anywhere: the card is the ack itself.
    assert not bot.slack.calls_to("chat.postMessage")


async def test_command_with_topic_carries_it_to_start(bot: BotHarness) -> None:
    body = (await bot.send.command("easy graphs")).json()
    assert '\\"topic\\": \\"graphs\\"' in _dump(body["blocks"]) or "graphs" in _dump(body["blocks"])
    button = next(
        el
        for b in body["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el.get("action_id") == ids.START_INTERVIEW
    )
    assert json.loads(button["value"]) == {"difficulty": "easy", "topic": "graphs"}
    await bot.send.action(ids.START_INTERVIEW, value=button["value"])
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        row = (await s.execute(select(InterviewSession))).scalar_one()
    problem = bot.runtime.engine.bank.get(row.problem_id)
    assert problem is not None and "graphs" in problem.topics
    assert problem.difficulty.value == "easy"


async def test_help_and_unknown_arguments_show_usage(bot: BotHarness) -> None:
    for text in ("help", "extreme", "easy underwater-basket-weaving"):
        body = (await bot.send.command(text)).json()
        assert body["response_type"] == "ephemeral"
        assert "/start-interview" in body["text"]
        assert "Start Interview" not in _dump(body["blocks"])
    # Bolt's own auth.test aside, nothing reached Slack.
    assert not [c for c in bot.slack.calls if c.method != "auth.test"]


# Home tab --------------------------------------------------------------------------------


async def test_home_opened_publishes_home_only_for_home_tab(bot: BotHarness) -> None:
    await bot.send.home_opened(tab="messages")
    await bot.settle()
    assert not bot.slack.calls_to("views.publish")
    await bot.send.home_opened()
    await bot.settle()
    call = bot.slack.calls_to("views.publish")[-1]
    assert call.params["user_id"] == USER_ID
    assert_valid_view(call.params["view"])
    assert ids.OPEN_START_CARD in _dump(call.params["view"])


async def test_home_start_button_posts_card_into_dm(bot: BotHarness) -> None:
    await bot.send.action(ids.OPEN_START_CARD, container={"type": "view", "view_id": "V1"})
    await bot.settle()
    post = bot.slack.calls_to("chat.postMessage")[-1]
    assert post.params["channel"] == USER_ID
    assert_valid_blocks(post.params["blocks"])
    assert ids.START_INTERVIEW in _dump(post.params["blocks"])


async def test_home_shows_history_pages_and_feedback_modal(bot: BotHarness) -> None:
    await seed_history(
        bot.runtime.db,
        team_id="T0TEST001",
        user_id=USER_ID,
        count=45,
        now=datetime.now(UTC),
        title="Problem <!channel> {i}",
        feedback="Good <@U999> work",
    )

    await bot.send.home_opened()
    await bot.settle()
    view = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert_valid_view(view)
    dumped = _dump(view)
    assert "Problem &lt;!channel&gt; 0" in dumped and "<!channel>" not in dumped
    assert "Problem &lt;!channel&gt; 19" in dumped and "Problem &lt;!channel&gt; 20" not in dumped
    assert ids.HOME_PAGE_OLDER in dumped and ids.HOME_PAGE_NEWER not in dumped

    await bot.send.action(ids.HOME_PAGE_OLDER, value="1", container={"type": "view"})
    await bot.settle()
    view = bot.slack.calls_to("views.publish")[-1].params["view"]
    dumped = _dump(view)
    assert "Problem &lt;!channel&gt; 20" in dumped and ids.HOME_PAGE_NEWER in dumped

    async with bot.runtime.db.sessions() as s:
        newest = (
            (await s.execute(select(Interview).order_by(Interview.completed_at.desc())))
            .scalars()
            .first()
        )
    assert newest is not None
    await bot.send.action(ids.OPEN_FEEDBACK, value=str(newest.id), container={"type": "view"})
    await bot.settle()
    modal = bot.slack.calls_to("views.open")[-1].params["view"]
    assert_valid_view(modal)
    assert "Good &lt;@U999&gt; work" in _dump(modal)
    # Someone else's interview id opens nothing.
    await bot.send.action(
        ids.OPEN_FEEDBACK, value=str(newest.id), user="U0OTHER", container={"type": "view"}
    )
    await bot.settle()
    assert len(bot.slack.calls_to("views.open")) == 1


# Start, once --------------------------------------------------------------------------------


async def test_second_start_shows_the_active_interview(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    await bot.send.action(ids.START_INTERVIEW, value=json.dumps({"difficulty": "hard"}))
    await bot.settle()
    assert await _count(bot, InterviewSession) == 1
    note = bot.slack.responses[-1]
    assert note["replace_original"] is True
    assert thread.replace(".", "") in _dump(note["blocks"])  # links to the thread
    home = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert_valid_view(home)


async def test_started_card_links_to_dm_and_home_shows_active_banner(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    started = bot.slack.responses[0]
    assert started["replace_original"] is True
    assert "DM" in _dump(started) or "dm" in _dump(started).lower()
    home = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert thread.replace(".", "") in _dump(home)


# In the thread ------------------------------------------------------------------------------


async def test_fenced_code_is_a_submission(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    await bot.send.dm("Here:\n```js\nconst f = (a) => a.length;\n```", channel=DM, thread_ts=thread)
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        code = (await s.execute(select(CodeSubmission))).scalar_one()
    assert code.language == "javascript" and "a.length" in code.content


async def test_bad_files_get_a_clear_reply_and_are_not_code(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
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
    assert await _count(bot, CodeSubmission) == 0
    rejections = [
        c for c in bot.slack.posts(thread_ts=thread) if "could not use" in c.params["text"].lower()
    ]
    assert len(rejections) == 3
    assert "100 KB" in _dump([c.params for c in rejections])
    for call in rejections:
        assert_valid_blocks(call.params["blocks"])
    # Oversize files are refused before any download.
    assert not any("FBIG" in r["path"] for r in bot.slack.file_requests)
    # The candidate messages themselves were still kept.
    assert await _count(bot, Message, Message.role == "candidate") == 3


async def test_other_people_and_bots_are_ignored_in_the_thread(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    before = len(bot.slack.calls_to("chat.postMessage"))
    await bot.send.dm("I am someone else", channel=DM, thread_ts=thread, user="U0INTRUDER")
    await bot.send.event(
        {
            "type": "message",
            "channel": DM,
            "channel_type": "im",
            "bot_id": "B0OTHER",
            "subtype": "bot_message",
            "text": "beep",
            "ts": "1.5",
            "thread_ts": thread,
        }
    )
    await bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == before
    assert await _count(bot, Message, Message.role == "candidate") == 0


async def test_message_outside_a_thread_gets_a_pointer_once(bot: BotHarness) -> None:
    await bot.send.dm("hello?", channel=DM, ts="1700.0001", event_id="EvP1")
    await bot.send.dm("hello?", channel=DM, ts="1700.0001", event_id="EvP1", retry_num=1)
    await bot.settle()
    pointers = bot.slack.calls_to("chat.postMessage")
    assert len(pointers) == 1
    assert "/start-interview" in _dump(pointers[0].params)


# Timers ---------------------------------------------------------------------------------


async def test_warning_then_time_limit_finishes_and_grades(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    past = datetime.now(UTC) - timedelta(seconds=1)
    async with bot.runtime.db.sessions() as s:
        await s.execute(update(InterviewSession).values(warning_at=past, wake_at=past))
        await s.commit()
    await bot.runtime.engine.sweep()
    await bot.settle()
    warning = bot.slack.posts(thread_ts=thread)[-1]
    assert "left" in warning.params["text"]
    assert_valid_blocks(warning.params["blocks"])
    async with bot.runtime.db.sessions() as s:
        await s.execute(update(InterviewSession).values(deadline_at=past, wake_at=past))
        await s.commit()
    await bot.runtime.engine.sweep()
    await bot.settle()
    assert await _count(bot, Interview) == 1
    async with bot.runtime.db.sessions() as s:
        row = (await s.execute(select(InterviewSession))).scalar_one()
    assert row.status == "completed" and row.wake_at is None
    texts = [c.params["text"] for c in bot.slack.posts(thread_ts=thread)]
    assert any("Time is up" in t for t in texts)
    assert any("Interview complete" in t for t in texts)
    # Sweeping again does nothing more.
    calls = len(bot.slack.calls)
    await bot.runtime.engine.sweep()
    await bot.settle()
    assert len(bot.slack.calls) == calls


async def test_message_after_the_end_gets_an_ended_note(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    await bot.send.dm("done", channel=DM, thread_ts=thread)
    await bot.settle()
    await bot.send.dm("wait, one more thing", channel=DM, thread_ts=thread)
    await bot.settle()
    last = bot.slack.posts(thread_ts=thread)[-1]
    assert "ended" in last.params["text"].lower()
    assert await _count(bot, Interview) == 1


async def test_healthz_reports_database(bot: BotHarness) -> None:
    async with bot.http.get(f"{bot.url}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["database"] == "ok"


async def test_bad_signature_is_refused(bot: BotHarness) -> None:
    reply = await bot.send.command("hard", headers={"X-Slack-Signature": "v0=deadbeef"})
    assert reply.status == 401
    assert not bot.slack.calls


async def test_refused_blocks_fall_back_to_plain_text(bot: BotHarness) -> None:
    thread = await _start_interview(bot)
    bot.slack.fail("chat.postMessage", 200, body={"ok": False, "error": "invalid_blocks"})
    await bot.send.dm("What should I return for an empty list?", channel=DM, thread_ts=thread)
    await bot.settle()
    replies = bot.slack.posts(thread_ts=thread)
    assert len(replies) == 3  # opening, the refused attempt, the text-only reply
    assert "blocks" in replies[1].params and "blocks" not in replies[2].params
    assert replies[2].params["text"]
    assert await _count(bot, Message, Message.slack_ts.is_(None)) == 0
