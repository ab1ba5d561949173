"""Text for Block Kit: mrkdwn escaping, Markdown conversion, splitting and formatting.

Everything a model or a user wrote goes through `escape_mrkdwn` or `to_slack_mrkdwn`
before it lands in a mrkdwn text object, so it can never mention anyone (`<!channel>`,
`<@U…>`) or fake a link. plain_text objects are shown by Slack exactly as written (no
mentions, no links), so they are only truncated, never escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.interview.code import FENCE

ELLIPSIS = "…"
SECTION_TEXT_LIMIT = 3000

# Private-use markers: the input is cleaned of them, so they can stand in for spans that
# conversion must not touch (code, links we created) and for bold before italics runs.
_HOLD = "\x00"
_BOLD = "\x01"
_PLACEHOLDER_RE = re.compile(_HOLD + r"(\d+)" + _HOLD)

_FENCE_RE = re.compile(r"```(.*?)(```|\Z)", re.DOTALL)
# A language tag right after an opening fence (```python) would show as a line of code.
_FENCE_LANGUAGE_RE = re.compile(r"\A[A-Za-z0-9_+#.-]*[ \t]*\n")
_INLINE_CODE_RE = re.compile(r"`([^`\n]+)`")
_BACKTICK_RUN_RE = re.compile(r"`{3,}")
_MARKDOWN_LINK_RE = re.compile(r"\[([^\[\]\n]{1,300})\]\((https?://[^\s()<>|]{1,2000})\)")
_AUTOLINK_RE = re.compile(r"<(https?://[^\s<>|]+)>")
# Not after "<": a hand-written `<url|label>` stays literal text rather than half a link.
_BARE_URL_RE = re.compile(r"(?<![\w/@<])https?://[^\s<>|()\[\]`]*[^\s<>|()\[\]`.,;:!?'\"*_~]")
_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_RULE_RE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_BULLET_RE = re.compile(r"^([ \t]*)[*+-][ \t]+", re.MULTILINE)
# Spans are bounded so a long line of unmatched markers costs a bounded scan per marker
# instead of a rescan to the end of the line (quadratic on model output of one long line).
_BOLD_STARS_RE = re.compile(r"\*\*(?=\S)(.{1,300}?)(?<=\S)\*\*")
_BOLD_UNDERSCORES_RE = re.compile(r"(?<!\w)__(?=\S)(.{1,300}?)(?<=\S)__(?!\w)")
_ITALIC_STAR_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]{1,300}?)(?<=[^\s*])\*(?![\w*])")
_STRIKE_RE = re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~")

_SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def escape_mrkdwn(text: str) -> str:
    """Escape `&`, `<` and `>` so the text shows as written and cannot mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def defuse_fences(text: str) -> str:
    """Text for inside a code block: each run of 3+ backticks spaced out ("` ` `"), so it
    can neither end the block early nor open one."""
    return _BACKTICK_RUN_RE.sub(lambda m: " ".join(m.group(0)), text)


def link(url: str | None, label: str) -> str:
    """A mrkdwn link `<url|label>` for an http(s) URL; just the escaped label otherwise."""
    safe_label = escape_mrkdwn(label).replace("|", "¦")
    if not url or not re.fullmatch(r"https?://[^\s<>|]+", url):
        return safe_label
    return f"<{url.replace('&', '&amp;')}|{safe_label}>"


