"""Migration 0004: the interviews record gains the test results, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect, text

from storage.db import Database, downgrade_sync, upgrade_to_head_sync
from tests.factories import NOW, make_session

RESULT_COLUMNS = {"tests_passed", "tests_total", "best_tests_passed", "best_tests_total"}


async def _interview_columns(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return await conn.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("interviews")}
        )


async def test_existing_interviews_keep_null_results_and_downgrade_drops_them(
    any_db_url: str,
) -> None:
    url = any_db_url
    await asyncio.to_thread(upgrade_to_head_sync, url)
    database = Database(url)
    session = await make_session(database)
    await database.close()
    await asyncio.to_thread(downgrade_sync, url, "0003")

    database = Database(url)
    assert not await _interview_columns(database) & RESULT_COLUMNS
    naive_now = NOW.replace(tzinfo=None)  # raw SQL: the columns hold naive UTC
    async with database.sessions() as s:
        await s.execute(
            text(
                "INSERT INTO interviews (session_id, team_id, user_id, problem_id, problem_title,"
                " problem_description, difficulty, started_at, completed_at, duration_seconds,"
                " overall_score, communication_score, problem_solving_score, code_quality_score,"
                " feedback, strengths, improvements, graded_by, status)"
                " VALUES (:sid, 'T1', 'U1', 'p1', 'Two numbers', 'Find them.', 'easy', :now,"
                " :now, 60, 70, 70, 70, 70, 'ok', '[]', '[]', 'model', 'completed')"
            ),
            {"sid": session.id, "now": naive_now},
        )
        await s.commit()
    await database.close()

    await asyncio.to_thread(upgrade_to_head_sync, url)
    database = Database(url)
    assert await _interview_columns(database) >= RESULT_COLUMNS
    async with database.sessions() as s:
        row = (
            await s.execute(
                text(
                    "SELECT tests_passed, tests_total, best_tests_passed, best_tests_total"
                    " FROM interviews WHERE session_id = :sid"
                ),
                {"sid": session.id},
            )
        ).one()
        assert tuple(row) == (None, None, None, None)
        await s.execute(
            text(
                "UPDATE interviews SET tests_passed = 5, tests_total = 7,"
                " best_tests_passed = 7, best_tests_total = 7 WHERE session_id = :sid"
            ),
            {"sid": session.id},
        )
        await s.commit()
    await database.close()

    await asyncio.to_thread(downgrade_sync, url, "0003")
    database = Database(url)
    assert not await _interview_columns(database) & RESULT_COLUMNS
    async with database.sessions() as s:
        kept = (
            await s.execute(
                text("SELECT overall_score FROM interviews WHERE session_id = :sid"),
                {"sid": session.id},
            )
        ).scalar_one()
    await database.close()
    assert kept == 70
