"""The interview's state machine as a table: state and time in, the step due out. No
database, no Slack, no model."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.interview.outbox import Kind, RunResultPost, to_row
from bot.interview.records import CodeRow, MessageRow, SessionState
from bot.interview.steps import (
    Abandon,
    FetchFiles,
    GiveUpPost,
    GradeInterview,
    Idle,
    Post,
    RunCode,
    SetFilesAside,
    SettleRun,
    Skip,
    SkipTurn,
    Speak,
    StandInOpening,
    Step,
    TimeIsUp,
    Warn,
    Withhold,
    next_step,
    step_to_skip,
)

START = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
DEADLINE = START + timedelta(minutes=30)
WARNING = DEADLINE - timedelta(minutes=5)
DURING = START + timedelta(minutes=10)


def msg(*args: Any, **fields: Any) -> MessageRow:
    return MessageRow(*args, created_at=START, **fields)


def problem(posted: bool = True) -> MessageRow:
    return msg(1, 1, "system", Kind.PROBLEM, "Two Sum", slack_ts="1.0" if posted else None)


def opening(posted: bool = True) -> MessageRow:
    return msg(
        2, 1, "interviewer", Kind.OPENING, "Hi", slack_ts="2.0" if posted else None,
        answers_through=0,
    )  # fmt: skip


def said(id: int, *, files: bool = False, deleted: bool = False) -> MessageRow:
    return msg(
        id, 1, "candidate", Kind.CANDIDATE, "hello", slack_ts=f"{id}.0",
        files=[{"id": "F1"}] if files else None, files_done=not files, deleted=deleted,
    )  # fmt: skip


def reply(id: int, through: int, *, posted: bool = True) -> MessageRow:
    return msg(
        id, 1, "interviewer", Kind.REPLY, "ok", slack_ts=f"{id}.0" if posted else None,
        answers_through=through,
    )  # fmt: skip


def notice(
    id: int, kind: Kind, *, key: str | None = None, through: int | None = None
) -> MessageRow:
    return msg(
        id, 1, "system", kind, "note", slack_ts=f"{id}.0", dedupe_key=key, answers_through=through
    )


def state(*messages: MessageRow, status: str = "active") -> SessionState:
    return SessionState(
        id=1, team_id="T1", user_id="U1", api_app_id=None, channel_id="D1", thread_ts="1.0",
        permalink=None, problem_id="two-sum", difficulty="easy", topic=None, status=status,
        phase="clarify", time_limit_minutes=30, started_at=START, deadline_at=DEADLINE,
        warning_at=WARNING, completed_at=None, start_response_url=None, wake_at=None,
        lease_owner="w", lease_until=None, work_seq=1, failed_attempts=0, last_error=None,
        messages=messages,
    )  # fmt: skip


def with_code(session: SessionState, *code: CodeRow) -> SessionState:
    return dataclasses.replace(session, code_submissions=code)


def code(id: int, message_id: int) -> CodeRow:
    return CodeRow(id, 1, message_id, 0, "python", None, "def f(): pass", None, START)


def run_request(id: int, text: str = "run", *, deleted: bool = False) -> MessageRow:
    return msg(
        id, 1, "candidate", Kind.RUN_REQUEST, text, slack_ts=f"{id}.0", deleted=deleted
    )  # fmt: skip


def result(id: int, code_id: int, request_id: int = 0, status: str = "ok") -> MessageRow:
    kind, text, payload = to_row(
        RunResultPost(code_id, request_id, status, "python", 1, 2, "1/2 tests passed · 9 ms")
    )
    return msg(id, 1, "system", kind, text, slack_ts=f"{id}.0", payload=payload)


def unposted(message: MessageRow) -> MessageRow:
    return dataclasses.replace(message, slack_ts=None)


# Execution unavailable for a submission (code 1), then for a later one (code 3).
UNAVAILABLE = result(4, 1, status="unavailable")
UNAVAILABLE_2 = result(8, 3, status="unavailable")
# A submission (message 3, code 1), run and answered.
SENT = said(3)
RAN = result(4, 1)
ANSWERED = reply(5, 3)
WARNED = notice(90, Kind.WARNING, key="warning")
GRADING_NOTE = msg(5, 1, "system", Kind.GRADING_NOTE, "grading")
LATE_REPLY = reply(4, 3, posted=False)

NEXT_STEP: list[tuple[str, SessionState, datetime, Step]] = [
    ("new interview: post the problem", state(problem(posted=False)), DURING,
     Post(problem(posted=False))),
    ("problem posted: the interviewer opens", state(problem()), DURING,
     Speak(opening=True, through=0)),
    ("a message before the opening still gets the opening first", state(problem(), said(5)),
     DURING, Speak(opening=True, through=0)),
    ("opening queued, not posted: post it", state(problem(), opening(posted=False)), DURING,
     Post(opening(posted=False))),
    ("nothing new: idle", state(problem(), opening()), DURING, Idle()),
    ("a candidate turn: answer through it", state(problem(), opening(), said(3), said(4)),
     DURING, Speak(opening=False, through=4)),
    ("answered turn: idle", state(problem(), opening(), said(3), reply(4, 3)), DURING, Idle()),
    ("a skipped turn counts as answered",
     state(problem(), opening(), said(3), notice(4, Kind.STEP_SKIPPED, through=3)), DURING,
     Idle()),
    ("a deleted message is not answered", state(problem(), opening(), said(3, deleted=True)),
     DURING, Idle()),
    ("files first, then the turn", state(problem(), opening(), said(3, files=True)), DURING,
     FetchFiles(said(3, files=True))),
    ("the warning is due", state(problem(), opening()), WARNING, Warn(300.0)),
    ("the warning is due before a pending turn", state(problem(), opening(), said(3)),
     WARNING + timedelta(seconds=60), Warn(240.0)),
    ("warned once only", state(problem(), opening(), WARNED), WARNING, Idle()),
    ("an unposted message is posted before the warning",
     state(problem(), opening(), LATE_REPLY), WARNING, Post(LATE_REPLY)),
    ("time is up, before anything else", state(problem(posted=False)), DEADLINE, TimeIsUp()),
    ("grading: post what is queued first",
     state(problem(), opening(), GRADING_NOTE, status="grading"), DEADLINE,
     Post(GRADING_NOTE)),
    ("grading: grade", state(problem(), opening(), status="grading"), DEADLINE,
     GradeInterview()),
    ("grading is never interrupted by the deadline", state(problem(), status="grading"),
     DEADLINE + timedelta(hours=1), GradeInterview()),
    ("completed: idle even with a turn", state(problem(), opening(), said(3), status="completed"),
     DURING, Idle()),
    ("code sent: run it before the interviewer speaks",
     with_code(state(problem(), opening(), SENT), code(1, 3)), DURING, RunCode(code(1, 3))),
    ("code run: now the interviewer speaks",
     with_code(state(problem(), opening(), SENT, RAN), code(1, 3)), DURING,
     Speak(opening=False, through=3)),
    ("two blocks in one message: each is run, oldest first",
     with_code(state(problem(), opening(), SENT, RAN), code(1, 3), code(2, 3)), DURING,
     RunCode(code(2, 3))),
    ("code whose message was deleted is not run",
     with_code(state(problem(), opening(), said(3, deleted=True)), code(1, 3)), DURING,
     Idle()),
    ("files are fetched before code is run",
     with_code(state(problem(), opening(), SENT, said(6, files=True)), code(1, 3)), DURING,
     FetchFiles(said(6, files=True))),
    ("`run`: the latest code again, and the interviewer stays silent",
     with_code(state(problem(), opening(), SENT, RAN, ANSWERED, run_request(6)), code(1, 3)),
     DURING, RunCode(code(1, 3), request_id=6)),
    ("`run` answered by its result: idle",
     with_code(
         state(problem(), opening(), SENT, RAN, ANSWERED, run_request(6), result(7, 1, 6)),
         code(1, 3)),
     DURING, Idle()),
    ("`run` twice: the second is answered too",
     with_code(
         state(problem(), opening(), SENT, RAN, ANSWERED, run_request(6), result(7, 1, 6),
               run_request(8)),
         code(1, 3)),
     DURING, RunCode(code(1, 3), request_id=8)),
    ("`run python` names the language",
     with_code(state(problem(), opening(), SENT, RAN, ANSWERED, run_request(6, "run python")),
               code(1, 3)),
     DURING, RunCode(code(1, 3), request_id=6, language="python")),
    ("`run` runs the code sent before it, not after",
     with_code(state(problem(), opening(), run_request(3), said(4)), code(1, 4)), DURING,
     RunCode(code(1, 4))),
    ("`run` before any code: answered with nothing to run",
     state(problem(), opening(), run_request(3)), DURING, RunCode(None, request_id=3)),
    ("a deleted `run` is not answered",
     state(problem(), opening(), run_request(3, deleted=True)), DURING, Idle()),
    ("`run` with a turn: run first, then the turn is answered (not the `run`)",
     with_code(state(problem(), opening(), SENT, RAN, ANSWERED, run_request(6), said(7),
                     result(8, 1, 6)), code(1, 3)),
     DURING, Speak(opening=False, through=7)),
    ("execution was unavailable: later code is still run (the sandbox may work again)",
     with_code(state(problem(), opening(), SENT, result(4, 1, status="unavailable"), ANSWERED,
                     said(6)), code(1, 3), code(2, 6)),
     DURING, RunCode(code(2, 6))),
    ("still unavailable: the notice is not posted again",
     state(problem(), opening(), SENT, UNAVAILABLE, ANSWERED, said(6), unposted(UNAVAILABLE_2)),
     DURING, Withhold(unposted(UNAVAILABLE_2))),
    ("still unavailable: withheld across code that never asked the sandbox",
     state(problem(), opening(), SENT, UNAVAILABLE, result(5, 2, status="unknown_language"),
           unposted(UNAVAILABLE_2)),
     DURING, Withhold(unposted(UNAVAILABLE_2))),
    ("unavailable again after code ran: said again",
     state(problem(), opening(), SENT, UNAVAILABLE, result(5, 2), unposted(UNAVAILABLE_2)),
     DURING, Post(unposted(UNAVAILABLE_2))),
    ("the first unavailable notice is posted",
     state(problem(), opening(), SENT, result(5, 2), unposted(UNAVAILABLE)),
     DURING, Post(unposted(UNAVAILABLE))),
    ("unavailable: an explicit `run` is always answered",
     state(problem(), opening(), SENT, UNAVAILABLE, run_request(6),
           unposted(result(7, 1, 6, status="unavailable"))),
     DURING, Post(unposted(result(7, 1, 6, status="unavailable")))),
    ("execution unavailable: an explicit `run` is still answered",
     with_code(state(problem(), opening(), SENT, result(4, 1, status="unavailable"), ANSWERED,
                     run_request(6)), code(1, 3)),
     DURING, RunCode(code(1, 3), request_id=6)),
    ("grading: the last code is run before the grade",
     with_code(state(problem(), opening(), SENT, status="grading"), code(1, 3)), DEADLINE,
     RunCode(code(1, 3))),
    ("a run before the opening waits for it",
     with_code(state(problem(), SENT), code(1, 3)), DURING, Speak(opening=True, through=0)),
    ("completed: its score still gets posted",
     state(problem(), msg(9, 1, "system", Kind.SCORECARD, "s"), status="completed"),
     DURING, Post(msg(9, 1, "system", Kind.SCORECARD, "s"))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("session", "now", "expected"),
    [row[1:] for row in NEXT_STEP],
    ids=[row[0] for row in NEXT_STEP],
)
def test_next_step(session: SessionState, now: datetime, expected: Step) -> None:
    assert next_step(session, now) == expected


SKIP: list[tuple[str, SessionState, datetime, Skip]] = [
    ("the problem cannot be posted: abandon", state(problem(posted=False)), DURING, Abandon()),
    ("a post keeps failing: give up and say so", state(problem(), opening(posted=False)),
     DURING, GiveUpPost(opening(posted=False), notify=True)),
    ("a withheld notice that cannot be set aside is not announced",
     state(problem(), opening(), SENT, UNAVAILABLE, unposted(UNAVAILABLE_2)), DURING,
     GiveUpPost(unposted(UNAVAILABLE_2), notify=False)),
    ("a skip notice that cannot be posted is not announced again",
     state(problem(), msg(7, 1, "system", Kind.STEP_SKIPPED, "x")), DURING,
     GiveUpPost(msg(7, 1, "system", Kind.STEP_SKIPPED, "x"), notify=False)),
    ("a file keeps failing: set it aside", state(problem(), opening(), said(3, files=True)),
     DURING, SetFilesAside(said(3, files=True))),
    ("the opening keeps failing: a stand-in", state(problem()), DURING, StandInOpening()),
    ("a turn keeps failing: skip it", state(problem(), opening(), said(3), said(4)), DURING,
     SkipTurn(4)),
    ("the model's grade keeps failing: the rubric grades",
     state(problem(), opening(), status="grading"), DURING, GradeInterview(fallback=True)),
    ("a run keeps failing: settle it as not run",
     with_code(state(problem(), opening(), SENT), code(1, 3)), DURING,
     SettleRun(RunCode(code(1, 3)))),
    ("a `run` keeps failing: settle it",
     with_code(state(problem(), opening(), SENT, RAN, ANSWERED, run_request(6)), code(1, 3)),
     DURING, SettleRun(RunCode(code(1, 3), request_id=6))),
    ("grading: a run that keeps failing is settled before the grade",
     with_code(state(problem(), opening(), SENT, status="grading"), code(1, 3)), DURING,
     SettleRun(RunCode(code(1, 3)))),
    ("time is up is a write alone: nothing to skip", state(problem()), DEADLINE, Idle()),
    ("nothing due: nothing to skip", state(problem(), opening()), DURING, Idle()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("session", "now", "expected"), [row[1:] for row in SKIP], ids=[row[0] for row in SKIP]
)
def test_step_to_skip(session: SessionState, now: datetime, expected: Skip) -> None:
    assert step_to_skip(session, now) == expected


def test_the_decision_reads_only_what_it_is_given() -> None:
    """Same state, same time, same step: no clock, no I/O inside."""
    session = state(problem(), opening(), said(3))
    assert next_step(session, DURING) == next_step(dataclasses.replace(session), DURING)


def test_a_run_result_key_names_the_code_and_the_request() -> None:
    assert RunCode(code(7, 3)).key == "run:7:0"
    assert RunCode(code(7, 3), request_id=9).key == "run:7:9"
    assert RunCode(None, request_id=9).key == "run:0:9"
