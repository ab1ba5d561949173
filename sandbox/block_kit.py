"""What Slack checks about Block Kit payloads, and the interactive state it keeps for them.

Slack refuses a message or view whose blocks break its documented limits with
`invalid_blocks` (messages) or `invalid_arguments` (views) and a list of
`[ERROR] … [json-pointer:…]` lines; the sandbox does the same for the limits the
bot can plausibly hit, so a layout that would fail on Slack fails here too.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
MESSAGE_TEXT_LIMIT = 40_000

KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
STATEFUL_ELEMENT_TYPES = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "plain_text_input",
        "number_input",
        "email_text_input",
        "url_text_input",
        "radio_buttons",
        "checkboxes",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "rich_text_input",
    }
)
_ID_ALPHABET = string.ascii_letters + string.digits


def random_block_id() -> str:
    """An id like the ones Slack gives blocks and elements that come without one."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(5))


def with_generated_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies `blocks`, giving ids to blocks and interactive elements that lack them.

    Slack stores every block with a `block_id` and every interactive element with an
    `action_id`, and sends those back in interaction payloads.
    """
    stored: list[dict[str, Any]] = []
    for block in blocks:
        copy = dict(block)
        copy.setdefault("block_id", random_block_id())
        if isinstance(copy.get("elements"), list) and copy.get("type") == "actions":
            copy["elements"] = [_with_action_id(element) for element in copy["elements"]]
        for key in ("accessory", "element"):
            if isinstance(copy.get(key), dict):
                copy[key] = _with_action_id(copy[key])
        stored.append(copy)
    return stored


def _with_action_id(element: dict[str, Any]) -> dict[str, Any]:
    copy = dict(element)
    if copy.get("type") not in {"image", "plain_text", "mrkdwn"}:
        copy.setdefault("action_id", random_block_id())
    return copy


def interactive_elements(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element, in display order."""
    found: list[tuple[str, dict[str, Any]]] = []
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block.get("type") == "actions":
            found.extend((block_id, element) for element in block.get("elements", []))
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, dict) and "action_id" in element:
                found.append((block_id, element))
    return found


