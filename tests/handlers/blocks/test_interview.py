"""Messages in the interview thread: problem, interviewer, warnings, score card, notices."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.interview.domain import Difficulty, Example
from handlers.blocks import (
    build_completion_dm,
    build_file_rejected,
    build_interview_ended_note,
    build_interviewer_message,
    build_interviewer_unavailable,
    build_pointer,
    build_problem_message,
    build_retry_notice,
    build_score_card,
    build_time_warning,
    ids,
)
from tests.handlers.blocks.checks import (
    HOSTILE,
    assert_no_live_markup,
    assert_valid_message,
    elements_of,
    text_objects,
    texts_of,
)
from tests.handlers.blocks.samples import NOW, THREAD_URL, make_active, make_grade, make_problem


def test_problem_message_holds_the_problem_and_finish_button() -> None:
    deadline = NOW + timedelta(minutes=45)
    blocks = build_problem_message(
        session_id=42,
        problem=make_problem(),
        time_limit_minutes=45,
        deadline_at=deadline,
        offline=False,
    )
    assert_valid_message(blocks)
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Two Sum"
    text = texts_of(blocks)
    assert "*Easy*" in text and "arrays, hashing" in text and "45 min" in text
    assert f"<!date^{int(deadline.timestamp())}^{{time}}|" in text
    assert "Given an array `nums` and a *target*" in text
    assert "`nums = [2,7,11,15], target = 9`" in text
    assert "```\nnums = [3,2,4]\ntarget = 6\n```" in text
    assert "• 2 &lt;= nums.length &lt;= 10^4" in text
    assert "Send code as a snippet or in a code block (three backticks)." in text
    assert text.count("```") % 2 == 0
    assert "Type `done` to finish." in text
    finish = blocks[-1]["elements"][0]
    assert finish["action_id"] == ids.FINISH_INTERVIEW
    assert finish["value"] == "42"
    assert finish["text"]["text"] == "Finish interview"
    assert "style" not in finish


def test_finished_problem_message_has_no_button() -> None:
    blocks = build_problem_message(
        session_id=42,
        problem=make_problem(),
        time_limit_minutes=45,
        deadline_at=NOW,
        offline=True,
        finished_overall=88,
    )
    assert_valid_message(blocks)
    assert not elements_of(blocks, "button")
    assert "Finished — overall 88/100" in texts_of(blocks)
    assert "offline interviewer" in texts_of(blocks)
    with_tests = build_problem_message(
        session_id=42,
        problem=make_problem(),
        time_limit_minutes=45,
        deadline_at=NOW,
        offline=True,
        finished_overall=88,
        best_tests="tests 7/7",
    )
    assert_valid_message(with_tests)
    assert "Finished — overall 88/100 · best run: tests 7/7" in texts_of(with_tests)


def test_problem_message_shows_the_best_run_so_far_above_its_finish_button() -> None:
    blocks = build_problem_message(
        session_id=42,
        problem=make_problem(),
        time_limit_minutes=45,
        deadline_at=NOW,
        offline=False,
        best_tests="tests 5/7",
    )
    assert_valid_message(blocks)
    [best] = [b for b in blocks if "Best run so far" in json.dumps(b)]
    assert best["type"] == "context"
    assert best["elements"][0]["text"] == ":bar_chart: Best run so far: tests 5/7"
    # Everything else is the message as first posted, the Finish button last.
    plain = build_problem_message(
        session_id=42, problem=make_problem(), time_limit_minutes=45, deadline_at=NOW, offline=False
    )
    assert [b for b in blocks if b is not best] == plain
    assert blocks[-1]["elements"][0]["action_id"] == ids.FINISH_INTERVIEW
    assert "Best run so far" not in json.dumps(plain)


def test_problem_message_bounds_an_enormous_problem() -> None:
    problem = make_problem(
        title="T" * 400,
        topics=tuple(f"topic{n}" for n in range(300)),
        statement=("A long statement paragraph. " * 60 + "\n\n") * 40,  # ~67,000 chars
        examples=tuple(Example(input="x" * 5000, output="y\n" * 500) for _ in range(50)),
        constraints=tuple(f"constraint {n} <= 10^9" for n in range(300)),
    )
    assert len(problem.statement) > 60_000
    blocks = build_problem_message(
        session_id=1, problem=problem, time_limit_minutes=45, deadline_at=NOW, offline=False
    )
    assert_valid_message(blocks)
    assert blocks[-1]["elements"][0]["action_id"] == ids.FINISH_INTERVIEW
    assert "…" in texts_of(blocks)


def test_an_example_holding_backticks_cannot_end_its_code_block() -> None:
    # Five backticks: a plain replace of "```" would leave "` ` ```" behind.
    problem = make_problem(examples=(Example(input="s = '`````'\nk = 2", output="```"),))
    blocks = build_problem_message(
        session_id=1, problem=problem, time_limit_minutes=45, deadline_at=NOW, offline=False
    )
    assert_valid_message(blocks)
    for mrkdwn in text_objects(blocks, "mrkdwn"):
        for line in mrkdwn.splitlines():
            assert "```" not in line or line == "```"


def test_interviewer_message_converts_markdown() -> None:
    blocks = build_interviewer_message("### Next\nWhat is the **time complexity**?")
    assert_valid_message(blocks)
    assert texts_of(blocks) == "*Next*\nWhat is the *time complexity*?"


def test_interviewer_message_bounds_long_and_hostile_text() -> None:
    text = (HOSTILE + "\n\n```\n" + "code();\n" * 400 + "```\n\n") * 30
    blocks = build_interviewer_message(text)
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    for mrkdwn in text_objects(blocks, "mrkdwn"):
        assert mrkdwn.count("```") % 2 == 0
    assert_valid_message(build_interviewer_message(""))


def test_time_warning() -> None:
    five = build_time_warning(minutes_left=5)
    assert_valid_message(five)
    assert "5 minutes left" in texts_of(five)
    assert "1 minute left" in texts_of(build_time_warning(minutes_left=1))


@pytest.mark.parametrize(
    ("graded_by", "note"),
    [("model", "AI interviewer"), ("offline", "offline"), ("fallback", "fallback")],
)
def test_score_card(graded_by: str, note: str) -> None:
    blocks = build_score_card(
        grade=make_grade(graded_by=graded_by),
        problem_title="Two Sum",
        difficulty=Difficulty.EASY,
        duration_seconds=23 * 60,
    )
    assert_valid_message(blocks)
    assert blocks[0]["text"]["text"] == "Interview complete"
    text = texts_of(blocks)
    assert "Overall: 72 / 100" in text
    assert "▰▰▰▰▰▰▱▱▱▱ 64" in text and "▰▰▰▰▰▰▰▰▱▱ 80" in text and "▰▰▰▰▰▰▰▱▱▱ 70" in text
    assert "*Two Sum* · Easy · 23 min" in text
    assert "Solid *hash map* approach" in text
    assert "• Asked clarifying questions" in text and "• Test edge cases such as `[]`" in text
    assert note in text_objects([blocks[-1]], "mrkdwn")[0]


def test_score_card_escapes_and_bounds_model_text() -> None:
    grade = make_grade(
        summary=HOSTILE * 2000,
        strengths=tuple(HOSTILE * 50 for _ in range(40)),
        improvements=tuple(HOSTILE * 50 for _ in range(40)),
    )
    blocks = build_score_card(
        grade=grade, problem_title=HOSTILE, difficulty=Difficulty.HARD, duration_seconds=60
    )
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)


def test_completion_dm_links_home() -> None:
    home_url = "slack://app?team=T1&id=A1&tab=home"
    blocks = build_completion_dm(overall=72, problem_title="Two Sum", home_url=home_url)
    assert_valid_message(blocks)
    assert "Interview complete — you scored 72/100" in texts_of(blocks)
    link_button = elements_of(blocks, "button")[0]
    assert link_button["action_id"] == ids.OPEN_HOME_LINK
    assert link_button["text"]["text"] == "Open my interviews"
    assert link_button["url"] == home_url


def test_file_rejected_escapes_the_filename() -> None:
    blocks = build_file_rejected(filename="<!channel>.bin", reason="it is a binary file")
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    assert "&lt;!channel&gt;.bin" in texts_of(blocks)
    assert "binary" in texts_of(blocks)


def test_pointer() -> None:
    to_thread = build_pointer(active=make_active(), now=NOW)
    assert_valid_message(to_thread)
    assert f"<{THREAD_URL}|its thread>" in texts_of(to_thread)
    assert "23 min left" in texts_of(to_thread)
    assert elements_of(to_thread, "button")[0]["url"] == THREAD_URL

    to_start = build_pointer(active=None)
    assert_valid_message(to_start)
    assert "`/start-interview`" in texts_of(to_start) and "Home tab" in texts_of(to_start)


def test_short_notices() -> None:
    retry = build_retry_notice()
    assert_valid_message(retry)
    assert "The interviewer is thinking — retrying…" in texts_of(retry)
    unavailable = build_interviewer_unavailable()
    assert_valid_message(unavailable)
    assert "unavailable right now" in texts_of(unavailable)
    assert "saved" in texts_of(unavailable)
    ended = build_interview_ended_note(overall=81)
    assert_valid_message(ended)
    assert "81/100" in texts_of(ended)
    assert_valid_message(build_interview_ended_note(overall=None))
