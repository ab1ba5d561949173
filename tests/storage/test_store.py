"""The interview store on SQLite and, for real, on PostgreSQL: every verb, constraints,
leases, history, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import asyncpg
import pytest
from sqlalchemy import Table, event, inspect, make_url, select, text
from sqlalchemy.exc import DBAPIError

from bot.interview.outbox import (
    CompletionDm,
    FileRejected,
    GradingNote,
    Reply,
    Scorecard,
    TimeWarning,
    from_row,
)
from bot.interview.records import (
    CodeRow,
    CompletedInterview,
    InterviewRecord,
    MessageRow,
    NewCode,
    NewTurn,
    SessionRecord,
    SessionState,
    StoredTurn,
)
from storage.db import Database, downgrade_sync, migrate, upgrade_to_head_sync
from storage.models import (
    CodeSubmission,
    Interview,
    InterviewSession,
    Message,
)
from storage.postgresql.store import PostgresStore
from tests.conftest import PG_ADMIN_DSN
from tests.factories import NOW, FixedLeases, make_session, store_for, try_create_session
from tests.storage.conftest import migrated

TABLES = {"interview_sessions", "messages", "code_submissions", "interviews", "slack_events"}


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    async with migrated(any_db_url) as database:
        yield database


async def _session(db: Database, user: str = "U1") -> SessionRecord:
    return await make_session(db, user_id=user, now=NOW)


def _grade(overall: int = 70) -> CompletedInterview:
    return CompletedInterview(
        problem_id="p1",
        problem_title="Two numbers",
        problem_description="Find them.",
        difficulty="easy",
        overall=overall,
        communication=60,
        problem_solving=70,
        code_quality=80,
        feedback="Fine.",
        strengths=["clear"],
        improvements=["tests"],
        graded_by="model",
    )


def _turn(ts: str, text: str, code: Sequence[NewCode] = (), user: str = "U1") -> NewTurn:
    """A candidate's message in thread D-<user>/1.0."""
    return NewTurn("T1", user, f"D-{user}", "1.0", ts, text, NOW, code=code)


async def test_one_open_session_per_user(db: Database) -> None:
    first = await _session(db)
    again = await try_create_session(db, user_id="U1", problem_id="p2")
    assert again is None
    assert (await store_for(db).open_session_of(team_id="T1", user_id="U1")).id == first.id  # type: ignore[union-attr]
    # Other users are independent; a finished session frees the slot.
    await _session(db, user="U2")
    assert await store_for(db).transition_status(
        first.id, from_statuses=["active"], to_status="abandoned", now=NOW
    )
    assert await try_create_session(db, user_id="U1", problem_id="p2") is not None


async def test_concurrent_starts_create_one_session(db: Database) -> None:
    async def attempt() -> SessionRecord | None:
        return await try_create_session(db, user_id="URACE", problem_id="p")

    results = await asyncio.gather(*(attempt() for _ in range(8)))
    assert sum(r is not None for r in results) == 1


async def test_candidate_message_is_stored_once_per_ts(db: Database) -> None:
    session = await _session(db)
    code = [NewCode(language="python", filename=None, content="print(1)")]
    first = await store_for(db).record_candidate_message(session.id, _turn("1.1", "hi", code))
    second = await store_for(db).record_candidate_message(session.id, _turn("1.1", "hi", code))
    assert first is not None and second is None
    state = await store_for(db).load_state(session.id)
    assert state is not None
    assert [m.role for m in state.messages] == ["system", "candidate"]
    assert len(state.code_submissions) == 1


async def test_bot_messages_dedupe_by_key(db: Database) -> None:
    session = await _session(db)
    for expected_new in (True, False):
        queued = await store_for(db).queue_notice(
            session.id, TimeWarning(300), key="warning", now=NOW
        )
        assert (queued is not None) is expected_new


async def test_history_record_is_written_once(db: Database) -> None:
    session = await _session(db)
    assert await store_for(db).transition_status(
        session.id, from_statuses=["active"], to_status="grading", now=NOW
    )
    results = await asyncio.gather(
        *(
            store_for(db).complete(
                session.id,
                result=_grade(),
                now=NOW + timedelta(minutes=20),
            )
            for _ in range(4)
        )
    )
    assert sum(results) == 1
    async with db.sessions() as s:
        rows = list((await s.execute(select(Interview))).scalars())
        kinds = [m.kind for m in (await s.execute(select(Message))).scalars()]
        status = (await s.get(InterviewSession, session.id)).status  # type: ignore[union-attr]
    assert len(rows) == 1 and rows[0].duration_seconds == 1200
    assert kinds.count("scorecard") == 1 and kinds.count("completion_dm") == 1
    assert status == "completed"


