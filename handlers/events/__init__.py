"""Events API listeners. Bolt routes each message subtype to its own listener, and takes the
first that matches, so the catch-all for messages comes last."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import (
    app_home_opened,
    file_share,
    ignored,
    message,
    message_changed,
    message_deleted,
)
from handlers.events.candidate import in_a_dm_from_a_person


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(app_home_opened.handle_app_home_opened)
    # Only the candidate's own messages in the DM with the app reach these four.
    in_the_dm = [in_a_dm_from_a_person]
    for subtype, listener in (
        (message.SUBTYPES, message.handle_message),
        (file_share.SUBTYPE, file_share.handle_file_share),
        (message_changed.SUBTYPE, message_changed.handle_message_changed),
        (message_deleted.SUBTYPE, message_deleted.handle_message_deleted),
    ):
        app.event({"type": "message", "subtype": subtype}, matchers=in_the_dm)(listener)
    # Any other message (a bot's, another channel's, a join, a subtype not listed above) is
    # acked and ignored: without a listener Bolt would answer 404 and Slack would retry it.
    app.event("message")(ignored.handle_ignored_event)
    # Subscribed by some installs; the file arrives with the message event instead.
    app.event("file_shared")(ignored.handle_ignored_event)
    app.event("file_created")(ignored.handle_ignored_event)
