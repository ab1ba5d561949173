"""What an interview needs next, decided from what the database holds and the time alone.

`next_step` is the interview's state machine as one pure function: it reads a session's
state and returns the one step due, and the executor (bot/interview/executor.py) does it.
`step_to_skip` is what to settle instead when the due step keeps failing, in the same
order, so no one item can hold an interview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.execution.detect import detect_language
from bot.execution.runner import RunStatus
from bot.interview.domain import Role, SessionStatus
from bot.interview.outbox import (
    ANSWERING_KINDS,
    INTERVIEWER_KINDS,
    NO_CODE,
    RUN_FAILED,
    UNKNOWN_LANGUAGE,
    Kind,
    RunResultPost,
)
from bot.interview.records import CodeRow, MessageRow, SessionState
from bot.interview.run_record import run_results
from bot.interview.run_request import parse_run_request

# The dedupe key of the one time warning per interview.
WARNING_KEY = Kind.WARNING.value


@dataclass(frozen=True, slots=True)
class TimeIsUp:
    """The deadline passed: say so and move the interview to grading."""


@dataclass(frozen=True, slots=True)
class Post:
    """Post the oldest queued bot message."""

    message: MessageRow


@dataclass(frozen=True, slots=True)
class Withhold:
    """Keep a queued message in the transcript without posting it (see `repeats_unavailable`)."""

    message: MessageRow


@dataclass(frozen=True, slots=True)
class FetchFiles:
    """Download the files a candidate message shared."""

    message: MessageRow


@dataclass(frozen=True, slots=True)
class GradeInterview:
    """Grade and complete; `fallback`: by the rubric, without the model."""

    fallback: bool = False


@dataclass(frozen=True, slots=True)
class Speak:
    """Let the interviewer open (`through` 0) or answer the candidate's turns up to
    message id `through`."""

    opening: bool
    through: int


@dataclass(frozen=True, slots=True)
class Warn:
    """Queue the time warning."""

    seconds_left: float


@dataclass(frozen=True, slots=True)
class RunCode:
    """Run `code` against the problem's tests and queue what it did.

    `request_id`: the candidate's `run` this answers (0: the submission itself, run as it
    arrives); `language`: the language that `run` named; `code` None: nothing to run yet.
    """

    code: CodeRow | None
    request_id: int = 0
    language: str | None = None

    @property
    def key(self) -> str:
        """The result's dedupe key: one result per submission and request, ever."""
        return f"run:{self.code.id if self.code else 0}:{self.request_id}"


@dataclass(frozen=True, slots=True)
class Idle:
    """Nothing is due until the next timer or new work."""


Step = TimeIsUp | Post | Withhold | FetchFiles | GradeInterview | RunCode | Speak | Warn | Idle


@dataclass(frozen=True, slots=True)
class Abandon:
    """The problem message cannot be posted: without its thread the interview cannot
    happen, so it is closed and the user can start another."""


@dataclass(frozen=True, slots=True)
class GiveUpPost:
    """Stop trying to post `message`; `notify`: tell the candidate a step was skipped."""

    message: MessageRow
    notify: bool


@dataclass(frozen=True, slots=True)
class SetFilesAside:
    message: MessageRow


@dataclass(frozen=True, slots=True)
class StandInOpening:
    """The opening kept failing: a fixed one is queued so the interview starts."""


@dataclass(frozen=True, slots=True)
class SkipTurn:
    through: int


@dataclass(frozen=True, slots=True)
class SettleRun:
    """A run keeps failing: its result says it could not be run, so it is not tried again."""

    run: RunCode


Skip = (
    Abandon
    | GiveUpPost
    | SetFilesAside
    | GradeInterview
    | StandInOpening
    | SettleRun
    | SkipTurn
    | Idle
)


def next_step(state: SessionState, now: datetime) -> Step:
    """The one step `state` calls for at `now`, in order of what must happen first."""
    status = SessionStatus(state.status)
    if status == SessionStatus.ACTIVE and now >= state.deadline_at:
        return TimeIsUp()
    unposted = first_unposted(state)
    if unposted is not None:
        return Withhold(unposted) if repeats_unavailable(state, unposted) else Post(unposted)
    waiting = _first_with_files(state)
    if waiting is not None:
        return FetchFiles(waiting)
    if status == SessionStatus.GRADING:
        # The code sent last is run before the grade, which reads what it did.
        return pending_run(state) or GradeInterview()
    if status != SessionStatus.ACTIVE:
        return Idle()
    if not any(m.kind in INTERVIEWER_KINDS for m in state.messages):
        # The opening answers nothing: messages sent before it still get their own reply.
        return Speak(opening=True, through=0)
    run = pending_run(state)
    if run is not None:
        # Before the interviewer speaks, so it sees what the code did.
        return run
    if now >= state.warning_at and not any(m.dedupe_key == WARNING_KEY for m in state.messages):
        return Warn((state.deadline_at - now).total_seconds())
    if pending_candidate(state):
        return Speak(opening=False, through=last_candidate_id(state))
    return Idle()


