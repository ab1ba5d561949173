"""The interview engine: what happens in an interview, driven by what the database holds.

Handlers record what the candidate did (fast, before the ack) and `kick` the session. The
engine then does the slow part under a per-session lease: post what is queued, fetch shared
files, let the interviewer speak, warn, finish and grade. Every step reads its input from the
database and writes its result back before the next, so a crash or restart at any point
resumes where it stopped, and two processes never handle one session at the same time.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.admission import RequestPriority, TaskTracker, WorkSlots
from bot.interview import outbox
from bot.interview.code import (
    FileRejected,
    check_file_metadata,
    decode_file,
    extract_fenced_code,
)
from bot.interview.domain import (
    HOME_PAGE_SIZE,
    ActiveInterview,
    CodeSnapshot,
    Difficulty,
    Grade,
    HomePage,
    Interviewer,
    InterviewerReply,
    InterviewerUnavailable,
    InterviewFeedback,
    InterviewSummary,
    Phase,
    Problem,
    ProfileStats,
    Role,
    SessionStatus,
    TranscriptEntry,
    TurnContext,
)
from bot.interview.grading import heuristic_grade
from bot.interview.llm_interviewer import FALLBACK_GRADER
from bot.interview.outbox import (
    ANSWERING_KINDS,
    INTERVIEWER_KINDS,
    Apology,
    EndedNote,
    GradingNote,
    Kind,
    Opening,
    OutboxItem,
    Reply,
    RetryNotice,
    StepSkipped,
    TimeUp,
    TimeWarning,
)
from bot.interview.problem_bank import ProblemBank
from bot.interview.timing import utcnow, warning_lead_seconds
from storage import repository as repo
from storage.db import Database
from storage.models import Interview, InterviewSession, MessageRow, SessionState

logger = logging.getLogger(__name__)

FINISH_WORDS = frozenset({"done", "finish", "finished", "i'm done", "im done", "end"})
# One "grading now" note per interview, however it was finished.
GRADING_NOTE_KEY = "grading_note"
# Told to the candidate when a step kept failing and was skipped so the interview goes on.
STEP_SKIPPED_TEXT = (
    "Something went wrong handling your last message, so I had to skip it. "
    "Please send it again if it mattered — the interview goes on."
)
FILE_SKIPPED_TEXT = (
    "Something went wrong handling the file in your last message, so I set it aside. "
    "Please send it again if it mattered — the interview goes on."
)
# Posted in place of an opening that kept failing: the interview must start somehow.
STAND_IN_OPENING = (
    "Let's begin. Read the problem above, then tell me how you understand it and how you "
    "would approach it."
)


def post_marker(session_id: int, message_id: int) -> str:
    """The mark a queued message carries in Slack, to find it again after a crash."""
    return f"ib-{session_id}-{message_id}"


# What the Slack side needs to render and post ------------------------------------------------


@dataclass(frozen=True)
class SessionRef:
    id: int
    team_id: str
    user_id: str
    api_app_id: str | None
    channel_id: str | None
    thread_ts: str | None
    permalink: str | None
    problem: Problem
    difficulty: Difficulty
    status: SessionStatus
    started_at: datetime
    deadline_at: datetime
    time_limit_minutes: int
    offline: bool


@dataclass(frozen=True)
class Outgoing:
    """A queued bot message. `marker` is attached to the Slack message to find it again."""

    message_id: int
    item: OutboxItem
    marker: str
    grade: Grade | None = None
    duration_seconds: int | None = None


@dataclass(frozen=True)
class Posted:
    channel_id: str
    ts: str


class DownloadFailed(Exception):
    """The file could not be fetched from Slack; the message says why, for the candidate."""


class Delivery(Protocol):
    """Slack out: implemented in handlers/, injected here so the engine never imports Slack."""

    async def post(self, session: SessionRef, item: Outgoing) -> Posted: ...

    async def find_posted(self, session: SessionRef, item: Outgoing) -> Posted | None: ...

    async def permalink(self, channel_id: str, ts: str) -> str | None: ...

    async def replace_start_card(self, response_url: str, permalink: str | None) -> None: ...

    async def mark_problem_finished(self, session: SessionRef, overall: int) -> None: ...

    async def download(self, file: dict[str, Any]) -> bytes: ...

    async def publish_home(self, team_id: str, page: HomePage) -> None: ...


# Results the handlers act on ------------------------------------------------------------------


@dataclass(frozen=True)
class StartResult:
    session_id: int
    created: bool
    active: ActiveInterview


class MessageOutcome(StrEnum):
    RECORDED = "recorded"
    FINISHING = "finishing"
    DUPLICATE = "duplicate"
    NOT_IN_INTERVIEW = "not_in_interview"
    NOT_CANDIDATE = "not_candidate"
    INTERVIEW_OVER = "interview_over"


class FinishOutcome(StrEnum):
    FINISHING = "finishing"
    ALREADY_FINISHED = "already_finished"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class EngineTuning:
    lease_seconds: float = 60.0
    sweep_batch: int = 200
    max_steps: int = 50
    retry_backoff_seconds: float = 15.0
    max_retry_backoff_seconds: float = 300.0
    # Failed runs in a row (about 8 minutes with the back-off above) after which a step
    # that fails once more is skipped with a notice, so no one item can hold an interview.
    max_step_failures: int = 5
    # Background steps running at once (network waits excluded); see WorkSlots.
    work_slots: int = 8


# A session's lease with the state read under it.
_Claimed = tuple[repo.Claim, SessionState]


class InterviewEngine:
    """Starts, runs and completes interviews."""

    def __init__(
        self,
        *,
        db: Database,
        bank: ProblemBank,
        interviewer: Interviewer,
        delivery: Delivery,
        time_limit_minutes: int,
        tasks: TaskTracker | None = None,
        clock: Callable[[], datetime] = utcnow,
        tuning: EngineTuning | None = None,
        priority: RequestPriority | None = None,
    ) -> None:
        self.db = db
        self.bank = bank
        self.interviewer = interviewer
        self.delivery = delivery
        self.time_limit_minutes = time_limit_minutes
        self.tasks = tasks or TaskTracker()
        self.clock = clock
        self.tuning = tuning or EngineTuning()
        self.owner = f"worker-{uuid.uuid4().hex[:12]}"
        self.slots = WorkSlots(self.tuning.work_slots, priority)
        self._running: set[int] = set()
        self._rerun: set[int] = set()

    @property
    def offline(self) -> bool:
        return self.interviewer.offline

    # Entry points for handlers: quick, database only ------------------------------------------

    async def start(
        self,
        *,
        team_id: str,
        user_id: str,
        difficulty: Difficulty,
        topic: str | None,
        api_app_id: str | None = None,
        response_url: str | None = None,
    ) -> StartResult:
        """Create the user's interview, or return the one already open (one unit of work)."""

        def prepare(history: list[str]) -> repo.NewSession:
            problem = self.bank.choose(
                difficulty=difficulty,
                topic=topic,
                done_ids=set(history),
                seed=sum(map(ord, user_id)) + len(history),
            )
            now = self.clock()
            deadline = now + timedelta(minutes=self.time_limit_minutes)
            lead = timedelta(seconds=warning_lead_seconds(self.time_limit_minutes))
            return repo.NewSession(
                problem_id=problem.id,
                difficulty=problem.difficulty.value,
                topic=topic,
                time_limit_minutes=self.time_limit_minutes,
                started_at=now,
                deadline_at=deadline,
                warning_at=deadline - lead,
                problem_text=f"{problem.title} ({problem.difficulty.value})",
                api_app_id=api_app_id,
                start_response_url=response_url,
            )

        row, created = await repo.open_session(
            self.db, team_id=team_id, user_id=user_id, prepare=prepare
        )
        if created:
            # Home is re-published once the problem is posted, with the link to the thread.
            self.kick(row.id)
        return StartResult(row.id, created, self._active(row))

    async def record_candidate_message(
        self,
        *,
        team_id: str,
        user_id: str,
        channel_id: str,
        thread_ts: str | None,
        ts: str,
        text: str,
        files: Sequence[dict[str, Any]] = (),
    ) -> MessageOutcome:
        """Store a candidate message in its interview thread, once; the reply comes later."""
        if not thread_ts:
            return MessageOutcome.NOT_IN_INTERVIEW
        finish = text.strip().lower().rstrip(".!") in FINISH_WORDS and not files
        code = [
            repo.NewCode(language=block.language, filename=None, content=block.content)
            for block in extract_fenced_code(text)
        ]
        shared = [dict(f) for f in files]
        # The common case, a turn in the user's active interview: one write, visible at once
        # so the reply's work starts while the write is flushed to disk for the ack.
        stored = await repo.record_thread_message(
            self.db,
            team_id=team_id,
            user_id=user_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            slack_ts=ts,
            text=text,
            files=shared,
            code=code,
            now=self.clock(),
            finish=finish,
            durable=False,
            # Unless it ends the interview (its grading note is queued after it), the same
            # statement takes the lease and reads the transcript for the reply (PostgreSQL).
            claim_for=None
            if finish
            else repo.Lease(
                owner=self.owner,
                until=self.clock() + timedelta(seconds=self.tuning.lease_seconds),
            ),
        )
        if stored is not None:
            outcome = await self._recorded(stored.session_id, finish, stored.claimed)
            # What the ack confirms is on disk before the ack.
            await repo.confirm_turn(self.db, key=f"turn:{channel_id}:{ts}", now=self.clock())
            return outcome
        session = await repo.find_session_by_thread(
            self.db, channel_id=channel_id, thread_ts=thread_ts
        )
        if session is None:
            session = await self._thread_not_yet_recorded(
                team_id=team_id, user_id=user_id, channel_id=channel_id, thread_ts=thread_ts
            )
        if session is None or session.team_id != team_id:
            return MessageOutcome.NOT_IN_INTERVIEW
        if session.user_id != user_id:
            return MessageOutcome.NOT_CANDIDATE
        if session.status != SessionStatus.ACTIVE:
            key = f"over:{ts}"
            if await self._notice(session.id, EndedNote("This interview has ended."), key=key):
                self.kick(session.id)
            return MessageOutcome.INTERVIEW_OVER
        message_id = await repo.record_candidate_message(
            self.db,
            session_id=session.id,
            slack_ts=ts,
            text=text,
            files=shared,
            code=code,
            now=self.clock(),
            finish=finish,
        )
        if message_id is None:
            return MessageOutcome.DUPLICATE
        return await self._recorded(session.id, finish)

    async def _recorded(
        self, session_id: int, finish: bool, claimed: _Claimed | None = None
    ) -> MessageOutcome:
        if finish:
            await self._queue_grading_note(session_id)
        self.kick(session_id, urgent=True, claimed=claimed)
        return MessageOutcome.FINISHING if finish else MessageOutcome.RECORDED

    async def _thread_not_yet_recorded(
        self, *, team_id: str, user_id: str, channel_id: str, thread_ts: str
    ) -> InterviewSession | None:
        """The user's open interview when `thread_ts` is its problem message, posted to Slack
        but not recorded yet (a process stopped in between; the sweep records it later).

        Asks Slack only in that rare state, so the candidate's reply is kept, not pointed away.
        """
        session = await repo.get_open_session(self.db, team_id=team_id, user_id=user_id)
        if session is None or session.thread_ts is not None:
            return None
        state = await repo.load_session_state(self.db, session_id=session.id)
        problem = (
            next((m for m in state.messages if m.kind == Kind.PROBLEM), None) if state else None
        )
        if state is None or problem is None or problem.post_attempts == 0:
            return None
        item = Outgoing(
            message_id=problem.id,
            item=_item_of(problem),
            marker=post_marker(state.id, problem.id),
        )
        try:
            posted = await self.slots.outside(self.delivery.find_posted(self._view(state), item))
        except Exception:
            logger.warning("session %s: could not look for its problem message", state.id)
            return None
        if posted is None or posted.ts != thread_ts or posted.channel_id != channel_id:
            return None
        return session

    async def record_edit(
        self, *, channel_id: str, thread_ts: str | None, ts: str, text: str | None, deleted: bool
    ) -> bool:
        """Keep the transcript true to what the candidate edited or deleted."""
        if not thread_ts:
            return False
        session = await repo.find_session_by_thread(
            self.db, channel_id=channel_id, thread_ts=thread_ts
        )
        if session is None:
            return False
        return await repo.edit_candidate_message(
            self.db, session_id=session.id, slack_ts=ts, text=text, deleted=deleted
        )

    async def request_finish(
        self, *, team_id: str, user_id: str, session_id: int | None
    ) -> FinishOutcome:
        """Finish an interview early (button or `done`); grading follows in the background."""
        session = (
            await repo.get_session(self.db, session_id=session_id)
            if session_id is not None
            else await repo.get_open_session(self.db, team_id=team_id, user_id=user_id)
        )
        if session is None or session.user_id != user_id or session.team_id != team_id:
            return FinishOutcome.NOT_FOUND
        moved = await repo.transition_status(
            self.db,
            session_id=session.id,
            from_statuses=[SessionStatus.ACTIVE],
            to_status=SessionStatus.GRADING,
            now=self.clock(),
            user_id=user_id,
        )
        if not moved:
            return FinishOutcome.ALREADY_FINISHED
        await self._queue_grading_note(session.id)
        self.kick(session.id)
        return FinishOutcome.FINISHING

    async def _notice(
        self,
        session_id: int,
        item: OutboxItem,
        *,
        key: str,
        bump: bool = True,
        now: datetime | None = None,
    ) -> int | None:
        """Queue a system notice once per key; None if it was already queued."""
        return await repo.queue_bot_message(
            self.db,
            session_id=session_id,
            role=Role.SYSTEM,
            item=item,
            now=now or self.clock(),
            dedupe_key=key,
            bump=bump,
        )

    async def _queue_grading_note(self, session_id: int) -> None:
        await self._notice(
            session_id, GradingNote("Thanks — grading your interview now."), key=GRADING_NOTE_KEY
        )

    async def claim_delivery(self, key: str) -> bool:
        """Exactly-once guard for Slack deliveries handled outside an interview."""
        return await repo.claim_slack_event(self.db, key=key, now=self.clock())

    async def active_interview(self, *, team_id: str, user_id: str) -> ActiveInterview | None:
        row = await repo.get_open_session(self.db, team_id=team_id, user_id=user_id)
        return None if row is None else self._active(row)

    # Read models for the Home tab ----------------------------------------------------------

    async def home_page(self, *, team_id: str, user_id: str, page: int = 0) -> HomePage:
        page = max(0, page)
        rows = await repo.list_interviews(
            self.db,
            team_id=team_id,
            user_id=user_id,
            offset=page * HOME_PAGE_SIZE,
            limit=HOME_PAGE_SIZE + 1,
        )
        numbers = await repo.profile_numbers(self.db, team_id=team_id, user_id=user_id)
        active = await self.active_interview(team_id=team_id, user_id=user_id)
        profile = ProfileStats(
            completed=numbers.completed,
            average_overall=numbers.average_overall,
            best_overall=numbers.best_overall,
            average_communication=numbers.average_communication,
            average_problem_solving=numbers.average_problem_solving,
            average_code_quality=numbers.average_code_quality,
            recent_trend=tuple(reversed(numbers.recent_overall)),
        )
        return HomePage(
            user_id=user_id,
            profile=profile,
            interviews=tuple(_summary(r) for r in rows[:HOME_PAGE_SIZE]),
            page=page,
            has_more=len(rows) > HOME_PAGE_SIZE,
            active=active,
            offline_interviewer=self.offline,
            time_limit_minutes=self.time_limit_minutes,
            topics=self.bank.topics(),
        )

    async def feedback(
        self, *, team_id: str, user_id: str, interview_id: int
    ) -> InterviewFeedback | None:
        row = await repo.get_interview(
            self.db, interview_id=interview_id, team_id=team_id, user_id=user_id
        )
        if row is None:
            return None
        return InterviewFeedback(
            summary=_summary(row),
            problem_description=row.problem_description,
            feedback=row.feedback,
            strengths=tuple(str(s) for s in row.strengths or ()),
            improvements=tuple(str(s) for s in row.improvements or ()),
            graded_by=row.graded_by,
        )

    def refresh_home(self, team_id: str, user_id: str, page: int = 0) -> None:
        """Re-publish the user's Home tab in the background."""
        self.tasks.spawn(self.publish_home(team_id, user_id, page), name=f"home-{user_id}")

    async def publish_home(self, team_id: str, user_id: str, page: int = 0) -> None:
        async with self.slots.held():
            view = await self.home_page(team_id=team_id, user_id=user_id, page=page)
            await self.slots.outside(self.delivery.publish_home(team_id, view))

    # Background work -------------------------------------------------------------------------

    def kick(
        self, session_id: int, *, urgent: bool = False, claimed: _Claimed | None = None
    ) -> None:
        """Make sure the session's pending work gets done soon by this process.

        `urgent`: a candidate's message was just stored; its reply's first step (claim and
        read) starts at once instead of waiting for requests to pause, so it overlaps the
        request's own wait for the disk. `claimed`: the lease already taken and the state
        read with the message; dropped if a worker of this process is on the session (it
        holds the same lease and reads the state anew).
        """
        if session_id in self._running:
            self._rerun.add(session_id)
            return
        self._running.add(session_id)
        self.tasks.spawn(self._run(session_id, urgent, claimed), name=f"session-{session_id}")

    async def _run(
        self, session_id: int, urgent: bool = False, claimed: _Claimed | None = None
    ) -> None:
        try:
            while True:
                self._rerun.discard(session_id)
                await self.process(session_id, urgent=urgent, claimed=claimed)
                urgent, claimed = False, None
                if session_id not in self._rerun:
                    break
        finally:
            self._running.discard(session_id)

    async def sweep(self) -> int:
        """Kick every session whose work is due (new work, timers, crash leftovers)."""
        ids = await repo.due_session_ids(self.db, now=self.clock(), limit=self.tuning.sweep_batch)
        for session_id in ids:
            self.kick(session_id)
        return len(ids)

    async def renew_leases(self) -> None:
        """Keep leases of long-running sessions alive while this process works on them."""
        until = self.clock() + timedelta(seconds=self.tuning.lease_seconds)
        await repo.extend_leases(
            self.db, session_ids=sorted(self._running), owner=self.owner, until=until
        )

    async def release_all_leases(self) -> int:
        """On shutdown: let the next process take over at once instead of after the lease."""
        return await repo.drop_leases(self.db, owner=self.owner)

    async def process(
        self, session_id: int, *, urgent: bool = False, claimed: _Claimed | None = None
    ) -> None:
        """Do everything that is due for one session, under its lease."""
        async with self.slots.held(quiet=not urgent):
            await self._process(session_id, claimed)

    async def _process(self, session_id: int, claimed: _Claimed | None = None) -> None:
        if claimed is None:
            now = self.clock()
            claimed = await repo.claim_and_load(
                self.db,
                session_id=session_id,
                owner=self.owner,
                now=now,
                until=now + timedelta(seconds=self.tuning.lease_seconds),
            )
        if claimed is None:
            return  # another worker has it; the sweep brings it back if that one dies
        claim, loaded = claimed
        state: SessionState | None = loaded
        seen_seq = claim.work_seq
        failed: str | None = None
        touched_home = False
        # True when the last step found nothing to do: the state it read is still current.
        settled = False
        try:
            for step in range(self.tuning.max_steps):
                if step > 0:
                    state = await repo.load_session_state(self.db, session_id=session_id)
                if state is None:
                    break
                # The work_seq read with the state it acts on (no separate query per step).
                seen_seq = state.work_seq
                if step == 0 and state.failed_attempts >= self.tuning.max_step_failures:
                    outcome = await self._step_or_skip(state)
                else:
                    outcome = await self._step(state)
                touched_home = touched_home or outcome.home
                if outcome.failed:
                    failed = outcome.failed
                if not outcome.progressed or outcome.settles:
                    # A turn's reply settles the session without reading it back: one state
                    # load fewer per turn; anything that arrived meanwhile bumped work_seq.
                    settled = failed is None
                    break
        except Exception as exc:  # keep the session retryable whatever went wrong
            logger.exception("session %s: step failed", session_id)
            failed = f"{type(exc).__name__}: {exc}"
        final: SessionState | InterviewSession | None = state
        if not settled:
            final = await repo.get_session(self.db, session_id=session_id)
        next_wake = self._next_wake(final, failed)
        complete = await repo.release_session(
            self.db,
            session_id=session_id,
            owner=self.owner,
            seen_work_seq=seen_seq,
            next_wake_at=next_wake,
            now=self.clock(),
            failed=failed is not None,
            error=failed,
        )
        if not complete:
            self._rerun.add(session_id)
        if touched_home and final is not None:
            self.refresh_home(final.team_id, final.user_id)

    def _next_wake(
        self, state: SessionState | InterviewSession | None, failed: str | None
    ) -> datetime | None:
        if state is None:
            return None
        now = self.clock()
        if failed is not None:
            delay = min(
                self.tuning.max_retry_backoff_seconds,
                self.tuning.retry_backoff_seconds * (2 ** min(state.failed_attempts, 8)),
            )
            return now + timedelta(seconds=delay)
        if state.status == SessionStatus.ACTIVE:
            return state.deadline_at if state.warning_at <= now else state.warning_at
        return None

    async def _step_or_skip(self, state: SessionState) -> _StepOutcome:
        """The due step of a session whose runs keep failing: tried once more, and if it
        fails again, skipped, so later turns are answered and Finish grades."""
        try:
            return await self._step(state)
        except Exception:
            logger.exception("session %s: skipping a step that keeps failing", state.id)
            skipped = await self._skip(state)
            if skipped is None:
                raise
        await repo.clear_failures(self.db, session_id=state.id)
        return skipped

    async def _skip(self, state: SessionState) -> _StepOutcome | None:
        """Settle the item `_step` works on (same order) without doing it; None when the
        step is a database write alone, with nothing to skip."""
        now = self.clock()
        status = SessionStatus(state.status)
        if status == SessionStatus.ACTIVE and now >= state.deadline_at:
            return None
        unposted = [m for m in state.messages if m.role != Role.CANDIDATE and m.slack_ts is None]
        if unposted:
            message = unposted[0]
            if message.kind == Kind.PROBLEM:
                # Without its problem message the interview has no thread to happen in:
                # closed, so the user can start another.
                await repo.transition_status(
                    self.db,
                    session_id=state.id,
                    from_statuses=[SessionStatus.ACTIVE, SessionStatus.GRADING],
                    to_status=SessionStatus.ABANDONED,
                    now=now,
                )
                return _StepOutcome(progressed=True, home=True)
            await repo.give_up_post(self.db, message_id=message.id, now=now)
            if message.kind != Kind.STEP_SKIPPED:
                await self._notice_skipped(state, key=f"skipped:post:{message.id}")
            return _StepOutcome(progressed=True)
        pending_files = [m for m in state.messages if not m.files_done]
        if pending_files:
            await repo.mark_files_done(self.db, message_id=pending_files[0].id)
            await self._notice_skipped(
                state, key=f"skipped:files:{pending_files[0].id}", text=FILE_SKIPPED_TEXT
            )
            return _StepOutcome(progressed=True)
        if status == SessionStatus.GRADING:
            # The model's grade is what kept failing: the rubric grades instead.
            return await self._grade(state, self._view(state), fallback=True)
        if status != SessionStatus.ACTIVE:
            return None
        if not any(m.kind in INTERVIEWER_KINDS for m in state.messages):
            await repo.queue_bot_message(
                self.db,
                session_id=state.id,
                role=Role.INTERVIEWER,
                item=Opening(STAND_IN_OPENING),
                now=now,
                dedupe_key="opening:0",
                answers_through=0,
                bump=False,
            )
            return _StepOutcome(progressed=True)
        if _pending_candidate(state):
            through = max(m.id for m in state.messages if m.role == Role.CANDIDATE)
            await self._notice_skipped(state, key=f"skipped:turn:{through}", through=through)
            return _StepOutcome(progressed=True)
        return None

    async def _notice_skipped(
        self, state: SessionState, *, key: str, through: int = 0, text: str = STEP_SKIPPED_TEXT
    ) -> None:
        await repo.queue_bot_message(
            self.db,
            session_id=state.id,
            role=Role.SYSTEM,
            item=StepSkipped(text),
            now=self.clock(),
            dedupe_key=key,
            # Closes the turn it stands for (0: none), so the next message is answered.
            answers_through=through or None,
            bump=False,
        )

    async def _step(self, state: SessionState) -> _StepOutcome:
        now = self.clock()
        status = SessionStatus(state.status)
        view = self._view(state)

        if status == SessionStatus.ACTIVE and now >= state.deadline_at:
            await self._notice(
                state.id,
                TimeUp("Time is up — grading your interview now."),
                key=GRADING_NOTE_KEY,
                now=now,
            )
            moved = await repo.transition_status(
                self.db,
                session_id=state.id,
                from_statuses=[SessionStatus.ACTIVE],
                to_status=SessionStatus.GRADING,
                now=now,
            )
            return _StepOutcome(progressed=moved, home=moved)

        unposted = [m for m in state.messages if m.role != Role.CANDIDATE and m.slack_ts is None]
        if unposted:
            return await self._post(state, view, unposted[0])

        pending_files = [m for m in state.messages if not m.files_done]
        if pending_files:
            await self._fetch_files(state, pending_files[0])
            return _StepOutcome(progressed=True)

        if status == SessionStatus.GRADING:
            return await self._grade(state, view)

        if status != SessionStatus.ACTIVE:
            return _StepOutcome()

        spoken = [m for m in state.messages if m.kind in INTERVIEWER_KINDS]
        if not spoken:
            return await self._speak(state, opening=True)

        if now >= state.warning_at:
            key = Kind.WARNING.value
            if not any(m.dedupe_key == key for m in state.messages):
                warning = TimeWarning.at((state.deadline_at - now).total_seconds())
                await self._notice(state.id, warning, key=key, now=now)
                return _StepOutcome(progressed=True)

        if _pending_candidate(state):
            return await self._speak(state, opening=False)
        return _StepOutcome()

    async def _post(
        self,
        state: SessionState,
        view: SessionRef,
        message: MessageRow,
        *,
        attempt_noted: bool = False,
    ) -> _StepOutcome:
        """Post one outbox message. `attempt_noted`: the row was stored with this first
        attempt already counted, so there is nothing to look up and nothing to note."""
        item = Outgoing(
            message_id=message.id,
            item=_item_of(message),
            marker=post_marker(state.id, message.id),
        )
        if message.kind == Kind.SCORECARD:
            interview = await repo.get_interview_for_session(self.db, session_id=state.id)
            if interview is not None:
                item = Outgoing(
                    message_id=message.id,
                    item=item.item,
                    marker=item.marker,
                    grade=_grade_of(interview),
                    duration_seconds=interview.duration_seconds,
                )
        posted: Posted | None = None
        if message.post_attempts > 0 and not attempt_noted:
            # A previous attempt may have reached Slack before the process stopped.
            posted = await self.slots.outside(self.delivery.find_posted(view, item))
        if posted is None:
            if not attempt_noted:
                await repo.note_post_attempt(self.db, message_id=message.id)
            posted = await self.slots.outside(self.delivery.post(view, item))
        # Follow-ups are idempotent and run before the post is recorded: a process killed in
        # between finds the post by its marker and does them again, instead of never.
        if message.kind == Kind.PROBLEM:
            permalink = await self.slots.outside(
                self.delivery.permalink(posted.channel_id, posted.ts)
            )
            if state.start_response_url:
                try:
                    await self.slots.outside(
                        self.delivery.replace_start_card(state.start_response_url, permalink)
                    )
                except Exception:
                    logger.warning("session %s: could not replace the start card", state.id)
            # The post and the thread it starts are recorded together: an interview whose
            # problem is posted but whose thread is unknown could never be answered.
            await repo.mark_problem_posted(
                self.db,
                session_id=state.id,
                message_id=message.id,
                channel_id=posted.channel_id,
                thread_ts=posted.ts,
                permalink=permalink,
                now=self.clock(),
            )
            return _StepOutcome(progressed=True, home=True)
        if message.kind == Kind.SCORECARD and item.grade is not None:
            try:
                await self.slots.outside(
                    self.delivery.mark_problem_finished(view, item.grade.overall)
                )
            except Exception:
                logger.warning("session %s: could not update the problem message", state.id)
        await repo.mark_posted(self.db, message_id=message.id, slack_ts=posted.ts, now=self.clock())
        return _StepOutcome(progressed=True, home=message.kind == Kind.SCORECARD)

    async def _fetch_files(self, state: SessionState, message: MessageRow) -> None:
        now = self.clock()
        for ordinal, file in enumerate(message.files or [], start=100):
            file_id = str(file.get("id") or f"m{message.id}-{ordinal}")
            rejection = check_file_metadata(file)
            if rejection is None:
                try:
                    content = await self.slots.outside(self.delivery.download(file))
                except DownloadFailed as exc:
                    rejection = FileRejected(str(file.get("name") or "file"), str(exc))
                else:
                    decoded = decode_file(file, content)
                    if isinstance(decoded, FileRejected):
                        rejection = decoded
                    else:
                        await repo.add_code_from_file(
                            self.db,
                            session_id=state.id,
                            message_id=message.id,
                            ordinal=ordinal,
                            code=repo.NewCode(
                                language=decoded.language,
                                filename=decoded.filename,
                                content=decoded.content,
                                slack_file_id=file_id,
                            ),
                            now=now,
                        )
            if rejection is not None:
                await self._notice(
                    state.id,
                    outbox.FileRejected(rejection.filename, rejection.reason),
                    key=f"file:{file_id}"[:128],
                    bump=False,
                    now=now,
                )
        await repo.mark_files_done(self.db, message_id=message.id)

    async def _speak(self, state: SessionState, *, opening: bool) -> _StepOutcome:
        ctx = self._context(state)
        # The opening answers nothing: messages sent before it still get their own reply.
        through = (
            0
            if opening
            else max((m.id for m in state.messages if m.role == Role.CANDIDATE), default=0)
        )
        notice_key = f"retry:{'opening' if opening else through}"

        retried = False

        async def on_retry(attempt: int) -> None:
            nonlocal retried
            retried = True
            queued = await self._notice(
                state.id,
                RetryNotice("The interviewer is thinking — retrying…"),
                key=notice_key,
                bump=False,
            )
            if queued is not None:
                await self._flush_outbox(state.id)

        try:
            reply: InterviewerReply
            if opening:
                reply = await self.slots.outside(self.interviewer.opening(ctx, on_retry=on_retry))
            else:
                reply = await self.slots.outside(self.interviewer.reply(ctx, on_retry=on_retry))
        except InterviewerUnavailable as exc:
            await self._notice(
                state.id,
                Apology("The interviewer is unavailable right now; your message is saved."),
                key=f"apology:{'opening' if opening else through}",
                bump=False,
            )
            await self._flush_outbox(state.id)
            return _StepOutcome(failed=f"interviewer unavailable: {exc}")
        said = Opening(reply.text) if opening else Reply(reply.text)
        post_now = bool(state.thread_ts)
        message_id = await repo.queue_bot_message(
            self.db,
            session_id=state.id,
            role=Role.INTERVIEWER,
            item=said,
            now=self.clock(),
            dedupe_key=f"{said.kind.value}:{through}",
            answers_through=through,
            bump=False,
            posting_now=post_now,
            phase=reply.phase.value if reply.phase != state.phase else None,
        )
        if message_id is not None and post_now:
            # Post it now rather than in the next step: one state load fewer on every turn.
            # It is stored (with this attempt counted) first, so after a crash here the
            # outbox looks for it in Slack before posting it again.
            queued = MessageRow(
                id=message_id,
                session_id=state.id,
                role=Role.INTERVIEWER,
                kind=said.kind.value,
                text=reply.text,
                post_attempts=1,
            )
            await self._post(state, self._view(state), queued, attempt_noted=True)
            # Settled unless a retry notice may still be unposted, the warning may be due or
            # messages sent before the opening still wait for their own reply.
            settles = (
                not retried
                and self.clock() < state.warning_at
                and not any(m.role == Role.CANDIDATE and m.id > through for m in state.messages)
            )
            return _StepOutcome(progressed=True, settles=settles)
        return _StepOutcome(progressed=True)

    async def _flush_outbox(self, session_id: int) -> None:
        """Post queued notices right away (used while a slow model call is under way)."""
        state = await repo.load_session_state(self.db, session_id=session_id)
        if state is None:
            return
        view = self._view(state)
        for message in state.messages:
            if message.role != Role.CANDIDATE and message.slack_ts is None and state.thread_ts:
                await self._post(state, view, message)

    async def _grade(
        self, state: SessionState, view: SessionRef, *, fallback: bool = False
    ) -> _StepOutcome:
        ctx = self._context(state)
        if fallback:
            grade = heuristic_grade(ctx, graded_by=FALLBACK_GRADER)
        else:
            grade = await self.slots.outside(self.interviewer.grade(ctx))
        problem = view.problem
        recorded = await repo.record_completed_interview(
            self.db,
            session_id=state.id,
            result=repo.CompletedInterview(
                problem_id=problem.id,
                problem_title=problem.title,
                problem_description=problem.statement,
                difficulty=problem.difficulty.value,
                overall=grade.overall,
                communication=grade.communication,
                problem_solving=grade.problem_solving,
                code_quality=grade.code_quality,
                feedback=grade.summary,
                strengths=list(grade.strengths),
                improvements=list(grade.improvements),
                graded_by=grade.graded_by,
            ),
            now=self.clock(),
        )
        return _StepOutcome(progressed=recorded, home=recorded)

    # Building domain views from rows ------------------------------------------------------

    def _problem(self, problem_id: str) -> Problem:
        problem = self.bank.get(problem_id)
        if problem is None:
            raise LookupError(f"problem {problem_id!r} is not in the problem bank")
        return problem

    def _view(self, state: SessionState) -> SessionRef:
        return SessionRef(
            id=state.id,
            team_id=state.team_id,
            user_id=state.user_id,
            api_app_id=state.api_app_id,
            channel_id=state.channel_id,
            thread_ts=state.thread_ts,
            permalink=state.permalink,
            problem=self._problem(state.problem_id),
            difficulty=Difficulty(state.difficulty),
            status=SessionStatus(state.status),
            started_at=state.started_at,
            deadline_at=state.deadline_at,
            time_limit_minutes=state.time_limit_minutes,
            offline=self.offline,
        )

    def _active(self, row: InterviewSession) -> ActiveInterview:
        problem = self.bank.get(row.problem_id)
        return ActiveInterview(
            session_id=row.id,
            problem_title=problem.title if problem else row.problem_id,
            difficulty=Difficulty(row.difficulty),
            deadline_at=row.deadline_at,
            channel_id=row.channel_id or "",
            thread_ts=row.thread_ts,
            permalink=row.permalink,
        )

    def _context(self, state: SessionState) -> TurnContext:
        now = self.clock()
        answered = _answered_through(state)
        transcript: list[TranscriptEntry] = []
        pending: list[TranscriptEntry] = []
        for m in state.messages:
            if m.deleted:
                continue
            if m.role == Role.CANDIDATE:
                entry = TranscriptEntry(Role.CANDIDATE, _candidate_text(m), m.created_at)
                transcript.append(entry)
                if m.id > answered:
                    pending.append(entry)
            elif m.kind in INTERVIEWER_KINDS:
                transcript.append(TranscriptEntry(Role.INTERVIEWER, m.text, m.created_at))
        latest = state.code_submissions[-1] if state.code_submissions else None
        new_code = any((c.message_id or 0) > answered for c in state.code_submissions)
        minutes_left = max(0, math.ceil((state.deadline_at - now).total_seconds() / 60))
        return TurnContext(
            problem=self._problem(state.problem_id),
            phase=Phase(state.phase),
            transcript=tuple(transcript),
            latest_code=None
            if latest is None
            else CodeSnapshot(latest.language, latest.filename, latest.content, latest.created_at),
            code_submissions=len(state.code_submissions),
            minutes_left=minutes_left,
            time_limit_minutes=state.time_limit_minutes,
            pending=tuple(pending),
            new_code=new_code,
        )


