"""The feedback modal for a past interview."""

from __future__ import annotations

from bot.interview.domain import InterviewFeedback
from handlers.blocks import build_feedback_modal, ids
from tests.handlers.blocks.checks import HOSTILE, assert_no_live_markup, assert_valid_view, texts_of
from tests.handlers.blocks.samples import make_summary


def test_feedback_modal() -> None:
    feedback = InterviewFeedback(
        summary=make_summary(5, problem_title="Two Sum"),
        problem_description="Given an array `nums`...",
        feedback="Good **structure**.",
        strengths=("Clear",),
        improvements=("Test more",),
        graded_by="offline",
    )
    view = build_feedback_modal(feedback)
    assert_valid_view(view)
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.FEEDBACK_MODAL_CALLBACK
    assert view["title"]["text"] == "Interview feedback"
    assert view["close"]["text"] == "Close"
    assert "submit" not in view
    text = texts_of(view["blocks"])
    assert "Two Sum" in text and "*Medium*" in text and "30 min" in text
    assert "▰▰▰▰▰▰▰▱▱▱ 70" in text and "▰▰▰▰▰▰▰▱▱▱ 65" in text
    assert "Good *structure*." in text and "• Clear" in text and "• Test more" in text
    assert "Given an array `nums`" in text
    assert "offline" in text


def test_feedback_modal_bounds_hostile_and_huge_text() -> None:
    feedback = InterviewFeedback(
        summary=make_summary(5, problem_title=HOSTILE * 20),
        problem_description=("Paragraph " * 300 + "\n\n") * 25,
        feedback=HOSTILE * 3000,
        strengths=tuple(HOSTILE * 30 for _ in range(100)),
        improvements=tuple(HOSTILE * 30 for _ in range(100)),
        graded_by="fallback",
    )
    view = build_feedback_modal(feedback)
    assert_valid_view(view)
    assert_no_live_markup(view["blocks"])


def test_feedback_modal_shows_the_best_run_and_a_worse_final_one() -> None:
    def modal_text(**tests: int | None) -> str:
        feedback = InterviewFeedback(
            summary=make_summary(5, **tests),
            problem_description="",
            feedback="",
            strengths=(),
            improvements=(),
            graded_by="model",
        )
        view = build_feedback_modal(feedback)
        assert_valid_view(view)
        return texts_of(view["blocks"])

    worse_final = modal_text(tests_passed=5, tests_total=7, best_tests_passed=7, best_tests_total=7)
    assert "*Tests passed*\n7/7 (best run) · final 5/7" in worse_final
    same = modal_text(tests_passed=7, tests_total=7, best_tests_passed=7, best_tests_total=7)
    assert "*Tests passed*\n7/7 (best run)" in same and "final" not in same
    # Nothing ran (or the interview predates runs): no tests field at all.
    assert "Tests passed" not in modal_text()
