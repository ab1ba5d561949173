"""Events API listeners. Bolt routes each message subtype to its own listener, and takes the
first that matches, so the catch-all for messages comes last."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import file_share, message, message_changed, message_deleted
from handlers.events.app_home_opened import handle_app_home_opened
from handlers.events.candidate import in_a_dm_from_a_person
from handlers.events.file_share import handle_file_share
from handlers.events.ignored import handle_ignored_event
from handlers.events.message import handle_message
from handlers.events.message_changed import handle_message_changed
from handlers.events.message_deleted import handle_message_deleted


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    in_the_dm = [in_a_dm_from_a_person]
    app.event({"type": "message", "subtype": message.SUBTYPES}, matchers=in_the_dm)(handle_message)
    app.event({"type": "message", "subtype": file_share.SUBTYPE}, matchers=in_the_dm)(
        handle_file_share
    )
    app.event({"type": "message", "subtype": message_changed.SUBTYPE}, matchers=in_the_dm)(
        handle_message_changed
    )
    app.event({"type": "message", "subtype": message_deleted.SUBTYPE}, matchers=in_the_dm)(
        handle_message_deleted
    )
    # Any other message (a bot's, another channel's, a join, a subtype not listed above) is
    # acked and ignored: without a listener Bolt would answer 404 and Slack would retry it.
    app.event("message")(handle_ignored_event)
    # Subscribed by some installs; the file arrives with the message event instead.
    app.event("file_shared")(handle_ignored_event)
    app.event("file_created")(handle_ignored_event)