def initial_state(blocks: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """The `state.values` Slack reports before the person touches anything.

    Every stateful element appears, holding its initial value (or none).
    """
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block_id, element in interactive_elements(blocks):
        element_type = element.get("type")
        if element_type not in STATEFUL_ELEMENT_TYPES:
            continue
        values.setdefault(block_id, {})[str(element["action_id"])] = _initial_value(element)
    return values


def _initial_value(element: dict[str, Any]) -> dict[str, Any]:
    element_type = str(element["type"])
    if element_type in {"static_select", "external_select", "radio_buttons"}:
        return {"type": element_type, "selected_option": element.get("initial_option")}
    if element_type in {"multi_static_select", "checkboxes"}:
        return {"type": element_type, "selected_options": element.get("initial_options", [])}
    if element_type in {"plain_text_input", "number_input", "email_text_input", "url_text_input"}:
        return {"type": element_type, "value": element.get("initial_value")}
    if element_type == "datepicker":
        return {"type": element_type, "selected_date": element.get("initial_date")}
    if element_type == "timepicker":
        return {"type": element_type, "selected_time": element.get("initial_time")}
    if element_type == "users_select":
        return {"type": element_type, "selected_user": element.get("initial_user")}
    if element_type in {"conversations_select", "channels_select"}:
        key = (
            "selected_conversation"
            if element_type == "conversations_select"
            else ("selected_channel")
        )
        return {"type": element_type, key: None}
    return {"type": element_type}


def find_element(
    blocks: list[dict[str, Any]], block_id: str, action_id: str
) -> dict[str, Any] | None:
    """The interactive element with these ids, if the blocks hold it."""
    for found_block_id, element in interactive_elements(blocks):
        if found_block_id == block_id and element.get("action_id") == action_id:
            return element
    return None


def find_option(element: dict[str, Any], value: str) -> dict[str, Any] | None:
    """The option of a select (plain or grouped) with this value."""
    options: list[dict[str, Any]] = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    for option in options:
        if option.get("value") == value:
            return option
    return None


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"[ERROR] {message} [json-pointer:{pointer}]")

    def text(
        self,
        obj: Any,
        pointer: str,
        *,
        limit: int,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.fail("missing required field: text", pointer)
            return
        if not isinstance(obj, dict):
            self.fail("must be an object", pointer)
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.fail(f"must be one of {', '.join(allowed)}", pointer + "/type")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.fail("must be more than 0 characters", pointer + "/text")
        elif len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer + "/text")

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict):
            self.fail("must be an object", pointer)
            return
        element_type = element.get("type")
        action_id = element.get("action_id")
        if isinstance(action_id, str) and len(action_id) > 255:
            self.fail("must be less than 256 characters", pointer + "/action_id")
        if element_type == "button":
            self.text(element.get("text"), pointer + "/text", limit=75, plain_only=True)
            if len(str(element.get("value", ""))) > 2000:
                self.fail("must be less than 2001 characters", pointer + "/value")
            if len(str(element.get("url", ""))) > 3000:
                self.fail("must be less than 3001 characters", pointer + "/url")
            style = element.get("style")
            if style is not None and style not in ("primary", "danger"):
                self.fail("must be one of primary, danger", pointer + "/style")
        elif element_type in ("static_select", "overflow", "radio_buttons", "checkboxes"):
            self.options(element, pointer)

    def options(self, element: dict[str, Any], pointer: str) -> None:
        options = element.get("options")
        groups = element.get("option_groups")
        if options is None and groups is None:
            self.fail("must provide either options or option_groups", pointer)
            return
        all_options: list[dict[str, Any]] = list(options or [])
        for group in groups or []:
            all_options.extend(group.get("options", []))
        limit = 5 if element.get("type") == "overflow" else 100
        if options is not None and len(options) > limit:
            self.fail(f"no more than {limit} items allowed", pointer + "/options")
        for index, option in enumerate(all_options):
            self.text(option.get("text"), f"{pointer}/options/{index}/text", limit=75)
            if len(str(option.get("value", ""))) > 150:
                self.fail("must be less than 151 characters", f"{pointer}/options/{index}/value")
        initial = element.get("initial_option")
        if initial is not None and initial not in all_options:
            self.fail("must match one of the provided options", pointer + "/initial_option")

    def block(self, block: Any, pointer: str, seen_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.fail("must be an object", pointer)
            return
        block_type = block.get("type")
        if block_type not in KNOWN_BLOCK_TYPES:
            self.fail(f"unsupported type: {block_type}", pointer + "/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            if len(str(block_id)) > 255:
                self.fail("must be less than 256 characters", pointer + "/block_id")
            if block_id in seen_ids:
                self.fail("duplicate block_id", pointer + "/block_id")
            seen_ids.add(str(block_id))
        if block_type == "header":
            self.text(block.get("text"), pointer + "/text", limit=150, plain_only=True)
        elif block_type == "section":
            self.section(block, pointer)
        elif block_type == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                self.fail("must have between 1 and 10 items", pointer + "/elements")
            else:
                for index, element in enumerate(elements):
                    if isinstance(element, dict) and element.get("type") != "image":
                        self.text(element, f"{pointer}/elements/{index}", limit=3000)
        elif block_type == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                self.fail("must have between 1 and 25 items", pointer + "/elements")
            else:
                for index, element in enumerate(elements):
                    self.element(element, f"{pointer}/elements/{index}")
        elif block_type == "input":
            self.text(block.get("label"), pointer + "/label", limit=2000, plain_only=True)
            self.element(block.get("element"), pointer + "/element")

    def section(self, block: dict[str, Any], pointer: str) -> None:
        text = block.get("text")
        fields = block.get("fields")
        if text is None and not fields:
            self.fail("must provide either text or fields", pointer)
        if text is not None:
            self.text(text, pointer + "/text", limit=3000)
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > 10:
                self.fail("no more than 10 items allowed", pointer + "/fields")
            else:
                for index, field in enumerate(fields):
                    self.text(field, f"{pointer}/fields/{index}", limit=2000)
        if block.get("accessory") is not None:
            self.element(block["accessory"], pointer + "/accessory")


def block_errors(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Slack's `[ERROR] …` lines for these blocks; empty when Slack would accept them."""
    checker = _Checker()
    if not isinstance(blocks, list):
        checker.fail("must be an array", pointer)
        return checker.errors
    if len(blocks) > limit:
        checker.fail(f"no more than {limit} items allowed", pointer)
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        checker.block(block, f"{pointer}/{index}", seen_ids)
    return checker.errors


def view_errors(view: Any) -> list[str]:
    """Slack's `[ERROR] …` lines for a Home tab or modal view."""
    checker = _Checker()
    if not isinstance(view, dict):
        checker.fail("must be an object", "/view")
        return checker.errors
    view_type = view.get("type")
    if view_type not in ("home", "modal"):
        checker.fail("must be one of home, modal", "/view/type")
    if view_type == "modal":
        checker.text(view.get("title"), "/view/title", limit=24, plain_only=True)
        checker.text(view.get("close"), "/view/close", limit=24, plain_only=True, required=False)
        checker.text(view.get("submit"), "/view/submit", limit=24, plain_only=True, required=False)
        has_inputs = any(
            isinstance(block, dict) and block.get("type") == "input"
            for block in view.get("blocks", [])
        )
        if has_inputs and view.get("submit") is None:
            checker.fail("submit is required when an input block is present", "/view/submit")
    if len(str(view.get("private_metadata", ""))) > 3000:
        checker.fail("must be less than 3001 characters", "/view/private_metadata")
    if len(str(view.get("callback_id", ""))) > 255:
        checker.fail("must be less than 256 characters", "/view/callback_id")
    return checker.errors + block_errors(
        view.get("blocks"), limit=VIEW_BLOCK_LIMIT, pointer="/view/blocks"
    )
