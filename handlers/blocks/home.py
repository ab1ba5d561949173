"""The App Home tab: start button, active interview, profile and "My Interviews"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.interview.domain import ActiveInterview, HomePage, InterviewSummary, ProfileStats
from handlers.blocks import ids
from handlers.blocks.elements import (
    VIEW_MAX_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    fields_section,
    header,
    section,
)
from handlers.blocks.start_card import DIFFICULTY_LABELS
from handlers.blocks.text import (
    escape_mrkdwn,
    format_duration,
    format_time_left,
    slack_date,
    sparkline,
    truncate,
)

TITLE_LIMIT = 150
TREND_LENGTH = 10


def build_home_view(page: HomePage, *, now: datetime | None = None) -> dict[str, Any]:
    """The Home tab view for `views.publish`; never more than 100 blocks.

    `now` is the moment the active interview's time left is counted from (default: now).
    """
    blocks = _hero(page)
    if page.active is not None:
        blocks += _active_banner(page.active, now)
    if page.profile.completed:
        blocks += _profile(page.profile)
    blocks += [divider(), header("My Interviews")]
    tail = _paging(page)
    if page.interviews:
        room = VIEW_MAX_BLOCKS - len(blocks) - len(tail)
        # Each entry is a section plus a divider between entries: n entries take 2n - 1.
        entries = page.interviews[: max(0, (room + 1) // 2)]
        for index, interview in enumerate(entries):
            if index:
                blocks.append(divider())
            blocks.append(_entry(interview))
    elif page.page == 0:
        blocks.append(
            section(
                "You haven't finished an interview yet. Your first one takes about "
                f"{page.time_limit_minutes} minutes — press *Start Interview* above, and your "
                "scores and feedback will show up here. Everyone starts somewhere!"
            )
        )
    else:
        blocks.append(section("No interviews on this page — go back to newer ones."))
    blocks += tail
    return {"type": "home", "blocks": blocks}


def _hero(page: HomePage) -> list[Block]:
    blocks = [
        header("Mock interviews"),
        section(
            "Practise a technical coding interview with an "
            + ("interviewer" if page.offline_interviewer else "AI interviewer")
            + " in our DM, without leaving Slack. Every interview is scored and saved here.",
            accessory=button(
                "Start Interview", action_id=ids.OPEN_START_CARD, value="home", style="primary"
            ),
        ),
    ]
    details = [f"{page.time_limit_minutes} min per interview"]
    if page.topics:
        details.append("topics: " + escape_mrkdwn(truncate(", ".join(page.topics), 300)))
    details.append("or type `/start-interview` anywhere")
    notes = [" · ".join(details)]
    if page.offline_interviewer:
        notes.append(
            "*Offline interviewer*: no AI model is configured, so a rule-based interviewer "
            "runs your interviews and scores them with a fixed rubric."
        )
    blocks.append(context(*notes))
    return blocks


def _active_banner(active: ActiveInterview, now: datetime | None) -> list[Block]:
    text = (
        ":large_green_circle: *Interview in progress:* "
        f"*{escape_mrkdwn(truncate(active.problem_title, TITLE_LIMIT))}* · "
        f"{DIFFICULTY_LABELS[active.difficulty]} · {format_time_left(active.deadline_at, now)}"
    )
    if active.permalink:
        accessory = button("Open thread", action_id=ids.OPEN_THREAD_LINK, url=active.permalink)
        return [divider(), section(text, accessory=accessory)]
    return [divider(), section(text + "\nIt's the latest thread in our DM (Messages tab).")]


def _average(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _trend(scores: tuple[int, ...]) -> str:
    recent = scores[-TREND_LENGTH:]
    if not recent:
        return "–"
    if len(recent) < 2:
        return sparkline(recent)
    earlier = recent[:-1]
    change = round(recent[-1] - sum(earlier) / len(earlier))
    if change > 0:
        arrow = f"↑ +{change} vs your earlier average"
    elif change < 0:
        arrow = f"↓ {change} vs your earlier average"
    else:
        arrow = "→ level with your earlier average"
    return f"{sparkline(recent)}  {arrow}"


def _profile(profile: ProfileStats) -> list[Block]:
    best = "–" if profile.best_overall is None else str(profile.best_overall)
    return [
        divider(),
        header("Your profile"),
        fields_section(
            [
                f"*Interviews completed*\n{profile.completed}",
                f"*Average overall*\n{_average(profile.average_overall)} / 100",
                f"*Best overall*\n{best} / 100",
                f"*Recent trend*\n{_trend(profile.recent_trend)}",
                f"*Communication* (average)\n{_average(profile.average_communication)}",
                f"*Problem solving* (average)\n{_average(profile.average_problem_solving)}",
                f"*Code quality* (average)\n{_average(profile.average_code_quality)}",
            ]
        ),
    ]


def _entry(interview: InterviewSummary) -> Block:
    when = f"{slack_date(interview.completed_at)} · {format_duration(interview.duration_seconds)}"
    # The best run's tests; interviews where no code ran (or from before code ran) have none.
    tests = interview.best_tests_label()
    if tests is not None:
        when += f" · {tests}"
    text = "\n".join(
        [
            f"*{escape_mrkdwn(truncate(interview.problem_title, TITLE_LIMIT))}* · "
            f"{DIFFICULTY_LABELS[interview.difficulty]}",
            when,
            f"*Overall {interview.overall}* · Communication {interview.communication} · "
            f"Problem solving {interview.problem_solving} · "
            f"Code quality {interview.code_quality}",
        ]
    )
    return section(
        text,
        accessory=button("View feedback", action_id=ids.OPEN_FEEDBACK, value=str(interview.id)),
    )


def _paging(page: HomePage) -> list[Block]:
    buttons = []
    if page.page > 0:
        buttons.append(button("← Newer", action_id=ids.HOME_PAGE_NEWER, value=str(page.page - 1)))
    if page.has_more:
        buttons.append(button("Older →", action_id=ids.HOME_PAGE_OLDER, value=str(page.page + 1)))
    if not buttons:
        return []
    return [
        context(f"Page {page.page + 1} · newest first"),
        actions(*buttons, block_id="home_paging"),
    ]
