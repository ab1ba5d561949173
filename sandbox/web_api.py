"""The Slack Web API methods the bot calls, answered from the sandbox workspace.

Requests arrive as slack_sdk sends them: JSON bodies, form-encoded bodies or query
strings, with the token in `Authorization: Bearer …`. Answers are Slack's: HTTP 200
with `{"ok": true, …}` or `{"ok": false, "error": "<code>"}`.

It is also the Slack double tests and the benchmark use: every call is recorded, a method
can be told to fail (429 with Retry-After, 5xx) a number of times, every answer can be
delayed, and files come from a host as rough as a real one (see `Hosting`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox import block_kit
from sandbox.bot_requests import BotRequests, BotSender
from sandbox.workspace import JSONDict, ResponseTarget, StoredFile, TriggerError, Workspace

# Slack lets a response_url be used five times.
RESPONSE_URL_USES = 5
# How long a pushed Socket Mode envelope waits for a connection and its ack.
SOCKET_WAIT_SECONDS = 10.0
# Arguments slack_sdk may send as JSON strings; recorded calls hold them decoded.
_JSON_FIELDS = ("blocks", "view", "metadata", "attachments")
# Errors that mean the app sent malformed Block Kit or views.
_MALFORMED = frozenset({"invalid_blocks", "invalid_blocks_format", "invalid_arguments"})

LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>"
    "<h1>Sign in to Sandbox</h1><p>You need to sign in to see this file.</p></body></html>"
)


class SlackApiError(Exception):
    """A Web API failure answered as `{"ok": false, "error": code}`."""

    def __init__(self, code: str, *messages: str) -> None:
        super().__init__(code)
        self.code = code
        self.messages = list(messages)


def _missing(field: str) -> SlackApiError:
    return SlackApiError("invalid_arguments", f"[ERROR] missing required field: {field}")


def _json_argument(value: Any, *, error: str) -> Any:
    """A list or object argument, which form-encoded requests send as a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SlackApiError(error) from exc
    return value


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true"}


def _limit(args: JSONDict, default: int, maximum: int) -> int:
    try:
        value = int(args.get("limit") or default)
    except ValueError as exc:
        raise SlackApiError("invalid_limit") from exc
    return max(1, min(value, maximum))


