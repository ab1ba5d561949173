"""The state of the small Slack workspace the sandbox plays: people, the DM, messages,
threads, ephemeral messages, Home tabs, modals and files.

Everything is kept in Slack's own JSON shapes, so the Web API can return stored objects
as they are and the browser page can render exactly what the bot would see.
Every change is published to the page's live channel.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox import block_kit

JSONDict = dict[str, Any]
# Slack's trigger_ids are good for one use within three seconds.
TRIGGER_LIFETIME_SECONDS = 3.0


@dataclass(frozen=True)
class Identity:
    """Ids and names of the workspace, the app and the one person in it."""

    person_name: str
    bot_token: str
    team_id: str = "T0SANDBOX"
    team_domain: str = "sandbox"
    team_name: str = "Sandbox"
    app_id: str = "A0SANDBOX"
    app_name: str = "Interview Bot"
    bot_id: str = "B0SANDBOX"
    bot_user_id: str = "U0BOTUSER"
    bot_user_name: str = "interviewbot"
    person_id: str = "U0SANDBOX"
    dm_channel_id: str = "D0SANDBOX"
    # Slack's deprecated verification token, still sent in every payload.
    verification_token: str = field(default_factory=lambda: secrets.token_hex(12))


# The pieces a file body is sent in, in turn; a real host's TLS records look alike.
FILE_PIECES = (1024, 3072, 4096, 2048, 1500)
FILE_PIECE_PAUSE = 0.001

Redirect = Literal["same-origin", "cross-origin"]


@dataclass(frozen=True)
class Hosting:
    """How the file host sends a body: as rough as a real one, or rougher on request.

    `pieces=(1,), pause=0.05` is a host sending a byte at a time; `redirect` answers with a
    redirect to this origin or another one; `content_length=False` sends it chunked;
    `cut_after` drops the connection once that many bytes are sent.
    """

    pieces: tuple[int, ...] = FILE_PIECES
    pause: float = FILE_PIECE_PAUSE
    redirect: Redirect | None = None
    content_length: bool = True
    cut_after: int | None = None


@dataclass
class StoredFile:
    """A file object as Slack describes it, its bytes, and how the host sends them."""

    info: JSONDict
    content: bytes
    hosting: Hosting = field(default_factory=Hosting)


@dataclass
class ResponseTarget:
    """Where a `response_url` posts: its channel, thread and originating message."""

    channel: str
    user: str
    thread_ts: str | None
    # ("ephemeral", id), ("message", ts) or None for a slash command.
    original: tuple[str, str] | None
    uses: int = 0


@dataclass
class Trigger:
    issued_at: float
    used: bool = False


class TriggerError(Exception):
    """A trigger_id that Slack would refuse; the message is Slack's error code."""