async def test_lease_is_exclusive_until_it_expires(db: Database) -> None:
    session = await _session(db)
    a = await _claim(
        db, session_id=session.id, owner="a", now=NOW, until=NOW + timedelta(seconds=60)
    )
    b = await _claim(
        db, session_id=session.id, owner="b", now=NOW, until=NOW + timedelta(seconds=60)
    )
    assert a is not None and b is None
    later = NOW + timedelta(seconds=61)
    assert (
        await _claim(
            db, session_id=session.id, owner="b", now=later, until=later + timedelta(seconds=60)
        )
        is not None
    )


async def test_release_notices_work_that_arrived_meanwhile(db: Database) -> None:
    session = await _session(db)
    claimed = await _claim(
        db, session_id=session.id, owner="a", now=NOW, until=NOW + timedelta(seconds=60)
    )
    assert claimed is not None
    await store_for(db).record_candidate_message(session.id, _turn("2.2", "new"))
    later = NOW + timedelta(hours=1)
    complete = await store_for(db, "a").release(
        session.id, seen_work_seq=claimed.work_seq, next_wake_at=later, now=NOW
    )
    assert complete is False
    assert await store_for(db).due_sessions(now=NOW, limit=200) == [session.id]


async def test_profile_numbers_and_newest_first(db: Database) -> None:
    for i, overall in enumerate([40, 90, 65]):
        session = await _session(db, user=f"UH{i}")
        await store_for(db).transition_status(
            session.id, from_statuses=["active"], to_status="grading", now=NOW
        )
        await store_for(db).complete(
            session.id,
            result=_grade(overall),
            now=NOW + timedelta(days=i),
        )
    async with db.sessions() as s:
        await s.execute(text("UPDATE interviews SET user_id = 'UH'"))
        await s.commit()
    numbers = await store_for(db).profile(team_id="T1", user_id="UH")
    assert numbers.completed == 3 and numbers.best_overall == 90
    assert numbers.average_overall == pytest.approx(65.0)
    assert numbers.recent_overall == [65, 90, 40]
    page = await store_for(db).history(team_id="T1", user_id="UH", offset=0, limit=2)
    assert [r.overall_score for r in page] == [65, 90]
    assert await store_for(db).history(team_id="T1", user_id="nobody", offset=0, limit=5) == []


async def test_slack_event_keys_claim_once(db: Database) -> None:
    results = await asyncio.gather(
        *(store_for(db).claim_event("pointer:D1:1.1", now=NOW) for _ in range(5))
    )
    assert sum(results) == 1
    assert await store_for(db).forget_events(older_than=NOW + timedelta(seconds=1)) == 1


async def test_datetimes_come_back_in_utc(db: Database) -> None:
    session = await _session(db)
    fetched = await store_for(db).get_session(session.id)
    assert fetched is not None and fetched.started_at == NOW
    assert fetched.started_at.tzinfo is not None


async def test_migrations_round_trip(any_db_url: str) -> None:
    url = any_db_url
    await asyncio.to_thread(upgrade_to_head_sync, url)
    await asyncio.to_thread(downgrade_sync, url, "base")
    database = Database(url)
    async with database.engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert not names & TABLES
    await database.close()
    await asyncio.to_thread(upgrade_to_head_sync, url)
    database = Database(url)
    async with database.engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        columns = await conn.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("interviews")}
        )
    await database.close()
    assert names >= TABLES
    assert {
        "id",
        "session_id",
        "team_id",
        "user_id",
        "problem_title",
        "problem_description",
        "difficulty",
        "started_at",
        "completed_at",
        "duration_seconds",
        "overall_score",
        "communication_score",
        "problem_solving_score",
        "code_quality_score",
        "feedback",
        "status",
    } <= columns