@dataclass(frozen=True)
class _StepOutcome:
    progressed: bool = False
    home: bool = False
    failed: str | None = None
    # The step did all that the state it read called for, and nothing else can fall due
    # before the state's next wake unless new work bumps work_seq (which the release sees).
    settles: bool = False


def _answered_through(state: SessionState) -> int:
    """The last candidate message id the interviewer has answered (or skipped)."""
    return max(
        (m.answers_through or 0 for m in state.messages if m.kind in ANSWERING_KINDS), default=0
    )


def _pending_candidate(state: SessionState) -> bool:
    answered = _answered_through(state)
    return any(
        m.role == Role.CANDIDATE and m.id > answered and not m.deleted and m.files_done
        for m in state.messages
    )


def _item_of(message: MessageRow) -> OutboxItem:
    return outbox.from_row(message.kind, message.text, message.payload)


def _candidate_text(message: MessageRow) -> str:
    if message.files:
        names = ", ".join(str(f.get("name") or "file") for f in message.files)
        shared = f"[shared file: {names}]"
        return f"{message.text}\n{shared}".strip()
    return message.text


def _summary(row: Interview) -> InterviewSummary:
    return InterviewSummary(
        id=row.id,
        problem_title=row.problem_title,
        difficulty=Difficulty(row.difficulty),
        completed_at=row.completed_at,
        duration_seconds=row.duration_seconds,
        overall=row.overall_score,
        communication=row.communication_score,
        problem_solving=row.problem_solving_score,
        code_quality=row.code_quality_score,
    )


def _grade_of(row: Interview) -> Grade:
    return Grade(
        overall=row.overall_score,
        communication=row.communication_score,
        problem_solving=row.problem_solving_score,
        code_quality=row.code_quality_score,
        summary=row.feedback,
        strengths=tuple(str(s) for s in row.strengths or ()),
        improvements=tuple(str(s) for s in row.improvements or ()),
        graded_by=row.graded_by,
    )
