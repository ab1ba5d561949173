"""The result of running the candidate's code against the problem's tests, in the thread.

Everything that came out of the candidate's code (actual values, errors, tracebacks) is
escaped, has its ``` runs broken up so it cannot close our code blocks, and is cut to a
budget: however much the code printed, the message stays within Slack's limits.
"""

from __future__ import annotations

from bot.interview.code import FENCE
from bot.interview.outbox import NOT_RUN_STATUSES, RUN_FAILED, RunFailure, RunResultPost
from handlers.blocks import ids
from handlers.blocks.elements import Block, actions, button, context, section
from handlers.blocks.text import ELLIPSIS, defuse_fences, escape_mrkdwn, truncate

# At 5 failures of at most FAILURE_MAX_CHARS each, plus the summary and notes, a message
# stays well under Slack's ~12,000 characters of text (MESSAGE_TEXT_BUDGET).
FAILURES_SHOWN = 5
FAILURE_MAX_CHARS = 1800
VALUE_MAX_CHARS = 300
ERROR_MAX_CHARS = 600
# The end of a traceback says what went wrong; its start is the harness.
ERROR_MAX_LINES = 8
INLINE_MAX_CHARS = 80
SUMMARY_MAX_CHARS = 500
# The plain-text fallback stays under Slack's 4,000 characters for a message's text.
FALLBACK_MAX_CHARS = 3900

LANGUAGE_LABELS = {"python": "Python", "javascript": "JavaScript", "cpp": "C++"}
# Statuses of a run that was stopped before it finished its tests.
STOPPED_STATUSES = frozenset({"timeout", "memory_limit", "output_limit", "crashed"})


def build_run_result(*, session_id: int, result: RunResultPost) -> list[Block]:
    """The thread message for one run: summary, failing visible examples, hidden count and
    a Run again button (none when the code could not run, unless the bot was at fault)."""
    head = _head(result)
    if result.status == RUN_FAILED:
        # It failed on our side, not the candidate's: trying again may work.
        return [section(head), _run_again(session_id)]
    if result.status in NOT_RUN_STATUSES:
        # Nothing ran: the summary says why (or asks for the language), said plainly. Run
        # again would run the same code in the same language and say the same again.
        return [section(head)]
    shown = result.failures[:FAILURES_SHOWN]
    blocks = [section(head)]
    blocks += [section(_failure_text(failure)) for failure in shown]
    blocks.append(context(_notes(result, len(shown))))
    blocks.append(_run_again(session_id))
    return blocks


def build_run_result_text(result: RunResultPost) -> str:
    """The same message as one mrkdwn text, for when Slack refuses the blocks: summary,
    failing visible examples (escaped and cut as in the blocks) and notes with the hidden
    count, within FALLBACK_MAX_CHARS. Examples that do not fit are counted, never cut."""
    head = _head(result)
    if result.status in NOT_RUN_STATUSES:
        return head
    failures = [_failure_text(failure) for failure in result.failures[:FAILURES_SHOWN]]
    for count in range(len(failures), 0, -1):
        text = "\n\n".join([head, *failures[:count], _notes(result, count)])
        if len(text) <= FALLBACK_MAX_CHARS:
            return text
    return f"{head}\n\n{_notes(result, 0)}"


def _head(result: RunResultPost) -> str:
    summary = truncate(escape_mrkdwn(" ".join(result.summary.split())), SUMMARY_MAX_CHARS)
    if result.status == RUN_FAILED:
        return f":warning: {summary}"
    if result.status in NOT_RUN_STATUSES:
        icon = ":no_entry:" if result.status == "unavailable" else ":speech_balloon:"
        return f"{icon} {summary or 'Your code was not run.'}"
    # The count in bold; the rest (time, why it stopped, a compiler's words) as it is.
    count, dot, rest = summary.partition(" · ")
    return f"{_icon(result)} *{count}*{dot}{rest}"


def _notes(result: RunResultPost, shown: int) -> str:
    """Language, what was run, failing examples left out and the hidden count."""
    notes = [_language_label(result.language)]
    if result.request_id:
        notes.append("run again on your latest code")
    if len(result.failures) > shown:
        more = len(result.failures) - shown
        notes.append(f"{more} more failing example{_plural(more)} not shown")
    if result.hidden_failed:
        notes.append(
            f":lock: {result.hidden_failed} hidden test{_plural(result.hidden_failed)} "
            "failed (hidden tests are counted, never shown)"
        )
    return " · ".join(notes)


def _run_again(session_id: int) -> Block:
    return actions(
        button("Run again", action_id=ids.RUN_AGAIN, value=str(session_id)),
        block_id="run_result_actions",
    )


def _icon(result: RunResultPost) -> str:
    if result.status in STOPPED_STATUSES:
        return ":stopwatch:" if result.status == "timeout" else ":warning:"
    if result.ran and result.passed == result.total and result.status == "ok":
        return ":white_check_mark:"
    return ":x:"


def _language_label(language: str) -> str:
    label = LANGUAGE_LABELS.get(language) or language.strip() or "unknown language"
    return escape_mrkdwn(truncate(label, 40))


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _failure_text(failure: RunFailure) -> str:
    lines = [
        f"*Example {failure.index + 1}* failed",
        f"*Input:*{_value(failure.input)}",
        f"*Expected:*{_value(failure.expected)}",
    ]
    if failure.actual is not None:
        lines.append(f"*Got:*{_value(failure.actual)}")
    elif not failure.error:
        lines.append("*Got:* _nothing_")
    if failure.error:
        lines.append(f"*Error:*{_code(_error_tail(failure.error))}")
    return truncate("\n".join(lines), FAILURE_MAX_CHARS)


def _value(text: str) -> str:
    """A value after its label, escaped and cut to VALUE_MAX_CHARS."""
    text = text.strip("\n")
    if not text.strip():
        return " _(empty)_"
    return _code(truncate(escape_mrkdwn(defuse_fences(text)), VALUE_MAX_CHARS))


def _code(escaped: str) -> str:
    """Escaped text after its label: inline code when short, a code block otherwise."""
    if "\n" in escaped or "`" in escaped or len(escaped) > INLINE_MAX_CHARS:
        return f"\n{FENCE}\n{escaped}\n{FENCE}"
    return f" `{escaped}`"


def _error_tail(error: str) -> str:
    """The last lines of an error or traceback, escaped, at most ERROR_MAX_CHARS."""
    lines = [line.rstrip() for line in error.strip("\n").splitlines()]
    cut = len(lines) > ERROR_MAX_LINES
    text = defuse_fences("\n".join(lines[-ERROR_MAX_LINES:]))
    room = ERROR_MAX_CHARS - len(ELLIPSIS) - 1
    keep = len(text)
    escaped = escape_mrkdwn(text)
    while len(escaped) > room:
        # Escaping grows a character to at most 5: shrink the raw tail until it fits.
        keep -= max(1, (len(escaped) - room) // 5)
        escaped = escape_mrkdwn(text[-keep:])
        cut = True
    return f"{ELLIPSIS}\n{escaped}" if cut else escaped or "–"