async def test_outbox_rows_written_before_payloads_are_converted(any_db_url: str) -> None:
    """Rows that carried their data inside the text come out of the migration as typed
    items, their text the line the transcript shows."""
    url = any_db_url
    await asyncio.to_thread(upgrade_to_head_sync, url)
    database = Database(url)
    session = await make_session(database)
    await database.close()
    await asyncio.to_thread(downgrade_sync, url, "0002")
    database = Database(url)
    naive_now = NOW.replace(tzinfo=None)  # raw SQL: the columns hold naive UTC
    old = [
        ("warning", "5"),
        ("warning", "30s"),
        ("warning", "garbage"),
        ("file_rejected", "solution.exe\nit is a binary file"),
        ("completion_dm", "Interview complete — you scored 73/100"),
        ("scorecard", "Interview complete — overall 73/100"),
        ("reply", "Tell me more."),
    ]
    async with database.sessions() as s:
        for i, (kind, body) in enumerate(old):
            await s.execute(
                text(
                    "INSERT INTO messages (session_id, role, kind, text, dedupe_key, files_done,"
                    " edited, deleted, post_attempts, created_at)"
                    " VALUES (:sid, 'system', :kind, :text, :key, true, false, false, 0, :now)"
                ),
                {"sid": session.id, "kind": kind, "text": body, "key": f"k{i}", "now": naive_now},
            )
        await s.commit()
    await database.close()
    await asyncio.to_thread(upgrade_to_head_sync, url)
    database = Database(url)
    state = await store_for(database).load_state(session.id)
    await database.close()
    assert state is not None
    items = [from_row(m.kind, m.text, m.payload) for m in state.messages if m.kind != "problem"]
    assert items == [
        TimeWarning(300),
        TimeWarning(30),
        TimeWarning(300),
        FileRejected("solution.exe", "it is a binary file"),
        CompletionDm(73),
        Scorecard(73),
        Reply("Tell me more."),
    ]
    lines = [m.text for m in state.messages if m.kind != "problem"]
    assert lines[:4] == [
        "5 minutes left in your interview",
        "30 seconds left in your interview",
        "5 minutes left in your interview",
        "I could not use solution.exe as code: it is a binary file",
    ]


async def test_models_match_migrations(sqlite_url: str) -> None:
    """Autogenerate finds nothing to change: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    await migrate(sqlite_url)
    database = Database(sqlite_url)
    async with database.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
        )
    await database.close()
    assert diff == []


async def test_dropped_leases_can_be_taken_at_once(db: Database) -> None:
    session = await _session(db)
    until = NOW + timedelta(seconds=60)
    assert await _claim(db, session_id=session.id, owner="a", now=NOW, until=until)
    assert await store_for(db, "a").drop_leases() == 1
    assert await _claim(db, session_id=session.id, owner="b", now=NOW, until=until)
    assert await store_for(db, "a").drop_leases() == 0


async def test_every_session_and_transaction_is_held_in_admission(db: Database) -> None:
    calls: list[str] = []

    @contextlib.asynccontextmanager
    async def admission() -> AsyncIterator[None]:
        calls.append("in")
        yield
        calls.append("out")

    db.admission = admission
    session = await _session(db)  # an ORM session
    assert calls and calls[-1] == "out"
    calls.clear()
    assert await store_for(db).queue_notice(  # a Core transaction
        session.id, GradingNote("hi"), key="grading_note", now=NOW
    )
    assert calls == ["in", "out"]
    claimed = await _claim(
        db, session_id=session.id, owner="w", now=NOW, until=NOW + timedelta(seconds=30)
    )
    assert claimed is not None and calls == ["in", "out"] * 2


async def test_claim_and_load_takes_the_lease_and_reads_the_state_in_one_go(db: Database) -> None:
    session = await _session(db)
    until = NOW + timedelta(seconds=30)
    first = await _claim(db, session_id=session.id, owner="a", now=NOW, until=until)
    assert first is not None
    assert first.id == session.id and first.lease_owner == "a"
    # Held by "a": "b" gets nothing, and the lease is left as it was.
    assert await _claim(db, session_id=session.id, owner="b", now=NOW, until=until) is None
    again = await store_for(db).get_session(session.id)
    assert again is not None and again.lease_owner == "a"


async def test_only_durable_work_waits_for_postgresql_to_flush(pg_url: str) -> None:
    await migrate(pg_url)
    db = Database(pg_url)
    durable = True
    db.durable = lambda: durable
    try:
        async with db.transaction() as conn:
            assert (await conn.execute(text("SHOW synchronous_commit"))).scalar_one() == "on"
        async with db.sessions() as session:
            assert (await session.execute(text("SHOW synchronous_commit"))).scalar_one() == "on"
        durable = False
        async with db.transaction() as conn:
            assert (await conn.execute(text("SHOW synchronous_commit"))).scalar_one() == "off"
        async with db.sessions() as session:
            assert (await session.execute(text("SHOW synchronous_commit"))).scalar_one() == "off"
    finally:
        await db.close()


async def _cut_connections(url: str) -> int:
    """What a PostgreSQL restart does to the bot's pooled connections."""
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        return int(
            await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                make_url(url).database,
            )
        )
    finally:
        await admin.close()


