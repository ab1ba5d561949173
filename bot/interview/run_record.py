"""What the candidate's code did when run, read from the interview's transcript: the runs'
results are outbox messages (RunResultPost), so the interviewers, the graders, the problem
message and the history all read the same facts from one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.interview.outbox import Kind, RunResultPost


class MessageLike(Protocol):
    """A transcript row as any reader holds it (storage's read model or a test's)."""

    @property
    def kind(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Tests passed / total of the last submission that ran and of the best one; None when
    no submission reached its tests."""

    final_passed: int | None = None
    final_total: int | None = None
    best_passed: int | None = None
    best_total: int | None = None

    @property
    def ran(self) -> bool:
        return self.final_total is not None

    @property
    def final_rate(self) -> float | None:
        if not self.final_total:
            return None
        return (self.final_passed or 0) / self.final_total

    @property
    def best_rate(self) -> float | None:
        if not self.best_total:
            return None
        return (self.best_passed or 0) / self.best_total

    def best_label(self) -> str | None:
        """e.g. "tests 7/7"; None when nothing ran."""
        if self.best_total is None:
            return None
        return f"tests {self.best_passed}/{self.best_total}"


def run_results(messages: Iterable[MessageLike]) -> list[RunResultPost]:
    """Every run result in the transcript, oldest first."""
    return [
        RunResultPost.from_payload(m.payload or {}) for m in messages if m.kind == Kind.RUN_RESULT
    ]


def run_record(messages: Iterable[MessageLike]) -> RunRecord:
    return record_of(run_results(messages))


def record_of(results: Iterable[RunResultPost]) -> RunRecord:
    """The record of `results` (oldest first), for a reader that has parsed them already."""
    ran = [r for r in results if r.ran]
    if not ran:
        return RunRecord()
    final = ran[-1]
    # Best by pass rate; on a tie the later run (the candidate's current code).
    best = max(reversed(ran), key=lambda r: r.passed / r.total)
    return RunRecord(final.passed, final.total, best.passed, best.total)


def beats_best(before: Iterable[MessageLike], result: RunResultPost) -> bool:
    """`result` ran and beats every run in `before` (or is the first that ran): the best run
    so far changes with it."""
    if not result.ran:
        return False
    best = run_record(before).best_rate
    return best is None or result.passed / result.total > best
