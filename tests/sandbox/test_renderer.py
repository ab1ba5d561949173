"""The page's mrkdwn and Block Kit renderer, run in Node on Slack's documented syntax."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot.interview.outbox import RunFailure, RunResultPost
from handlers.blocks.run_result import build_run_result

STATIC = Path(__file__).resolve().parents[2] / "sandbox" / "static"
NODE = shutil.which("node")
# Renders each case with the page's own scripts; a fixed clock keeps dates stable.
HARNESS = """
const M = require(process.argv[1] + "/mrkdwn.js");
const BK = require(process.argv[1] + "/blockkit.js");
const now = new Date(Date.UTC(2024, 2, 14, 12, 0, 0));
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const users = {U0SANDBOX: "ada"};
console.log(JSON.stringify(cases.map(([kind, input]) => kind === "mrkdwn"
  ? M.mrkdwnToHtml(input, {users, now})
  : BK.renderBlocks(input, {users, now, selections: {"pick\\u0000level": "hard"}}))));
"""


def render(*cases: tuple[str, Any]) -> list[str]:
    if NODE is None:
        pytest.skip("Node.js is not installed")
    result = subprocess.run(
        [NODE, "-e", HARNESS, str(STATIC)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": "UTC"},
        timeout=30,
    )
    rendered: list[str] = json.loads(result.stdout)
    return rendered


def mrkdwn(text: str) -> str:
    return render(("mrkdwn", text))[0]


def blocks(*items: dict[str, Any]) -> str:
    return render(("blocks", list(items)))[0]


def test_text_styles() -> None:
    assert mrkdwn("*bold* _italic_ ~strike~") == "<b>bold</b> <i>italic</i> <s>strike</s>"
    # Markers inside words, or with spaces inside, are plain text (as in Slack).
    assert mrkdwn("2*3*4 and * not bold *") == "2*3*4 and * not bold *"


def test_code_is_not_formatted() -> None:
    assert mrkdwn("run `*x* &lt; 1`") == "run <code>*x* &lt; 1</code>"
    assert mrkdwn("Code:\n```\nif a &lt; b:\n    *x* = 1\n```\ndone") == (
        'Code:<pre class="code-block">if a &lt; b:\n    *x* = 1</pre>done'
    )
    # A lone fence is text, and does not swallow the inline code after it.
    assert mrkdwn("in a ``` block. Type `done`") == "in a ``` block. Type <code>done</code>"


def test_escapes_links_mentions_and_dates() -> None:
    assert mrkdwn("a &lt;b&gt; &amp; <script>") == "a &lt;b&gt; &amp; &lt;script&gt;"
    assert mrkdwn("<https://example.com/a?b=1&amp;c=2|the *docs*>") == (
        '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer">the *docs*</a>'
    )
    assert mrkdwn("<javascript:alert(1)|click>") == "&lt;javascript:alert(1)|click&gt;"
    assert mrkdwn("hi <@U0SANDBOX>") == 'hi <span class="mention" data-user="U0SANDBOX">@ada</span>'
    assert mrkdwn("<!date^1710417600^{date_short_pretty} at {time}|fallback>") == (
        '<time class="slack-date" datetime="2024-03-14T12:00:00.000Z">Today at 12:00 PM</time>'
    )
    assert mrkdwn("<!date^1710331200^{date_long}|x>") == (
        '<time class="slack-date" datetime="2024-03-13T12:00:00.000Z">'
        "Wednesday, March 13th, 2024</time>"
    )


def test_quotes_and_emoji() -> None:
    assert mrkdwn("&gt; quoted\nplain") == "<blockquote>quoted</blockquote>plain"
    assert mrkdwn(":tada: :no_such_emoji:") == (
        '<span class="emoji" title=":tada:">🎉</span> :no_such_emoji:'
    )


def test_section_fields_accessory_and_actions() -> None:
    option = {"text": {"type": "plain_text", "text": "Hard"}, "value": "hard"}
    medium = {"text": {"type": "plain_text", "text": "Medium"}, "value": "medium"}
    html = blocks(
        {"type": "header", "block_id": "h", "text": {"type": "plain_text", "text": "Hi :wave:"}},
        {
            "type": "section",
            "block_id": "pick",
            "text": {"type": "mrkdwn", "text": "*Level*"},
            "fields": [{"type": "mrkdwn", "text": "_a_"}],
            "accessory": {
                "type": "static_select",
                "action_id": "level",
                "options": [medium, option],
                "initial_option": medium,
            },
        },
        {
            "type": "actions",
            "block_id": "go",
            "elements": [
                {
                    "type": "button",
                    "action_id": "start",
                    "text": {"type": "plain_text", "text": "Start"},
                    "style": "primary",
                    "value": "v",
                    "confirm": {"title": {"type": "plain_text", "text": "Sure?"}},
                },
                {
                    "type": "button",
                    "action_id": "open",
                    "text": {"type": "plain_text", "text": "Open"},
                    "url": "slack://app?team=T1&id=A1&tab=home",
                },
            ],
        },
    )
    assert '<h3 class="bk-header">Hi <span class="emoji" title=":wave:">👋</span></h3>' in html
    assert '<div class="bk-field"><i>a</i></div>' in html
    # The page's own selection wins over initial_option once the person has chosen.
    assert '<option value="hard" selected>Hard</option>' in html
    assert '<option value="medium">Medium</option>' in html
    assert 'class="bk-button bk-primary" data-block-id="go" data-action-id="start"' in html
    assert "data-confirm='" in html
    assert (
        '<a class="bk-button" role="button" href="slack://app?team=T1&amp;id=A1&amp;tab=home"'
        in (html)
    )


def test_context_divider_rich_text_and_unknown_blocks() -> None:
    html = blocks(
        {"type": "context", "elements": [{"type": "plain_text", "text": "small"}]},
        {"type": "divider"},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "bold", "style": {"bold": True}},
                        {"type": "link", "url": "https://example.com", "text": "site"},
                        {"type": "emoji", "name": "rocket"},
                        {"type": "user", "user_id": "U0SANDBOX"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}
                    ],
                },
                {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "a < b"}]},
                {"type": "rich_text_quote", "elements": [{"type": "text", "text": "said"}]},
            ],
        },
        {"type": "carousel"},
    )
    assert '<span class="bk-context-text">small</span>' in html
    assert '<hr class="bk-divider">' in html
    assert "<b>bold</b>" in html
    assert (
        '<a href="https://example.com" target="_blank" rel="noopener noreferrer">site</a>' in html
    )
    assert "🚀" in html
    assert '<span class="mention">@ada</span>' in html
    assert '<ol class="bk-rich-list" style="--indent:0"><li>one</li></ol>' in html
    assert '<pre class="code-block">a &lt; b</pre>' in html
    assert "<blockquote>said</blockquote>" in html
    assert "This carousel block can't be shown in the sandbox." in html


def test_a_run_result_renders_its_failures_as_code_and_its_run_again_button() -> None:
    result = RunResultPost(
        code_id=1,
        request_id=0,
        status="ok",
        language="python",
        passed=5,
        total=7,
        summary="5/7 tests passed · 38 ms",
        failures=(
            RunFailure(1, "n = 2", "4", "<script>alert(1)</script>"),
            RunFailure(2, "n = 3", "9", None, "Traceback\nValueError: <b>no</b>\n```"),
        ),
        hidden_failed=2,
    )
    html = blocks(*build_run_result(session_id=42, result=result))
    assert '<span class="emoji" title=":x:">❌</span> <b>5/7 tests passed</b> · 38 ms' in html
    assert "<b>Example 2</b> failed" in html and "<b>Example 3</b> failed" in html
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html
    assert "<script>" not in html and "<b>no</b>" not in html
    # The traceback stays one code block: its own ``` cannot close ours.
    assert html.count("<pre") == 1 and "ValueError: &lt;b&gt;no&lt;/b&gt;" in html
    assert "2 hidden tests failed" in html
    assert 'data-action-id="run_again"' in html and ">Run again<" in html
