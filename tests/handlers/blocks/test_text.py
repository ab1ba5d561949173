"""Text helpers: mrkdwn escaping and conversion, section splitting, formatting."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.blocks.text import (
    defuse_fences,
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
from tests.handlers.blocks.checks import HOSTILE, HOSTILE_MARKUP
from tests.handlers.blocks.samples import NOW


@given(st.text(alphabet="`a\n", max_size=60))
def test_defused_text_holds_no_fence_and_keeps_its_other_characters(text: str) -> None:
    defused = defuse_fences(text)
    assert "```" not in defused and "```" not in f"x{defused}x"
    assert defused.replace(" ", "") == text.replace(" ", "")
    assert defuse_fences("a`````b") == "a` ` ` ` `b"


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


def test_lone_fence_mid_sentence_stays_prose() -> None:
    from handlers.blocks.text import to_slack_mrkdwn

    out = to_slack_mrkdwn("Send code in a fenced ``` block. It is **fine**.")
    assert out == "Send code in a fenced ``` block. It is *fine*."
    # A fence that opens a line and is never closed is still closed for the reader.
    assert to_slack_mrkdwn("Here:\n```python\nx = 1\n").endswith("x = 1\n```")
