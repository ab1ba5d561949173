"""Doing the step `next_step` decided: each executor performs one step against Slack, the
model and the database, and reports what it did. No executor decides what comes next."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.admission import WorkSlots
from bot.execution import CodeRunner, RunResult, RunStatus, Submission
from bot.interview import outbox
from bot.interview.code import FileRejected, check_file_metadata, decode_file
from bot.interview.domain import (
    Interviewer,
    InterviewerReply,
    InterviewerUnavailable,
    Role,
    SessionStatus,
)
from bot.interview.grading import heuristic_grade
from bot.interview.llm_interviewer import FALLBACK_GRADER
from bot.interview.outbox import (
    NO_CODE,
    RUN_FAILED,
    UNKNOWN_LANGUAGE,
    Apology,
    Kind,
    Opening,
    OutboxItem,
    Reply,
    RetryNotice,
    RunFailure,
    RunResultPost,
    StepSkipped,
    TimeUp,
    TimeWarning,
)
from bot.interview.ports import (
    DownloadFailed,
    Messenger,
    Outgoing,
    Posted,
    SessionRef,
    post_marker,
)
from bot.interview.problem_bank import ProblemBank
from bot.interview.records import CompletedInterview, MessageRow, NewCode, SessionState
from bot.interview.run_record import beats_best, run_record
from bot.interview.steps import (
    WARNING_KEY,
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
    run_language,
)
from bot.interview.store import InterviewStore
from bot.interview.transcript import grade_of, item_of, problem_of, session_ref, turn_context

logger = logging.getLogger(__name__)

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
# What a run says when it cannot run the code.
ASK_LANGUAGE_TEXT = (
    "I can't tell which language this code is in, so I haven't run it. "
    "Reply `run python`, `run javascript` or `run cpp`."
)
NO_CODE_TEXT = "There is no code to run yet: send it as a snippet, a file or a ``` block."
RUN_FAILED_TEXT = "I could not run this code (something went wrong on my side); we go on."
UNSUPPORTED_SUFFIX = "I'll still read and review your code."


def unavailable_text(reason: str) -> str:
    return (
        f"Code execution is unavailable on this server ({reason}); "
        "the interview goes on without it."
    )


def queued_text(place: int) -> str:
    """The transient note of a run waiting for a sandbox slot (`place` is 1-based)."""
    ahead = place - 1
    if ahead < 1:
        return "Your code is queued — it runs next."
    return f"Your code is queued — {ahead} ahead of you."


UNAVAILABLE_PREFIX = "code execution is unavailable on this server: "
COMPILE_ERROR_CHARS = 300


def run_result_post(result: RunResult, *, code_id: int, request_id: int) -> RunResultPost:
    """What the thread and the transcript keep of a run."""
    summary = result.summary()
    if result.status is RunStatus.UNSUPPORTED_LANGUAGE:
        summary = f"{summary} {UNSUPPORTED_SUFFIX}"
    elif result.status is RunStatus.UNAVAILABLE:
        summary = unavailable_text(result.message.removeprefix(UNAVAILABLE_PREFIX))
    elif result.status is RunStatus.COMPILE_ERROR and result.message.strip():
        # The compiler's or loader's last line says what is wrong (no test ran to show it).
        last = result.message.strip().splitlines()[-1].strip()
        summary = f"{summary}: {last[:COMPILE_ERROR_CHARS]}"
    failures = tuple(
        RunFailure(
            f.index,
            f.input,
            f.expected,
            f.actual,
            # The end of the traceback says what went wrong; the error line alone may not.
            f"{f.error}\n{f.trace}" if f.error and f.trace else f.error,
        )
        for f in result.visible_failures
    )
    return RunResultPost(
        code_id=code_id,
        request_id=request_id,
        status=result.status.value,
        language=result.language,
        passed=result.passed,
        total=result.total,
        summary=summary,
        failures=failures,
        hidden_failed=result.hidden_failed,
    )


# Posted in place of an opening that kept failing: the interview must start somehow.
STAND_IN_OPENING = (
    "Let's begin. Read the problem above, then tell me how you understand it and how you "
    "would approach it."
)


@dataclass(frozen=True)
class StepOutcome:
    progressed: bool = False
    home: bool = False
    failed: str | None = None
    # The step did all that the state it read called for, and nothing else can fall due
    # before the state's next wake unless new work bumps work_seq (which the release sees).
    settles: bool = False


class StepExecutor:
    """Performs steps for the worker; network waits run outside the work slots."""

    def __init__(
        self,
        *,
        store: InterviewStore,
        bank: ProblemBank,
        interviewer: Interviewer,
        messenger: Messenger,
        slots: WorkSlots,
        clock: Callable[[], datetime],
        runner: CodeRunner | None = None,
    ) -> None:
        self.store = store
        self.bank = bank
        self.interviewer = interviewer
        self.messenger = messenger
        self.slots = slots
        self.clock = clock
        # Candidate code runs only through this runner's sandbox and bounded pool.
        self.runner = runner or CodeRunner()

    def ref(self, state: SessionState) -> SessionRef:
        return session_ref(
            state, problem_of(self.bank, state.problem_id), offline=self.interviewer.offline
        )

    async def do(self, step: Step, state: SessionState, now: datetime) -> StepOutcome:
        """Do `step`, decided from `state` at `now`."""
        # Every step needs the session's problem: an unknown one fails the run before
        # anything is done, so the session is retried and, if it persists, skipped.
        ref = self.ref(state)
        match step:
            case TimeIsUp():
                return await self._time_is_up(state, now)
            case Post(message):
                return await self.post(state, ref, message)
            case Withhold(message):
                await self.store.give_up_post(message.id, now=now)
                return StepOutcome(progressed=True)
            case FetchFiles(message):
                await self._fetch_files(state, message)
                return StepOutcome(progressed=True)
            case GradeInterview(fallback):
                return await self._grade(state, ref, fallback=fallback)
            case RunCode():
                return await self._run_code(state, ref, step)
            case Speak(opening, through):
                return await self._speak(state, opening=opening, through=through)
            case Warn(seconds_left):
                warning = TimeWarning.at(seconds_left)
                await self.store.queue_notice(state.id, warning, key=WARNING_KEY, now=now)
                return StepOutcome(progressed=True)
            case Idle():
                return StepOutcome()

    async def settle(self, skip: Skip, state: SessionState) -> StepOutcome | None:
        """Settle a step that keeps failing without doing it; None: nothing to skip."""
        now = self.clock()
        match skip:
            case Abandon():
                await self.store.transition_status(
                    state.id,
                    from_statuses=[SessionStatus.ACTIVE, SessionStatus.GRADING],
                    to_status=SessionStatus.ABANDONED,
                    now=now,
                )
                return StepOutcome(progressed=True, home=True)
            case GiveUpPost(message, notify):
                await self.store.give_up_post(message.id, now=now)
                if notify:
                    await self._notice_skipped(state, key=f"skipped:post:{message.id}")
                return StepOutcome(progressed=True)
            case SetFilesAside(message):
                await self.store.mark_files_done(message.id)
                await self._notice_skipped(
                    state, key=f"skipped:files:{message.id}", text=FILE_SKIPPED_TEXT
                )
                return StepOutcome(progressed=True)
            case GradeInterview(fallback):
                return await self._grade(state, self.ref(state), fallback=fallback)
            case StandInOpening():
                await self.store.queue(
                    state.id,
                    role=Role.INTERVIEWER,
                    item=Opening(STAND_IN_OPENING),
                    now=now,
                    key="opening:0",
                    answers_through=0,
                )
                return StepOutcome(progressed=True)
            case SkipTurn(through):
                await self._notice_skipped(state, key=f"skipped:turn:{through}", through=through)
                return StepOutcome(progressed=True)
            case SettleRun(run):
                code_id = run.code.id if run.code else 0
                failed = RunResultPost(
                    code_id, run.request_id, RUN_FAILED, run.language or "", 0, 0, RUN_FAILED_TEXT
                )
                await self._say(state, failed, key=run.key)
                return StepOutcome(progressed=True)
            case Idle():
                return None

    async def _notice_skipped(
        self, state: SessionState, *, key: str, through: int = 0, text: str = STEP_SKIPPED_TEXT
    ) -> None:
        await self.store.queue(
            state.id,
            role=Role.SYSTEM,
            item=StepSkipped(text),
            now=self.clock(),
            key=key,
            # Closes the turn it stands for (0: none), so the next message is answered.
            answers_through=through or None,
        )

    async def _say(self, state: SessionState, item: OutboxItem, *, key: str) -> int | None:
        """Queue a system message of this run once per key (the run posts it itself)."""
        return await self.store.queue(
            state.id, role=Role.SYSTEM, item=item, now=self.clock(), key=key
        )

    async def _time_is_up(self, state: SessionState, now: datetime) -> StepOutcome:
        await self.store.queue_notice(
            state.id,
            TimeUp("Time is up — grading your interview now."),
            key=GRADING_NOTE_KEY,
            now=now,
        )
        moved = await self.store.transition_status(
            state.id,
            from_statuses=[SessionStatus.ACTIVE],
            to_status=SessionStatus.GRADING,
            now=now,
        )
        return StepOutcome(progressed=moved, home=moved)

    async def post(self, state: SessionState, ref: SessionRef, message: MessageRow) -> StepOutcome:
        """Post one outbox message, counting the attempt first."""
        item = await self._outgoing(state, message)
        posted: Posted | None = None
        if message.post_attempts > 0:
            # A previous attempt may have reached Slack before the process stopped.
            posted = await self.slots.outside(self.messenger.find_posted(ref, item))
        if posted is None:
            await self.store.note_post_attempt(message.id)
            posted = await self.slots.outside(self.messenger.post(ref, item))
        return await self._posted(state, ref, message, item, posted)

    async def _post_first(
        self, state: SessionState, ref: SessionRef, message: MessageRow
    ) -> StepOutcome:
        """Post a message queued with its first attempt counted (store.queue_posting):
        nothing to look up, nothing to note."""
        item = await self._outgoing(state, message)
        posted = await self.slots.outside(self.messenger.post(ref, item))
        return await self._posted(state, ref, message, item, posted)

    async def _outgoing(self, state: SessionState, message: MessageRow) -> Outgoing:
        item = Outgoing(
            message_id=message.id,
            item=item_of(message),
            marker=post_marker(state.id, message.id),
        )
        if message.kind == Kind.SCORECARD:
            interview = await self.store.interview_of_session(state.id)
            if interview is not None:
                item = replace(
                    item, grade=grade_of(interview), duration_seconds=interview.duration_seconds
                )
        return item

    async def _posted(
        self,
        state: SessionState,
        ref: SessionRef,
        message: MessageRow,
        item: Outgoing,
        posted: Posted,
    ) -> StepOutcome:
        """Record `message` as posted, after the follow-ups its kind calls for."""
        # Follow-ups are idempotent and run before the post is recorded: a process killed in
        # between finds the post by its marker and does them again, instead of never.
        if message.kind == Kind.PROBLEM:
            permalink = await self.slots.outside(
                self.messenger.permalink(posted.channel_id, posted.ts)
            )
            if state.start_response_url:
                try:
                    await self.slots.outside(
                        self.messenger.replace_start_card(state.start_response_url, permalink)
                    )
                except Exception:
                    logger.warning("session %s: could not replace the start card", state.id)
            # The post and the thread it starts are recorded together: an interview whose
            # problem is posted but whose thread is unknown could never be answered.
            await self.store.mark_problem_posted(
                state.id,
                message_id=message.id,
                channel_id=posted.channel_id,
                thread_ts=posted.ts,
                permalink=permalink,
                now=self.clock(),
            )
            return StepOutcome(progressed=True, home=True)
        if message.kind == Kind.SCORECARD and item.grade is not None:
            try:
                await self.slots.outside(
                    self.messenger.mark_problem_finished(
                        ref, item.grade.overall, run_record(state.messages)
                    )
                )
            except Exception:
                logger.warning("session %s: could not update the problem message", state.id)
        if isinstance(item.item, RunResultPost):
            await self._show_best_run(state, ref, message, item.item)
        await self.store.mark_posted(message.id, slack_ts=posted.ts, now=self.clock())
        return StepOutcome(progressed=True, home=message.kind == Kind.SCORECARD)

    async def _show_best_run(
        self, state: SessionState, ref: SessionRef, message: MessageRow, result: RunResultPost
    ) -> None:
        """Put a run that beats every earlier one on the problem message, best effort.

        Only while the interview is active: this worker posts the score card, and with it
        the finished problem message, in a later step, so that update always comes last.
        """
        earlier = [m for m in state.messages if m.id < message.id]
        if state.status != SessionStatus.ACTIVE or not beats_best(earlier, result):
            return
        try:
            await self.slots.outside(
                self.messenger.show_best_run(ref, run_record([*earlier, message]))
            )
        except Exception:
            # A stale line on the problem message; the thread shows the result itself.
            logger.warning("session %s: could not show the best run so far", state.id)

    async def _run_code(self, state: SessionState, ref: SessionRef, run: RunCode) -> StepOutcome:
        """Run the code in the sandbox (outside any transaction and any work slot), then
        queue its result in one write. A crash before that write runs it again on the next
        claim; the dedupe key keeps it to one result."""
        result = await self._run_result(ref, run)
        await self._say(state, result, key=run.key)
        return StepOutcome(progressed=True)

    async def _run_result(self, ref: SessionRef, run: RunCode) -> RunResultPost:
        code = run.code
        if code is None:
            return RunResultPost(0, run.request_id, NO_CODE, "", 0, 0, NO_CODE_TEXT)
        # As the step decided which `run`s this run answers: the same code in the same language.
        language = run_language(code, run.language)
        if language is None:
            # Never guess: code run as the wrong language fails for no fault of its own.
            return RunResultPost(
                code.id, run.request_id, UNKNOWN_LANGUAGE, "", 0, 0, ASK_LANGUAGE_TEXT
            )
        reason = await self.slots.outside(self.runner.sandbox.unavailable_reason())
        if reason is not None:
            # Posted once while it lasts: next_step withholds a repeat (repeats_unavailable).
            return RunResultPost(
                code.id,
                run.request_id,
                RunStatus.UNAVAILABLE.value,
                language,
                0,
                0,
                unavailable_text(reason),
            )

        async def on_queued(place: int) -> None:
            # A note in passing, not an outbox message: losing it is harmless.
            try:
                await self.messenger.post_note(ref, queued_text(place))
            except Exception:
                logger.warning("session %s: could not post the queue note", ref.id)

        result = await self.slots.outside(
            self.runner.run(ref.problem, Submission(language, code.content), on_queued=on_queued)
        )
        return run_result_post(result, code_id=code.id, request_id=run.request_id)

    async def _fetch_files(self, state: SessionState, message: MessageRow) -> None:
        now = self.clock()
        for ordinal, file in enumerate(message.files or [], start=100):
            file_id = str(file.get("id") or f"m{message.id}-{ordinal}")
            rejection = check_file_metadata(file)
            if rejection is None:
                try:
                    content = await self.slots.outside(self.messenger.download(file))
                except DownloadFailed as exc:
                    rejection = FileRejected(str(file.get("name") or "file"), str(exc))
                else:
                    decoded = decode_file(file, content)
                    if isinstance(decoded, FileRejected):
                        rejection = decoded
                    else:
                        await self.store.add_code_from_file(
                            state.id,
                            message_id=message.id,
                            ordinal=ordinal,
                            code=NewCode(
                                language=decoded.language,
                                filename=decoded.filename,
                                content=decoded.content,
                                slack_file_id=file_id,
                            ),
                            now=now,
                        )
            if rejection is not None:
                await self._say(
                    state,
                    outbox.FileRejected(rejection.filename, rejection.reason),
                    key=f"file:{file_id}"[:128],
                )
        await self.store.mark_files_done(message.id)

    async def _speak(self, state: SessionState, *, opening: bool, through: int) -> StepOutcome:
        ctx = turn_context(state, problem_of(self.bank, state.problem_id), self.clock())
        said_for = "opening" if opening else str(through)
        retried = False

        async def on_retry(attempt: int) -> None:
            nonlocal retried
            retried = True
            queued = await self._say(
                state,
                RetryNotice("The interviewer is thinking — retrying…"),
                key=f"retry:{said_for}",
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
            await self._say(
                state,
                Apology("The interviewer is unavailable right now; your message is saved."),
                key=f"apology:{said_for}",
            )
            await self._flush_outbox(state.id)
            return StepOutcome(failed=f"interviewer unavailable: {exc}")
        said = Opening(reply.text) if opening else Reply(reply.text)
        # With the thread known, the reply is posted at once: its first attempt is counted
        # as it is stored, so after a crash the outbox looks for it in Slack first.
        post_now = bool(state.thread_ts)
        queue = self.store.queue_posting if post_now else self.store.queue
        message_id = await queue(
            state.id,
            role=Role.INTERVIEWER,
            item=said,
            now=self.clock(),
            key=f"{said.kind.value}:{through}",
            answers_through=through,
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
            await self._post_first(state, self.ref(state), queued)
            # Settled unless a retry notice may still be unposted, the warning may be due or
            # messages sent before the opening still wait for their own reply.
            settles = (
                not retried
                and self.clock() < state.warning_at
                and not any(m.role == Role.CANDIDATE and m.id > through for m in state.messages)
            )
            return StepOutcome(progressed=True, settles=settles)
        return StepOutcome(progressed=True)

    async def _flush_outbox(self, session_id: int) -> None:
        """Post queued notices right away (used while a slow model call is under way)."""
        state = await self.store.load_state(session_id)
        if state is None:
            return
        ref = self.ref(state)
        for message in state.messages:
            if message.role != Role.CANDIDATE and message.slack_ts is None and state.thread_ts:
                await self.post(state, ref, message)

    async def _grade(
        self, state: SessionState, ref: SessionRef, *, fallback: bool = False
    ) -> StepOutcome:
        ctx = turn_context(state, ref.problem, self.clock())
        if fallback:
            grade = heuristic_grade(ctx, graded_by=FALLBACK_GRADER)
        else:
            grade = await self.slots.outside(self.interviewer.grade(ctx))
        problem = ref.problem
        # What the grade read of the runs is what the interview records.
        runs = ctx.runs
        recorded = await self.store.complete(
            state.id,
            result=CompletedInterview(
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
                tests_passed=runs.final_passed,
                tests_total=runs.final_total,
                best_tests_passed=runs.best_passed,
                best_tests_total=runs.best_total,
            ),
            now=self.clock(),
        )
        return StepOutcome(progressed=recorded, home=recorded)
