"""Action ids: the names registered with Bolt and sent by Slack."""

from __future__ import annotations

from handlers.blocks import ids


def test_action_ids_are_the_registered_names() -> None:
    assert ids.START_INTERVIEW == "start_interview"
    assert ids.SELECT_DIFFICULTY == "select_difficulty"
    assert ids.DIFFICULTY_BLOCK == "difficulty"
    assert ids.CANCEL_START == "cancel_start"
    assert ids.OPEN_START_CARD == "open_start_card"
    assert ids.FINISH_INTERVIEW == "finish_interview"
    assert ids.OPEN_FEEDBACK == "open_feedback"
    assert ids.HOME_PAGE_NEWER == "home_page_newer"
    assert ids.HOME_PAGE_OLDER == "home_page_older"
    assert ids.OPEN_THREAD_LINK == "open_thread_link"
    assert ids.OPEN_HOME_LINK == "open_home_link"
    assert ids.FEEDBACK_MODAL_CALLBACK == "interview_feedback"
