"""Buttons and selects (block_actions), one listener per module."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.actions.acknowledge_only import handle_acknowledge_only
from handlers.actions.cancel_start import handle_cancel_start
from handlers.actions.finish_interview import handle_finish_interview
from handlers.actions.home_page import handle_home_page
from handlers.actions.open_feedback import handle_open_feedback
from handlers.actions.open_start_card import handle_open_start_card
from handlers.actions.run_again import handle_run_again
from handlers.actions.start_interview import handle_start_interview
from handlers.blocks import ids


def register(app: AsyncApp) -> None:
    app.action(ids.START_INTERVIEW)(handle_start_interview)
    app.action(ids.CANCEL_START)(handle_cancel_start)
    app.action(ids.OPEN_START_CARD)(handle_open_start_card)
    app.action(ids.FINISH_INTERVIEW)(handle_finish_interview)
    app.action(ids.RUN_AGAIN)(handle_run_again)
    app.action(ids.OPEN_FEEDBACK)(handle_open_feedback)
    app.action(ids.HOME_PAGE_NEWER)(handle_home_page)
    app.action(ids.HOME_PAGE_OLDER)(handle_home_page)
    # Selects and link buttons still send block_actions, which must be acked.
    for action_id in (ids.SELECT_DIFFICULTY, ids.OPEN_THREAD_LINK, ids.OPEN_HOME_LINK):
        app.action(action_id)(handle_acknowledge_only)
