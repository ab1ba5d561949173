"""The run result in the thread: summary, failing visible examples, hidden count, Run again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.interview.code import FENCE
from bot.interview.outbox import RunFailure, RunResultPost
from handlers.blocks import build_run_result, ids
from tests.handlers.blocks.checks import (
    HOSTILE,
    assert_no_live_markup,
    assert_valid_message,
    elements_of,
    text_objects,
    texts_of,
)
from tests.slack_validation import assert_valid_blocks


def make_result(**overrides: Any) -> RunResultPost:
    values: dict[str, Any] = {
        "code_id": 11,
        "request_id": 0,
        "status": "ok",
        "language": "python",
        "passed": 7,
        "total": 7,
        "summary": "7/7 tests passed · 38 ms",
    }
    values.update(overrides)
    return RunResultPost(**values)


def render(result: RunResultPost) -> list[dict[str, Any]]:
    blocks = build_run_result(session_id=42, result=result)
    assert_valid_message(blocks)
    assert_valid_blocks(blocks)
    return blocks


def test_all_passed_is_one_line_and_the_run_again_button() -> None:
    blocks = render(make_result())
    text = texts_of(blocks)
    assert ":white_check_mark: *7/7 tests passed* · 38 ms" in text
    assert "Python" in text
    assert "Example" not in text and "hidden" not in text and "run again on" not in text
    (run_again,) = elements_of(blocks, "button")
    assert run_again["action_id"] == ids.RUN_AGAIN
    assert run_again["value"] == "42"
    assert run_again["text"]["text"] == "Run again"


def test_failing_examples_show_input_expected_and_actual_and_hidden_only_counted() -> None:
    result = make_result(
        passed=4,
        summary="4/7 tests passed · 41 ms",
        failures=(
            RunFailure(1, "nums = [3,2,4], target = 6", "[1, 2]", "[0, 0]"),
            RunFailure(2, "nums = [3,3]\ntarget = 6", "[0, 1]", "null"),
        ),
        hidden_failed=1,
    )
    blocks = render(result)
    text = texts_of(blocks)
    assert ":x: *4/7 tests passed* · 41 ms" in text
    # Numbered as the problem message numbers its examples (visible tests come first).
    assert "*Example 2* failed" in text and "*Example 3* failed" in text
    assert "*Input:* `nums = [3,2,4], target = 6`" in text
    assert "*Expected:* `[1, 2]`" in text and "*Got:* `[0, 0]`" in text
    assert f"*Input:*\n{FENCE}\nnums = [3,3]\ntarget = 6\n{FENCE}" in text
    assert "*Got:* `null`" in text
    assert "1 hidden test failed" in text
    assert len(elements_of(blocks, "button")) == 1


def test_an_error_shows_the_last_lines_of_its_traceback() -> None:
    frames = [f'  File "solution.py", line {n}, in helper_{n}' for n in range(30)]
    trace = "\n".join(["Traceback (most recent call last):", *frames, "ZeroDivisionError: bad"])
    result = make_result(
        status="ok",
        passed=6,
        summary="6/7 tests passed · 30 ms",
        failures=(RunFailure(0, "nums = [1]", "0", None, trace),),
    )
    text = texts_of(render(result))
    assert "ZeroDivisionError: bad" in text
    assert "helper_29" in text
    assert "Traceback (most recent call last)" not in text and "helper_0," not in text
    assert "*Got:*" not in text  # nothing came back: only the error


def test_a_short_error_is_inline_and_a_stopped_run_says_why() -> None:
    result = make_result(
        status="timeout",
        passed=2,
        summary="2/7 tests passed · 2004 ms · time limit exceeded",
        failures=(RunFailure(2, "n = 10", "55", None, "time limit exceeded"),),
        hidden_failed=3,
    )
    blocks = render(result)
    text = texts_of(blocks)
    assert ":stopwatch: *2/7 tests passed* · 2004 ms · time limit exceeded" in text
    assert "*Error:* `time limit exceeded`" in text
    assert "3 hidden tests failed" in text
    assert elements_of(blocks, "button")


@pytest.mark.parametrize(
    ("status", "summary"),
    [
        ("unknown_language", "Which language is this? Reply `run python`, `run javascript`."),
        ("unsupported_language", "I can run Python, JavaScript (Node.js); not ruby."),
        ("unavailable", "Code execution is unavailable on this server (no bwrap)."),
        ("no_code", "There is no code to run yet: send it as a snippet, a file or a block."),
    ],
)
def test_code_that_could_not_run_gets_its_summary_plainly_and_no_button(
    status: str, summary: str
) -> None:
    result = make_result(status=status, passed=0, total=0, summary=summary, language="ruby")
    blocks = render(result)
    assert len(blocks) == 1
    (text,) = text_objects(blocks, "mrkdwn")
    assert text.endswith(summary)
    assert "*" not in text  # said plainly, not as a score
    # Run again would re-run the same code in the same language and say the same again.
    assert not elements_of(blocks, "button")


def test_the_candidates_output_cannot_mention_anyone_or_break_out_of_its_code_block() -> None:
    hostile = f"{HOSTILE}\n{FENCE}\n*bold* <!everyone>\n`````"
    result = make_result(
        passed=0,
        summary="0/7 tests passed · 9 ms",
        failures=(
            RunFailure(0, "x = 1", "1", hostile),
            RunFailure(1, "x = 2", "2", None, hostile),
            RunFailure(2, "x = 3", "3", f"{FENCE}{HOSTILE}"),
        ),
    )
    blocks = render(result)
    assert_no_live_markup(blocks)
    for text in text_objects(blocks, "mrkdwn"):
        assert "<!everyone>" not in text
        # Every fence in a section is ours: open, then closed, each on its own line.
        assert text.count(FENCE) % 2 == 0
        for line in text.splitlines():
            assert FENCE not in line or line == FENCE


def test_enormous_output_stays_within_slacks_limits_with_a_note() -> None:
    huge = ("<&>`" * 30_000) + "\n" * 5_000
    failures = tuple(RunFailure(n, huge, huge, huge, huge) for n in range(60))
    # A compiler's message in the summary can be as hostile as the output.
    summary = "0/200 tests passed · did not compile: " + "<&>" * 5000
    result = make_result(passed=0, total=200, summary=summary, failures=failures)
    blocks = render(result)
    text = texts_of(blocks)
    assert "55 more failing examples not shown" in text
    # The summary stays a line, escaped entities included; the failures get the room.
    assert len(blocks[0]["text"]["text"]) <= 520
    assert "…" in text
    for section_text in text_objects(blocks, "mrkdwn"):
        assert section_text.count(FENCE) % 2 == 0


def test_a_compile_error_keeps_its_message_out_of_the_bold_count() -> None:
    result = make_result(
        status="compile_error",
        passed=0,
        summary="0/7 tests passed · did not compile: error: invalid type argument of unary '*'",
    )
    text = texts_of(render(result))
    assert ":x: *0/7 tests passed* · did not compile: error: invalid type argument" in text


def test_a_result_answering_run_again_says_so() -> None:
    text = texts_of(render(make_result(request_id=31)))
    assert "Python · run again on your latest code" in text


def test_a_run_that_failed_on_the_bots_side_offers_to_run_again() -> None:
    result = make_result(
        status="run_failed",
        passed=0,
        total=0,
        summary="I could not run this code (something went wrong on my side); we go on.",
    )
    blocks = render(result)
    assert ":warning: I could not run this code" in texts_of(blocks)
    (run_again,) = elements_of(blocks, "button")
    assert (run_again["action_id"], run_again["value"]) == (ids.RUN_AGAIN, "42")
