"""The App Home view: hero, profile, history and paging, within Slack's limits."""

from __future__ import annotations

import pytest

from bot.interview.domain import HOME_PAGE_SIZE, ProfileStats
from handlers.blocks import build_home_view, ids
from handlers.blocks.text import sparkline
from tests.handlers.blocks.checks import (
    HOSTILE,
    assert_no_live_markup,
    assert_valid_view,
    elements_of,
    texts_of,
)
from tests.handlers.blocks.samples import (
    NOW,
    THREAD_URL,
    make_active,
    make_home,
    make_profile,
    make_summary,
)


def test_home_view_shows_hero_profile_and_history() -> None:
    view = build_home_view(make_home(active=make_active()), now=NOW)
    assert_valid_view(view)
    assert view["type"] == "home"
    blocks = view["blocks"]
    hero_button = blocks[1]["accessory"]
    assert hero_button["action_id"] == ids.OPEN_START_CARD
    assert hero_button["text"]["text"] == "Start Interview"
    assert hero_button["style"] == "primary"
    text = texts_of(blocks)
    assert "Interview in progress" in text and "23 min left" in text
    assert "*Interviews completed*\n3" in text
    assert "*Average overall*\n68 / 100" in text and "*Best overall*\n91 / 100" in text
    assert "*Communication* (average)\n70" in text
    assert sparkline([40, 60, 75, 90]) + "  ↑ +32" in text
    thread_button = next(
        b for b in elements_of(blocks, "button") if b["action_id"] == ids.OPEN_THREAD_LINK
    )
    assert thread_button["url"] == THREAD_URL
    feedback_buttons = [
        b for b in elements_of(blocks, "button") if b["action_id"] == ids.OPEN_FEEDBACK
    ]
    assert [b["value"] for b in feedback_buttons] == ["1", "2", "3"]
    assert [b["text"]["text"] for b in feedback_buttons] == ["View feedback"] * 3
    entry = next(b for b in blocks if b.get("accessory") == feedback_buttons[0])
    entry_text = entry["text"]["text"]
    assert "*Problem 1* · Medium" in entry_text
    assert f"<!date^{int(make_summary(1).completed_at.timestamp())}^" in entry_text
    assert "30 min" in entry_text
    assert "*Overall 70*" in entry_text and "Communication 65" in entry_text
    assert "Problem solving 75" in entry_text and "Code quality 72" in entry_text
    assert not any(b["type"] == "actions" for b in blocks)  # one page: no paging


def test_home_view_trend_points_down_when_scores_fall() -> None:
    profile = ProfileStats(3, 70.0, 90, 70.0, 70.0, 70.0, (90, 80, 50))
    view = build_home_view(make_home(profile=profile))
    assert "↓ -35" in texts_of(view["blocks"])


def test_home_view_empty_history_encourages() -> None:
    view = build_home_view(make_home(profile=make_profile(0), interviews=()))
    assert_valid_view(view)
    text = texts_of(view["blocks"])
    assert "haven't finished an interview yet" in text
    assert "Interviews completed" not in text
    assert "Interview in progress" not in text


def test_home_view_mentions_the_offline_interviewer() -> None:
    online = texts_of(build_home_view(make_home())["blocks"])
    offline = texts_of(build_home_view(make_home(offline_interviewer=True))["blocks"])
    assert "Offline interviewer" not in online
    assert "Offline interviewer" in offline


@pytest.mark.parametrize(
    ("page", "has_more", "expected"),
    [
        (0, False, []),
        (0, True, [(ids.HOME_PAGE_OLDER, "1")]),
        (3, True, [(ids.HOME_PAGE_NEWER, "2"), (ids.HOME_PAGE_OLDER, "4")]),
        (2, False, [(ids.HOME_PAGE_NEWER, "1")]),
    ],
)
def test_home_view_paging(page: int, has_more: bool, expected: list[tuple[str, str]]) -> None:
    view = build_home_view(make_home(page=page, has_more=has_more))
    assert_valid_view(view)
    paging = [
        (b["action_id"], b["value"])
        for b in elements_of(view["blocks"], "button")
        if b["action_id"] in (ids.HOME_PAGE_NEWER, ids.HOME_PAGE_OLDER)
    ]
    assert paging == expected


def test_home_view_worst_case_full_page_fits() -> None:
    page = make_home(
        profile=make_profile(),
        interviews=tuple(
            make_summary(n, problem_title=HOSTILE * 10) for n in range(HOME_PAGE_SIZE)
        ),
        page=1,
        has_more=True,
        active=make_active(title=HOSTILE * 10),
        offline_interviewer=True,
        topics=tuple(f"topic{n}" for n in range(500)),
    )
    view = build_home_view(page, now=NOW)
    assert_valid_view(view)
    assert_no_live_markup(view["blocks"])
    buttons = elements_of(view["blocks"], "button")
    assert sum(b["action_id"] == ids.OPEN_FEEDBACK for b in buttons) == HOME_PAGE_SIZE
    assert {ids.HOME_PAGE_NEWER, ids.HOME_PAGE_OLDER} <= {b["action_id"] for b in buttons}


def test_home_view_never_exceeds_100_blocks() -> None:
    page = make_home(
        interviews=tuple(make_summary(n) for n in range(200)),
        page=1,
        has_more=True,
        active=make_active(),
        offline_interviewer=True,
    )
    view = build_home_view(page, now=NOW)
    assert_valid_view(view)
    assert len(view["blocks"]) <= 100
    # Paging survives the cut.
    assert view["blocks"][-1]["block_id"] == "home_paging"


def test_history_entries_show_the_best_run_when_code_ran() -> None:
    ran = make_summary(1, tests_passed=5, tests_total=7, best_tests_passed=6, best_tests_total=7)
    never_ran = make_summary(2)
    view = build_home_view(make_home(interviews=(ran, never_ran)), now=NOW)
    assert_valid_view(view)
    entries = [
        b["text"]["text"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.OPEN_FEEDBACK
    ]
    assert len(entries) == 2
    assert "30 min · tests 6/7" in entries[0]
    assert "tests" not in entries[1]
