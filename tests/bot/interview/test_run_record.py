"""Run results read back from the transcript: the one place interviewers, graders and Home
learn what the candidate's code did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.interview.outbox import Kind, RunFailure, RunResultPost, from_row, to_row
from bot.interview.run_record import beats_best, run_record


@dataclass
class Row:
    kind: str
    text: str
    payload: dict[str, Any] | None


def _row(passed: int, total: int, status: str = "ok", code_id: int = 1) -> Row:
    post = RunResultPost(
        code_id=code_id,
        request_id=0,
        status=status,
        language="python",
        passed=passed,
        total=total,
        summary=f"{passed}/{total} tests passed · 30 ms",
        failures=(RunFailure(1, "[1, 2]", "3", "4"),) if passed < total else (),
    )
    kind, text, payload = to_row(post)
    return Row(kind, text, payload)


def test_a_run_result_round_trips_through_its_row_with_its_failures() -> None:
    row = _row(5, 7)
    back = from_row(row.kind, row.text, row.payload)
    assert isinstance(back, RunResultPost)
    assert back.failures == (RunFailure(1, "[1, 2]", "3", "4"),)
    assert back.line == "5/7 tests passed · 30 ms"


def test_record_keeps_the_last_run_and_the_best() -> None:
    rows = [
        Row(Kind.CANDIDATE, "hi", None),
        _row(2, 7),
        _row(7, 7, code_id=2),
        _row(4, 7, code_id=3),
    ]
    record = run_record(rows)
    assert (record.final_passed, record.final_total) == (4, 7)
    assert (record.best_passed, record.best_total) == (7, 7)
    assert record.best_label() == "tests 7/7"


def test_code_that_never_reached_its_tests_is_not_a_pass_rate() -> None:
    rows = [_row(0, 0, status="unavailable"), _row(0, 7, status="unsupported_language")]
    record = run_record(rows)
    assert not record.ran
    assert record.final_rate is None and record.best_label() is None
    # A compile error did reach the tests: it failed them all.
    assert run_record([_row(0, 7, status="compile_error")]).final_rate == 0.0


def test_a_run_beats_the_best_only_when_its_pass_rate_is_higher() -> None:
    def result(row: Row) -> RunResultPost:
        return RunResultPost.from_payload(row.payload or {})

    talk = Row(Kind.CANDIDATE, "hi", None)
    # The first run that ran is the best so far, even with nothing passed.
    assert beats_best([talk], result(_row(0, 7)))
    assert beats_best([talk, _row(0, 0, status="unavailable")], result(_row(2, 7)))
    earlier = [talk, _row(2, 7), _row(5, 7, code_id=2), _row(3, 7, code_id=3)]
    assert beats_best(earlier, result(_row(6, 7, code_id=4)))
    assert not beats_best(earlier, result(_row(5, 7, code_id=4)))  # a tie
    assert not beats_best(earlier, result(_row(4, 7, code_id=4)))
    # Code that never reached its tests beats nothing.
    assert not beats_best([talk], result(_row(0, 0, status="compile_error")))
    assert not beats_best([talk], result(_row(0, 0, status="unknown_language")))
