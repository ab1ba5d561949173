"""The feedback modal of one finished interview, opened from "My Interviews"."""

from __future__ import annotations

from typing import Any

from bot.interview.domain import InterviewFeedback, InterviewSummary
from handlers.blocks import ids
from handlers.blocks.elements import (
    Block,
    context,
    divider,
    fields_section,
    header,
    sections,
)
from handlers.blocks.interview import LIST_MAX_CHARS, LIST_MAX_ITEMS, graded_by_note
from handlers.blocks.start_card import DIFFICULTY_LABELS
from handlers.blocks.text import (
    bullet_list,
    format_duration,
    plain_text,
    score_bar,
    slack_date,
    to_slack_mrkdwn,
)

MODAL_TITLE = "Interview feedback"
FEEDBACK_MAX_CHARS = 3000
DESCRIPTION_MAX_CHARS = 4500


def build_feedback_modal(feedback: InterviewFeedback) -> dict[str, Any]:
    """A modal view (no submit) with the scores, feedback and problem of one interview."""
    summary = feedback.summary
    blocks: list[Block] = [
        header(summary.problem_title),
        context(
            f"*{DIFFICULTY_LABELS[summary.difficulty]}*",
            slack_date(summary.completed_at),
            format_duration(summary.duration_seconds),
        ),
        fields_section(
            [
                f"*Overall*\n{score_bar(summary.overall)}",
                f"*Communication*\n{score_bar(summary.communication)}",
                f"*Problem solving*\n{score_bar(summary.problem_solving)}",
                f"*Code quality*\n{score_bar(summary.code_quality)}",
                *_tests_field(summary),
            ]
        ),
    ]
    if feedback.feedback.strip():
        blocks += sections(
            "*Feedback*\n" + to_slack_mrkdwn(feedback.feedback),
            max_sections=2,
            max_chars=FEEDBACK_MAX_CHARS,
        )
    if feedback.strengths:
        strengths = bullet_list(feedback.strengths[:LIST_MAX_ITEMS])
        blocks += sections(f"*Strengths*\n{strengths}", max_sections=1, max_chars=LIST_MAX_CHARS)
    if feedback.improvements:
        improvements = bullet_list(feedback.improvements[:LIST_MAX_ITEMS])
        blocks += sections(
            f"*To improve*\n{improvements}", max_sections=1, max_chars=LIST_MAX_CHARS
        )
    if feedback.problem_description.strip():
        blocks += [divider(), header("The problem")]
        blocks += sections(
            to_slack_mrkdwn(feedback.problem_description),
            max_sections=3,
            max_chars=DESCRIPTION_MAX_CHARS,
        )
    blocks.append(context(graded_by_note(feedback.graded_by)))
    return {
        "type": "modal",
        "callback_id": ids.FEEDBACK_MODAL_CALLBACK,
        "title": plain_text(MODAL_TITLE, 24),
        "close": plain_text("Close", 24),
        "blocks": blocks,
    }


def _tests_field(summary: InterviewSummary) -> list[str]:
    """The best run's tests, and the final submission's when it did worse; none if none ran."""
    if summary.best_tests_total is None:
        return []
    best = (summary.best_tests_passed, summary.best_tests_total)
    text = f"*Tests passed*\n{best[0]}/{best[1]} (best run)"
    final = (summary.tests_passed, summary.tests_total)
    if summary.tests_total is not None and final != best:
        text += f" · final {final[0]}/{final[1]}"
    return [text]
