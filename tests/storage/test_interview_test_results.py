"""The interviews record keeps the test results of the final and the best submission, and
the history read by Home carries them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.interview.domain import SessionStatus
from bot.interview.records import CompletedInterview
from bot.interview.transcript import summary
from storage.db import Database
from tests.factories import NOW, make_session, store_for
from tests.storage.conftest import migrated


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    async with migrated(any_db_url) as database:
        yield database


def _completed(**tests: int | None) -> CompletedInterview:
    return CompletedInterview(
        problem_id="p1",
        problem_title="Two numbers",
        problem_description="Find them.",
        difficulty="easy",
        overall=70,
        communication=70,
        problem_solving=70,
        code_quality=70,
        feedback="ok",
        strengths=[],
        improvements=[],
        graded_by="model",
        **tests,
    )


async def _record(db: Database, user: str, result: CompletedInterview) -> None:
    session = await make_session(db, user_id=user)
    await store_for(db).transition_status(
        session.id,
        from_statuses=[SessionStatus.ACTIVE],
        to_status=SessionStatus.GRADING,
        now=NOW,
    )
    assert await store_for(db).complete(session.id, result=result, now=NOW)


async def test_final_and_best_results_are_recorded_and_summarised(db: Database) -> None:
    result = _completed(tests_passed=5, tests_total=7, best_tests_passed=7, best_tests_total=7)
    await _record(db, "U1", result)
    rows = await store_for(db).history(team_id="T1", user_id="U1", offset=0, limit=5)
    assert len(rows) == 1
    row = rows[0]
    assert (row.tests_passed, row.tests_total) == (5, 7)
    assert (row.best_tests_passed, row.best_tests_total) == (7, 7)
    assert summary(row).best_tests_label() == "tests 7/7"


async def test_an_interview_where_nothing_ran_keeps_null_results(db: Database) -> None:
    await _record(db, "U2", _completed())
    rows = await store_for(db).history(team_id="T1", user_id="U2", offset=0, limit=5)
    got = summary(rows[0])
    assert (got.tests_passed, got.tests_total, got.best_tests_passed, got.best_tests_total) == (
        None,
        None,
        None,
        None,
    )
    assert got.best_tests_label() is None