class Workspace:
    """In-memory workspace state; every mutation is published to the live channel."""

    def __init__(
        self, identity: Identity, *, base_url: str = "http://127.0.0.1", everyone: bool = False
    ) -> None:
        """`everyone`: any user id is a person of the workspace with a DM with the app
        (`U…` talks in `D…`), any other channel id is a conversation the app is in, and
        messages, threads and trigger_ids the workspace never saw (sent straight to the
        bot by a test or a benchmark) are taken as real."""
        self.identity = identity
        self.everyone = everyone
        self.base_url = base_url.rstrip("/")
        self.messages: dict[str, dict[str, JSONDict]] = {identity.dm_channel_id: {}}
        self.ephemerals: dict[str, JSONDict] = {}
        self.home_views: dict[str, JSONDict] = {}
        self.modal_stack: list[JSONDict] = []
        self.files: dict[str, StoredFile] = {}
        # state.values of interactive blocks, per container ("message:D…:ts", "view:V…").
        self.block_states: dict[str, dict[str, dict[str, JSONDict]]] = {}
        self.response_targets: dict[str, ResponseTarget] = {}
        self.triggers: dict[str, Trigger] = {}
        self._subscribers: set[asyncio.Queue[JSONDict]] = set()
        self._change_listeners: list[Callable[[], None]] = []
        self._last_ts = 0.0
        self._counter = 0

    # ids and clocks -------------------------------------------------------------------

    def next_ts(self) -> str:
        """A message timestamp like Slack's ("1700000000.123456"), strictly increasing."""
        self._last_ts = max(round(time.time(), 6), round(self._last_ts + 0.000001, 6))
        return f"{self._last_ts:.6f}"

    def next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}0S{self._counter:07d}"

    def issue_trigger(self) -> str:
        """A fresh trigger_id for an interaction or a slash command."""
        numbers = f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**9)}"
        trigger_id = f"{numbers}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(issued_at=time.monotonic())
        return trigger_id

    def use_trigger(self, trigger_id: str) -> None:
        """Spends a trigger_id, raising the error Slack gives for a bad one."""
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            if self.everyone:
                return
            raise TriggerError("invalid_trigger_id")
        if trigger.used:
            raise TriggerError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > TRIGGER_LIFETIME_SECONDS:
            raise TriggerError("expired_trigger_id")
        trigger.used = True

    def issue_response_url(self, target: ResponseTarget) -> str:
        token = secrets.token_urlsafe(18)
        self.response_targets[token] = target
        return f"{self.base_url}/hooks/{self.identity.team_id}/{token}"

    # people ---------------------------------------------------------------------------

    def user_object(self, user_id: str) -> JSONDict | None:
        """A users.info `user` object, or None for an unknown id."""
        ident = self.identity
        if user_id == ident.person_id:
            name, real_name, is_bot = ident.person_name, ident.person_name, False
        elif user_id == ident.bot_user_id:
            name, real_name, is_bot = ident.bot_user_name, ident.app_name, True
        elif self.everyone and user_id[:1] in ("U", "W"):
            name, real_name, is_bot = user_id.lower(), user_id, False
        else:
            return None
        profile: JSONDict = {
            "real_name": real_name,
            "display_name": name,
            "real_name_normalized": real_name,
            "display_name_normalized": name,
            "team": ident.team_id,
        }
        if is_bot:
            profile["bot_id"] = ident.bot_id
            profile["api_app_id"] = ident.app_id
        return {
            "id": user_id,
            "team_id": ident.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": "UTC",
            "tz_label": "Coordinated Universal Time",
            "tz_offset": 0,
            "profile": profile,
            "is_admin": not is_bot,
            "is_owner": not is_bot,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 0,
        }

    def bot_profile(self) -> JSONDict:
        ident = self.identity
        return {
            "id": ident.bot_id,
            "app_id": ident.app_id,
            "name": ident.app_name,
            "icons": {},
            "deleted": False,
            "updated": 0,
            "team_id": ident.team_id,
        }

    # live channel ---------------------------------------------------------------------

    def subscribe(self) -> asyncio.Queue[JSONDict]:
        queue: asyncio.Queue[JSONDict] = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JSONDict]) -> None:
        self._subscribers.discard(queue)

    def publish(self, update: JSONDict) -> None:
        for queue in self._subscribers:
            queue.put_nowait(update)
        for listener in self._change_listeners:
            listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Calls `listener` after every change (used to keep the workspace in a file)."""
        self._change_listeners.append(listener)

    # saving ---------------------------------------------------------------------------

    def saved_state(self) -> JSONDict:
        """What outlives a restart: messages, Home tabs and files (ephemerals do not)."""
        return {
            "version": 1,
            "messages": self.messages,
            "home_views": self.home_views,
            "files": {
                file_id: {"info": stored.info, "content": base64.b64encode(stored.content).decode()}
                for file_id, stored in self.files.items()
            },
            "counter": self._counter,
            "last_ts": self._last_ts,
        }

    def restore(self, saved: JSONDict) -> None:
        """Takes back a `saved_state()`, pointing file links at this server's address."""
        self.messages = saved["messages"]
        self.messages.setdefault(self.identity.dm_channel_id, {})
        self.home_views = saved["home_views"]
        self._counter = int(saved["counter"])
        self._last_ts = float(saved["last_ts"])
        for file_id, item in saved["files"].items():
            info = dict(item["info"])
            info.update(self._file_links(file_id, str(info["name"]), str(info["user"])))
            self.files[file_id] = StoredFile(info=info, content=base64.b64decode(item["content"]))
        for channel, by_ts in self.messages.items():
            for ts, message in by_ts.items():
                if message.get("files"):
                    message["files"] = [
                        self.files[file["id"]].info if file["id"] in self.files else file
                        for file in message["files"]
                    ]
                self._reset_state(f"message:{channel}:{ts}", message.get("blocks", []))
        for view in self.home_views.values():
            self._reset_state(f"view:{view['id']}", view.get("blocks", []))

    def snapshot(self) -> JSONDict:
        """Everything the page needs to draw itself from scratch."""
        ident = self.identity
        return {
            "type": "snapshot",
            "identity": {
                "team_id": ident.team_id,
                "team_name": ident.team_name,
                "app_id": ident.app_id,
                "app_name": ident.app_name,
                "bot_user_id": ident.bot_user_id,
                "person_id": ident.person_id,
                "person_name": ident.person_name,
                "dm_channel_id": ident.dm_channel_id,
            },
            "messages": [
                self.message_for_page(channel, message)
                for channel, by_ts in self.messages.items()
                for message in by_ts.values()
            ],
            "ephemerals": list(self.ephemerals.values()),
            "home": self.home_views.get(ident.person_id),
            "modals": self.modal_stack,
        }

    def message_for_page(self, channel: str, message: JSONDict) -> JSONDict:
        return {**message, "channel": channel}

    def _publish_message(self, channel: str, message: JSONDict) -> None:
        self.publish({"type": "message", "message": self.message_for_page(channel, message)})

    # messages -------------------------------------------------------------------------

    def resolve_channel(self, channel: str) -> str | None:
        """The conversation a `channel` argument names: a user id means the app's DM."""
        if channel in self.messages:
            return channel
        if self.everyone and channel:
            dm = "D" + channel[1:] if channel[:1] in ("U", "W") else channel
            self.messages.setdefault(dm, {})
            return dm
        if channel == self.identity.person_id:
            return self.identity.dm_channel_id
        return None

    def find_message(self, channel: str, ts: str) -> JSONDict | None:
        return self.messages.get(channel, {}).get(ts)

    def thread_parent_ts(self, channel: str, thread_ts: str) -> str | None:
        """The parent of the thread `thread_ts` names (a reply's ts names its thread)."""
        message = self.find_message(channel, thread_ts)
        if message is None:
            return thread_ts if self.everyone else None
        return str(message.get("thread_ts", thread_ts))

    def post_message(
        self,
        channel: str,
        *,
        user: str,
        text: str,
        blocks: list[JSONDict] | None = None,
        thread_ts: str | None = None,
        metadata: JSONDict | None = None,
        files: list[JSONDict] | None = None,
        attachments: list[JSONDict] | None = None,
        subtype: str | None = None,
        extra: JSONDict | None = None,
    ) -> JSONDict:
        """Stores a message (a thread reply when `thread_ts` is set) and publishes it."""
        ident = self.identity
        ts = self.next_ts()
        message: JSONDict = {"type": "message", "text": text, "user": user, "ts": ts}
        if subtype:
            message["subtype"] = subtype
        if user == ident.bot_user_id:
            message["bot_id"] = ident.bot_id
            message["app_id"] = ident.app_id
            message["bot_profile"] = self.bot_profile()
        message["team"] = ident.team_id
        if blocks is not None:
            message["blocks"] = block_kit.with_generated_ids(blocks)
        if attachments:
            message["attachments"] = attachments
        if files:
            message["files"] = files
            message["upload"] = False
            message["display_as_bot"] = False
        if metadata:
            message["metadata"] = metadata
        if extra:
            message.update(extra)
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
            parent = self.messages[channel].get(thread_ts)
            if parent is not None:
                message["parent_user_id"] = parent["user"]
                self._add_reply(channel, parent, message)
        self.messages[channel][ts] = message
        self._reset_state(f"message:{channel}:{ts}", message.get("blocks", []))
        self._publish_message(channel, message)
        return message

    def _add_reply(self, channel: str, parent: JSONDict, reply: JSONDict) -> None:
        parent["thread_ts"] = parent["ts"]
        parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
        users: list[str] = list(parent.get("reply_users", []))
        if reply["user"] not in users:
            users.append(reply["user"])
        parent["reply_users"] = users
        parent["reply_users_count"] = len(users)
        parent["latest_reply"] = reply["ts"]
        parent.setdefault("is_locked", False)
        parent.setdefault("subscribed", True)
        self._publish_message(channel, parent)

    def replies(self, channel: str, parent_ts: str) -> list[JSONDict]:
        """The parent and its replies, oldest first."""
        parent = self.messages[channel].get(parent_ts)
        return ([parent] if parent is not None else []) + [
            message
            for ts, message in sorted(self.messages[channel].items())
            if message.get("thread_ts") == parent_ts and ts != parent_ts
        ]

    def top_level(self, channel: str) -> list[JSONDict]:
        """Messages shown in the channel itself, newest first."""
        return [
            message
            for ts, message in sorted(self.messages[channel].items(), reverse=True)
            if message.get("thread_ts") in (None, ts)
        ]

    def update_message(
        self,
        channel: str,
        ts: str,
        *,
        editor: str,
        text: str | None,
        blocks: list[JSONDict] | None,
        attachments: list[JSONDict] | None = None,
        metadata: JSONDict | None = None,
    ) -> tuple[JSONDict, JSONDict]:
        """Edits a message in place; returns (previous, updated)."""
        message = self.messages[channel][ts]
        previous = copy.deepcopy(message)
        if text is not None:
            message["text"] = text
        if blocks is not None:
            if blocks:
                message["blocks"] = block_kit.with_generated_ids(blocks)
            else:
                message.pop("blocks", None)
        if attachments is not None:
            if attachments:
                message["attachments"] = attachments
            else:
                message.pop("attachments", None)
        if metadata is not None:
            message["metadata"] = metadata
        message["edited"] = {"user": editor, "ts": self.next_ts()}
        self._reset_state(f"message:{channel}:{ts}", message.get("blocks", []))
        self._publish_message(channel, message)
        return previous, message

    def delete_message(self, channel: str, ts: str) -> JSONDict:
        """Deletes a message; a thread parent with replies leaves Slack's tombstone."""
        message = self.messages[channel][ts]
        if message.get("reply_count"):
            tombstone: JSONDict = {
                key: message[key]
                for key in ("ts", "thread_ts", "reply_count", "reply_users", "latest_reply")
                if key in message
            }
            tombstone.update(
                {
                    "type": "message",
                    "subtype": "tombstone",
                    "text": "This message was deleted.",
                    "user": "USLACKBOT",
                    "hidden": True,
                }
            )
            self.messages[channel][ts] = tombstone
            self._publish_message(channel, tombstone)
        else:
            del self.messages[channel][ts]
            parent_ts = message.get("thread_ts")
            if parent_ts and parent_ts != ts and parent_ts in self.messages[channel]:
                self._remove_reply(channel, self.messages[channel][parent_ts])
            self.publish({"type": "message_deleted", "channel": channel, "ts": ts})
        return message

    def _remove_reply(self, channel: str, parent: JSONDict) -> None:
        remaining = self.replies(channel, parent["ts"])[1:]
        parent["reply_count"] = len(remaining)
        parent["reply_users"] = list(dict.fromkeys(reply["user"] for reply in remaining))
        parent["reply_users_count"] = len(parent["reply_users"])
        if remaining:
            parent["latest_reply"] = remaining[-1]["ts"]
        self._publish_message(channel, parent)

    def add_reaction(self, channel: str, ts: str, name: str, user: str) -> bool:
        """Adds a reaction; False when this user already reacted with it."""
        message = self.messages[channel][ts]
        reactions: list[JSONDict] = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if user in reaction["users"]:
                    return False
                reaction["users"].append(user)
                reaction["count"] += 1
                break
        else:
            reactions.append({"name": name, "users": [user], "count": 1})
        self._publish_message(channel, message)
        return True

    def remove_reaction(self, channel: str, ts: str, name: str, user: str) -> bool:
        message = self.messages[channel][ts]
        reactions: list[JSONDict] = message.get("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name and user in reaction["users"]:
                reaction["users"].remove(user)
                reaction["count"] -= 1
                message["reactions"] = [item for item in reactions if item["count"] > 0]
                if not message["reactions"]:
                    del message["reactions"]
                self._publish_message(channel, message)
                return True
        return False

    def permalink(self, channel: str, ts: str) -> str:
        """A link in Slack's format that the sandbox page opens at that message."""
        message = self.messages[channel][ts]
        link = f"{self.base_url}/archives/{channel}/p{ts.replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel}"
        return link

    # ephemeral messages ---------------------------------------------------------------

    def post_ephemeral(
        self,
        channel: str,
        *,
        user: str,
        text: str,
        blocks: list[JSONDict] | None,
        thread_ts: str | None,
        from_bot: bool = True,
    ) -> JSONDict:
        """Stores a message only `user` sees; it lives until replaced or dismissed."""
        ephemeral: JSONDict = {
            "id": self.next_id("E"),
            "type": "message",
            "channel": channel,
            "user": user,
            "ts": self.next_ts(),
            "text": text,
            "is_ephemeral": True,
            "from_bot": from_bot,
        }
        if blocks is not None:
            ephemeral["blocks"] = block_kit.with_generated_ids(blocks)
        if thread_ts:
            ephemeral["thread_ts"] = thread_ts
        self.ephemerals[ephemeral["id"]] = ephemeral
        self._reset_state(f"ephemeral:{ephemeral['id']}", ephemeral.get("blocks", []))
        self.publish({"type": "ephemeral", "ephemeral": ephemeral})
        return ephemeral

    def replace_ephemeral(
        self, ephemeral_id: str, *, text: str, blocks: list[JSONDict] | None
    ) -> JSONDict:
        ephemeral = self.ephemerals[ephemeral_id]
        ephemeral["text"] = text
        if blocks is not None:
            ephemeral["blocks"] = block_kit.with_generated_ids(blocks)
        else:
            ephemeral.pop("blocks", None)
        self._reset_state(f"ephemeral:{ephemeral_id}", ephemeral.get("blocks", []))
        self.publish({"type": "ephemeral", "ephemeral": ephemeral})
        return ephemeral

    def delete_ephemeral(self, ephemeral_id: str) -> None:
        if self.ephemerals.pop(ephemeral_id, None) is not None:
            self.block_states.pop(f"ephemeral:{ephemeral_id}", None)
            self.publish({"type": "ephemeral_deleted", "id": ephemeral_id})

    # views ----------------------------------------------------------------------------

    def _view_object(
        self, view: JSONDict, *, view_id: str, root_id: str | None, previous_id: str | None
    ) -> JSONDict:
        blocks = block_kit.with_generated_ids(list(view.get("blocks", [])))
        stored: JSONDict = {
            "id": view_id,
            "team_id": self.identity.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "blocks": blocks,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": "",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root_id or view_id,
            "previous_view_id": previous_id,
            "app_id": self.identity.app_id,
            "app_installed_team_id": self.identity.team_id,
            "bot_id": self.identity.bot_id,
        }
        stored["hash"] = hashlib.sha1(
            f"{view_id}{time.time_ns()}".encode(), usedforsecurity=False
        ).hexdigest()[:20]
        self._reset_state(f"view:{view_id}", blocks)
        return stored

    def publish_home(self, user: str, view: JSONDict) -> JSONDict:
        """Replaces the user's Home tab; the view keeps its id across publishes."""
        existing = self.home_views.get(user)
        view_id = existing["id"] if existing else self.next_id("V")
        stored = self._view_object(view, view_id=view_id, root_id=None, previous_id=None)
        self.home_views[user] = stored
        self.publish({"type": "home", "view": stored})
        return stored

    def open_modal(self, view: JSONDict) -> JSONDict:
        for old in self.modal_stack:
            self.block_states.pop(f"view:{old['id']}", None)
        stored = self._view_object(view, view_id=self.next_id("V"), root_id=None, previous_id=None)
        self.modal_stack = [stored]
        self._publish_modals()
        return stored

    def push_modal(self, view: JSONDict) -> JSONDict:
        root = self.modal_stack[0]["id"]
        previous = self.modal_stack[-1]["id"]
        stored = self._view_object(
            view, view_id=self.next_id("V"), root_id=root, previous_id=previous
        )
        self.modal_stack.append(stored)
        self._publish_modals()
        return stored

    def find_view(self, *, view_id: str | None, external_id: str | None) -> JSONDict | None:
        for view in self._all_views():
            if view_id and view["id"] == view_id:
                return view
            if external_id and view.get("external_id") == external_id:
                return view
        return None

    def _all_views(self) -> Iterator[JSONDict]:
        yield from self.home_views.values()
        yield from self.modal_stack

    def update_view(self, existing: JSONDict, view: JSONDict) -> JSONDict:
        stored = self._view_object(
            view,
            view_id=existing["id"],
            root_id=existing["root_view_id"],
            previous_id=existing["previous_view_id"],
        )
        if existing["type"] == "home":
            for user, home in self.home_views.items():
                if home["id"] == existing["id"]:
                    self.home_views[user] = stored
            self.publish({"type": "home", "view": stored})
        else:
            self.modal_stack = [
                stored if item["id"] == existing["id"] else item for item in self.modal_stack
            ]
            self._publish_modals()
        return stored

    def close_modals(self, *, all_views: bool) -> list[JSONDict]:
        """Closes the top modal (or the whole stack); returns the closed views."""
        closed = self.modal_stack if all_views else self.modal_stack[-1:]
        self.modal_stack = [] if all_views else self.modal_stack[:-1]
        for view in closed:
            self.block_states.pop(f"view:{view['id']}", None)
        self._publish_modals()
        return closed

    def _publish_modals(self) -> None:
        self.publish({"type": "modals", "stack": self.modal_stack})

    def view_with_state(self, view: JSONDict) -> JSONDict:
        return {**view, "state": {"values": self.block_states.get(f"view:{view['id']}", {})}}

    # interactive state ----------------------------------------------------------------

    def _reset_state(self, key: str, blocks: list[JSONDict]) -> None:
        self.block_states[key] = block_kit.initial_state(blocks)

    def state_values(self, key: str) -> dict[str, dict[str, JSONDict]]:
        return self.block_states.setdefault(key, {})

    # files ----------------------------------------------------------------------------

    def add_file(
        self,
        *,
        user: str,
        name: str,
        title: str,
        filetype: str,
        pretty_type: str,
        mimetype: str,
        mode: str,
        content: bytes,
        file_id: str | None = None,
        size: int | None = None,
        hosting: Hosting | None = None,
    ) -> JSONDict:
        """Stores an uploaded file or snippet and returns its Slack file object.

        `size` declares a size other than the body's (a file object can be wrong)."""
        file_id = file_id or self.next_id("F")
        created = int(time.time())
        info: JSONDict = {
            "id": file_id,
            "created": created,
            "timestamp": created,
            "name": name,
            "title": title,
            "mimetype": mimetype,
            "filetype": filetype,
            "pretty_type": pretty_type,
            "user": user,
            "user_team": self.identity.team_id,
            "editable": mode == "snippet",
            "size": len(content) if size is None else size,
            "mode": mode,
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            **self._file_links(file_id, name, user),
            "is_starred": False,
            "has_rich_preview": False,
            "file_access": "visible",
        }
        if mode == "snippet":
            text = content.decode("utf-8", errors="replace")
            lines = text.splitlines()
            info["preview"] = "\n".join(lines[:5])
            info["preview_is_truncated"] = len(lines) > 5
            info["lines"] = len(lines)
            info["lines_more"] = max(0, len(lines) - 5)
        self.files[file_id] = StoredFile(info=info, content=content, hosting=hosting or Hosting())
        return info

    def _file_links(self, file_id: str, name: str, user: str) -> JSONDict:
        base = f"{self.base_url}/files-pri/{self.identity.team_id}-{file_id}"
        permalink = f"{self.base_url}/files/{user}/{file_id}/{name}"
        return {
            "url_private": f"{base}/{name}",
            "url_private_download": f"{base}/download/{name}",
            "permalink": permalink,
            "edit_link": f"{permalink}/edit",
        }
