"""What a turn costs and what it must still do: one transcript read per turn, and the work a
turn's reply used to leave to a second look (messages sent before the opening, the warning
falling due during a model call) is still done at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from bot.interview.records import NewTurn
from bot.interview.timing import utcnow
from sandbox.model_server import Delay, FakeModelServer, Reply
from sandbox.slack_double import SlackDouble
from storage.models import InterviewSession, Message
from storage.postgresql.store import PostgresStore
from tests.reliability.conftest import (
    Thread,
    click_start,
    fast_model_interviewer,
    launch_bot,
    launch_model_bot,
    messages_of,
    say,
    start_interview,
    texts,
    unanswered,
    wait_for,
)


async def test_a_turn_reads_the_transcript_once(
    launch: Any, fake_slack: SlackDouble, fake_model: FakeModelServer, sqlite_url: str
) -> None:
    bot = await launch_model_bot(launch, fake_slack, fake_model, sqlite_url)
    thread = await start_interview(bot)
    await say(bot, thread, "Warm-up: can the list be empty?")
    await bot.settle()

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = bot.runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        fake_model.enqueue(Reply("Then what does your function return for it?"))
        await say(bot, thread, "I would return an empty list straight away.")
        await bot.settle()
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert texts(fake_slack, thread)[-1] == "Then what does your function return for it?"
    transcript_reads = [
        s
        for s in statements
        if s.startswith("SELECT") and "FROM messages WHERE messages.session_id" in s
    ]
    assert len(transcript_reads) == 1, statements
    writes = [s for s in statements if s.split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE"}]
    # store the message (+ bump), claim, store the reply, note the post, release
    assert len(writes) <= 6, writes
    assert len(statements) <= 9, statements


async def test_a_message_stored_before_the_opening_gets_its_own_reply(
    launch: Any, fake_slack: SlackDouble, fake_model: FakeModelServer, sqlite_url: str
) -> None:
    # The first process stops while the model writes the opening; the candidate has already
    # written in the thread, so the next process finds that message stored before its opening.
    first = await launch_bot(
        slack=fake_slack,
        database_url=sqlite_url,
        interviewer=fast_model_interviewer(fake_model.base_url, timeout=10),
    )
    fake_model.enqueue(Delay(5, Reply("never sent")))
    try:
        assert await click_start(first) == 200

        async def problem_posted() -> Thread | None:
            async with first.runtime.db.sessions() as s:
                row = (await s.execute(select(InterviewSession))).scalar_one_or_none()
            if row is None or not row.thread_ts or not row.channel_id:
                return None
            return Thread(row.id, row.channel_id, row.thread_ts)

        thread = await wait_for(problem_posted)
        await wait_for(lambda: len(fake_model.requests) == 1)
    finally:
        # Stop without waiting for the opening: its model call is cut off.
        await first.http.close()
        await first.runner.cleanup()
        await first.runtime.close(drain_timeout=0.2)

    fake_model.enqueue(
        Reply("Welcome! Read the problem and ask me anything."), Reply("Yes, it can be empty.")
    )
    second = await launch_model_bot(launch, fake_slack, fake_model, sqlite_url)
    await say(second, thread, "Can the list be empty?")
    await second.settle()

    assert texts(fake_slack, thread) == [
        "Welcome! Read the problem and ask me anything.",
        "Yes, it can be empty.",
    ]
    assert not unanswered(await messages_of(second.runtime.db, thread.session_id))


async def test_the_warning_due_during_a_model_call_follows_the_reply_at_once(
    launch: Any, fake_slack: SlackDouble, fake_model: FakeModelServer, sqlite_url: str
) -> None:
    bot = await launch_model_bot(
        launch, fake_slack, fake_model, sqlite_url
    )  # no scheduler: only the turn itself can send the warning
    thread = await start_interview(bot)
    async with bot.runtime.db.sessions() as s:
        await s.execute(
            update(InterviewSession)
            .where(InterviewSession.id == thread.session_id)
            .values(warning_at=utcnow() + timedelta(seconds=0.3))
        )
        await s.commit()
    fake_model.enqueue(Delay(0.8, Reply("Good. What is the time complexity?")))

    await say(bot, thread, "I would use a hash map.")
    await bot.settle()

    posted = texts(fake_slack, thread)
    assert posted[-2] == "Good. What is the time complexity?"
    assert "left" in posted[-1]


async def test_a_turn_is_visible_and_handed_over_before_its_ack_waits_for_the_disk(
    launch: Any,
    fake_slack: SlackDouble,
    fake_model: FakeModelServer,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL the message is committed without waiting for the disk, the reply's work
    starts, and only then does the ack wait for the flush; the ack never comes before it."""
    bot = await launch_model_bot(launch, fake_slack, fake_model, pg_url)
    thread = await start_interview(bot)
    await bot.settle()
    engine = bot.runtime.engine
    confirmed: list[tuple[bool, bool]] = []
    confirm = PostgresStore.confirm_turn

    async def observed_confirm(store: PostgresStore, turn: NewTurn) -> None:
        async with store.db.sessions() as s:
            stored = (
                await s.execute(select(Message.id).where(Message.text == "Sorted input?"))
            ).first()
        confirmed.append((stored is not None, thread.session_id in engine.worker.running))
        await confirm(store, turn)

    monkeypatch.setattr(PostgresStore, "confirm_turn", observed_confirm)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    pools = [bot.runtime.db.engine.sync_engine, bot.runtime.db.relaxed_engine.sync_engine]
    for pool in pools:
        event.listen(pool, "before_cursor_execute", record)
    try:
        fake_model.enqueue(Reply("Yes, assume it is sorted."))
        await say(bot, thread, "Sorted input?")
        assert confirmed == [(True, True)]
        await bot.settle()
    finally:
        for pool in pools:
            event.remove(pool, "before_cursor_execute", record)
    assert texts(fake_slack, thread)[-1] == "Yes, assume it is sorted."
    # The message's own statement took the lease and read the transcript: the worker went
    # straight to the model, with no claim of its own.
    assert statements[0].startswith("WITH stored AS")
    assert not [s for s in statements if s.startswith("WITH claimed AS")], statements
