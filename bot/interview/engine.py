"""The interview service: what the handlers call.

Handlers record what the candidate did (fast, before the ack) and the service kicks the
session. The worker (bot/interview/worker.py) then does the slow part under a per-session
lease: `next_step` (bot/interview/steps.py) decides from the stored state what is due and
the executor (bot/interview/executor.py) does it — post what is queued, fetch shared files,
let the interviewer speak, warn, finish and grade. Every step reads its input from the
database and writes its result back before the next, so a crash or restart at any point
resumes where it stopped, and two processes never handle one session at the same time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.admission import RequestPriority, TaskTracker, WorkSlots
from bot.execution import CodeRunner
from bot.interview.code import extract_fenced_code
from bot.interview.domain import (
    ActiveInterview,
    Difficulty,
    HomePage,
    Interviewer,
    InterviewFeedback,
    SessionStatus,
)
from bot.interview.executor import GRADING_NOTE_KEY, StepExecutor
from bot.interview.home import HomeReadModel
from bot.interview.outbox import EndedNote, GradingNote, Kind
from bot.interview.ports import Messenger, Outgoing, post_marker
from bot.interview.problem_bank import ProblemBank
from bot.interview.records import NewCode, NewSession, NewTurn, SessionRecord, StoredTurn
from bot.interview.run_request import RUN_WORD, parse_run_request
from bot.interview.store import InterviewStore, LeaseHolder
from bot.interview.timing import utcnow, warning_lead_seconds
from bot.interview.transcript import active_interview, item_of
from bot.interview.worker import EngineTuning, Leases, Worker

logger = logging.getLogger(__name__)

FINISH_WORDS = frozenset({"done", "finish", "finished", "i'm done", "im done", "end"})


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


class InterviewEngine:
    """Starts, runs and completes interviews."""

    def __init__(
        self,
        *,
        store_for: Callable[[LeaseHolder], InterviewStore],
        bank: ProblemBank,
        interviewer: Interviewer,
        messenger: Messenger,
        time_limit_minutes: int,
        tasks: TaskTracker | None = None,
        clock: Callable[[], datetime] = utcnow,
        tuning: EngineTuning | None = None,
        priority: RequestPriority | None = None,
        runner: CodeRunner | None = None,
    ) -> None:
        self.bank = bank
        self.interviewer = interviewer
        self.messenger = messenger
        self.time_limit_minutes = time_limit_minutes
        self.tasks = tasks or TaskTracker()
        self.clock = clock
        self.tuning = tuning or EngineTuning()
        self.slots = WorkSlots(self.tuning.work_slots, priority)
        leases = Leases(clock=clock, seconds=self.tuning.lease_seconds)
        # Every read and write goes through the store, whose leases are the worker's.
        self.store = store_for(leases)
        self.executor = StepExecutor(
            store=self.store,
            bank=bank,
            interviewer=interviewer,
            messenger=messenger,
            slots=self.slots,
            clock=clock,
            runner=runner,
        )
        self.worker = Worker(
            store=self.store,
            leases=leases,
            executor=self.executor,
            slots=self.slots,
            tasks=self.tasks,
            clock=clock,
            tuning=self.tuning,
            on_home_changed=self.refresh_home,
        )
        self.home = HomeReadModel(
            store=self.store,
            bank=bank,
            offline=interviewer.offline,
            time_limit_minutes=time_limit_minutes,
        )

    @property
    def offline(self) -> bool:
        return self.interviewer.offline

    @property
    def owner(self) -> str:
        """This process's lease owner name."""
        return self.worker.owner

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

        def prepare(history: list[str]) -> NewSession:
            problem = self.bank.choose(
                difficulty=difficulty,
                topic=topic,
                done_ids=set(history),
                seed=sum(map(ord, user_id)) + len(history),
            )
            now = self.clock()
            deadline = now + timedelta(minutes=self.time_limit_minutes)
            lead = timedelta(seconds=warning_lead_seconds(self.time_limit_minutes))
            return NewSession(
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

        row, created = await self.store.open_session(
            team_id=team_id, user_id=user_id, prepare=prepare
        )
        if created:
            # Home is re-published once the problem is posted, with the link to the thread.
            self.kick(row.id)
        return StartResult(row.id, created, active_interview(row, self.bank))

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
        # `run` is stored like any turn, as a request its result answers.
        kind = Kind.RUN_REQUEST if not files and parse_run_request(text) else Kind.CANDIDATE
        code = [
            NewCode(language=block.language, filename=None, content=block.content)
            for block in extract_fenced_code(text)
        ]
        shared = [dict(f) for f in files]
        # The common case, a turn in the user's active interview: one write; the reply's
        # work starts as soon as it is visible, and the ack waits until it is on disk.
        turn = NewTurn(
            team_id=team_id,
            user_id=user_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            slack_ts=ts,
            text=text,
            now=self.clock(),
            files=shared,
            code=code,
            finish=finish,
            kind=kind.value,
        )
        outcome = await self.store.record_turn(
            turn, then=lambda stored: self._recorded(stored, finish)
        )
        if outcome is not None:
            return outcome
        session = await self.store.session_in_thread(channel_id=channel_id, thread_ts=thread_ts)
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
            ended = EndedNote("This interview has ended.")
            if await self.store.queue_notice(session.id, ended, key=key, now=self.clock()):
                self.kick(session.id)
            return MessageOutcome.INTERVIEW_OVER
        message_id = await self.store.record_candidate_message(session.id, turn)
        if message_id is None:
            return MessageOutcome.DUPLICATE
        return await self._recorded(StoredTurn(message_id, session.id), finish)

    async def _recorded(self, stored: StoredTurn, finish: bool) -> MessageOutcome:
        if finish:
            await self._queue_grading_note(stored.session_id)
        self.worker.answer(stored)
        return MessageOutcome.FINISHING if finish else MessageOutcome.RECORDED

    async def _thread_not_yet_recorded(
        self, *, team_id: str, user_id: str, channel_id: str, thread_ts: str
    ) -> SessionRecord | None:
        """The user's open interview when `thread_ts` is its problem message, posted to Slack
        but not recorded yet (a process stopped in between; the sweep records it later).

        Asks Slack only in that rare state, so the candidate's reply is kept, not pointed away.
        """
        session = await self.store.open_session_of(team_id=team_id, user_id=user_id)
        if session is None or session.thread_ts is not None:
            return None
        state = await self.store.load_state(session.id)
        problem = (
            next((m for m in state.messages if m.kind == Kind.PROBLEM), None) if state else None
        )
        if state is None or problem is None or problem.post_attempts == 0:
            return None
        item = Outgoing(
            message_id=problem.id,
            item=item_of(problem),
            marker=post_marker(state.id, problem.id),
        )
        try:
            posted = await self.slots.outside(
                self.messenger.find_posted(self.executor.ref(state), item)
            )
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
        session = await self.store.session_in_thread(channel_id=channel_id, thread_ts=thread_ts)
        if session is None:
            return False
        return await self.store.edit_candidate_message(
            session.id, slack_ts=ts, text=text, deleted=deleted
        )

    async def _session_of(
        self, *, team_id: str, user_id: str, session_id: int | None
    ) -> SessionRecord | None:
        """The session a button names, else the user's open one (the caller checks whose)."""
        if session_id is not None:
            return await self.store.get_session(session_id)
        return await self.store.open_session_of(team_id=team_id, user_id=user_id)

    async def request_run(
        self, *, team_id: str, user_id: str, session_id: int | None, key: str
    ) -> MessageOutcome:
        """Run the latest code again (the Run again button), like typing `run`: stored once
        per `key` (the click's own id, at most 32 characters) as a run request."""
        session = await self._session_of(team_id=team_id, user_id=user_id, session_id=session_id)
        if session is None or session.team_id != team_id:
            return MessageOutcome.NOT_IN_INTERVIEW
        if session.user_id != user_id:
            return MessageOutcome.NOT_CANDIDATE
        if session.status != SessionStatus.ACTIVE or not session.thread_ts:
            return MessageOutcome.INTERVIEW_OVER
        request = NewTurn(
            team_id=team_id,
            user_id=user_id,
            channel_id=session.channel_id or "",
            thread_ts=session.thread_ts,
            slack_ts=key,
            text=RUN_WORD,
            now=self.clock(),
            kind=Kind.RUN_REQUEST.value,
        )
        message_id = await self.store.record_candidate_message(session.id, request)
        if message_id is None:
            return MessageOutcome.DUPLICATE
        self.worker.answer(StoredTurn(message_id, session.id))
        return MessageOutcome.RECORDED

    async def request_finish(
        self, *, team_id: str, user_id: str, session_id: int | None
    ) -> FinishOutcome:
        """Finish an interview early (button or `done`); grading follows in the background."""
        session = await self._session_of(team_id=team_id, user_id=user_id, session_id=session_id)
        if session is None or session.user_id != user_id or session.team_id != team_id:
            return FinishOutcome.NOT_FOUND
        moved = await self.store.transition_status(
            session.id,
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

    async def _queue_grading_note(self, session_id: int) -> None:
        await self.store.queue_notice(
            session_id,
            GradingNote("Thanks — grading your interview now."),
            key=GRADING_NOTE_KEY,
            now=self.clock(),
        )

    async def claim_event(self, key: str) -> bool:
        """Exactly-once guard for Slack events handled outside an interview."""
        return await self.store.claim_event(key, now=self.clock())

    async def active_interview(self, *, team_id: str, user_id: str) -> ActiveInterview | None:
        return await self.home.active_interview(team_id=team_id, user_id=user_id)

    # The Home tab ------------------------------------------------------------------------------

    async def home_page(self, *, team_id: str, user_id: str, page: int = 0) -> HomePage:
        return await self.home.page(team_id=team_id, user_id=user_id, page=page)

    async def feedback(
        self, *, team_id: str, user_id: str, interview_id: int
    ) -> InterviewFeedback | None:
        return await self.home.feedback(team_id=team_id, user_id=user_id, interview_id=interview_id)

    def refresh_home(self, team_id: str, user_id: str, page: int = 0) -> None:
        """Re-publish the user's Home tab in the background."""
        self.tasks.spawn(self.publish_home(team_id, user_id, page), name=f"home-{user_id}")

    async def publish_home(self, team_id: str, user_id: str, page: int = 0) -> None:
        async with self.slots.held():
            view = await self.home_page(team_id=team_id, user_id=user_id, page=page)
            await self.slots.outside(self.messenger.publish_home(team_id, view))

    # Background work, done by the worker ------------------------------------------------------

    def kick(self, session_id: int) -> None:
        self.worker.kick(session_id)

    async def sweep(self) -> int:
        return await self.worker.sweep()

    async def renew_leases(self) -> None:
        await self.worker.renew_leases()

    async def release_all_leases(self) -> int:
        return await self.worker.release_all_leases()

    async def process(self, session_id: int) -> None:
        await self.worker.process(session_id)
