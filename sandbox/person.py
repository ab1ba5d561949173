"""What the person in the browser does, turned into what Slack would send the bot.

Typing a message, running a slash command, sharing a snippet, clicking a button,
choosing from a select, opening the Home tab, submitting or closing a modal: each
updates the workspace the way Slack's client would, then delivers Slack's request.
"""

from __future__ import annotations

import mimetypes
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sandbox import block_kit
from sandbox.bot_requests import BotAnswer, BotRequest, BotRequests, BotSender
from sandbox.workspace import JSONDict, ResponseTarget, Workspace

SLASH_COMMANDS = ("/start-interview",)

# filetype -> (pretty_type, extension), as Slack names its snippet languages.
SNIPPET_TYPES: dict[str, tuple[str, str]] = {
    "text": ("Plain Text", "txt"),
    "python": ("Python", "py"),
    "javascript": ("JavaScript", "js"),
    "typescript": ("TypeScript", "ts"),
    "java": ("Java", "java"),
    "go": ("Go", "go"),
    "c": ("C", "c"),
    "cpp": ("C++", "cpp"),
    "csharp": ("C#", "cs"),
    "rust": ("Rust", "rs"),
    "ruby": ("Ruby", "rb"),
    "kotlin": ("Kotlin", "kt"),
    "swift": ("Swift", "swift"),
    "php": ("PHP", "php"),
    "scala": ("Scala", "scala"),
    "sql": ("SQL", "sql"),
    "shell": ("Shell", "sh"),
    "json": ("JSON", "json"),
    "yaml": ("YAML", "yaml"),
    "markdown": ("Markdown (raw)", "md"),
}
_EXTENSION_TYPES = {extension: filetype for filetype, (_, extension) in SNIPPET_TYPES.items()}
_EXTENSION_TYPES.update(
    {
        "h": "c",
        "hpp": "cpp",
        "cc": "cpp",
        "jsx": "javascript",
        "tsx": "typescript",
        "yml": "yaml",
        "bash": "shell",
    }
)
_URL = re.compile(r"https?://[^\s<>]+")
_FENCE = re.compile(r"```\n?(.*?)```", re.DOTALL)


class PersonError(Exception):
    """Something the page asked for that the workspace cannot do."""


def slack_escape(text: str) -> str:
    """Escapes text as Slack's client does before sending it: &, < and >, then links."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _URL.sub(lambda match: f"<{match.group(0)}>", escaped)


def rich_text_blocks(text: str) -> list[JSONDict]:
    """The `rich_text` block Slack's composer attaches to a typed message."""
    elements: list[JSONDict] = []
    position = 0
    for match in _FENCE.finditer(text):
        if match.start() > position:
            elements.append(_rich_section(text[position : match.start()]))
        elements.append(
            {
                "type": "rich_text_preformatted",
                "elements": [{"type": "text", "text": match.group(1).rstrip("\n")}],
                "border": 0,
            }
        )
        position = match.end()
    if position < len(text):
        elements.append(_rich_section(text[position:]))
    return [{"type": "rich_text", "block_id": block_kit.random_block_id(), "elements": elements}]


def _rich_section(text: str) -> JSONDict:
    parts: list[JSONDict] = []
    for index, chunk in enumerate(re.split(r"`([^`\n]+)`", text)):
        if not chunk:
            continue
        if index % 2:
            parts.append({"type": "text", "text": chunk, "style": {"code": True}})
            continue
        position = 0
        for url in _URL.finditer(chunk):
            if url.start() > position:
                parts.append({"type": "text", "text": chunk[position : url.start()]})
            parts.append({"type": "link", "url": url.group(0)})
            position = url.end()
        if position < len(chunk):
            parts.append({"type": "text", "text": chunk[position:]})
    return {"type": "rich_text_section", "elements": parts}


@dataclass(frozen=True)
class Container:
    """Where an interactive element sits: a message, an ephemeral message or a view."""

    kind: str  # "message", "ephemeral" or "view"
    key: str  # message ts, ephemeral id or view id

    @property
    def state_key(self) -> str:
        return self.kind + ":" + self.key


