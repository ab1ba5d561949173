"""Block Kit builders: valid for Slack (checked with slack_sdk.models) and within its limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.interview.domain import (
    HOME_PAGE_SIZE,
    ActiveInterview,
    Difficulty,
    Example,
    Grade,
    HomePage,
    InterviewFeedback,
    InterviewSummary,
    Problem,
    ProfileStats,
)
from handlers.blocks import (
    build_already_active_note,
    build_completion_dm,
    build_feedback_modal,
    build_file_rejected,
    build_home_view,
    build_interview_ended_note,
    build_interviewer_message,
    build_interviewer_unavailable,
    build_pointer,
    build_problem_message,
    build_retry_notice,
    build_score_card,
    build_start_card,
    build_start_dismissed,
    build_started_note,
    build_time_warning,
    build_usage,
    ids,
    usage_text,
)
from handlers.blocks.elements import MESSAGE_TEXT_BUDGET
from handlers.blocks.text import (
    escape_mrkdwn,
    format_duration,
    format_time_left,
    plain_text,
    score_bar,
    slack_date,
    sparkline,
    split_for_sections,
    to_slack_mrkdwn,
    truncate,
)

HOSTILE = "<!channel> <@U123> <https://evil|x> <!here> & more"
HOSTILE_MARKUP = ("<!channel>", "<@U123>", "<https://evil|x>", "<!here>")
NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
THREAD_URL = "https://acme.slack.com/archives/D123/p1700000000000100"


# --- validation -------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _text_objects(blocks: list[dict[str, Any]], kind: str) -> list[str]:
    return [d["text"] for d in _walk(blocks) if d.get("type") == kind and "text" in d]


def _assert_within_limits(blocks: list[dict[str, Any]]) -> None:
    for node in _walk(blocks):
        kind = node.get("type")
        if kind in ("plain_text", "mrkdwn"):
            assert isinstance(node["text"], str) and node["text"].strip(), node
        if kind == "header":
            assert node["text"]["type"] == "plain_text"
            assert len(node["text"]["text"]) <= 150
        if kind == "section":
            assert "text" in node or "fields" in node
            if "text" in node:
                assert len(node["text"]["text"]) <= 3000
            assert len(node.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in node.get("fields", []))
        if kind == "context":
            assert 1 <= len(node["elements"]) <= 10
        if kind == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
            assert len(node.get("url", "")) <= 3000
        if kind == "static_select":
            assert 1 <= len(node["options"]) <= 100
        if "action_id" in node:
            assert len(node["action_id"]) <= 255
        if "block_id" in node:
            assert len(node["block_id"]) <= 255


def _assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block {block}"
        parsed.validate_json()
        # to_dict() validates every nested element; equality proves no key was dropped as
        # unknown and nothing came back as None.
        assert parsed.to_dict() == block
    _assert_within_limits(blocks)


def assert_valid_message(blocks: list[dict[str, Any]]) -> None:
    """Blocks Slack accepts in chat.postMessage / chat.update / chat.postEphemeral."""
    assert 1 <= len(blocks) <= 50
    _assert_valid_blocks(blocks)
    total = sum(
        len(t) for t in _text_objects(blocks, "plain_text") + _text_objects(blocks, "mrkdwn")
    )
    assert total <= MESSAGE_TEXT_BUDGET


def assert_valid_view(view: dict[str, Any]) -> None:
    """A view Slack accepts in views.publish / views.open."""
    model = View(**view)
    model.validate_json()
    assert model.to_dict() == view
    assert 1 <= len(view["blocks"]) <= 100
    _assert_valid_blocks(view["blocks"])


def assert_no_live_markup(blocks: list[dict[str, Any]]) -> None:
    """Hostile text is escaped wherever Slack parses markup (mrkdwn); plain_text is inert."""
    for text in _text_objects(blocks, "mrkdwn"):
        for markup in HOSTILE_MARKUP:
            assert markup not in text


def _texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(_text_objects(blocks, "plain_text") + _text_objects(blocks, "mrkdwn"))


def _elements(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [node for node in _walk(blocks) if node.get("type") == kind]


# --- fixtures ---------------------------------------------------------------------------


def _problem(**overrides: Any) -> Problem:
    values: dict[str, Any] = {
        "id": "two-sum",
        "title": "Two Sum",
        "difficulty": Difficulty.EASY,
        "topics": ("arrays", "hashing"),
        "statement": "Given an array `nums` and a **target**, return indices of two numbers.",
        "examples": (
            Example(input="nums = [2,7,11,15], target = 9", output="[0,1]", explanation="2+7"),
            Example(input="nums = [3,2,4]\ntarget = 6", output="[1,2]"),
        ),
        "constraints": ("2 <= nums.length <= 10^4", "Only one valid answer exists."),
        "hints": (),
        "grading_notes": (),
        "test_cases": (),
    }
    values.update(overrides)
    return Problem(**values)


def _summary(number: int = 1, **overrides: Any) -> InterviewSummary:
    values: dict[str, Any] = {
        "id": number,
        "problem_title": f"Problem {number}",
        "difficulty": Difficulty.MEDIUM,
        "completed_at": NOW - timedelta(days=number),
        "duration_seconds": 1800 + number,
        "overall": 70,
        "communication": 65,
        "problem_solving": 75,
        "code_quality": 72,
    }
    values.update(overrides)
    return InterviewSummary(**values)


def _profile(completed: int = 3) -> ProfileStats:
    if not completed:
        return ProfileStats(0, None, None, None, None, None, ())
    return ProfileStats(completed, 68.4, 91, 70.0, 66.6, 61.2, (40, 60, 75, 90))


def _active(permalink: str | None = THREAD_URL, title: str = "Two Sum") -> ActiveInterview:
    return ActiveInterview(
        session_id=7,
        problem_title=title,
        difficulty=Difficulty.MEDIUM,
        deadline_at=NOW + timedelta(minutes=23, seconds=30),
        channel_id="D123",
        thread_ts="1700000000.000100",
        permalink=permalink,
    )


def _home(**overrides: Any) -> HomePage:
    values: dict[str, Any] = {
        "user_id": "U1",
        "profile": _profile(),
        "interviews": tuple(_summary(n) for n in range(1, 4)),
        "page": 0,
        "has_more": False,
    }
    values.update(overrides)
    return HomePage(**values)


def _grade(**overrides: Any) -> Grade:
    values: dict[str, Any] = {
        "overall": 72,
        "communication": 64,
        "problem_solving": 80,
        "code_quality": 70,
        "summary": "Solid **hash map** approach; explained trade-offs.",
        "strengths": ("Asked clarifying questions", "Clean code"),
        "improvements": ("Test edge cases such as `[]`",),
        "graded_by": "model",
    }
    values.update(overrides)
    return Grade(**values)


# --- ids --------------------------------------------------------------------------------


def test_action_ids_are_the_registered_names() -> None:
    assert ids.START_INTERVIEW == "start_interview"
    assert ids.SELECT_DIFFICULTY == "select_difficulty"
    assert ids.DIFFICULTY_BLOCK == "difficulty"
    assert ids.CANCEL_START == "cancel_start"
    assert ids.OPEN_START_CARD == "open_start_card"
    assert ids.FINISH_INTERVIEW == "finish_interview"
    assert ids.OPEN_FEEDBACK == "open_feedback"
    assert ids.HOME_PAGE_NEWER == "home_page_newer"
    assert ids.HOME_PAGE_OLDER == "home_page_older"
    assert ids.OPEN_THREAD_LINK == "open_thread_link"
    assert ids.OPEN_HOME_LINK == "open_home_link"
    assert ids.FEEDBACK_MODAL_CALLBACK == "interview_feedback"


# --- text -------------------------------------------------------------------------------


def test_escape_mrkdwn_neutralises_mentions_and_links() -> None:
    assert escape_mrkdwn(HOSTILE) == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt; &lt;!here&gt; &amp; more"
    )


def test_to_slack_mrkdwn_converts_common_markdown() -> None:
    converted = to_slack_mrkdwn(
        "## Plan\n**bold** and __strong__ and *soft* and ~~gone~~\n* one\n- two\n  + nested"
    )
    assert converted == (
        "*Plan*\n*bold* and *strong* and _soft_ and ~gone~\n• one\n• two\n  ◦ nested"
    )


def test_to_slack_mrkdwn_leaves_arithmetic_stars_alone() -> None:
    assert to_slack_mrkdwn("2*3*4 and a * b * c") == "2*3*4 and a * b * c"


def test_to_slack_mrkdwn_links_only_http_urls() -> None:
    converted = to_slack_mrkdwn("[docs](https://ex.com/a?b=1&c=2) [bad](javascript:alert(1))")
    assert "<https://ex.com/a?b=1&amp;c=2|docs>" in converted
    assert "[bad](javascript:alert(1))" in converted
    assert "<javascript" not in converted


def test_to_slack_mrkdwn_escapes_hostile_text_but_keeps_its_own_links() -> None:
    converted = to_slack_mrkdwn(HOSTILE + " see [guide](https://ok.example/guide)")
    for markup in HOSTILE_MARKUP:
        assert markup not in converted
    # Every remaining "<…>" is a link this function wrote.
    assert re.findall(r"<[^>]*>", converted) == ["<https://ok.example/guide|guide>"]


def test_to_slack_mrkdwn_keeps_code_blocks_intact() -> None:
    code = "def f(a, b):\n    # **not bold** __init__ * x\n    return a < b and b > 0 && x\n"
    converted = to_slack_mrkdwn(f"Try this:\n```python\n{code}```\nand `**raw** <b>` inline.")
    fence = re.search(r"```(.*?)```", converted, re.DOTALL)
    assert fence is not None
    body = fence.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert body == "\n" + code
    assert "`**raw** &lt;b&gt;`" in converted
    assert converted.count("```") == 2


def test_to_slack_mrkdwn_closes_an_unclosed_fence() -> None:
    converted = to_slack_mrkdwn("Here:\n```\nx = 1 < 2")
    assert converted.endswith("```")
    assert converted.count("```") == 2


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("a" * 50, 10)
    assert len(cut) == 10 and cut.endswith("…")
    # Never half an entity or half a link.
    assert truncate("hello world &amp; more", 15) == "hello world…"
    assert truncate("see <https://example.com|docs> now", 12) == "see…"
    fenced = truncate("```\n" + "code " * 100 + "\n```", 40)
    assert len(fenced) <= 40 and fenced.count("```") == 2


def test_plain_text_is_truncated_and_never_empty() -> None:
    assert plain_text("x" * 200, 150)["text"] == "x" * 149 + "…"
    assert plain_text("   ", 10)["text"].strip()


def test_split_for_sections_keeps_short_text_whole() -> None:
    assert split_for_sections("one\n\ntwo") == ["one\n\ntwo"]
    assert split_for_sections("  \n ") == []


def test_split_for_sections_prefers_paragraph_breaks() -> None:
    first, second = "a " * 1000, "b " * 1000
    chunks = split_for_sections(f"{first}\n\n{second}")
    assert [c.strip() for c in chunks] == [first.strip(), second.strip()]


def _content(text: str) -> str:
    # Chunks may add fence markers and drop whitespace at their ends, nothing else.
    return re.sub(r"[\s`]", "", text)


def test_split_for_sections_reopens_long_code_fences() -> None:
    code = "\n".join(f"    line_{n} = compute({n}) &amp; x" for n in range(600))
    text = f"Intro paragraph.\n```\n{code}\n```\nOutro."
    chunks = split_for_sections(text)
    assert len(chunks) > 2
    for chunk in chunks:
        assert len(chunk) <= 3000
        assert chunk.count("```") % 2 == 0
    assert chunks[1].startswith("```\n")
    assert _content("".join(chunks)) == _content(text)


def test_split_for_sections_cuts_an_endless_line() -> None:
    text = "x" * 10_000
    chunks = split_for_sections(text)
    assert all(len(c) <= 3000 for c in chunks)
    assert "".join(chunks) == text


_TOKENS = st.sampled_from(
    ["word", "a b", " ", "\n", "\n\n", "```", "```py\n", "&amp;", "<https://x.io|x>", "*b*"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=400), st.integers(min_value=40, max_value=400))
def test_split_for_sections_holds_limits_and_content(tokens: list[str], limit: int) -> None:
    text = "".join(tokens)
    chunks = split_for_sections(text, limit)
    for chunk in chunks:
        assert 0 < len(chunk) <= limit
        assert chunk.count("```") % 2 == 0
    assert _content("".join(chunks)) == _content(text)


def test_formatting_helpers() -> None:
    assert format_duration(45) == "45 s"
    assert format_duration(23 * 60 + 40) == "23 min"
    assert format_duration(3900) == "1 h 05 min"
    assert format_duration(-3) == "0 s"
    assert score_bar(72) == "▰▰▰▰▰▰▰▱▱▱ 72"
    assert score_bar(0) == "▱" * 10 + " 0"
    assert score_bar(150) == "▰" * 10 + " 100"
    assert sparkline([10, 40, 70, 100]) == "▂▄▆█"
    assert format_time_left(NOW + timedelta(minutes=12), NOW) == "12 min left"
    assert format_time_left(NOW - timedelta(minutes=1), NOW) == "time is up"
    # Naive datetimes (as SQLite returns them) are UTC.
    assert format_time_left(datetime(2025, 3, 4, 10, 30), NOW) == "30 min left"
    assert slack_date(NOW, "{time}") == (
        f"<!date^{int(NOW.timestamp())}^{{time}}|2025-03-04 10:00 UTC>"
    )


# --- start card -------------------------------------------------------------------------


@pytest.mark.parametrize("difficulty", list(Difficulty))
def test_start_card_preselects_difficulty(difficulty: Difficulty) -> None:
    blocks = build_start_card(
        difficulty=difficulty, topic=None, time_limit_minutes=45, offline=False
    )
    assert_valid_message(blocks)
    select_block = next(b for b in blocks if b.get("block_id") == ids.DIFFICULTY_BLOCK)
    select = select_block["accessory"]
    assert select["type"] == "static_select"
    assert select["action_id"] == ids.SELECT_DIFFICULTY
    assert [o["value"] for o in select["options"]] == ["easy", "medium", "hard"]
    assert select["initial_option"]["value"] == difficulty.value
    assert select["initial_option"] in select["options"]

    start, not_now = blocks[-1]["elements"]
    assert start["action_id"] == ids.START_INTERVIEW
    assert start["text"]["text"] == "Start Interview"
    assert start["style"] == "primary"
    assert json.loads(start["value"]) == {"difficulty": difficulty.value, "topic": None}
    assert not_now["action_id"] == ids.CANCEL_START
    assert not_now["text"]["text"] == "Not now"


def test_start_card_says_what_to_expect() -> None:
    blocks = build_start_card(
        difficulty=Difficulty.MEDIUM, topic="graphs", time_limit_minutes=30, offline=False
    )
    text = _texts(blocks)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Mock interview", "emoji": True},
    }
    for expected in (
        "AI interviewer",
        "One coding problem",
        "snippet",
        "code block (wrap it in three backticks)",
        "30 min",
        "5 minutes before",
        "`done`",
        "Finish interview",
        "graded",
        "Overall",
        "Communication",
        "Problem solving",
        "Code quality",
        "0–100",
        "*Topic:* graphs",
    ):
        assert expected in text, expected
    # A lone ``` in prose would open a code block that swallows the rest of the card.
    assert "```" not in text
    assert "offline" not in text
    assert json.loads(blocks[-1]["elements"][0]["value"]) == {
        "difficulty": "medium",
        "topic": "graphs",
    }


def test_start_card_says_plainly_when_offline() -> None:
    blocks = build_start_card(
        difficulty=Difficulty.EASY, topic=None, time_limit_minutes=45, offline=True
    )
    assert_valid_message(blocks)
    text = _texts(blocks)
    assert "*offline interviewer*" in text
    assert "not an AI model" in text


def test_start_card_escapes_and_bounds_a_hostile_topic() -> None:
    blocks = build_start_card(
        difficulty=Difficulty.HARD, topic=HOSTILE * 500, time_limit_minutes=45, offline=False
    )
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    topic = json.loads(blocks[-1]["elements"][0]["value"])["topic"]
    assert len(topic) <= 100


def test_usage_lists_examples_and_topics() -> None:
    blocks = build_usage(topics=["arrays", "graphs", "<!channel>"])
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    text = usage_text(topics=["arrays", "graphs"])
    for example in (
        "`/start-interview [easy|medium|hard] [topic]`",
        "`/start-interview`",
        "`/start-interview hard`",
        "`/start-interview easy graphs`",
        "`/start-interview help`",
        "arrays, graphs",
    ):
        assert example in text


def test_usage_with_a_huge_topic_list_stays_valid() -> None:
    assert_valid_message(build_usage(topics=[f"topic-{n}" for n in range(2000)]))


def test_start_notes() -> None:
    dismissed = build_start_dismissed()
    assert_valid_message(dismissed)
    assert "/start-interview" in _texts(dismissed)

    started = build_started_note(permalink=THREAD_URL)
    assert_valid_message(started)
    assert "Your interview has started — see your DM with me" in _texts(started)
    assert f"<{THREAD_URL}|" in _texts(started)
    without_link = build_started_note(permalink=None)
    assert_valid_message(without_link)
    assert "<" not in _texts(without_link)


def test_already_active_note_shows_the_interview() -> None:
    blocks = build_already_active_note(active=_active(title=HOSTILE), now=NOW)
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    assert "23 min left" in _texts(blocks)
    link_button = _elements(blocks, "button")[0]
    assert link_button["action_id"] == ids.OPEN_THREAD_LINK
    assert link_button["url"] == THREAD_URL
    without_link = build_already_active_note(active=_active(permalink=None), now=NOW)
    assert_valid_message(without_link)
    assert not _elements(without_link, "button")


# --- interview thread -------------------------------------------------------------------


def test_problem_message_holds_the_problem_and_finish_button() -> None:
    deadline = NOW + timedelta(minutes=45)
    blocks = build_problem_message(
        session_id=42,
        problem=_problem(),
        time_limit_minutes=45,
        deadline_at=deadline,
        offline=False,
    )
    assert_valid_message(blocks)
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Two Sum"
    text = _texts(blocks)
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
        problem=_problem(),
        time_limit_minutes=45,
        deadline_at=NOW,
        offline=True,
        finished_overall=88,
    )
    assert_valid_message(blocks)
    assert not _elements(blocks, "button")
    assert "Finished — overall 88/100" in _texts(blocks)
    assert "offline interviewer" in _texts(blocks)


def test_problem_message_bounds_an_enormous_problem() -> None:
    problem = _problem(
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
    assert "…" in _texts(blocks)


def test_interviewer_message_converts_markdown() -> None:
    blocks = build_interviewer_message("### Next\nWhat is the **time complexity**?")
    assert_valid_message(blocks)
    assert _texts(blocks) == "*Next*\nWhat is the *time complexity*?"


def test_interviewer_message_bounds_long_and_hostile_text() -> None:
    text = (HOSTILE + "\n\n```\n" + "code();\n" * 400 + "```\n\n") * 30
    blocks = build_interviewer_message(text)
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    for mrkdwn in _text_objects(blocks, "mrkdwn"):
        assert mrkdwn.count("```") % 2 == 0
    assert_valid_message(build_interviewer_message(""))


def test_time_warning() -> None:
    five = build_time_warning(minutes_left=5)
    assert_valid_message(five)
    assert "5 minutes left" in _texts(five)
    assert "1 minute left" in _texts(build_time_warning(minutes_left=1))


@pytest.mark.parametrize(
    ("graded_by", "note"),
    [("model", "AI interviewer"), ("offline", "offline"), ("fallback", "fallback")],
)
def test_score_card(graded_by: str, note: str) -> None:
    blocks = build_score_card(
        grade=_grade(graded_by=graded_by),
        problem_title="Two Sum",
        difficulty=Difficulty.EASY,
        duration_seconds=23 * 60,
    )
    assert_valid_message(blocks)
    assert blocks[0]["text"]["text"] == "Interview complete"
    text = _texts(blocks)
    assert "Overall: 72 / 100" in text
    assert "▰▰▰▰▰▰▱▱▱▱ 64" in text and "▰▰▰▰▰▰▰▰▱▱ 80" in text and "▰▰▰▰▰▰▰▱▱▱ 70" in text
    assert "*Two Sum* · Easy · 23 min" in text
    assert "Solid *hash map* approach" in text
    assert "• Asked clarifying questions" in text and "• Test edge cases such as `[]`" in text
    assert note in _text_objects([blocks[-1]], "mrkdwn")[0]


def test_score_card_escapes_and_bounds_model_text() -> None:
    grade = _grade(
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
    assert "Interview complete — you scored 72/100" in _texts(blocks)
    link_button = _elements(blocks, "button")[0]
    assert link_button["action_id"] == ids.OPEN_HOME_LINK
    assert link_button["text"]["text"] == "Open my interviews"
    assert link_button["url"] == home_url


def test_file_rejected_escapes_the_filename() -> None:
    blocks = build_file_rejected(filename="<!channel>.bin", reason="it is a binary file")
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    assert "&lt;!channel&gt;.bin" in _texts(blocks)
    assert "binary" in _texts(blocks)


def test_pointer() -> None:
    to_thread = build_pointer(active=_active(), now=NOW)
    assert_valid_message(to_thread)
    assert f"<{THREAD_URL}|its thread>" in _texts(to_thread)
    assert "23 min left" in _texts(to_thread)
    assert _elements(to_thread, "button")[0]["url"] == THREAD_URL

    to_start = build_pointer(active=None)
    assert_valid_message(to_start)
    assert "`/start-interview`" in _texts(to_start) and "Home tab" in _texts(to_start)


def test_short_notices() -> None:
    retry = build_retry_notice()
    assert_valid_message(retry)
    assert "The interviewer is thinking — retrying…" in _texts(retry)
    unavailable = build_interviewer_unavailable()
    assert_valid_message(unavailable)
    assert "unavailable right now" in _texts(unavailable)
    assert "saved" in _texts(unavailable)
    ended = build_interview_ended_note(overall=81)
    assert_valid_message(ended)
    assert "81/100" in _texts(ended)
    assert_valid_message(build_interview_ended_note(overall=None))


# --- App Home ---------------------------------------------------------------------------


def test_home_view_shows_hero_profile_and_history() -> None:
    view = build_home_view(_home(active=_active()), now=NOW)
    assert_valid_view(view)
    assert view["type"] == "home"
    blocks = view["blocks"]
    hero_button = blocks[1]["accessory"]
    assert hero_button["action_id"] == ids.OPEN_START_CARD
    assert hero_button["text"]["text"] == "Start Interview"
    assert hero_button["style"] == "primary"
    text = _texts(blocks)
    assert "Interview in progress" in text and "23 min left" in text
    assert "*Interviews completed*\n3" in text
    assert "*Average overall*\n68 / 100" in text and "*Best overall*\n91 / 100" in text
    assert "*Communication* (average)\n70" in text
    assert sparkline([40, 60, 75, 90]) + "  ↑ +32" in text
    thread_button = next(
        b for b in _elements(blocks, "button") if b["action_id"] == ids.OPEN_THREAD_LINK
    )
    assert thread_button["url"] == THREAD_URL
    feedback_buttons = [
        b for b in _elements(blocks, "button") if b["action_id"] == ids.OPEN_FEEDBACK
    ]
    assert [b["value"] for b in feedback_buttons] == ["1", "2", "3"]
    assert [b["text"]["text"] for b in feedback_buttons] == ["View feedback"] * 3
    entry = next(b for b in blocks if b.get("accessory") == feedback_buttons[0])
    entry_text = entry["text"]["text"]
    assert "*Problem 1* · Medium" in entry_text
    assert f"<!date^{int(_summary(1).completed_at.timestamp())}^" in entry_text
    assert "30 min" in entry_text
    assert "*Overall 70*" in entry_text and "Communication 65" in entry_text
    assert "Problem solving 75" in entry_text and "Code quality 72" in entry_text
    assert not any(b["type"] == "actions" for b in blocks)  # one page: no paging


def test_home_view_trend_points_down_when_scores_fall() -> None:
    profile = ProfileStats(3, 70.0, 90, 70.0, 70.0, 70.0, (90, 80, 50))
    view = build_home_view(_home(profile=profile))
    assert "↓ -35" in _texts(view["blocks"])


def test_home_view_empty_history_encourages() -> None:
    view = build_home_view(_home(profile=_profile(0), interviews=()))
    assert_valid_view(view)
    text = _texts(view["blocks"])
    assert "haven't finished an interview yet" in text
    assert "Interviews completed" not in text
    assert "Interview in progress" not in text


def test_home_view_mentions_the_offline_interviewer() -> None:
    online = _texts(build_home_view(_home())["blocks"])
    offline = _texts(build_home_view(_home(offline_interviewer=True))["blocks"])
    assert "Offline interviewer" not in online
    assert "Offline interviewer" in offline


@pytest.mark.parametrize(
    ("page", "has_more", "expected"),
    [
        (0, False, []),
        (0, True, [(ids.HOME_PAGE_OLDER, "1")]),
        (3, True, [(ids.HOME_PAGE_NEWER, "2"), (ids.HOME_PAGE_OLDER, "4")]),
        (2, False, [(ids.HOME_PAGE_NEWER, "1")]),
    ],
)
def test_home_view_paging(page: int, has_more: bool, expected: list[tuple[str, str]]) -> None:
    view = build_home_view(_home(page=page, has_more=has_more))
    assert_valid_view(view)
    paging = [
        (b["action_id"], b["value"])
        for b in _elements(view["blocks"], "button")
        if b["action_id"] in (ids.HOME_PAGE_NEWER, ids.HOME_PAGE_OLDER)
    ]
    assert paging == expected


def test_home_view_worst_case_full_page_fits() -> None:
    page = _home(
        profile=_profile(),
        interviews=tuple(_summary(n, problem_title=HOSTILE * 10) for n in range(HOME_PAGE_SIZE)),
        page=1,
        has_more=True,
        active=_active(title=HOSTILE * 10),
        offline_interviewer=True,
        topics=tuple(f"topic{n}" for n in range(500)),
    )
    view = build_home_view(page, now=NOW)
    assert_valid_view(view)
    assert_no_live_markup(view["blocks"])
    buttons = _elements(view["blocks"], "button")
    assert sum(b["action_id"] == ids.OPEN_FEEDBACK for b in buttons) == HOME_PAGE_SIZE
    assert {ids.HOME_PAGE_NEWER, ids.HOME_PAGE_OLDER} <= {b["action_id"] for b in buttons}


def test_home_view_never_exceeds_100_blocks() -> None:
    page = _home(
        interviews=tuple(_summary(n) for n in range(200)),
        page=1,
        has_more=True,
        active=_active(),
        offline_interviewer=True,
    )
    view = build_home_view(page, now=NOW)
    assert_valid_view(view)
    assert len(view["blocks"]) <= 100
    # Paging survives the cut.
    assert view["blocks"][-1]["block_id"] == "home_paging"


# --- feedback modal ---------------------------------------------------------------------


def test_feedback_modal() -> None:
    feedback = InterviewFeedback(
        summary=_summary(5, problem_title="Two Sum"),
        problem_description="Given an array `nums`...",
        feedback="Good **structure**.",
        strengths=("Clear",),
        improvements=("Test more",),
        graded_by="offline",
    )
    view = build_feedback_modal(feedback)
    assert_valid_view(view)
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.FEEDBACK_MODAL_CALLBACK
    assert view["title"]["text"] == "Interview feedback"
    assert view["close"]["text"] == "Close"
    assert "submit" not in view
    text = _texts(view["blocks"])
    assert "Two Sum" in text and "*Medium*" in text and "30 min" in text
    assert "▰▰▰▰▰▰▰▱▱▱ 70" in text and "▰▰▰▰▰▰▰▱▱▱ 65" in text
    assert "Good *structure*." in text and "• Clear" in text and "• Test more" in text
    assert "Given an array `nums`" in text
    assert "offline" in text


def test_feedback_modal_bounds_hostile_and_huge_text() -> None:
    feedback = InterviewFeedback(
        summary=_summary(5, problem_title=HOSTILE * 20),
        problem_description=("Paragraph " * 300 + "\n\n") * 25,
        feedback=HOSTILE * 3000,
        strengths=tuple(HOSTILE * 30 for _ in range(100)),
        improvements=tuple(HOSTILE * 30 for _ in range(100)),
        graded_by="fallback",
    )
    view = build_feedback_modal(feedback)
    assert_valid_view(view)
    assert_no_live_markup(view["blocks"])


def test_lone_fence_mid_sentence_stays_prose() -> None:
    from handlers.blocks.text import to_slack_mrkdwn

    out = to_slack_mrkdwn("Send code in a fenced ``` block. It is **fine**.")
    assert out == "Send code in a fenced ``` block. It is *fine*."
    # A fence that opens a line and is never closed is still closed for the reader.
    assert to_slack_mrkdwn("Here:\n```python\nx = 1\n").endswith("x = 1\n```")
