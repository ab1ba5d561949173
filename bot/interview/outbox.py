"""What the bot says in an interview, one variant per kind, each carrying its own data.

A message row stores a variant as its `kind`, its `text` (the line the transcript and a
plain-text fallback show) and a JSON `payload` with the variant's other fields. Text-only
kinds keep nothing in the payload; nothing is ever parsed back out of the text.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from bot.interview.timing import time_left_phrase


class Kind(StrEnum):
    """The `kind` column of a message row."""

    CANDIDATE = "text"  # what the candidate wrote; not part of the outbox
    PROBLEM = "problem"
    OPENING = "opening"
    REPLY = "reply"
    WARNING = "warning"
    TIME_UP = "time_up"
    GRADING_NOTE = "grading_note"
    RETRY_NOTICE = "retry_notice"
    APOLOGY = "apology"
    FILE_REJECTED = "file_rejected"
    ENDED_NOTE = "ended_note"
    STEP_SKIPPED = "step_skipped"
    SCORECARD = "scorecard"
    COMPLETION_DM = "completion_dm"
    # A candidate's `run` or Run again: re-run their latest code. Not answered by the
    # interviewer; answered by a RUN_RESULT.
    RUN_REQUEST = "run_request"
    RUN_RESULT = "run_result"


class Placement(StrEnum):
    """Where in Slack a message goes."""

    DM = "dm"  # the app's DM with the user, starting the interview's thread
    TOP = "top"  # the conversation itself, outside the thread
    THREAD = "thread"  # the interview's thread


@dataclass(frozen=True, slots=True)
class _Item:
    kind: ClassVar[Kind]
    placement: ClassVar[Placement] = Placement.THREAD

    @property
    def line(self) -> str:
        """The transcript line and plain-text fallback."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class _Said(_Item):
    """A kind whose only data is what it says."""

    text: str

    @property
    def line(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class ProblemPost(_Said):
    kind: ClassVar[Kind] = Kind.PROBLEM
    placement: ClassVar[Placement] = Placement.DM


@dataclass(frozen=True, slots=True)
class Opening(_Said):
    kind: ClassVar[Kind] = Kind.OPENING


@dataclass(frozen=True, slots=True)
class Reply(_Said):
    kind: ClassVar[Kind] = Kind.REPLY


@dataclass(frozen=True, slots=True)
class TimeUp(_Said):
    kind: ClassVar[Kind] = Kind.TIME_UP


@dataclass(frozen=True, slots=True)
class GradingNote(_Said):
    kind: ClassVar[Kind] = Kind.GRADING_NOTE


@dataclass(frozen=True, slots=True)
class RetryNotice(_Said):
    kind: ClassVar[Kind] = Kind.RETRY_NOTICE


@dataclass(frozen=True, slots=True)
class Apology(_Said):
    kind: ClassVar[Kind] = Kind.APOLOGY


@dataclass(frozen=True, slots=True)
class EndedNote(_Said):
    kind: ClassVar[Kind] = Kind.ENDED_NOTE


@dataclass(frozen=True, slots=True)
class StepSkipped(_Said):
    kind: ClassVar[Kind] = Kind.STEP_SKIPPED


@dataclass(frozen=True, slots=True)
class TimeWarning(_Item):
    """The time left when the warning was queued; the messenger says what is left when posted."""

    kind: ClassVar[Kind] = Kind.WARNING
    seconds_left: int

    @classmethod
    def at(cls, seconds_left: float) -> TimeWarning:
        return cls(max(1, math.ceil(seconds_left)))

    @property
    def line(self) -> str:
        return f"{time_left_phrase(self.seconds_left)} left in your interview"


@dataclass(frozen=True, slots=True)
class FileRejected(_Item):
    kind: ClassVar[Kind] = Kind.FILE_REJECTED
    filename: str
    reason: str

    @property
    def line(self) -> str:
        return f"I could not use {self.filename} as code: {self.reason}"


@dataclass(frozen=True, slots=True)
class Scorecard(_Item):
    """The score card; the grade itself is read from the interview's history record."""

    kind: ClassVar[Kind] = Kind.SCORECARD
    overall: int

    @property
    def line(self) -> str:
        return f"Interview complete — overall {self.overall}/100"


@dataclass(frozen=True, slots=True)
class CompletionDm(_Item):
    kind: ClassVar[Kind] = Kind.COMPLETION_DM
    placement: ClassVar[Placement] = Placement.TOP
    overall: int

    @property
    def line(self) -> str:
        return f"Interview complete — you scored {self.overall}/100"


@dataclass(frozen=True, slots=True)
class RunFailure:
    """A failed visible example as the thread shows it; hidden tests are only counted."""

    index: int
    input: str
    expected: str
    actual: str | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RunResultPost(_Item):
    """What running one code submission against the problem's tests did.

    `status` is a RunStatus value (bot/execution/runner.py) or UNKNOWN_LANGUAGE; `line` is
    the summary ("5/7 tests passed · 38 ms") or, when the code could not run, why not.
    `request_id` is the RUN_REQUEST message this answers, 0 for a new submission.
    """

    kind: ClassVar[Kind] = Kind.RUN_RESULT
    code_id: int
    request_id: int
    status: str
    language: str
    passed: int
    total: int
    summary: str
    failures: tuple[RunFailure, ...] = ()
    hidden_failed: int = 0

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> RunResultPost:
        fields = dict(payload)
        fields["failures"] = tuple(RunFailure(**f) for f in fields.get("failures", ()))
        return cls(**fields)

    @property
    def ran(self) -> bool:
        """The tests ran (each passed or failed), as opposed to code that could not run."""
        return self.total > 0 and self.status not in NOT_RUN_STATUSES

    @property
    def line(self) -> str:
        return self.summary


# Statuses of code that never reached its tests: no pass rate to speak of.
UNKNOWN_LANGUAGE = "unknown_language"
# `run` before any code was sent.
NO_CODE = "no_code"
# A run that kept failing on the bot's side, settled so the interview goes on.
RUN_FAILED = "run_failed"
NOT_RUN_STATUSES = frozenset(
    {"unavailable", "unsupported_language", UNKNOWN_LANGUAGE, NO_CODE, RUN_FAILED}
)


OutboxItem = (
    ProblemPost
    | Opening
    | Reply
    | TimeUp
    | GradingNote
    | RetryNotice
    | Apology
    | EndedNote
    | StepSkipped
    | TimeWarning
    | FileRejected
    | Scorecard
    | CompletionDm
    | RunResultPost
)

_VARIANTS: dict[str, type[OutboxItem]] = {
    cls.kind.value: cls
    for cls in (
        ProblemPost,
        Opening,
        Reply,
        TimeUp,
        GradingNote,
        RetryNotice,
        Apology,
        EndedNote,
        StepSkipped,
        TimeWarning,
        FileRejected,
        Scorecard,
        CompletionDm,
        RunResultPost,
    )
}

# Kinds that are part of what the interviewer said.
INTERVIEWER_KINDS = frozenset({Kind.OPENING, Kind.REPLY})
# Kinds that close the candidate's turn: the interviewer's own words, or the notice that a
# turn which kept failing was skipped.
ANSWERING_KINDS = INTERVIEWER_KINDS | {Kind.STEP_SKIPPED}


def to_row(item: OutboxItem) -> tuple[str, str, dict[str, Any] | None]:
    """(kind, text, payload) columns of `item`."""
    if isinstance(item, _Said):
        return item.kind.value, item.text, None
    return item.kind.value, item.line, dataclasses.asdict(item)


def from_row(kind: str, text: str, payload: dict[str, Any] | None) -> OutboxItem:
    """The variant a stored row holds (LookupError for a kind the outbox does not know)."""
    variant = _VARIANTS.get(kind)
    if variant is None:
        raise LookupError(f"message kind {kind!r} is not an outbox kind")
    if issubclass(variant, _Said):
        return variant(text)
    if variant is RunResultPost:
        return RunResultPost.from_payload(payload or {})
    return variant(**(payload or {}))