def _encode_cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _decode_cursor(cursor: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except ValueError as exc:
        raise SlackApiError("invalid_cursor") from exc
    if not decoded.startswith("next_ts:"):
        raise SlackApiError("invalid_cursor")
    return decoded.removeprefix("next_ts:")


Method = Callable[[JSONDict], Awaitable[JSONDict]]


@dataclass
class Call:
    """One Web API call as it arrived: method, decoded arguments, token."""

    method: str
    params: JSONDict
    token: str | None


@dataclass
class Failure:
    """An answer to give instead of the method's, `times` times."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    body: JSONDict | None = None


def _decoded(args: JSONDict) -> JSONDict:
    params = dict(args)
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params


class SlackWebApi:
    """The methods under `/api/`, bound to one workspace and the sender of its events."""

    def __init__(
        self, workspace: Workspace, sender: BotSender, *, echo_bot_messages: bool = True
    ) -> None:
        self.workspace = workspace
        self.sender = sender
        self.requests = BotRequests(workspace.identity)
        # Slack sends an app the `message` events of its own posts too (Bolt drops them).
        self.echo_bot_messages = echo_bot_messages
        self.calls: list[Call] = []
        # Called with each call as it arrives, before `latency` and any failure.
        self.hooks: list[Callable[[Call], None]] = []
        # Seconds every Web API answer waits.
        self.latency = 0.0
        self.failures: dict[str, list[Failure]] = {}
        # Extra checks of what the app sends (method, arguments); what they raise is kept.
        self.checks: list[Callable[[str, JSONDict], None]] = []
        self.validation_errors: list[str] = []
        self.responses: list[JSONDict] = []  # bodies posted to response_urls
        self.file_requests: list[JSONDict] = []
        # Another origin of this server, for cross-origin redirects of file downloads.
        self.foreign_base_url: str | None = None
        # Socket Mode is served by the Slack double only (see `add_double_routes`).
        self.socket_mode = False
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_acks: asyncio.Queue[JSONDict] = asyncio.Queue()
        self._socket_open = asyncio.Event()
        self.methods: dict[str, Method] = {
            "api.test": self.api_test,
            "auth.test": self.auth_test,
            "bots.info": self.bots_info,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "conversations.history": self.conversations_history,
            "conversations.info": self.conversations_info,
            "conversations.open": self.conversations_open,
            "conversations.replies": self.conversations_replies,
            "files.info": self.files_info,
            "reactions.add": self.reactions_add,
            "reactions.remove": self.reactions_remove,
            "team.info": self.team_info,
            "users.info": self.users_info,
            "views.open": self.views_open,
            "views.publish": self.views_publish,
            "views.push": self.views_push,
            "views.update": self.views_update,
        }

    # Controls for tests and the benchmark ----------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        body: JSONDict | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with `status` (and `Retry-After`)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.setdefault(method, []).append(Failure(status, headers, times, body))

    def _failure(self, method: str) -> web.Response | None:
        pending = self.failures.get(method)
        if not pending:
            return None
        failure = pending[0]
        failure.times -= 1
        if failure.times <= 0:
            pending.pop(0)
        if failure.body is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        return web.Response(status=failure.status, headers=failure.headers, text="error")

    def _check(self, method: str, args: JSONDict) -> None:
        for check in self.checks:
            try:
                check(method, args)
            except Exception as exc:
                self.validation_errors.append(f"{method}: {exc!r}")

    # HTTP plumbing ----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        method_name = request.match_info["method"]
        args = await self._read_arguments(request)
        token = self._token(request, args)
        call = Call(method_name, _decoded(args), token or None)
        self.calls.append(call)
        self._check(method_name, call.params)
        for hook in self.hooks:
            hook(call)
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._failure(method_name)
        if failure is not None:
            return failure
        try:
            if method_name == "apps.connections.open" and self.socket_mode:
                # Socket Mode: only an app-level token opens a connection.
                if not token.startswith("xapp-"):
                    raise SlackApiError("not_allowed_token_type")
                return web.json_response({"ok": True, "url": self._socket_url()})
            method = self.methods.get(method_name)
            if method is None:
                raise SlackApiError("unknown_method")
            if method_name != "api.test":
                self._authenticate(token)
            result = await method(args)
            body: JSONDict = {"ok": True, **result}
        except SlackApiError as exc:
            body = {"ok": False, "error": exc.code}
            if exc.messages:
                body["response_metadata"] = {"messages": exc.messages}
            if exc.code in _MALFORMED:
                self.validation_errors.append(f"{method_name}: {exc.code} {exc.messages}")
        return web.json_response(body)

    async def _read_arguments(self, request: web.Request) -> JSONDict:
        args: JSONDict = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    parsed = await request.json()
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    args.update(parsed)
            else:
                form = await request.post()
                args.update({key: value for key, value in form.items() if isinstance(value, str)})
        return args

    @staticmethod
    def _token(request: web.Request, args: JSONDict) -> str:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        return token or str(args.get("token") or "")

    def _authenticate(self, token: str) -> None:
        if not token:
            raise SlackApiError("not_authed")
        if token != self.workspace.identity.bot_token:
            raise SlackApiError("invalid_auth")

    def _channel(self, args: JSONDict, key: str = "channel") -> str:
        value = args.get(key)
        if not value:
            raise SlackApiError("channel_not_found")
        channel = self.workspace.resolve_channel(str(value))
        if channel is None:
            raise SlackApiError("channel_not_found")
        return channel

    def _blocks(self, args: JSONDict, *, limit: int) -> list[JSONDict] | None:
        if "blocks" not in args or args["blocks"] in (None, ""):
            return None
        blocks = _json_argument(args["blocks"], error="invalid_blocks_format")
        errors = block_kit.block_errors(blocks, limit=limit)
        if errors:
            raise SlackApiError("invalid_blocks", *errors)
        return list(blocks)

    def _attachments(self, args: JSONDict) -> list[JSONDict] | None:
        if "attachments" not in args or args["attachments"] in (None, ""):
            return None
        attachments = _json_argument(args["attachments"], error="invalid_attachments")
        if not isinstance(attachments, list):
            raise SlackApiError("invalid_attachments")
        return attachments

    def _metadata(self, args: JSONDict) -> JSONDict | None:
        if not args.get("metadata"):
            return None
        metadata = _json_argument(args["metadata"], error="invalid_metadata_format")
        if not isinstance(metadata, dict) or not metadata.get("event_type"):
            raise SlackApiError("invalid_metadata_schema")
        return {
            "event_type": str(metadata["event_type"]),
            "event_payload": metadata.get("event_payload", {}),
        }

    def _text(self, args: JSONDict) -> str:
        text = str(args.get("text") or "")
        if len(text) > block_kit.MESSAGE_TEXT_LIMIT:
            raise SlackApiError("msg_too_long")
        return text

    def _message(self, args: JSONDict, channel: str, ts_key: str) -> JSONDict:
        ts = str(args.get(ts_key) or "")
        if not ts:
            raise SlackApiError("message_not_found")
        message = self.workspace.find_message(channel, ts)
        if message is None:
            raise SlackApiError("message_not_found")
        return message

    def _echo(self, channel: str, message: JSONDict, subtype_event: JSONDict | None = None) -> None:
        if not self.echo_bot_messages:
            return
        event = subtype_event or {**message}
        event.update({"channel": channel, "event_ts": event.get("ts"), "channel_type": "im"})
        self.sender.send_event(self.requests.event(event))

    @staticmethod
    def _public(message: JSONDict, *, with_metadata: bool = True) -> JSONDict:
        shown = {key: value for key, value in message.items() if key != "channel"}
        if not with_metadata:
            shown.pop("metadata", None)
        return shown

    # auth, people, team -----------------------------------------------------------------

    async def api_test(self, args: JSONDict) -> JSONDict:
        return {"args": {key: value for key, value in args.items() if key != "token"}}

    async def auth_test(self, args: JSONDict) -> JSONDict:
        ident = self.workspace.identity
        return {
            "url": self.workspace.base_url + "/",
            "team": ident.team_name,
            "user": ident.bot_user_name,
            "team_id": ident.team_id,
            "user_id": ident.bot_user_id,
            "bot_id": ident.bot_id,
            "is_enterprise_install": False,
        }

    async def users_info(self, args: JSONDict) -> JSONDict:
        user = self.workspace.user_object(str(args.get("user") or ""))
        if user is None:
            raise SlackApiError("user_not_found")
        return {"user": user}

    async def bots_info(self, args: JSONDict) -> JSONDict:
        ident = self.workspace.identity
        if args.get("bot") not in (None, "", ident.bot_id):
            raise SlackApiError("bot_not_found")
        profile = self.workspace.bot_profile()
        return {"bot": {**profile, "user_id": ident.bot_user_id}}

    async def team_info(self, args: JSONDict) -> JSONDict:
        ident = self.workspace.identity
        return {
            "team": {
                "id": ident.team_id,
                "name": ident.team_name,
                "domain": ident.team_domain,
                "email_domain": "",
                "icon": {"image_default": True},
            }
        }

    # conversations ----------------------------------------------------------------------

    async def conversations_open(self, args: JSONDict) -> JSONDict:
        ident = self.workspace.identity
        if args.get("channel"):
            return {"no_op": True, "already_open": True, "channel": {"id": self._channel(args)}}
        users = [user.strip() for user in str(args.get("users") or "").split(",") if user.strip()]
        if not users:
            raise SlackApiError("users_list_not_supplied")
        others = [user for user in users if user != ident.bot_user_id]
        if any(self.workspace.user_object(user) is None for user in users):
            raise SlackApiError("user_not_found")
        if len(others) != 1 or (others[0] != ident.person_id and not self.workspace.everyone):
            # Only DMs between the app and one person exist in the sandbox.
            raise SlackApiError("not_enough_users" if not others else "too_many_users")
        dm = self.workspace.resolve_channel(others[0]) or ident.dm_channel_id
        channel: JSONDict = {"id": dm}
        if _truthy(args.get("return_im")):
            channel = (await self.conversations_info({"channel": dm}))["channel"]
        return {"no_op": True, "already_open": True, "channel": channel}

    async def conversations_info(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        return {
            "channel": {
                "id": channel,
                "created": 0,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": self.workspace.identity.team_id,
                "user": self.workspace.identity.person_id,
                "is_user_deleted": False,
                "priority": 0,
            }
        }

    async def conversations_history(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        messages = self.workspace.top_level(channel)
        return self._page(args, messages, newest_first=True, default_limit=100)

    async def conversations_replies(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        ts = str(args.get("ts") or "")
        if not ts:
            raise _missing("ts")
        parent_ts = self.workspace.thread_parent_ts(channel, ts)
        if parent_ts is None or (
            self.workspace.find_message(channel, parent_ts) is None and not self.workspace.everyone
        ):
            raise SlackApiError("thread_not_found")
        messages = self.workspace.replies(channel, parent_ts)
        return self._page(args, messages, newest_first=False, default_limit=1000)

    def _page(
        self, args: JSONDict, messages: list[JSONDict], *, newest_first: bool, default_limit: int
    ) -> JSONDict:
        inclusive = _truthy(args.get("inclusive"))
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")

        def in_range(message: JSONDict) -> bool:
            ts = float(message["ts"])
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        selected = [message for message in messages if in_range(message)]
        if args.get("cursor"):
            start_ts = _decode_cursor(str(args["cursor"]))
            positions = [
                index for index, message in enumerate(selected) if message["ts"] == start_ts
            ]
            selected = selected[positions[0] :] if positions else []
        limit = _limit(args, default_limit, 1000)
        page, rest = selected[:limit], selected[limit:]
        with_metadata = _truthy(args.get("include_all_metadata"))
        result: JSONDict = {
            "messages": [self._public(message, with_metadata=with_metadata) for message in page],
            "has_more": bool(rest),
            "response_metadata": {"next_cursor": _encode_cursor(rest[0]["ts"]) if rest else ""},
        }
        if newest_first:
            result["pin_count"] = 0
        return result

    # chat -------------------------------------------------------------------------------

    async def chat_post_message(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        text = self._text(args)
        blocks = self._blocks(args, limit=block_kit.MESSAGE_BLOCK_LIMIT)
        attachments = self._attachments(args)
        if not text and not blocks and not attachments:
            raise SlackApiError("no_text")
        metadata = self._metadata(args)
        thread_ts = None
        if args.get("thread_ts"):
            thread_ts = self.workspace.thread_parent_ts(channel, str(args["thread_ts"]))
            if thread_ts is None:
                raise SlackApiError("invalid_thread_ts")
        message = self.workspace.post_message(
            channel,
            user=self.workspace.identity.bot_user_id,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=metadata,
            attachments=attachments,
        )
        self._echo(channel, message)
        return {"channel": channel, "ts": message["ts"], "message": self._public(message)}

    async def chat_post_ephemeral(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        user = str(args.get("user") or "")
        if not user:
            raise _missing("user")
        if user != self.workspace.identity.person_id and not self.workspace.everyone:
            raise SlackApiError("user_not_in_channel")
        text = self._text(args)
        blocks = self._blocks(args, limit=block_kit.MESSAGE_BLOCK_LIMIT)
        if not text and not blocks:
            raise SlackApiError("no_text")
        thread_ts = None
        if args.get("thread_ts"):
            thread_ts = self.workspace.thread_parent_ts(channel, str(args["thread_ts"]))
        ephemeral = self.workspace.post_ephemeral(
            channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts
        )
        return {"message_ts": ephemeral["ts"]}

    async def chat_update(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._message(args, channel, "ts")
        if message.get("user") != self.workspace.identity.bot_user_id:
            raise SlackApiError("cant_update_message")
        text = self._text(args) if "text" in args else None
        blocks = self._blocks(args, limit=block_kit.MESSAGE_BLOCK_LIMIT)
        if "blocks" in args and blocks is None:
            blocks = []
        attachments = self._attachments(args)
        if not text and blocks is None and attachments is None:
            raise SlackApiError("no_text")
        previous, updated = self.workspace.update_message(
            channel,
            message["ts"],
            editor=self.workspace.identity.bot_user_id,
            text=text,
            blocks=blocks,
            attachments=attachments,
            metadata=self._metadata(args),
        )
        self._echo(
            channel,
            updated,
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "message": self._public(updated),
                "previous_message": self._public(previous),
                "ts": self.workspace.next_ts(),
            },
        )
        return {
            "channel": channel,
            "ts": updated["ts"],
            "text": updated["text"],
            "message": self._public(updated),
        }

    async def chat_delete(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._message(args, channel, "ts")
        if message.get("user") != self.workspace.identity.bot_user_id:
            raise SlackApiError("cant_delete_message")
        deleted = self.workspace.delete_message(channel, message["ts"])
        self._echo(
            channel,
            deleted,
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "deleted_ts": deleted["ts"],
                "previous_message": self._public(deleted),
                "ts": self.workspace.next_ts(),
            },
        )
        return {"channel": channel, "ts": deleted["ts"]}

    async def chat_get_permalink(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._message(args, channel, "message_ts")
        return {"channel": channel, "permalink": self.workspace.permalink(channel, message["ts"])}

    async def reactions_add(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._message(args, channel, "timestamp")
        name = str(args.get("name") or "").strip(":")
        if not name:
            raise SlackApiError("invalid_name")
        added = self.workspace.add_reaction(
            channel, message["ts"], name, self.workspace.identity.bot_user_id
        )
        if not added:
            raise SlackApiError("already_reacted")
        return {}

    async def reactions_remove(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._message(args, channel, "timestamp")
        name = str(args.get("name") or "").strip(":")
        removed = self.workspace.remove_reaction(
            channel, message["ts"], name, self.workspace.identity.bot_user_id
        )
        if not removed:
            raise SlackApiError("no_reaction")
        return {}

    # views ------------------------------------------------------------------------------

    def _view(self, args: JSONDict, *, expected_type: str | None) -> JSONDict:
        if not args.get("view"):
            raise _missing("view")
        view = _json_argument(args["view"], error="invalid_arguments")
        errors = block_kit.view_errors(view)
        if expected_type and isinstance(view, dict) and view.get("type") != expected_type:
            errors.insert(0, f"[ERROR] must be {expected_type} [json-pointer:/view/type]")
        if errors:
            raise SlackApiError("invalid_arguments", *errors)
        return dict(view)

    def _spend_trigger(self, args: JSONDict) -> None:
        trigger_id = str(args.get("trigger_id") or "")
        if not trigger_id:
            raise _missing("trigger_id")
        try:
            self.workspace.use_trigger(trigger_id)
        except TriggerError as exc:
            raise SlackApiError(str(exc)) from exc

    async def views_publish(self, args: JSONDict) -> JSONDict:
        user_id = str(args.get("user_id") or "")
        if not user_id:
            raise _missing("user_id")
        view = self._view(args, expected_type="home")
        if self.workspace.user_object(user_id) is None:
            raise SlackApiError("user_not_found")
        existing = self.workspace.home_views.get(user_id)
        if args.get("hash") and existing is not None and args["hash"] != existing["hash"]:
            raise SlackApiError("hash_conflict")
        stored = self.workspace.publish_home(user_id, view)
        return {"view": self.workspace.view_with_state(stored)}

    async def views_open(self, args: JSONDict) -> JSONDict:
        view = self._view(args, expected_type="modal")
        self._spend_trigger(args)
        stored = self.workspace.open_modal(view)
        return {"view": self.workspace.view_with_state(stored)}

    async def views_push(self, args: JSONDict) -> JSONDict:
        view = self._view(args, expected_type="modal")
        self._spend_trigger(args)
        if not self.workspace.modal_stack:
            raise SlackApiError("not_found")
        if len(self.workspace.modal_stack) >= 3:
            raise SlackApiError("push_limit_reached")
        stored = self.workspace.push_modal(view)
        return {"view": self.workspace.view_with_state(stored)}

    async def views_update(self, args: JSONDict) -> JSONDict:
        view_id = str(args.get("view_id") or "") or None
        external_id = str(args.get("external_id") or "") or None
        if not view_id and not external_id:
            raise _missing("view_id")
        view = self._view(args, expected_type=None)
        existing = self.workspace.find_view(view_id=view_id, external_id=external_id)
        if existing is None:
            raise SlackApiError("not_found")
        if view.get("type") != existing["type"]:
            raise SlackApiError(
                "invalid_arguments", f"[ERROR] must be {existing['type']} [json-pointer:/view/type]"
            )
        if args.get("hash") and args["hash"] != existing["hash"]:
            raise SlackApiError("hash_conflict")
        stored = self.workspace.update_view(existing, view)
        return {"view": self.workspace.view_with_state(stored)}

    # files ------------------------------------------------------------------------------

    async def files_info(self, args: JSONDict) -> JSONDict:
        stored = self.workspace.files.get(str(args.get("file") or ""))
        if stored is None:
            raise SlackApiError("file_not_found")
        return {
            "file": stored.info,
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

    async def download_file(self, request: web.Request) -> web.StreamResponse:
        """`url_private(_download)`: the bytes for the bot token, a sign-in page otherwise."""
        self._note_file_request(request)
        file_id, name = request.match_info["file_id"], request.match_info["name"]
        stored = self.workspace.files.get(file_id)
        if stored is None or name != stored.info["name"]:
            return web.Response(status=404, text="File not found")
        header = request.headers.get("Authorization", "")
        if header != f"Bearer {self.workspace.identity.bot_token}":
            # Slack answers an unauthenticated download with its sign-in page, status 200.
            return web.Response(text=LOGIN_PAGE, content_type="text/html")
        redirect = stored.hosting.redirect
        if redirect == "same-origin" and "hop" not in request.query:
            raise web.HTTPFound(f"{request.path}?hop=1")
        if redirect == "cross-origin" and self.foreign_base_url:
            raise web.HTTPFound(f"{self.foreign_base_url}/cdn/{file_id}/{name}")
        disposition = "attachment" if request.path.rsplit("/", 2)[-2] == "download" else "inline"
        return await self._send_file(request, stored, disposition)

    async def download_unsigned(self, request: web.Request) -> web.StreamResponse:
        """Another origin's copy, served to anyone (a signed CDN URL): a bot must not go
        there, since following the redirect would carry its token to another host."""
        self._note_file_request(request)
        stored = self.workspace.files.get(request.match_info["file_id"])
        if stored is None:
            return web.Response(status=404, text="File not found")
        return await self._send_file(request, stored, "inline")

    def _note_file_request(self, request: web.Request) -> None:
        self.file_requests.append(
            {"path": request.path, "authorization": request.headers.get("Authorization")}
        )

    @staticmethod
    async def _send_file(
        request: web.Request, stored: StoredFile, disposition: str
    ) -> web.StreamResponse:
        """In pieces with pauses, as Slack's file host sends over TLS: a bot must read to
        the end, and `Hosting` can make it slower, chunked, or cut off part way."""
        hosting = stored.hosting
        response = web.StreamResponse(
            headers={
                "Content-Type": stored.info["mimetype"],
                "Content-Disposition": f'{disposition}; filename="{stored.info["name"]}"',
            }
        )
        if hosting.content_length:
            response.content_length = len(stored.content)
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        try:
            for size in itertools.cycle(hosting.pieces):
                if sent >= len(stored.content):
                    break
                if hosting.cut_after is not None and sent >= hosting.cut_after:
                    if request.transport is not None:
                        request.transport.close()
                    return response
                if sent:
                    await asyncio.sleep(hosting.pause)
                await response.write(stored.content[sent : sent + size])
                sent += size
            await response.write_eof()
        except ConnectionResetError:
            pass  # the bot stopped reading (too large, too slow); nothing more to send
        return response

    # Socket Mode ------------------------------------------------------------------------

    def _socket_url(self) -> str:
        return self.workspace.base_url.replace("http", "ws", 1) + "/socket"

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then collect the app's acks of the envelopes pushed."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self._socket_open.set()
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": self.workspace.identity.app_id},
            }
        )
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                await self.socket_acks.put(json.loads(message.data))
        return ws

    async def push_envelope(self, envelope: JSONDict) -> JSONDict:
        """Sends a Socket Mode envelope to the connected app and waits for its ack."""
        async with asyncio.timeout(SOCKET_WAIT_SECONDS):
            await self._socket_open.wait()
            await self.sockets[-1].send_json(envelope)
            while True:
                ack = await self.socket_acks.get()
                if ack.get("envelope_id") == envelope["envelope_id"]:
                    return ack

    # response_url -----------------------------------------------------------------------

    async def respond(self, request: web.Request) -> web.Response:
        """A post to a `response_url` from a slash command or an interaction."""
        token = request.match_info["token"]
        target = self.workspace.response_targets.get(token)
        if target is None and self.workspace.everyone:
            # A response_url a test made up: kept, as where it points was never seen.
            target = ResponseTarget(channel="", user="", thread_ts=None, original=None)
            self.workspace.response_targets[token] = target
        if target is None or target.uses >= RESPONSE_URL_USES:
            return web.json_response({"ok": False, "error": "expired_url"}, status=404)
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        self.responses.append({"rid": token, **body})
        self._check("response_url", body)
        try:
            if target.channel:
                self._apply_response(target, body)
            else:
                self._text(body)
                self._blocks(body, limit=block_kit.MESSAGE_BLOCK_LIMIT)
        except SlackApiError as exc:
            if exc.code in _MALFORMED:
                self.validation_errors.append(f"response_url: {exc.code} {exc.messages}")
            return web.json_response({"ok": False, "error": exc.code}, status=400)
        target.uses += 1
        return web.json_response({"ok": True})

    def _apply_response(self, target: ResponseTarget, body: JSONDict) -> None:
        workspace = self.workspace
        text = self._text(body)
        blocks = self._blocks(body, limit=block_kit.MESSAGE_BLOCK_LIMIT)
        original = target.original
        if _truthy(body.get("delete_original")):
            if original is None:
                raise SlackApiError("no_original_message")
            self._delete_original(original, target.channel)
            return
        if _truthy(body.get("replace_original")) and original is not None:
            if not text and not blocks:
                raise SlackApiError("no_text")
            kind, key = original
            if kind == "ephemeral":
                if key in workspace.ephemerals:
                    workspace.replace_ephemeral(key, text=text, blocks=blocks)
                return
            if workspace.find_message(target.channel, key) is None:
                raise SlackApiError("message_not_found")
            previous, updated = workspace.update_message(
                target.channel,
                key,
                editor=workspace.identity.bot_user_id,
                text=text,
                blocks=blocks if blocks is not None else [],
            )
            self._echo(
                target.channel,
                updated,
                {
                    "type": "message",
                    "subtype": "message_changed",
                    "hidden": True,
                    "message": self._public(updated),
                    "previous_message": self._public(previous),
                    "ts": workspace.next_ts(),
                },
            )
            return
        if not text and not blocks:
            raise SlackApiError("no_text")
        thread_ts = body.get("thread_ts") or target.thread_ts
        if body.get("response_type") == "in_channel":
            message = workspace.post_message(
                target.channel,
                user=workspace.identity.bot_user_id,
                text=text,
                blocks=blocks,
                thread_ts=workspace.thread_parent_ts(target.channel, thread_ts)
                if thread_ts
                else None,
            )
            self._echo(target.channel, message)
        else:
            workspace.post_ephemeral(
                target.channel,
                user=target.user,
                text=text,
                blocks=blocks,
                thread_ts=str(thread_ts) if thread_ts else None,
            )

    def _delete_original(self, original: tuple[str, str], channel: str) -> None:
        kind, key = original
        if kind == "ephemeral":
            self.workspace.delete_ephemeral(key)
        elif self.workspace.find_message(channel, key) is not None:
            self.workspace.delete_message(channel, key)


def add_web_api_routes(app: web.Application, api: SlackWebApi) -> None:
    """Mounts the Web API, file downloads and response_urls on the sandbox app."""
    app.router.add_route("*", "/api/{method}", api.handle)
    app.router.add_get(
        "/files-pri/{team:T[A-Z0-9]+}-{file_id:F[A-Z0-9]+}/{name}", api.download_file
    )
    app.router.add_get(
        "/files-pri/{team:T[A-Z0-9]+}-{file_id:F[A-Z0-9]+}/download/{name}", api.download_file
    )
    app.router.add_post("/hooks/{team}/{token}", api.respond)


def add_double_routes(app: web.Application, api: SlackWebApi) -> None:
    """What only the Slack double serves: another origin's unsigned file copies (for
    cross-origin redirects) and a Socket Mode connection; never the page's sandbox."""
    app.router.add_get("/cdn/{file_id}/{name}", api.download_unsigned)
    app.router.add_get("/socket", api.socket)
    api.socket_mode = True