@pytest.mark.parametrize("durable", [True, False])
async def test_postgresql_replaces_a_pooled_connection_cut_while_idle(
    pg_url: str, durable: bool
) -> None:
    await migrate(pg_url)
    db = Database(pg_url, ping_idle_after=0.0)
    db.durable = lambda: durable
    try:
        session = await _session(db)
        assert await _cut_connections(pg_url) >= 1
        fetched = await store_for(db).get_session(session.id)
        assert fetched is not None and fetched.id == session.id
    finally:
        await db.close()


async def test_postgresql_connection_in_steady_use_is_not_pinged(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only idle connections are checked; one cut while in use fails that one unit of work."""
    await migrate(pg_url)
    db = Database(pg_url, ping_idle_after=3600.0)
    pings: list[object] = []
    monkeypatch.setattr(db.engine.sync_engine.dialect, "do_ping", pings.append)
    try:
        session = await _session(db)
        await store_for(db).get_session(session.id)
        assert pings == []
        await _cut_connections(pg_url)
        with pytest.raises(DBAPIError):
            await store_for(db).get_session(session.id)
        fetched = await store_for(db).get_session(session.id)
        assert fetched is not None and fetched.id == session.id
    finally:
        await db.close()


def test_read_models_carry_every_column() -> None:
    pairs = (
        (InterviewSession, SessionRecord),
        (InterviewSession, SessionState),
        (Message, MessageRow),
        (CodeSubmission, CodeRow),
        (Interview, InterviewRecord),
    )
    for model, row_type in pairs:
        fields = [f.name for f in dataclasses.fields(row_type)]
        columns = [c.name for c in cast(Table, model.__table__).columns]
        assert [f for f in fields if f not in ("messages", "code_submissions")] == columns


async def test_claim_reads_the_transcript_in_order(db: Database) -> None:
    session = await _session(db)
    for i in range(3):
        await store_for(db).queue(session.id, role="interviewer", item=Reply(f"r{i}"), now=NOW)
    code = [
        NewCode(language="python", filename=None, content="print(1)"),
        NewCode(language="sql", filename=None, content="SELECT 2"),
    ]
    await store_for(db).record_candidate_message(
        session.id, _turn("9.1", "```py\\nprint(1)\\n```", code)
    )
    claimed = await _claim(
        db, session_id=session.id, owner="a", now=NOW, until=NOW + timedelta(seconds=60)
    )
    assert claimed is not None
    state = claimed
    assert state.lease_owner == "a" and state.work_seq >= 1
    assert [m.text for m in state.messages][1:] == ["r0", "r1", "r2", "```py\\nprint(1)\\n```"]
    assert [m.id for m in state.messages] == sorted(m.id for m in state.messages)
    assert [c.content for c in state.code_submissions] == ["print(1)", "SELECT 2"]
    assert state.code_submissions[1].created_at.tzinfo is not None
    assert state.code_submissions[0].message_id == state.messages[-1].id
    assert state.started_at.tzinfo is not None
    assert await store_for(db).load_state(session.id) == state


async def _thread_session(db: Database, user: str = "U1") -> SessionRecord:
    """An active session whose problem is posted in thread D1/1.0 (per user: D-<user>)."""
    session = await _session(db, user)
    state = await store_for(db).load_state(session.id)
    assert state is not None
    await store_for(db).mark_problem_posted(
        session.id,
        message_id=state.messages[0].id,
        channel_id=f"D-{user}",
        thread_ts="1.0",
        permalink=None,
        now=NOW,
    )
    return session


async def _say(
    db: Database, text: str, *, ts: str, user: str = "U1", code: bool = False
) -> StoredTurn | None:
    """A turn in thread D-U1/1.0, stored as the bot stores it."""
    blocks = [NewCode(language="python", filename=None, content=text)] if code else []
    turn = NewTurn("T1", user, "D-U1", "1.0", ts, text, NOW + timedelta(minutes=1), code=blocks)
    return await store_for(db).record_turn(turn, then=_as_stored)


async def _as_stored(stored: StoredTurn) -> StoredTurn:
    return stored


@pytest.mark.parametrize("with_code", [False, True])
async def test_a_thread_message_is_stored_once_and_bumps_the_work(
    db: Database, with_code: bool
) -> None:
    session = await _thread_session(db)
    before = await store_for(db).get_session(session.id)
    assert before is not None
    stored = await _say(db, "x = 1", ts="2.0", code=with_code)
    assert stored is not None and stored.session_id == session.id
    assert await _say(db, "x = 1", ts="2.0", code=with_code) is None  # Slack's retry
    assert await _say(db, "not mine", ts="2.1", user="U2") is None  # someone else
    state = await store_for(db).load_state(session.id)
    assert state is not None
    assert [m.text for m in state.messages if m.role == "candidate"] == ["x = 1"]
    assert state.messages[-1].id == stored.message_id
    assert state.work_seq == before.work_seq + 1
    assert state.wake_at == NOW + timedelta(minutes=1)
    assert [c.content for c in state.code_submissions] == (["x = 1"] if with_code else [])
    await store_for(db).transition_status(
        session.id, from_statuses=["active"], to_status="grading", now=NOW
    )
    assert await _say(db, "too late", ts="2.2") is None  # the interview is over


async def test_postgresql_turn_statements_commit_on_their_own(pg_url: str) -> None:
    """No BEGIN/COMMIT round trips around the turn's single statements on PostgreSQL."""
    await migrate(pg_url)
    db = Database(pg_url)
    seen: list[tuple[str, object]] = []

    def record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        level = conn.get_execution_options().get("isolation_level")
        seen.append((statement.split()[0], level))

    try:
        session = await _thread_session(db)
        # The turn goes to the pool that does not wait for the flush (the ack flushes it).
        event.listen(db.relaxed_engine.sync_engine, "before_cursor_execute", record)
        stored = await _say_claiming(db, "3.0")
        event.remove(db.relaxed_engine.sync_engine, "before_cursor_execute", record)
        event.listen(db.engine.sync_engine, "before_cursor_execute", record)
        assert stored is not None
        assert seen == [("WITH", "AUTOCOMMIT")]  # insert, bump, lease and read: one statement
        seen.clear()
        until = NOW + timedelta(seconds=60)
        claimed = await _claim(db, session_id=session.id, owner="w", now=NOW, until=until)
        assert claimed is not None
        store = store_for(db)
        reply = await store.queue_posting(
            session.id, role="interviewer", item=Reply("hi"), now=NOW, key="reply:1"
        )
        assert reply is not None
        await store.mark_posted(reply, slack_ts="3.1", now=NOW)
        assert await store.release(
            session.id, seen_work_seq=claimed.work_seq, next_wake_at=None, now=NOW
        )
        assert {level for _, level in seen} == {"AUTOCOMMIT"}, seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
        await db.close()


async def test_postgresql_confirming_a_turn_puts_it_on_disk(pg_url: str) -> None:
    """A turn stored without waiting for the disk, then confirmed, is flushed."""
    async with migrated(pg_url) as db:
        session = await _thread_session(db)
        durable: list[tuple[str, object]] = []

        def record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            level = conn.get_execution_options().get("isolation_level")
            durable.append((statement.split()[0], level))

        relaxed: list[str] = []
        event.listen(db.engine.sync_engine, "before_cursor_execute", record)
        event.listen(
            db.relaxed_engine.sync_engine,
            "before_cursor_execute",
            lambda *args: relaxed.append(args[2].split()[0]),
        )
        store = PostgresStore(db, FixedLeases())
        turn = NewTurn("T1", "U1", "D-U1", "1.0", "4.0", "visible before it is on disk", NOW)
        stored = await store.store_turn(turn)
        assert stored is not None and stored.session_id == session.id
        assert relaxed == ["WITH"] and durable == []
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            written = await admin.fetchval("SELECT pg_current_wal_insert_lsn()")
            await store.confirm_turn(turn)
            flushed = await admin.fetchval("SELECT pg_current_wal_flush_lsn()")
        finally:
            await admin.close()
        assert durable == [("INSERT", "AUTOCOMMIT")]
        assert flushed >= written
        async with db.transaction() as conn:
            keys = (await conn.execute(text("SELECT key FROM slack_events"))).scalars().all()
        assert keys == ["turn:D-U1:4.0"]


async def test_sqlite_turns_need_no_confirming(sqlite_url: str) -> None:
    async with migrated(sqlite_url) as db:
        await _thread_session(db)
        statements: list[str] = []
        event.listen(
            db.engine.sync_engine,
            "before_cursor_execute",
            lambda *args: statements.append(args[2]),
        )
        seen_by_then: list[int] = []

        async def then(stored: StoredTurn) -> int:
            seen_by_then.append(len(statements))
            return stored.message_id

        store = store_for(db)
        turn = NewTurn("T1", "U1", "D-U1", "1.0", "4.0", "hello", NOW)
        assert await store.record_turn(turn, then=then) is not None
        # Nothing is written after `then`: the commit it followed is all an ack waits for.
        assert seen_by_then == [len(statements)] and statements
        assert await store.record_turn(turn, then=then) is None  # Slack's retry


async def _claim(
    db: Database, *, session_id: int, owner: str, now: datetime, until: datetime
) -> SessionState | None:
    """The claim as the worker takes it: through the store for the database."""
    return await store_for(db, owner, until).claim(session_id, now=now)


async def test_postgresql_turn_store_claims_then_flushes_before_it_returns(pg_url: str) -> None:
    async with migrated(pg_url) as db:
        session = await _thread_session(db)
        order: list[str] = []
        confirm = PostgresStore.confirm_turn

        async def then(stored: StoredTurn) -> StoredTurn:
            order.append("then")
            return stored

        store = store_for(db)
        turn = NewTurn("T1", "U1", "D-U1", "1.0", "4.0", "hello", NOW)
        with pytest.MonkeyPatch.context() as patch:

            async def observed(self: PostgresStore, turn: NewTurn) -> None:
                order.append(f"flush {turn.slack_ts}")
                await confirm(self, turn)

            patch.setattr(PostgresStore, "confirm_turn", observed)
            stored = await store.record_turn(turn, then=then)
        assert order == ["then", "flush 4.0"]
        assert stored is not None and stored.session_id == session.id
        assert stored.claimed is not None and stored.claimed.work_seq >= 1


async def _say_claiming(db: Database, ts: str, owner: str = "w") -> StoredTurn | None:
    """PostgreSQL's turn without code: stored, bumped, claimed and read in one statement."""
    store = PostgresStore(db, FixedLeases(owner))
    return await store.store_turn(NewTurn("T1", "U1", "D-U1", "1.0", ts, f"message {ts}", NOW))


async def test_postgresql_a_turn_takes_the_lease_and_reads_the_transcript_with_it(
    pg_url: str,
) -> None:
    async with migrated(pg_url) as db:
        session = await _thread_session(db)
        await _say(db, "x = 1", ts="2.0", code=True)
        stored = await _say_claiming(db, "2.1")
        assert stored is not None and stored.claimed is not None
        state = stored.claimed
        assert state == await store_for(db).load_state(session.id)
        assert state.lease_owner == "w"
        assert state.messages[-1].id == stored.message_id
        assert [m.text for m in state.messages if m.role == "candidate"] == [
            "x = 1",
            "message 2.1",
        ]
        assert [c.content for c in state.code_submissions] == ["x = 1"]
        # Held by another worker: stored, but neither the lease nor the transcript is taken.
        other = await _say_claiming(db, "2.2", owner="other")
        assert other is not None and other.claimed is None
        after = await store_for(db).get_session(session.id)
        assert after is not None and after.lease_owner == "w"
        assert after.work_seq == state.work_seq + 1


async def test_postgresql_a_turn_racing_another_write_leaves_the_read_to_the_worker(
    pg_url: str,
) -> None:
    """One statement's snapshot cannot see a write committed while it runs: when the work was
    bumped meanwhile, the transcript it read is not used."""
    async with migrated(pg_url) as db:
        session = await _thread_session(db)
        admin = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
        try:
            racing = admin.transaction()
            await racing.start()
            await admin.execute(
                "UPDATE interview_sessions SET work_seq = work_seq + 1 WHERE id = $1", session.id
            )
            turn = asyncio.create_task(_say_claiming(db, "3.0"))
            await asyncio.sleep(0.3)  # the turn's statement now waits for the row
            assert not turn.done()
            await racing.commit()
            stored = await asyncio.wait_for(turn, timeout=5)
        finally:
            await admin.close()
        assert stored is not None and stored.claimed is None
        state = await store_for(db).load_state(session.id)
        assert state is not None and state.messages[-1].id == stored.message_id
