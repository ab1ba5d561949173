"""Messages of the interview thread and the DM around it."""

from __future__ import annotations

from datetime import datetime

from bot.interview.code import FENCE
from bot.interview.domain import ActiveInterview, Difficulty, Example, Grade, Problem
from bot.interview.timing import time_left_phrase
from handlers.blocks import ids
from handlers.blocks.elements import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    divider,
    fields_section,
    header,
    section,
    sections,
)
from handlers.blocks.start_card import COMMAND, DIFFICULTY_LABELS
from handlers.blocks.text import (
    bullet_list,
    defuse_fences,
    escape_mrkdwn,
    format_duration,
    format_time_left,
    link,
    score_bar,
    slack_date,
    to_slack_mrkdwn,
    truncate,
)

# Budgets keep every message under Slack's 50 blocks and its ~12,000 characters of text
# in total (MESSAGE_TEXT_BUDGET), whatever the problem or the model wrote.
STATEMENT_MAX_CHARS = 5000
EXAMPLES_MAX_CHARS = 2500
CONSTRAINTS_MAX_CHARS = 1200
INTERVIEWER_MAX_CHARS = 9000
SUMMARY_MAX_CHARS = 3000
# The score card's strengths and improvements; the feedback modal shows the same lists.
LIST_MAX_CHARS = 1500
LIST_MAX_ITEMS = 10

REPLY_HINT = (
    "Reply in this thread. Send code as a snippet or in a code block (three backticks). "
    "Type `done` to finish."
)

# The line the problem message shows while the interview goes on, once some code has run.
BEST_SO_FAR_PREFIX = ":bar_chart: Best run so far: "

GRADED_BY_NOTES = {
    "model": "Graded by the AI interviewer.",
    "offline": "Graded by the offline interviewer's heuristic rubric (no AI model).",
    "fallback": (
        "The AI grader's answer could not be used, so this was scored with the fallback "
        "heuristic rubric."
    ),
}


def graded_by_note(graded_by: str) -> str:
    """One line saying who graded an interview."""
    return GRADED_BY_NOTES.get(graded_by, GRADED_BY_NOTES["model"])


def _code(text: str) -> str:
    """Example input/output as code, after its label: inline when short, fenced otherwise."""
    text = text.strip("\n")
    if "\n" in text or "`" in text or len(text) > 80:
        # A fence inside the example would end ours early.
        return f"\n{FENCE}\n{escape_mrkdwn(defuse_fences(text))}\n{FENCE}"
    return f" `{escape_mrkdwn(text)}`" if text else " _(empty)_"


def _example_text(number: int, example: Example) -> str:
    lines = [
        f"*Example {number}*",
        f"*Input:*{_code(example.input)}",
        f"*Output:*{_code(example.output)}",
    ]
    if example.explanation:
        lines.append(f"*Explanation:* {to_slack_mrkdwn(example.explanation)}")
    return "\n".join(lines)


def build_problem_message(
    *,
    session_id: int,
    problem: Problem,
    time_limit_minutes: int,
    deadline_at: datetime,
    offline: bool,
    finished_overall: int | None = None,
    best_tests: str | None = None,
) -> list[Block]:
    """The thread's parent message: the problem and the Finish interview button.

    `best_tests` is the best run's result ("tests 7/7"; None when no code ran): shown as the
    best so far above the button, or, with `finished_overall`, beside the final score that
    replaces the button.
    """
    details = [f"*{DIFFICULTY_LABELS[problem.difficulty]}*"]
    if problem.topics:
        details.append(escape_mrkdwn(truncate(", ".join(problem.topics), 200)))
    details.append(f"{time_limit_minutes} min")
    details.append(f"ends {slack_date(deadline_at, '{time}')}")
    if offline:
        details.append("offline interviewer")
    blocks = [header(problem.title), context(" · ".join(details))]
    blocks += sections(
        to_slack_mrkdwn(problem.statement), max_sections=4, max_chars=STATEMENT_MAX_CHARS
    )
    if problem.examples:
        examples = "\n\n".join(
            _example_text(number, example)
            for number, example in enumerate(problem.examples, start=1)
        )
        blocks += sections(examples, max_sections=2, max_chars=EXAMPLES_MAX_CHARS)
    if problem.constraints:
        constraints = "*Constraints*\n" + bullet_list(problem.constraints)
        blocks += sections(constraints, max_sections=2, max_chars=CONSTRAINTS_MAX_CHARS)
    blocks.append(divider())
    if finished_overall is None:
        if best_tests:
            blocks.append(context(f"{BEST_SO_FAR_PREFIX}{escape_mrkdwn(best_tests)}"))
        blocks.append(context(REPLY_HINT))
        blocks.append(
            actions(
                button(
                    "Finish interview",
                    action_id=ids.FINISH_INTERVIEW,
                    value=str(session_id),
                    confirm=confirm_dialog(
                        title="Finish the interview?",
                        text="You'll be graded on the conversation and code so far.",
                        confirm="Finish",
                        deny="Keep going",
                    ),
                ),
                block_id="interview_actions",
            )
        )
    else:
        finished = f":white_check_mark: Finished — overall {finished_overall}/100"
        if best_tests:
            finished += f" · best run: {escape_mrkdwn(best_tests)}"
        blocks.append(context(finished))
    return blocks