class Person:
    """The one person of the sandbox workspace, acting through the page."""

    def __init__(self, workspace: Workspace, sender: BotSender) -> None:
        self.workspace = workspace
        self.sender = sender
        self.requests = BotRequests(workspace.identity)

    @property
    def _dm(self) -> str:
        return self.workspace.identity.dm_channel_id

    def notice(self, text: str) -> None:
        """A message from Slack itself, shown as an ephemeral from Slackbot."""
        self.workspace.post_ephemeral(
            self._dm,
            user=self.workspace.identity.person_id,
            text=text,
            blocks=None,
            thread_ts=None,
            from_bot=False,
        )

    def _thread(self, thread_ts: str | None) -> str | None:
        if not thread_ts:
            return None
        parent = self.workspace.thread_parent_ts(self._dm, thread_ts)
        if parent is None:
            raise PersonError("That thread no longer exists.")
        return parent

    # messages -----------------------------------------------------------------------

    async def send_message(self, text: str, *, thread_ts: str | None = None) -> None:
        """Sends what the person typed: a slash command or a message in the DM."""
        text = text.strip()
        if not text:
            return
        if text.startswith("/"):
            await self.run_command(text)
            return
        message = self.workspace.post_message(
            self._dm,
            user=self.workspace.identity.person_id,
            text=slack_escape(text),
            blocks=rich_text_blocks(text),
            thread_ts=self._thread(thread_ts),
            extra={"client_msg_id": str(uuid.uuid4())},
        )
        self._send_message_event(message)

    def _send_message_event(self, message: JSONDict) -> None:
        event = {**message, "channel": self._dm, "event_ts": message["ts"], "channel_type": "im"}
        self.sender.send_event(self.requests.event(event))

    async def create_snippet(
        self,
        *,
        title: str,
        filetype: str,
        content: str,
        comment: str = "",
        thread_ts: str | None = None,
    ) -> JSONDict:
        """Shares a text snippet, as Slack's "Create a text snippet" does."""
        if filetype not in SNIPPET_TYPES:
            raise PersonError(f"Unknown snippet type {filetype!r}.")
        pretty_type, extension = SNIPPET_TYPES[filetype]
        title = title.strip()
        name = title if "." in title else f"{title or 'Untitled'}.{extension}"
        file_info = self.workspace.add_file(
            user=self.workspace.identity.person_id,
            name=name.replace("/", "_"),
            title=title or "Untitled",
            filetype=filetype,
            pretty_type=pretty_type,
            mimetype="text/plain",
            mode="snippet",
            content=content.encode("utf-8"),
        )
        return self._share_file(file_info, comment=comment, thread_ts=thread_ts)

    async def upload_file(
        self,
        *,
        name: str,
        content: bytes,
        content_type: str | None,
        comment: str = "",
        thread_ts: str | None = None,
    ) -> JSONDict:
        """Shares an uploaded file, as dragging one into Slack does."""
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        filetype = _EXTENSION_TYPES.get(extension, "binary" if extension else "text")
        pretty_type = SNIPPET_TYPES.get(filetype, ("Binary", ""))[0]
        mimetype = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        file_info = self.workspace.add_file(
            user=self.workspace.identity.person_id,
            name=name.replace("/", "_") or "upload",
            title=name,
            filetype=filetype,
            pretty_type=pretty_type,
            mimetype=mimetype,
            mode="hosted",
            content=content,
        )
        return self._share_file(file_info, comment=comment, thread_ts=thread_ts)

    def _share_file(self, file_info: JSONDict, *, comment: str, thread_ts: str | None) -> JSONDict:
        extra: JSONDict = {"client_msg_id": str(uuid.uuid4())} if comment else {}
        message = self.workspace.post_message(
            self._dm,
            user=self.workspace.identity.person_id,
            text=slack_escape(comment),
            blocks=rich_text_blocks(comment) if comment else None,
            files=[file_info],
            subtype="file_share",
            thread_ts=self._thread(thread_ts),
            extra=extra,
        )
        self._send_message_event(message)
        return message

    def dismiss_ephemeral(self, ephemeral_id: str) -> None:
        self.workspace.delete_ephemeral(ephemeral_id)

    # slash commands -------------------------------------------------------------------

    async def run_command(self, text: str) -> BotAnswer | None:
        """Runs a slash command and shows the bot's acknowledgement, as Slack does."""
        ident = self.workspace.identity
        command, _, argument = text.partition(" ")
        if command not in SLASH_COMMANDS:
            self.notice(
                f"`{command}` is not a valid command. In Slack, all messages that start "
                'with the "/" character are interpreted as commands.'
            )
            return None
        response_url = self.workspace.issue_response_url(
            ResponseTarget(channel=self._dm, user=ident.person_id, thread_ts=None, original=None)
        )
        request = self.requests.slash_command(
            text=argument.strip(),
            command=command,
            response_url=response_url,
            trigger_id=self.workspace.issue_trigger(),
        )
        result = await self.sender.send(request)
        if not result.ok:
            self.notice(f'{command} failed with the error "{result.error}"')
            return result
        body = result.json_body()
        if body and (body.get("text") or body.get("blocks")):
            blocks = body.get("blocks")
            if body.get("response_type") == "in_channel":
                self.workspace.post_message(
                    self._dm,
                    user=ident.bot_user_id,
                    text=str(body.get("text") or ""),
                    blocks=blocks,
                )
            else:
                self.workspace.post_ephemeral(
                    self._dm,
                    user=ident.person_id,
                    text=str(body.get("text") or ""),
                    blocks=blocks,
                    thread_ts=None,
                )
        return result

    # interactivity --------------------------------------------------------------------

    def _container_blocks(self, container: Container) -> tuple[list[JSONDict], JSONDict]:
        if container.kind == "message":
            message = self.workspace.find_message(self._dm, container.key)
            if message is None:
                raise PersonError("That message no longer exists.")
            return list(message.get("blocks", [])), message
        if container.kind == "ephemeral":
            ephemeral = self.workspace.ephemerals.get(container.key)
            if ephemeral is None:
                raise PersonError("That message is gone.")
            return list(ephemeral.get("blocks", [])), ephemeral
        view = self.workspace.find_view(view_id=container.key, external_id=None)
        if view is None:
            raise PersonError("That view is closed.")
        return list(view.get("blocks", [])), view

    async def act(
        self, container: Container, *, block_id: str, action_id: str, value: str | None = None
    ) -> BotAnswer:
        """Clicks a button or picks an option; sends Slack's `block_actions` payload."""
        blocks, source = self._container_blocks(container)
        element = block_kit.find_element(blocks, block_id, action_id)
        if element is None:
            raise PersonError("That control is no longer there.")
        action = self._action(container, block_id, element, value)
        result = await self.sender.send(self._block_actions(container, source, action))
        if not result.ok:
            self.workspace.publish(
                {
                    "type": "notice",
                    "text": f"The app did not respond ({result.error}). Try again.",
                }
            )
        return result

    def _action(
        self, container: Container, block_id: str, element: JSONDict, value: str | None
    ) -> JSONDict:
        element_type = str(element.get("type"))
        action: JSONDict = {
            "type": element_type,
            "block_id": block_id,
            "action_id": element["action_id"],
            "action_ts": f"{time.time():.6f}",
        }
        if element_type == "button":
            action["text"] = element.get("text")
            for key in ("value", "style", "url"):
                if key in element:
                    action[key] = element[key]
            return action
        if element_type in ("static_select", "overflow", "radio_buttons"):
            option = block_kit.find_option(element, value or "")
            if option is None:
                raise PersonError("That option is not offered.")
            action["selected_option"] = option
            if "placeholder" in element:
                action["placeholder"] = element["placeholder"]
            if element_type != "overflow":
                values = self.workspace.state_values(container.state_key)
                values.setdefault(block_id, {})[element["action_id"]] = {
                    "type": element_type,
                    "selected_option": option,
                }
            return action
        raise PersonError(f"The sandbox cannot operate a {element_type} element.")

    def _block_actions(
        self, container: Container, source: JSONDict, action: JSONDict
    ) -> BotRequest:
        trigger_id = self.workspace.issue_trigger()
        if container.kind == "view":
            return self.requests.block_actions(
                action,
                container={"type": "view", "view_id": container.key},
                trigger_id=trigger_id,
                view=self.workspace.view_with_state(source),
            )
        thread_ts = source.get("thread_ts") if source.get("thread_ts") != source["ts"] else None
        where: JSONDict = {
            "type": "message",
            "message_ts": source["ts"],
            "channel_id": self._dm,
            "is_ephemeral": container.kind == "ephemeral",
        }
        if thread_ts:
            where["thread_ts"] = thread_ts
        # Slack sends the message itself, except for an ephemeral one.
        message: JSONDict = (
            {"message": {k: v for k, v in source.items() if k != "channel"}}
            if container.kind == "message"
            else {}
        )
        response_url = self.workspace.issue_response_url(
            ResponseTarget(
                channel=self._dm,
                user=self.workspace.identity.person_id,
                thread_ts=thread_ts,
                original=(container.kind, container.key),
            )
        )
        return self.requests.block_actions(
            action,
            container=where,
            trigger_id=trigger_id,
            state=self.workspace.state_values(container.state_key),
            response_url=response_url,
            channel={"id": self._dm, "name": "directmessage"},
            **message,
        )

    # Home tab and modals --------------------------------------------------------------

    def open_tab(self, tab: str) -> None:
        """Opening the app's Home or Messages tab sends `app_home_opened`."""
        home = self.workspace.home_views.get(self.workspace.identity.person_id)
        view = self.workspace.view_with_state(home) if tab == "home" and home else None
        self.sender.send_event(self.requests.home_opened(tab=tab, view=view))

    async def submit_view(self, view_id: str, values: dict[str, dict[str, Any]]) -> BotAnswer:
        """Submits the top modal with the page's input values; applies `response_action`."""
        if not self.workspace.modal_stack or self.workspace.modal_stack[-1]["id"] != view_id:
            raise PersonError("That modal is not open.")
        view = self.workspace.modal_stack[-1]
        state = self.workspace.state_values(f"view:{view_id}")
        for block_id, by_action in values.items():
            for action_id, raw in by_action.items():
                state.setdefault(block_id, {})[action_id] = self._input_value(
                    view, block_id, action_id, raw
                )
        payload = self.requests.payload(
            "view_submission",
            view=self.workspace.view_with_state(view),
            trigger_id=self.workspace.issue_trigger(),
            response_urls=[],
        )
        result = await self.sender.send(self.requests.interaction(payload))
        if not result.ok:
            self.workspace.publish({"type": "notice", "text": "We had some trouble connecting."})
            return result
        self._apply_response_action(view, result.json_body() or {})
        return result

    def _input_value(self, view: JSONDict, block_id: str, action_id: str, raw: Any) -> JSONDict:
        element = block_kit.find_element(view.get("blocks", []), block_id, action_id)
        if element is None:
            raise PersonError("That input is no longer there.")
        element_type = str(element["type"])
        if element_type in ("static_select", "radio_buttons"):
            option = block_kit.find_option(element, str(raw)) if raw else None
            return {"type": element_type, "selected_option": option}
        if element_type == "checkboxes":
            options = [block_kit.find_option(element, str(item)) for item in raw or []]
            return {"type": element_type, "selected_options": [o for o in options if o]}
        return {"type": element_type, "value": str(raw) if raw not in (None, "") else None}

    def _apply_response_action(self, view: JSONDict, body: JSONDict) -> None:
        action = body.get("response_action")
        if action == "errors":
            self.workspace.publish(
                {"type": "view_errors", "view_id": view["id"], "errors": body.get("errors", {})}
            )
        elif action == "update" and isinstance(body.get("view"), dict):
            self.workspace.update_view(view, body["view"])
        elif action == "push" and isinstance(body.get("view"), dict):
            self.workspace.push_modal(body["view"])
        elif action == "clear":
            self.workspace.close_modals(all_views=True)
        else:
            self.workspace.close_modals(all_views=False)

    async def close_view(self, view_id: str) -> None:
        """Closes the top modal; sends `view_closed` when the view asked for it."""
        stack = self.workspace.modal_stack
        if not stack or stack[-1]["id"] != view_id:
            raise PersonError("That modal is not open.")
        view = self.workspace.view_with_state(stack[-1])
        closed = self.workspace.close_modals(all_views=bool(view.get("clear_on_close")))
        if view.get("notify_on_close"):
            payload = self.requests.payload("view_closed", view=view, is_cleared=len(closed) > 1)
            await self.sender.send(self.requests.interaction(payload))