def to_slack_mrkdwn(text: str) -> str:
    """Convert the Markdown models usually write into Slack mrkdwn, escaped.

    `**bold**`/`__bold__` become `*bold*`, `*italic*` becomes `_italic_`, `~~x~~` becomes
    `~x~`, headings become bold lines, `*`/`-`/`+` bullets become `•`, `[label](url)`
    becomes `<url|label>` for http(s) URLs only. Fenced and inline code keep their
    content (only escaped, which Slack shows as the original characters); an unclosed
    fence is closed. Everything else has `&`, `<`, `>` escaped.
    """
    text = text.replace(_HOLD, "").replace(_BOLD, "").replace("\r\n", "\n")
    held: list[str] = []

    def hold(rendered: str) -> str:
        held.append(rendered)
        return f"{_HOLD}{len(held) - 1}{_HOLD}"

    def render_fence(match: re.Match[str]) -> str:
        opens_line = match.start() == 0 or match.string[match.start() - 1] == "\n"
        if not match.group(2) and not opens_line:
            # A lone ``` mid-sentence ("a fenced ``` block") is prose, not code.
            return hold(FENCE) + match.group(1)
        body = _FENCE_LANGUAGE_RE.sub("\n", match.group(1), count=1)
        if not match.group(2) and not body.endswith("\n"):
            body += "\n"  # an unclosed fence ran to the end: close it on its own line
        return hold(FENCE + escape_mrkdwn(body) + FENCE)

    text = _FENCE_RE.sub(render_fence, text)
    text = _INLINE_CODE_RE.sub(lambda m: hold(f"`{escape_mrkdwn(m.group(1))}`"), text)
    text = _MARKDOWN_LINK_RE.sub(
        lambda m: hold(link(m.group(2), _strip_emphasis(m.group(1)))), text
    )
    text = _AUTOLINK_RE.sub(lambda m: hold(f"<{m.group(1).replace('&', '&amp;')}>"), text)
    text = _BARE_URL_RE.sub(lambda m: hold(f"<{m.group(0).replace('&', '&amp;')}>"), text)

    text = _HEADING_RE.sub(lambda m: f"{_BOLD}{_strip_emphasis(m.group(1))}{_BOLD}", text)
    text = _RULE_RE.sub("──────────", text)
    text = _BULLET_RE.sub(lambda m: m.group(1) + ("◦ " if m.group(1) else "• "), text)
    text = _BOLD_STARS_RE.sub(_BOLD + r"\1" + _BOLD, text)
    text = _BOLD_UNDERSCORES_RE.sub(_BOLD + r"\1" + _BOLD, text)
    text = _ITALIC_STAR_RE.sub(r"_\1_", text)
    text = _STRIKE_RE.sub(r"~\1~", text)
    text = escape_mrkdwn(text).replace(_BOLD, "*")

    def restore(match: re.Match[str]) -> str:
        # Links may hold inline code, so restoring is recursive.
        return _PLACEHOLDER_RE.sub(restore, held[int(match.group(1))])

    return _PLACEHOLDER_RE.sub(restore, text)


def _strip_emphasis(text: str) -> str:
    return text.replace("**", "").replace("__", "").replace(_BOLD, "")


def _cut_point(text: str, limit: int, *, prefer_space: bool) -> int:
    """An index <= limit to cut at that splits no entity, link, date token or backtick run."""
    cut = max(0, min(limit, len(text)))
    if cut >= len(text):
        return len(text)
    head = text[:cut]
    # Inside `<…>` (a link or date we made): cut before it.
    opened, closed = head.rfind("<"), head.rfind(">")
    if opened > closed and opened > 0:
        cut = opened
    # Inside an entity such as `&amp;`.
    amp = text.rfind("&", 0, cut)
    if amp != -1 and amp < cut <= text.find(";", amp, amp + 6):
        cut = amp
    # Inside a run of backticks.
    while 0 < cut < len(text) and text[cut - 1] == "`" and text[cut] == "`":
        cut -= 1
    if prefer_space:
        space = max(text.rfind(" ", 0, cut), text.rfind("\n", 0, cut))
        if space > cut // 2:
            cut = space + 1
    return cut if cut > 0 else max(1, min(limit, len(text)))


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, ending in "…" when cut.

    The cut never splits an entity, a link or a ``` fence (an open fence is closed).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    while True:
        head = text[: _cut_point(text, room, prefer_space=False)].rstrip() if room > 0 else ""
        ending = ELLIPSIS + ("\n" + FENCE if head.count(FENCE) % 2 else "")
        if len(head) + len(ending) <= limit:
            return head + ending
        room = limit - len(ending)  # the closing fence needs room too


def split_for_sections(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split mrkdwn into chunks of at most `limit` characters for consecutive sections.

    Splits at blank lines when possible, then at line ends, then at spaces. A ``` fence
    that spans chunks is closed at the end of one and reopened at the start of the next,
    so every chunk renders on its own. Blank text gives no chunks.
    """
    reopen, close = FENCE + "\n", "\n" + FENCE
    if limit < len(reopen) + len(close) + 8:
        raise ValueError("limit too small to split fenced code")
    chunks: list[str] = []
    chunk = _ChunkBuilder(starts_in_fence=False)

    def flush(lines: Sequence[str], starts_in_fence: bool) -> None:
        body = "\n".join(lines)
        ends_in_fence = starts_in_fence ^ bool(body.count(FENCE) % 2)
        rendered = (reopen if starts_in_fence else "") + body + (close if ends_in_fence else "")
        # A chunk that would only hold fence markers says nothing.
        if rendered.replace(FENCE, "").strip():
            chunks.append(rendered.strip("\n"))

    for line in text.replace("\r\n", "\n").split("\n"):
        if chunk.size_with(line) <= limit:
            chunk.add(line)
            continue
        # Prefer breaking at the last blank line outside code, if it keeps half a chunk.
        break_at = chunk.last_paragraph_break(min_length=limit // 2)
        if break_at is not None:
            flush(chunk.lines[:break_at], chunk.starts_in_fence)
            rest = chunk.lines[break_at + 1 :]
            chunk = _ChunkBuilder(starts_in_fence=chunk.fence_open_after(break_at))
            for kept in rest:
                chunk.add(kept)
            if chunk.size_with(line) <= limit:
                chunk.add(line)
                continue
        if chunk.lines:
            flush(chunk.lines, chunk.starts_in_fence)
            chunk = _ChunkBuilder(starts_in_fence=chunk.fence_open_after(len(chunk.lines)))
        # A line longer than a whole chunk: cut it into pieces, each a chunk of its own.
        while chunk.size_with(line) > limit:
            room = limit - len(reopen) - len(close)
            cut = _cut_point(line, room, prefer_space=True)
            piece, line = line[:cut], line[cut:]
            flush([piece], chunk.starts_in_fence)
            chunk = _ChunkBuilder(
                starts_in_fence=chunk.starts_in_fence ^ bool(piece.count(FENCE) % 2)
            )
        chunk.add(line)
    flush(chunk.lines, chunk.starts_in_fence)
    return chunks


class _ChunkBuilder:
    """Lines of one chunk, with running length and fence state so splitting stays linear."""

    def __init__(self, *, starts_in_fence: bool) -> None:
        self.starts_in_fence = starts_in_fence
        self.lines: list[str] = []
        # After each line: length of the joined body so far, and whether a fence is open.
        self._body_lengths: list[int] = []
        self._fence_open: list[bool] = []

    def fence_open_after(self, line_count: int) -> bool:
        return self._fence_open[line_count - 1] if line_count else self.starts_in_fence

    def _after(self, line: str) -> tuple[int, bool]:
        body_length = (self._body_lengths[-1] + 1 if self.lines else 0) + len(line)
        fence_open = self.fence_open_after(len(self.lines)) ^ bool(line.count(FENCE) % 2)
        return body_length, fence_open

    def size_with(self, line: str) -> int:
        body_length, fence_open = self._after(line)
        reopen = len(FENCE) + 1 if self.starts_in_fence else 0
        return reopen + body_length + (len(FENCE) + 1 if fence_open else 0)

    def add(self, line: str) -> None:
        body_length, fence_open = self._after(line)
        self.lines.append(line)
        self._body_lengths.append(body_length)
        self._fence_open.append(fence_open)

    def last_paragraph_break(self, *, min_length: int) -> int | None:
        """Index of the last blank line outside code that leaves min_length before it."""
        for index in range(len(self.lines) - 1, 0, -1):
            if self.lines[index].strip() or self._fence_open[index - 1]:
                continue
            return index if self._body_lengths[index - 1] >= min_length else None
        return None


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object, truncated to `limit`; Slack rejects empty text, so blank → "–"."""
    return {"type": "plain_text", "text": truncate(text.strip() or "–", limit), "emoji": True}