def build_interviewer_message(text: str) -> list[Block]:
    """One message of the interviewer, converted from Markdown and split over sections."""
    blocks = sections(to_slack_mrkdwn(text), max_sections=7, max_chars=INTERVIEWER_MAX_CHARS)
    return blocks or [section("…")]


def build_time_warning(
    *, minutes_left: int | None = None, seconds_left: int | None = None
) -> list[Block]:
    """The warning shortly before the time limit, saying the time really left."""
    if seconds_left is None:
        seconds_left = 60 * (minutes_left or 0)
    return [
        section(
            f":alarm_clock: *{time_left_phrase(seconds_left)} left.* Time to wrap up: make sure "
            "your latest code is in the thread and walk through a test case. "
            "The interview ends on its own when time is up."
        )
    ]


def build_score_card(
    *, grade: Grade, problem_title: str, difficulty: Difficulty, duration_seconds: int
) -> list[Block]:
    """The score card posted in the thread when the interview is graded."""
    blocks = [
        header("Interview complete"),
        section(
            f"*{escape_mrkdwn(problem_title)}* · {DIFFICULTY_LABELS[difficulty]} · "
            f"{format_duration(duration_seconds)}"
        ),
        header(f"Overall: {grade.overall} / 100"),
        fields_section(
            [
                f"*Communication*\n{score_bar(grade.communication)}",
                f"*Problem solving*\n{score_bar(grade.problem_solving)}",
                f"*Code quality*\n{score_bar(grade.code_quality)}",
            ]
        ),
    ]
    if grade.summary.strip():
        blocks += sections(
            to_slack_mrkdwn(grade.summary), max_sections=2, max_chars=SUMMARY_MAX_CHARS
        )
    if grade.strengths:
        strengths = bullet_list(grade.strengths[:LIST_MAX_ITEMS])
        blocks += sections(f"*Strengths*\n{strengths}", max_sections=1, max_chars=LIST_MAX_CHARS)
    if grade.improvements:
        improvements = bullet_list(grade.improvements[:LIST_MAX_ITEMS])
        blocks += sections(
            f"*To improve*\n{improvements}", max_sections=1, max_chars=LIST_MAX_CHARS
        )
    blocks.append(context(graded_by_note(grade.graded_by), "Saved to your history on my Home tab."))
    return blocks


def build_completion_dm(*, overall: int, problem_title: str, home_url: str) -> list[Block]:
    """The DM sent after grading: the overall score and a button to the Home tab."""
    return [
        section(
            f":tada: *Interview complete — you scored {overall}/100* on "
            f"_{escape_mrkdwn(truncate(problem_title, 150))}_. "
            "The full feedback is in your history."
        ),
        actions(button("Open my interviews", action_id=ids.OPEN_HOME_LINK, url=home_url)),
    ]


def build_file_rejected(*, filename: str, reason: str) -> list[Block]:
    """The reply to a file that cannot be used as code (binary, empty or too large)."""
    return [
        section(
            f":warning: I couldn't use *{escape_mrkdwn(truncate(filename, 200))}* as code: "
            f"{escape_mrkdwn(truncate(reason, 500))}\n"
            "Send code as a text snippet or in a code block (three backticks) instead."
        )
    ]


def build_pointer(*, active: ActiveInterview | None, now: datetime | None = None) -> list[Block]:
    """The reply to a message outside an interview thread: where to go instead."""
    if active is None:
        return [
            section(
                "You don't have an interview in progress. Start one with "
                f"`{COMMAND}` or the *Start Interview* button on my Home tab."
            )
        ]
    where = link(active.permalink, "its thread") if active.permalink else "its thread"
    blocks = [
        section(
            f"Your interview *{escape_mrkdwn(active.problem_title)}* is in progress "
            f"({format_time_left(active.deadline_at, now)}). Reply in {where} so the "
            "interviewer sees your message."
        )
    ]
    if active.permalink:
        blocks.append(
            actions(
                button("Open the interview", action_id=ids.OPEN_THREAD_LINK, url=active.permalink)
            )
        )
    return blocks


def build_retry_notice() -> list[Block]:
    """Shown while a model call is retried."""
    return [context(":hourglass_flowing_sand: The interviewer is thinking — retrying…")]


def build_interviewer_unavailable() -> list[Block]:
    """Shown when the model could not answer after all retries; the message is kept."""
    return [
        section(
            ":pensive: Sorry — the interviewer is unavailable right now. Your message is "
            "saved and will be answered as soon as the interviewer is back."
        )
    ]


def build_interview_ended_note(*, overall: int | None) -> list[Block]:
    """The reply to a message in the thread of an interview that has ended."""
    text = "This interview has ended, so I won't reply here"
    text += f" — it scored {overall}/100." if overall is not None else "."
    return [
        section(
            f"{text} Start a new one with `{COMMAND}` or the *Start Interview* button on my "
            "Home tab."
        )
    ]
