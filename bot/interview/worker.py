"""The background worker: runs a session's due steps under its lease, one session at a
time per process, and sweeps for sessions whose work fell due (timers, crash leftovers).

Each run reads the state, asks `next_step` what is due and has the executor do it, until
nothing is; then it releases the lease with the session's next wake time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.admission import TaskTracker, WorkSlots
from bot.interview.domain import SessionStatus
from bot.interview.executor import StepExecutor, StepOutcome
from bot.interview.records import SessionRecord, SessionState, StoredTurn
from bot.interview.steps import next_step, step_to_skip
from bot.interview.store import InterviewStore

logger = logging.getLogger(__name__)


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


class Leases:
    """This process's name on the session leases it takes, and how long they run."""

    def __init__(self, *, clock: Callable[[], datetime], seconds: float) -> None:
        self.owner = f"worker-{uuid.uuid4().hex[:12]}"
        self.clock = clock
        self.seconds = seconds

    def lease_until(self) -> datetime:
        return self.clock() + timedelta(seconds=self.seconds)


class Worker:
    def __init__(
        self,
        *,
        store: InterviewStore,
        leases: Leases,
        executor: StepExecutor,
        slots: WorkSlots,
        tasks: TaskTracker,
        clock: Callable[[], datetime],
        tuning: EngineTuning,
        on_home_changed: Callable[[str, str], None],
    ) -> None:
        self.store = store
        self.leases = leases
        self.executor = executor
        self.slots = slots
        self.tasks = tasks
        self.clock = clock
        self.tuning = tuning
        self.on_home_changed = on_home_changed
        self.owner = leases.owner
        self.running: set[int] = set()
        self._rerun: set[int] = set()

    def kick(self, session_id: int) -> None:
        """Make sure the session's pending work gets done soon by this process."""
        self._start(session_id, urgent=False, claimed=None)

    def answer(self, turn: StoredTurn) -> None:
        """A candidate's message was just stored: its reply's first step starts at once
        instead of waiting for requests to pause, so it overlaps the request's own wait for
        the disk; with the state the store read under the lease it took with the message,
        when it took one (dropped if a worker of this process is on the session: it holds
        the same lease and reads the state anew)."""
        self._start(turn.session_id, urgent=True, claimed=turn.claimed)

    def _start(self, session_id: int, *, urgent: bool, claimed: SessionState | None) -> None:
        if session_id in self.running:
            self._rerun.add(session_id)
            return
        self.running.add(session_id)
        self.tasks.spawn(self._run(session_id, urgent, claimed), name=f"session-{session_id}")

    async def _run(self, session_id: int, urgent: bool, claimed: SessionState | None) -> None:
        try:
            while True:
                self._rerun.discard(session_id)
                async with self.slots.held(quiet=not urgent):
                    await self._process(session_id, claimed)
                urgent, claimed = False, None
                if session_id not in self._rerun:
                    break
        finally:
            self.running.discard(session_id)

    async def sweep(self) -> int:
        """Kick every session whose work is due (new work, timers, crash leftovers)."""
        ids = await self.store.due_sessions(now=self.clock(), limit=self.tuning.sweep_batch)
        for session_id in ids:
            self.kick(session_id)
        return len(ids)

    async def renew_leases(self) -> None:
        """Keep leases of long-running sessions alive while this process works on them."""
        await self.store.extend_leases(sorted(self.running))

    async def release_all_leases(self) -> int:
        """On shutdown: let the next process take over at once instead of after the lease."""
        return await self.store.drop_leases()

    async def process(self, session_id: int) -> None:
        """Do everything that is due for one session, under its lease."""
        async with self.slots.held(quiet=True):
            await self._process(session_id, None)

    async def _process(self, session_id: int, claimed: SessionState | None) -> None:
        if claimed is None:
            claimed = await self.store.claim(session_id, now=self.clock())
        if claimed is None:
            return  # another worker has it; the sweep brings it back if that one dies
        state: SessionState | None = claimed
        seen_seq = claimed.work_seq
        failed: str | None = None
        touched_home = False
        # True when the last step found nothing to do: the state it read is still current.
        settled = False
        try:
            for step in range(self.tuning.max_steps):
                if step > 0:
                    state = await self.store.load_state(session_id)
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
        final: SessionRecord | None = state
        if not settled:
            final = await self.store.get_session(session_id)
        next_wake = self._next_wake(final, failed)
        complete = await self.store.release(
            session_id,
            seen_work_seq=seen_seq,
            next_wake_at=next_wake,
            now=self.clock(),
            error=failed,
        )
        if not complete:
            self._rerun.add(session_id)
        if touched_home and final is not None:
            self.on_home_changed(final.team_id, final.user_id)

    async def _step(self, state: SessionState) -> StepOutcome:
        now = self.clock()
        return await self.executor.do(next_step(state, now), state, now)

    async def _step_or_skip(self, state: SessionState) -> StepOutcome:
        """The due step of a session whose runs keep failing: tried once more, and if it
        fails again, skipped, so later turns are answered and Finish grades."""
        try:
            return await self._step(state)
        except Exception:
            logger.exception("session %s: skipping a step that keeps failing", state.id)
            skipped = await self.executor.settle(step_to_skip(state, self.clock()), state)
            if skipped is None:
                raise
        await self.store.clear_failures(state.id)
        return skipped

    def _next_wake(self, state: SessionRecord | None, failed: str | None) -> datetime | None:
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