def mrkdwn_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    """A mrkdwn object for text that is already escaped or converted, truncated to `limit`.

    `verbatim` stops Slack from turning bare words like @channel into mentions; the
    links and dates this package writes still render.
    """
    return {"type": "mrkdwn", "text": truncate(text.strip() or "–", limit), "verbatim": True}


def as_utc(moment: datetime) -> datetime:
    """The moment in UTC; naive datetimes (as SQLite returns them) are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def slack_date(moment: datetime, tokens: str = "{date_short_pretty} at {time}") -> str:
    """Slack date formatting, shown in the reader's own time zone, with a UTC fallback."""
    utc = as_utc(moment)
    fallback = utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{tokens}|{fallback}>"


def format_duration(seconds: int | float) -> str:
    """A short duration: "45 s", "23 min", "1 h 05 min"."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def format_time_left(deadline_at: datetime, now: datetime | None = None) -> str:
    """ "12 min left" until the deadline, or "time is up" once it has passed."""
    remaining = (as_utc(deadline_at) - as_utc(now or datetime.now(UTC))).total_seconds()
    if remaining <= 0:
        return "time is up"
    return f"{format_duration(remaining)} left"


def score_bar(score: int) -> str:
    """A 10-step bar and the score, e.g. "▰▰▰▰▰▰▰▱▱▱ 72"; the score is clamped to 0–100."""
    clamped = max(0, min(100, score))
    filled = (clamped + 5) // 10
    return "▰" * filled + "▱" * (10 - filled) + f" {clamped}"


def sparkline(scores: Sequence[int]) -> str:
    """One bar per score (0–100), lowest "▁" to highest "█", e.g. "▂▄▆█"."""
    top = len(_SPARK_LEVELS) - 1
    return "".join(_SPARK_LEVELS[round(max(0, min(100, s)) * top / 100)] for s in scores)


def bullet_list(
    items: Sequence[str],
    *,
    item_limit: int = 500,
    convert: Callable[[str], str] = to_slack_mrkdwn,
) -> str:
    """Model- or user-written items as "• item" lines, each converted, escaped and cut."""
    return "\n".join(
        f"• {truncate(convert(' '.join(item.split())), item_limit)}"
        for item in items
        if item.strip()
    )
