"""The start card and the short notes around starting an interview."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.interview.domain import ActiveInterview, Difficulty
from bot.interview.timing import time_left_phrase, warning_lead_seconds
from handlers.blocks import ids
from handlers.blocks.elements import (
    Block,
    actions,
    button,
    context,
    fields_section,
    header,
    section,
    sections,
)
from handlers.blocks.text import (
    escape_mrkdwn,
    format_time_left,
    link,
    plain_text,
    truncate,
)

COMMAND = "/start-interview"
# Enough for any real topic; keeps the button value far below Slack's 2000 characters.
TOPIC_LIMIT = 100

DIFFICULTY_LABELS: dict[Difficulty, str] = {
    Difficulty.EASY: "Easy",
    Difficulty.MEDIUM: "Medium",
    Difficulty.HARD: "Hard",
}

RUBRIC: tuple[tuple[str, str], ...] = (
    ("Overall", "How the whole interview went — would it get you to the next round?"),
    (
        "Communication",
        "Clarifying questions, explaining your thinking, responding to hints. "
        "Asking for a score earns nothing and lowers it.",
    ),
    (
        "Problem solving",
        "A correct approach, its time and space complexity, edge cases, trade-offs. "
        "Without code it stays at 40 or below.",
    ),
    (
        "Code quality",
        "Correct, readable code that defines the function the problem names, handles edge "
        "cases and is tested. A stub or another problem's code scores low.",
    ),
)


def _difficulty_option(difficulty: Difficulty) -> dict[str, Any]:
    return {"text": plain_text(DIFFICULTY_LABELS[difficulty], 75), "value": difficulty.value}


def build_start_card(
    *, difficulty: Difficulty, topic: str | None, time_limit_minutes: int, offline: bool
) -> list[Block]:
    """The start card: what to expect, the rubric, a difficulty select and Start/Not now."""
    topic = truncate(" ".join(topic.split()), TOPIC_LIMIT) if topic and topic.strip() else None
    if offline:
        intro = (
            "Practise a coding interview without leaving Slack. This workspace runs the "
            "*offline interviewer*: a rule-based interviewer, not an AI model. It follows "
            "the same steps and scores you with a fixed, documented rubric."
        )
    else:
        intro = (
            "Practise a coding interview without leaving Slack, with an *AI interviewer* "
            "that asks questions, reviews your code and scores you at the end."
        )
    expectations = "\n".join(
        [
            "*What to expect*",
            "• *One coding problem*"
            + (f" about _{escape_mrkdwn(topic)}_" if topic else "")
            + ", posted in our DM. Everything happens in the thread under it.",
            "• *Talk it through*: ask clarifying questions, explain your approach, then code "
            "and test it — like a real interview.",
            "• *Send code* as a snippet (the *+* button ➜ _Create a text snippet_, or upload "
            "a text file) or in a code block (wrap it in three backticks).",
            f"• *Time limit: {time_limit_minutes} min*. You'll get a warning "
            f"{time_left_phrase(warning_lead_seconds(time_limit_minutes))} before time is up.",
            "• *Finish* with the _Finish interview_ button or by typing `done` in the thread.",
            "• *Scoring*: when you finish, the conversation and your code are graded and the "
            "result is saved to your history on my Home tab.",
        ]
    )
    select = {
        "type": "static_select",
        "action_id": ids.SELECT_DIFFICULTY,
        "placeholder": plain_text("Choose difficulty", 150),
        "options": [_difficulty_option(d) for d in Difficulty],
        "initial_option": _difficulty_option(difficulty),
    }
    choice = "*Difficulty*"
    if topic:
        choice += f"\n*Topic:* {escape_mrkdwn(topic)}"
    difficulty_section = section(choice, accessory=select)
    difficulty_section["block_id"] = ids.DIFFICULTY_BLOCK
    start_value = json.dumps({"difficulty": difficulty.value, "topic": topic})
    return [
        header("Mock interview"),
        section(intro),
        section(expectations),
        section("*How you're scored* — four scores, each 0–100"),
        fields_section([f"*{name}*\n{meaning}" for name, meaning in RUBRIC]),
        difficulty_section,
        actions(
            button(
                "Start Interview",
                action_id=ids.START_INTERVIEW,
                value=start_value,
                style="primary",
            ),
            button("Not now", action_id=ids.CANCEL_START, value="cancel"),
            block_id="start_actions",
        ),
    ]


def usage_text(*, topics: Sequence[str]) -> str:
    """How to use the slash command, as mrkdwn (also the notification text)."""
    lines = [
        f"*Usage:* `{COMMAND} [easy|medium|hard] [topic]`",
        f"• `{COMMAND}` — open the start card and choose a difficulty there",
        f"• `{COMMAND} hard` — a hard problem on any topic",
        f"• `{COMMAND} easy graphs` — an easy problem about graphs",
        f"• `{COMMAND} help` — show this message",
    ]
    if topics:
        lines.append("*Topics:* " + ", ".join(escape_mrkdwn(t) for t in topics))
    else:
        lines.append("Leave out the topic to get a problem on any topic.")
    return "\n".join(lines)


def build_usage(*, topics: Sequence[str]) -> list[Block]:
    """The usage message for `/start-interview help` or an argument it does not know."""
    return sections(usage_text(topics=topics), max_sections=3)


def build_start_dismissed() -> list[Block]:
    """Replaces the start card after "Not now"."""
    return [
        section(
            f"No problem. Start whenever you're ready with `{COMMAND}` or the "
            "*Start Interview* button on my Home tab."
        )
    ]


def build_started_note(*, permalink: str | None) -> list[Block]:
    """Replaces the start card once the interview has started in the DM."""
    text = ":rocket: Your interview has started — see your DM with me."
    if permalink:
        text += " " + link(permalink, "Open the interview")
    return [section(text)]


def build_already_active_note(
    *, active: ActiveInterview, now: datetime | None = None
) -> list[Block]:
    """Shown instead of a second interview: the one in progress, its time left and a link."""
    text = (
        "You already have an interview in progress: "
        f"*{escape_mrkdwn(active.problem_title)}* "
        f"({DIFFICULTY_LABELS[active.difficulty]}, "
        f"{format_time_left(active.deadline_at, now)}). "
        "Finish it before starting another."
    )
    blocks = [section(text)]
    if active.permalink:
        blocks.append(
            actions(
                button("Open the interview", action_id=ids.OPEN_THREAD_LINK, url=active.permalink)
            )
        )
    else:
        blocks.append(context("It's the latest thread in our DM."))
    return blocks
