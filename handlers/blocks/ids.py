"""Action ids, block ids and callback ids: the one place handlers and builders share them."""

from __future__ import annotations

# Start card
START_INTERVIEW = "start_interview"  # primary button; value is JSON {"difficulty", "topic"}
SELECT_DIFFICULTY = "select_difficulty"  # static_select inside DIFFICULTY_BLOCK
DIFFICULTY_BLOCK = "difficulty"
CANCEL_START = "cancel_start"  # "Not now"

# App Home
OPEN_START_CARD = "open_start_card"  # hero button: posts the start card into the DM
OPEN_FEEDBACK = "open_feedback"  # value is str(interview_id)
HOME_PAGE_NEWER = "home_page_newer"  # value is str(target page), 0-based
HOME_PAGE_OLDER = "home_page_older"  # value is str(target page), 0-based
OPEN_THREAD_LINK = "open_thread_link"  # url button to the active interview's thread

# Interview thread and DM
FINISH_INTERVIEW = "finish_interview"  # value is str(session_id)
RUN_AGAIN = "run_again"  # on a run result; value is str(session_id)
OPEN_HOME_LINK = "open_home_link"  # url button in the completion DM

# Views
FEEDBACK_MODAL_CALLBACK = "interview_feedback"
