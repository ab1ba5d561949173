"""The page's mrkdwn renderer on adversarial text: it always ends, quickly, with well-formed HTML.

Text shown in the page comes from model replies and the person's own messages, so anything
can reach it: the renderer's own private-use marks, unbalanced and crossed `*`, `_`, `~`,
backticks, `<`, `>`, `&`, `|`, lone surrogates, and very long runs of any of them. One Node
process renders every input (line by line, so one that never ends is caught by its own
time budget and named).
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

STATIC = Path(__file__).resolve().parents[2] / "sandbox" / "static"
NODE = shutil.which("node")
# Linear rendering of the longest input here takes milliseconds; a hang or a quadratic
# blow-up takes far longer than this.
BUDGET_SECONDS = 5.0
WORKER = """
const M = require(process.argv[1] + "/mrkdwn.js");
const now = new Date(Date.UTC(2024, 2, 14, 12, 0, 0));
const users = {U0SANDBOX: "ada"};
require("readline").createInterface({input: process.stdin}).on("line", (line) => {
  let html = null, error = null;
  try { html = M.mrkdwnToHtml(JSON.parse(line), {users, now}); }
  catch (e) { error = String((e && e.stack) || e); }
  process.stdout.write(JSON.stringify({html, error}) + "\\n");
});
"""


class Renderer:
    """One long-lived Node process running the page's mrkdwn.js."""

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        assert NODE is not None
        self.process = subprocess.Popen(
            [NODE, "-e", WORKER, str(STATIC)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "TZ": "UTC"},
        )
        self.buffer = b""

    def render(self, text: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(text).encode() + b"\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + BUDGET_SECONDS
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, left))
            if not ready:
                # A fresh process for the next input: this one may never answer.
                self.close()
                self.start()
                raise AssertionError(
                    f"no result within {BUDGET_SECONDS} s for {text[:200]!r} ({len(text)} chars)"
                )
            chunk = os.read(self.process.stdout.fileno(), 1 << 20)
            if not chunk:
                raise AssertionError(f"the renderer exited on {text[:200]!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        result: dict[str, Any] = json.loads(line)
        assert result["error"] is None, (text[:200], result["error"])
        html: str = result["html"]
        return html

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    if NODE is None:
        pytest.skip("Node.js is not installed")
    worker = Renderer()
    yield worker
    worker.close()


TAGS = {"b", "i", "s", "code", "pre", "blockquote", "br", "a", "span", "time"}
VOID = {"br"}
SAFE_HREF = re.compile(r"^(https?:|mailto:|slack:)", re.IGNORECASE)
TAG = re.compile(r"</?(?:" + "|".join(sorted(TAGS)) + r")(?:\s[^<>]*)?>")


class WellFormed(HTMLParser):
    """Collects what is wrong with the renderer's HTML: unknown, unclosed or crossed tags,
    unsafe links, links in links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.problems.append(f"unknown tag <{tag}>")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not SAFE_HREF.match(href.strip()):
                self.problems.append(f"unsafe link {href!r}")
            if "a" in self.open:
                self.problems.append("a link inside a link")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")


def assert_well_formed(text: str, html: str) -> str:
    """The HTML's problems (none allowed); returns its visible text."""
    checker = WellFormed()
    checker.feed(html)
    checker.close()
    problems = checker.problems + [f"unclosed {tag}" for tag in checker.open]
    # Outside the renderer's own tags, every < and > is escaped.
    if re.search(r"[<>]", TAG.sub("", html)):
        problems.append("a raw < or > outside a tag")
    # The renderer's marks never leak: the input's own are written as entities.
    if re.search("[\ue000\ue001]", html):
        problems.append("a raw private-use mark")
    assert not problems, (problems, text[:300], html[:600])
    return "".join(checker.text)


# Pieces that mean something to the renderer, alone and together.
PIECES = st.sampled_from(
    [
        "*", "_", "~", "`", "```", "<", ">", "&", "|", "&lt;", "&gt;", "&amp;", "&#xE000;",
        "\ue000", "\ue001", "\ue0000\ue001", "\ue001\ue000", "\ue0009\ue001", "\n", " ", "a",
        "bc", "0", "7", ":", ":tada:", ":x", "@", "#", "!", "^", "date", "http://",
        "https://x.example/a?b=1", "mailto:a@b.c", "javascript:alert(1)", "<@U0SANDBOX>",
        "<@U0SANDBOX|", "<!date^1710417600^{date}|x>", "<!date^", "<!here>", "<!subteam^S1|",
        "<#C1|general>", "<https://x.example|", "|label>", "&gt;", "&gt;&gt;&gt;", "> ",
        ">>> ", "\ud800", "\x00", "{time}", "\t", "'", '"',
    ]
)  # fmt: skip


@settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_pieces_of_mrkdwn_always_render_well_formed(renderer: Renderer, text: str) -> None:
    assert_well_formed(text, renderer.render(text))


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.text(max_size=300))
def test_any_text_renders_well_formed(renderer: Renderer, text: str) -> None:
    assert_well_formed(text, renderer.render(text))


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(PIECES, st.integers(min_value=1, max_value=20_000)), min_size=1, max_size=4
    ).map(lambda runs: "".join(piece * count for piece, count in runs))
)
def test_very_long_runs_end_within_the_budget(renderer: Renderer, text: str) -> None:
    assert_well_formed(text, renderer.render(text))


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(["*", "_", "~", "a", " ", "\ue000", "\ue001", "`"]), max_size=40))
def test_private_use_marks_of_the_input_are_shown_as_typed(
    renderer: Renderer, pieces: list[str]
) -> None:
    text = "".join(pieces)
    shown = assert_well_formed(text, renderer.render(text))
    for mark in ("\ue000", "\ue001"):
        assert shown.count(mark) == text.count(mark), (text, shown)


@pytest.mark.parametrize(
    "text",
    [
        # A link label holding the renderer's marks (from a model reply) once hung the page.
        "<https://x.example|\ue0000\ue001>",
        "<https://x.example|\ue0001\ue001> <https://y.example|\ue0000\ue001>",
        "\ue0000\ue001 `code` *b*",
        "*a _b* c_ ~d *e~ f*",
        "<https://x.example|`code`> and `<https://x.example>`",
        "*" * 50_000,
        "_a " * 30_000,
        "<" * 40_000 + ">" * 40_000,
        "`" * 60_000,
        "&amp;" * 20_000,
        "http://" * 20_000,
        "\ue000" * 30_000 + "0" + "\ue001" * 30_000,
    ],
)
def test_known_hostile_texts(renderer: Renderer, text: str) -> None:
    assert_well_formed(text, renderer.render(text))


def test_marks_in_a_link_label_are_shown_as_text(renderer: Renderer) -> None:
    html = renderer.render("<https://x.example|\ue0000\ue001>")
    assert html == (
        '<a href="https://x.example" target="_blank" rel="noopener noreferrer">'
        "&#xE000;0&#xE001;</a>"
    )
    # Crossed styles nest instead of crossing.
    assert renderer.render("*a _b* c_") == "<b>a _b</b> c_"
    assert renderer.render("*bold _both_* _it *both* x_") == (
        "<b>bold <i>both</i></b> <i>it <b>both</b> x</i>"
    )
