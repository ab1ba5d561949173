"""Block Kit builders: pure functions from domain types to Slack blocks and views.

They never do I/O and never see Slack payloads; action ids live in `ids`.
"""

from handlers.blocks import ids
from handlers.blocks.feedback import build_feedback_modal
from handlers.blocks.home import build_home_view
from handlers.blocks.interview import (
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
)
from handlers.blocks.run_result import build_run_result
from handlers.blocks.start_card import (
    build_already_active_note,
    build_start_card,
    build_start_dismissed,
    build_started_note,
    build_usage,
    usage_text,
)

__all__ = [
    "build_already_active_note",
    "build_completion_dm",
    "build_feedback_modal",
    "build_file_rejected",
    "build_home_view",
    "build_interview_ended_note",
    "build_interviewer_message",
    "build_interviewer_unavailable",
    "build_pointer",
    "build_problem_message",
    "build_retry_notice",
    "build_run_result",
    "build_score_card",
    "build_start_card",
    "build_start_dismissed",
    "build_started_note",
    "build_time_warning",
    "build_usage",
    "ids",
    "usage_text",
]
