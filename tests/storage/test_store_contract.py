"""Every verb of the interview store, on real SQLite and real PostgreSQL: one interview's life
through the port alone, and a check that no verb of InterviewStore goes unexercised."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.interview.domain import Phase, Role, SessionStatus
from bot.interview.outbox import GradingNote, Kind, Reply, TimeWarning
from bot.interview.records import (
    CompletedInterview,
    NewCode,
    NewSession,
    NewTurn,
    StoredTurn,
)
from bot.interview.store import InterviewStore
from storage.db import Database
from tests.factories import NOW, store_for
from tests.storage.conftest import migrated

VERBS = {name for name, value in vars(InterviewStore).items() if callable(value) and name[0] != "_"}


class Recording:
    """The store, noting which verbs were called."""

    def __init__(self, store: InterviewStore) -> None:
        self.store = store
        self.used: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.used.add(name)
        return getattr(self.store, name)


@pytest.fixture
async def db(any_db_url: str) -> AsyncIterator[Database]:
    async with migrated(any_db_url) as database:
        yield database


def _new_session(history_seen: list[list[str]]) -> Any:
    def prepare(history: list[str]) -> NewSession:
        history_seen.append(history)
        return NewSession(
            problem_id=f"p{len(history)}",
            difficulty="easy",
            topic=None,
            time_limit_minutes=45,
            started_at=NOW,
            deadline_at=NOW + timedelta(minutes=45),
            warning_at=NOW + timedelta(minutes=40),
            problem_text="Two numbers (easy)",
        )

    return prepare


async def _as_stored(stored: StoredTurn) -> StoredTurn:
    return stored


async def test_every_verb_through_one_interview(db: Database) -> None:
    recording = Recording(store_for(db, "w", NOW + timedelta(seconds=60)))
    store: Any = recording
    later = NOW + timedelta(minutes=1)
    histories: list[list[str]] = []

    # Sessions: one open per user, found again rather than made twice.
    session, created = await store.open_session(
        team_id="T1", user_id="U1", prepare=_new_session(histories)
    )
    again, created_again = await store.open_session(
        team_id="T1", user_id="U1", prepare=_new_session(histories)
    )
    assert created and not created_again and again.id == session.id and histories == [[]]
    assert session.status == SessionStatus.ACTIVE and session.phase == Phase.CLARIFY
    assert (await store.open_session_of(team_id="T1", user_id="U1")).id == session.id
    assert await store.open_session_of(team_id="T1", user_id="U2") is None

    # The problem is posted: its thread is the interview's.
    state = await store.load_state(session.id)
    problem = state.messages[0]
    assert problem.kind == Kind.PROBLEM and problem.slack_ts is None
    await store.mark_problem_posted(
        session.id,
        message_id=problem.id,
        channel_id="D1",
        thread_ts="1.0",
        permalink="https://slack.example/p1",
        now=NOW,
    )
    in_thread = await store.session_in_thread(channel_id="D1", thread_ts="1.0")
    assert in_thread.id == session.id and in_thread.permalink == "https://slack.example/p1"
    assert await store.session_in_thread(channel_id="D1", thread_ts="9.9") is None

    # The worker's lease.
    claimed = await store.claim(session.id, now=NOW)
    assert claimed.id == session.id and claimed.lease_owner == "w"
    assert (await store_for(db, "other").claim(session.id, now=NOW)) is None
    await store.extend_leases([session.id])
    assert (await store.get_session(session.id)).lease_until == NOW + timedelta(seconds=60)

    # The candidate's turns: stored once, in their own thread only.
    turn = NewTurn("T1", "U1", "D1", "1.0", "2.0", "Can it be empty?", later)
    stored = await store.record_turn(turn, then=_as_stored)
    assert stored.session_id == session.id
    assert await store.record_turn(turn, then=_as_stored) is None  # Slack's retry
    stranger = NewTurn("T1", "U2", "D1", "1.0", "2.1", "hi", later)
    assert await store.record_turn(stranger, then=_as_stored) is None
    code = [NewCode(language="python", filename=None, content="x = 1")]
    coded = NewTurn("T1", "U1", "D1", "1.0", "2.2", "```x = 1```", later, code=code)
    coded_id = await store.record_candidate_message(session.id, coded)
    assert coded_id is not None
    assert await store.record_candidate_message(session.id, coded) is None
    assert await store.edit_candidate_message(
        session.id, slack_ts="2.0", text="Can the list be empty?", deleted=False
    )
    assert not await store.edit_candidate_message(
        session.id, slack_ts="7.7", text="nothing there", deleted=False
    )
    shared = NewTurn(
        "T1", "U1", "D1", "1.0", "2.3", "my file", later, files=[{"id": "F1", "name": "a.py"}]
    )
    file_message = await store.record_candidate_message(session.id, shared)
    from_file = NewCode(language="python", filename="a.py", content="y = 2", slack_file_id="F1")
    assert await store.add_code_from_file(
        session.id, message_id=file_message, ordinal=100, code=from_file, now=later
    )
    assert not await store.add_code_from_file(
        session.id, message_id=file_message, ordinal=100, code=from_file, now=later
    )
    await store.mark_files_done(file_message)

    # What the bot says, and what became of each post.
    warning = await store.queue_notice(session.id, TimeWarning(300), key="warning", now=later)
    assert warning is not None
    assert await store.queue_notice(session.id, TimeWarning(300), key="warning", now=later) is None
    reply = await store.queue_posting(
        session.id,
        role=Role.INTERVIEWER,
        item=Reply("Yes, it can."),
        now=later,
        key="reply:1",
        answers_through=stored.message_id,
        phase=Phase.APPROACH,
    )
    unsent = await store.queue(
        session.id, role=Role.SYSTEM, item=GradingNote("soon"), now=later, key="note"
    )
    await store.note_post_attempt(warning)
    await store.mark_posted(reply, slack_ts="3.0", now=later)
    await store.give_up_post(unsent, now=later)
    state = await store.load_state(session.id)
    by_id = {m.id: m for m in state.messages}
    assert state.phase == Phase.APPROACH
    assert by_id[stored.message_id].text == "Can the list be empty?"
    assert by_id[stored.message_id].edited
    assert by_id[warning].post_attempts == 1 and by_id[warning].slack_ts is None
    assert by_id[reply].post_attempts == 1 and by_id[reply].slack_ts == "3.0"
    assert by_id[unsent].slack_ts == f"unsent-{unsent}"
    assert by_id[file_message].files_done
    assert [c.content for c in state.code_submissions] == ["x = 1", "y = 2"]

    # The run ends: queued work since the claim keeps the session due.
    assert not await store.release(
        session.id,
        seen_work_seq=claimed.work_seq,
        next_wake_at=NOW + timedelta(minutes=40),
        now=later,
        error="boom",
    )
    assert await store.due_sessions(now=later, limit=10) == [session.id]
    assert (await store.get_session(session.id)).failed_attempts == 1
    await store.clear_failures(session.id)
    assert (await store.get_session(session.id)).failed_attempts == 0
    again_claimed = await store.claim(session.id, now=later)
    assert await store.drop_leases() == 1
    assert (await store.get_session(session.id)).lease_owner is None
    assert again_claimed is not None

    # Finished and graded, once.
    assert await store.transition_status(
        session.id,
        from_statuses=[SessionStatus.ACTIVE],
        to_status=SessionStatus.GRADING,
        now=later,
        user_id="U1",
    )
    assert not await store.transition_status(
        session.id, from_statuses=[SessionStatus.ACTIVE], to_status=SessionStatus.GRADING, now=later
    )
    grade = CompletedInterview(
        problem_id="p0",
        problem_title="Two numbers",
        problem_description="Find them.",
        difficulty="easy",
        overall=80,
        communication=70,
        problem_solving=90,
        code_quality=60,
        feedback="Good.",
        strengths=["clear"],
        improvements=["tests"],
        graded_by="model",
        tests_passed=5,
        tests_total=7,
        best_tests_passed=7,
        best_tests_total=7,
    )
    assert await store.complete(session.id, result=grade, now=NOW + timedelta(minutes=30))
    assert not await store.complete(session.id, result=grade, now=NOW + timedelta(minutes=31))
    record = await store.interview_of_session(session.id)
    assert record.overall_score == 80 and record.duration_seconds == 1800
    assert (record.tests_passed, record.best_tests_total) == (5, 7)
    assert (await store.interview(record.id, team_id="T1", user_id="U1")) == record
    assert await store.interview(record.id, team_id="T1", user_id="U2") is None
    assert await store.history(team_id="T1", user_id="U1", offset=0, limit=5) == [record]
    profile = await store.profile(team_id="T1", user_id="U1")
    assert profile.completed == 1 and profile.best_overall == 80
    assert profile.recent_overall == [80]
    assert await store.open_session_of(team_id="T1", user_id="U1") is None
    _, created = await store.open_session(
        team_id="T1", user_id="U1", prepare=_new_session(histories)
    )
    assert created and histories[-1] == ["p0"]

    # Slack events handled outside an interview: each key once, forgotten after a while.
    assert await store.claim_event("pointer:D1:5.0", now=NOW)
    assert not await store.claim_event("pointer:D1:5.0", now=NOW)
    # (PostgreSQL also keeps each acked turn's key: the write that flushed it.)
    assert await store.forget_events(older_than=NOW + timedelta(days=7)) >= 1
    assert await store.claim_event("pointer:D1:5.0", now=NOW + timedelta(days=7))

    assert recording.used == VERBS, VERBS - recording.used
