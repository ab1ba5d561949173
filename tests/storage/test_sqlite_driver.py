"""The SQLite connection's one-trip cursor keeps every DB-API behaviour SQLAlchemy relies on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.interview.outbox import Reply
from storage.db import Database, migrate
from storage.models import Message
from storage.sqlite.driver import OneTripConnection
from tests.factories import NOW, make_session, store_for
from tests.storage.conftest import migrated


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    async with migrated(sqlite_url) as database:
        yield database


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every call made on a connection's thread."""
    calls: list[str] = []
    original = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    return calls


async def test_the_engine_uses_one_trip_connections(db: Database) -> None:
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, OneTripConnection)


async def test_a_write_takes_one_trip_per_statement_and_one_to_commit(
    db: Database, trips: list[str]
) -> None:
    session = await make_session(db)
    trips.clear()
    async with db.transaction() as conn:
        await conn.execute(
            text("UPDATE interview_sessions SET phase = 'coding' WHERE id = :i"), {"i": session.id}
        )
        await conn.execute(
            text("SELECT phase FROM interview_sessions WHERE id = :i"), {"i": session.id}
        )
    assert trips == ["_run", "_run", "commit"]


async def test_reads_alone_commit_without_a_trip(db: Database, trips: list[str]) -> None:
    await make_session(db)  # the pooled connection is open
    trips.clear()
    async with db.transaction() as conn:
        assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    assert trips == ["_run"]


async def test_rows_counts_and_returning(db: Database) -> None:
    session = await make_session(db)
    async with db.transaction() as conn:
        ids = (
            (
                await conn.execute(
                    text(
                        "INSERT INTO messages (session_id, role, kind, text, files_done, edited,"
                        " deleted, post_attempts, created_at) VALUES"
                        " (:s, 'interviewer', 'reply', 'a', 1, 0, 0, 0, :now),"
                        " (:s, 'interviewer', 'reply', 'b', 1, 0, 0, 0, :now) RETURNING id"
                    ),
                    {"s": session.id, "now": NOW},
                )
            )
            .scalars()
            .all()
        )
        assert len(ids) == 2
        updated = await conn.execute(
            text("UPDATE messages SET text = 'c' WHERE session_id = :s AND kind = 'reply'"),
            {"s": session.id},
        )
        assert updated.rowcount == 2
        many = await conn.execute(
            text("UPDATE messages SET post_attempts = post_attempts + 1 WHERE id = :i"),
            [{"i": ids[0]}, {"i": ids[1]}],
        )
        assert many.rowcount == 2
        rows = (await conn.execute(select(Message.text).where(Message.id.in_(ids)))).all()
        assert [row.text for row in rows] == ["c", "c"]


async def test_orm_inserts_get_their_ids(db: Database) -> None:
    session = await make_session(db)
    async with db.sessions() as orm:
        message = Message(
            session_id=session.id,
            role="interviewer",
            kind="reply",
            text="hi",
            files_done=True,
            edited=False,
            deleted=False,
            post_attempts=0,
            created_at=NOW,
        )
        orm.add(message)
        await orm.flush()
        assert message.id is not None
        await orm.commit()
    state = await store_for(db).load_state(session.id)
    assert state is not None
    assert [m.text for m in state.messages][-1] == "hi"


async def test_errors_surface_and_the_transaction_rolls_back(db: Database) -> None:
    session = await make_session(db)
    with pytest.raises(IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                text("UPDATE interview_sessions SET phase = 'coding' WHERE id = :i"),
                {"i": session.id},
            )
            await conn.execute(
                text("INSERT INTO messages (id, session_id) VALUES (1, :s)"), {"s": session.id}
            )
    with pytest.raises(OperationalError):
        async with db.transaction() as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))
    async with db.transaction() as conn:
        phase = await conn.scalar(
            text("SELECT phase FROM interview_sessions WHERE id = :i"), {"i": session.id}
        )
    assert phase != "coding"


async def test_a_second_connection_sees_writes_after_reads(sqlite_url: str) -> None:
    """Skipping the commit after reads leaves no read transaction holding an old snapshot."""
    await migrate(sqlite_url)
    reader, writer = Database(sqlite_url), Database(sqlite_url)
    try:
        session = await make_session(writer)
        async with reader.transaction() as conn:
            count = await conn.scalar(text("SELECT count(*) FROM messages"))
        await store_for(writer).queue(session.id, role="interviewer", item=Reply("later"), now=NOW)
        async with reader.transaction() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM messages")) == count + 1
    finally:
        await reader.close()
        await writer.close()
