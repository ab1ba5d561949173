"""`run` spam, decided as a table: the `run`s waiting for the same code in the same language
are answered by one run, as the newest of them; nothing else is merged. No database, no
Slack, no sandbox."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.interview.outbox import Kind, RunResultPost, to_row
from bot.interview.records import CodeRow, MessageRow, SessionState
from bot.interview.steps import (
    Idle,
    RunCode,
    SettleRun,
    Skip,
    Speak,
    Step,
    next_step,
    pending_run,
    run_language,
    step_to_skip,
)

START = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
DURING = START + timedelta(minutes=10)


def msg(id: int, session_id: int, role: str, kind: str, text: str, **fields: Any) -> MessageRow:
    return MessageRow(id, session_id, role, kind, text, created_at=START, **fields)


PROBLEM = msg(1, 1, "system", Kind.PROBLEM, "Two Sum", slack_ts="1.0")
OPENING = msg(2, 1, "interviewer", Kind.OPENING, "Hi", slack_ts="2.0", answers_through=0)


def said(id: int, *, deleted: bool = False) -> MessageRow:
    return msg(id, 1, "candidate", Kind.CANDIDATE, "code", slack_ts=f"{id}.0", deleted=deleted)


def reply(id: int, through: int) -> MessageRow:
    return msg(id, 1, "interviewer", Kind.REPLY, "ok", slack_ts=f"{id}.0", answers_through=through)


def run(id: int, text: str = "run", *, deleted: bool = False) -> MessageRow:
    return msg(id, 1, "candidate", Kind.RUN_REQUEST, text, slack_ts=f"{id}.0", deleted=deleted)


def result(id: int, code_id: int, request_id: int = 0) -> MessageRow:
    kind, text, payload = to_row(
        RunResultPost(code_id, request_id, "ok", "python", 1, 2, "1/2 tests passed · 9 ms")
    )
    return msg(id, 1, "system", kind, text, slack_ts=f"{id}.0", payload=payload)


def code(id: int, message_id: int, language: str = "python") -> CodeRow:
    return CodeRow(id, 1, message_id, 0, language, None, "def f(): pass", None, START)


def state(*messages: MessageRow, code: tuple[CodeRow, ...] = ()) -> SessionState:
    return SessionState(
        id=1, team_id="T1", user_id="U1", api_app_id=None, channel_id="D1", thread_ts="1.0",
        permalink=None, problem_id="two-sum", difficulty="easy", topic=None, status="active",
        phase="clarify", time_limit_minutes=30, started_at=START,
        deadline_at=START + timedelta(minutes=30), warning_at=START + timedelta(minutes=25),
        completed_at=None, start_response_url=None, wake_at=None, lease_owner="w",
        lease_until=None, work_seq=1, failed_attempts=0, last_error=None, messages=messages,
        code_submissions=code,
    )  # fmt: skip


# Code 1 (message 3) sent, run and answered; `run`s follow from message 6 on.
C1 = code(1, 3)
RAN = (PROBLEM, OPENING, said(3), result(4, 1), reply(5, 3))
# A second submission (message 8, code 2), run too.
C2 = code(2, 8)
RAN_2 = (said(8), result(9, 2), reply(10, 8))

NEXT_STEP: list[tuple[str, SessionState, Step]] = [
    ("ten `run`s waiting: one run, as the newest",
     state(*RAN, *(run(i) for i in range(6, 16)), code=(C1,)),
     RunCode(C1, request_id=15)),
    ("the newest's result answers every earlier `run`: idle",
     state(*RAN, *(run(i) for i in range(6, 16)), result(16, 1, 15), code=(C1,)),
     Idle()),
    ("`run`s after that run: one more run, as the newest of them",
     state(*RAN, run(6), run(7), result(8, 1, 7), run(9), run(10), run(11), code=(C1,)),
     RunCode(C1, request_id=11)),
    ("a result for an older `run` does not answer a newer one",
     state(*RAN, run(6), result(7, 1, 6), run(8), code=(C1,)),
     RunCode(C1, request_id=8)),
    ("`run` and `run python` of Python code are the same run",
     state(*RAN, run(6), run(7, "run python"), run(8), code=(C1,)),
     RunCode(C1, request_id=8)),
    ("`run python` newest: the run is named as it",
     state(*RAN, run(6), run(7), run(8, "run python"), code=(C1,)),
     RunCode(C1, request_id=8, language="python")),
    ("another language is another run: the oldest's language goes first",
     state(*RAN, run(6, "run python"), run(7, "run javascript"), run(8, "run python"),
           code=(C1,)),
     RunCode(C1, request_id=8, language="python")),
    ("then the other language's `run` is answered on its own",
     state(*RAN, run(6, "run python"), run(7, "run javascript"), run(8, "run python"),
           result(9, 1, 8), code=(C1,)),
     RunCode(C1, request_id=7, language="javascript")),
    ("`run`s of different code are different runs: the oldest code first",
     state(*RAN, run(6), run(7), *RAN_2, run(11), run(12), code=(C1, C2)),
     RunCode(C1, request_id=7)),
    ("then the later code's `run`s, as one",
     state(*RAN, run(6), run(7), *RAN_2, result(11, 1, 7), run(12), run(13),
           code=(C1, C2)),
     RunCode(C2, request_id=13)),
    ("code of a language that cannot be told: `run` and `run python` are not merged",
     state(*RAN, run(6), run(7, "run python"), code=(code(1, 3, language="text"),)),
     RunCode(code(1, 3, language="text"), request_id=6)),
    ("`run`s before any code: one answer, as the newest",
     state(PROBLEM, OPENING, run(3), run(4), run(5)),
     RunCode(None, request_id=5)),
    ("a deleted newest `run` is not the one run",
     state(*RAN, run(6), run(7), run(8, deleted=True), code=(C1,)),
     RunCode(C1, request_id=7)),
    ("a `run` answered and then deleted still answers the earlier ones",
     state(*RAN, run(6), run(7, deleted=True), result(8, 1, 7), code=(C1,)),
     Idle()),
    ("a new submission is run before waiting `run`s",
     state(*RAN, run(6), run(7), said(8), code=(C1, C2)),
     RunCode(C2)),
    ("after the flood is answered the turn that follows is answered",
     state(*RAN, run(6), run(7), run(8), result(9, 1, 8), said(10), code=(C1,)),
     Speak(opening=False, through=10)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("session", "expected"), [row[1:] for row in NEXT_STEP], ids=[row[0] for row in NEXT_STEP]
)
def test_next_step(session: SessionState, expected: Step) -> None:
    assert next_step(session, DURING) == expected


SKIP: list[tuple[str, SessionState, Skip]] = [
    ("a flood whose run keeps failing is settled once, as its newest `run`",
     state(*RAN, *(run(i) for i in range(6, 11)), code=(C1,)),
     SettleRun(RunCode(C1, request_id=10))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("session", "expected"), [row[1:] for row in SKIP], ids=[row[0] for row in SKIP]
)
def test_step_to_skip(session: SessionState, expected: Skip) -> None:
    assert step_to_skip(session, DURING) == expected


def test_a_flood_answered_one_run_at_a_time_takes_as_many_runs_as_it_had_waves() -> None:
    """Each `run` that came while the previous run went on is answered by the next run; a
    flood of 50 sent in three waves costs three runs, and every `run` is answered."""
    ids = iter(range(6, 1000))
    messages: list[MessageRow] = list(RAN)
    runs: list[RunCode] = []
    for size in (20, 19, 11):
        messages += [run(next(ids)) for _ in range(size)]
        while (due := pending_run(state(*messages, code=(C1,)))) is not None:
            runs.append(due)
            messages.append(result(next(ids), 1, due.request_id))
    # Each run is the newest `run` of its wave: 6-25, 27-45, 47-57.
    assert [r.request_id for r in runs] == [25, 45, 57]
    assert next_step(state(*messages, code=(C1,)), DURING) == Idle()


def test_the_language_a_run_uses() -> None:
    assert run_language(code(1, 3), None) == "python"
    assert run_language(code(1, 3), "javascript") == "javascript"
    assert run_language(code(1, 3, language="text"), None) is None
    assert run_language(None, None) is None
    named = dataclasses.replace(code(1, 3, language="text"), filename="sol.cpp")
    assert run_language(named, None) == "cpp"