def step_to_skip(state: SessionState, now: datetime) -> Skip:
    """What settles the item `next_step` works on without doing it; Idle when the due step
    is a database write alone, with nothing to skip."""
    status = SessionStatus(state.status)
    if status == SessionStatus.ACTIVE and now >= state.deadline_at:
        return Idle()
    unposted = first_unposted(state)
    if unposted is not None:
        if unposted.kind == Kind.PROBLEM:
            return Abandon()
        notify = unposted.kind != Kind.STEP_SKIPPED and not repeats_unavailable(state, unposted)
        return GiveUpPost(unposted, notify=notify)
    waiting = _first_with_files(state)
    if waiting is not None:
        return SetFilesAside(waiting)
    if status == SessionStatus.GRADING:
        run = pending_run(state)
        if run is not None:
            return SettleRun(run)
        # The model's grade is what kept failing: the rubric grades instead.
        return GradeInterview(fallback=True)
    if status != SessionStatus.ACTIVE:
        return Idle()
    if not any(m.kind in INTERVIEWER_KINDS for m in state.messages):
        return StandInOpening()
    run = pending_run(state)
    if run is not None:
        return SettleRun(run)
    if pending_candidate(state):
        return SkipTurn(last_candidate_id(state))
    return Idle()


def first_unposted(state: SessionState) -> MessageRow | None:
    return next(
        (m for m in state.messages if m.role != Role.CANDIDATE and m.slack_ts is None), None
    )


def _first_with_files(state: SessionState) -> MessageRow | None:
    return next((m for m in state.messages if not m.files_done), None)


def answered_through(state: SessionState) -> int:
    """The last candidate message id the interviewer has answered (or skipped)."""
    return max(
        (m.answers_through or 0 for m in state.messages if m.kind in ANSWERING_KINDS), default=0
    )


def last_candidate_id(state: SessionState) -> int:
    return max((m.id for m in state.messages if m.role == Role.CANDIDATE), default=0)


def pending_candidate(state: SessionState) -> bool:
    """A candidate message is waiting for its answer (and its files are in). A `run` is
    answered by its result, not by the interviewer."""
    answered = answered_through(state)
    return any(
        m.role == Role.CANDIDATE
        and m.kind != Kind.RUN_REQUEST
        and m.id > answered
        and not m.deleted
        and m.files_done
        for m in state.messages
    )


def pending_run(state: SessionState) -> RunCode | None:
    """The oldest run due: a code submission not run yet, then a `run` not answered yet.

    Every submission is tried, even after execution was unavailable: the sandbox may work
    again (after a restart), and the notice is not repeated meanwhile (`repeats_unavailable`).
    `run`s waiting for the same code in the same language are run once, as the newest of
    them: its result answers them all, so a flood of `run`s costs one run, not one each.
    """
    results = run_results(state.messages)
    done = {(r.code_id, r.request_id) for r in results}
    deleted = {m.id for m in state.messages if m.deleted}
    live = [c for c in state.code_submissions if c.message_id not in deleted]
    for code in live:
        if (code.id, 0) not in done:
            return RunCode(code)
    requests = [m for m in state.messages if m.kind == Kind.RUN_REQUEST]
    if not requests:
        return None
    targets = {m.id: _run_target(m, live) for m in requests}
    answered = {r.request_id for r in results if r.request_id}
    waiting = [m for m in requests if not m.deleted and not _covered(m.id, targets, answered)]
    if not waiting:
        return None
    target = targets[waiting[0].id]
    newest = max((m for m in waiting if targets[m.id] == target), key=lambda m: m.id)
    asked = parse_run_request(newest.text)
    return RunCode(target.code, newest.id, asked.language if asked else None)


@dataclass(frozen=True, slots=True)
class _RunTarget:
    """What a `run` runs: the latest code sent before it, as the language it runs as."""

    code_id: int
    language: str | None
    code: CodeRow | None = field(default=None, compare=False)


def run_language(code: CodeRow | None, named: str | None) -> str | None:
    """The language `code` runs as: the one a `run` named, else the one its fence, filetype
    or file name tells (None: it cannot be told, and is never guessed)."""
    if named is not None:
        return named
    if code is None:
        return None
    return detect_language(fence=code.language, filename=code.filename).language


def _run_target(request: MessageRow, live: list[CodeRow]) -> _RunTarget:
    latest = [c for c in live if (c.message_id or 0) < request.id]
    code = latest[-1] if latest else None
    asked = parse_run_request(request.text)
    language = run_language(code, asked.language if asked else None)
    return _RunTarget(code.id if code else 0, language, code)


def _covered(request_id: int, targets: dict[int, _RunTarget], answered: set[int]) -> bool:
    """`request_id` has its result, or a later `run` of the same target was answered (the
    run that answered it answered every earlier one waiting for the same)."""
    if request_id in answered:
        return True
    target = targets[request_id]
    return any(a > request_id and targets.get(a) == target for a in answered)


# Results that say nothing of whether the sandbox works: decided before it is asked (no code,
# no language), or a failure on the bot's side.
_SANDBOX_NOT_ASKED = frozenset({UNKNOWN_LANGUAGE, NO_CODE, RUN_FAILED})


def repeats_unavailable(state: SessionState, message: MessageRow) -> bool:
    """`message` is a submission's result saying code execution is unavailable, and the
    interview has said so already with no code run since: it is kept, not posted again.

    An explicit `run` is always answered, unavailable or not.
    """
    if message.kind != Kind.RUN_RESULT:
        return False
    result = RunResultPost.from_payload(message.payload or {})
    if result.status != RunStatus.UNAVAILABLE or result.request_id:
        return False
    earlier = run_results(m for m in state.messages if m.id < message.id)
    for before in reversed(earlier):
        if before.status == RunStatus.UNAVAILABLE:
            return True
        if before.status not in _SANDBOX_NOT_ASKED:
            return False
    return False
