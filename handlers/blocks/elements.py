"""Block Kit blocks and elements the builders share, each held to Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.blocks.text import (
    ELLIPSIS,
    SECTION_TEXT_LIMIT,
    mrkdwn_text,
    plain_text,
    split_for_sections,
    truncate,
)

Block = dict[str, Any]

VIEW_MAX_BLOCKS = 100
HEADER_TEXT_LIMIT = 150
FIELD_TEXT_LIMIT = 2000
SECTION_MAX_FIELDS = 10
CONTEXT_MAX_ELEMENTS = 10
CONTEXT_TEXT_LIMIT = 2000
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTON_URL_LIMIT = 3000
ID_LIMIT = 255
# Slack refuses a message whose blocks hold more than about 12,000 characters of text in
# total (`msg_blocks_too_long`, not in the docs), whatever the per-block limits allow.
MESSAGE_TEXT_BUDGET = 11_000


def header(text: str) -> Block:
    """A header block; plain text cut to 150 characters."""
    return {"type": "header", "text": plain_text(text, HEADER_TEXT_LIMIT)}


def section(text: str, *, accessory: dict[str, Any] | None = None) -> Block:
    """A section of escaped mrkdwn, cut to 3000 characters."""
    block: Block = {"type": "section", "text": mrkdwn_text(text, SECTION_TEXT_LIMIT)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def sections(text: str, *, max_sections: int, max_chars: int | None = None) -> list[Block]:
    """Escaped mrkdwn spread over up to `max_sections` sections and `max_chars` characters.

    Text that does not fit is cut and ends in "…".
    """
    if max_chars is not None:
        text = truncate(text, max_chars)
    # Leave room for the "…" line in case the text has to be shortened.
    chunks = split_for_sections(text, SECTION_TEXT_LIMIT - len(ELLIPSIS) - 1)
    if len(chunks) > max_sections:
        chunks = chunks[:max_sections]
        chunks[-1] += "\n" + ELLIPSIS
    return [section(chunk) for chunk in chunks]


def fields_section(fields: Sequence[str]) -> Block:
    """A section of up to 10 short mrkdwn fields, shown in two columns."""
    return {
        "type": "section",
        "fields": [mrkdwn_text(f, FIELD_TEXT_LIMIT) for f in fields[:SECTION_MAX_FIELDS]],
    }


def context(*texts: str) -> Block:
    """A context block of up to 10 small mrkdwn elements."""
    return {
        "type": "context",
        "elements": [mrkdwn_text(t, CONTEXT_TEXT_LIMIT) for t in texts[:CONTEXT_MAX_ELEMENTS]],
    }


def divider() -> Block:
    """A divider block."""
    return {"type": "divider"}


def button(
    text: str,
    *,
    action_id: str,
    value: str | None = None,
    url: str | None = None,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button element. Values and URLs are ours, so an oversize one is a bug: it raises."""
    if len(action_id) > ID_LIMIT:
        raise ValueError(f"action_id longer than {ID_LIMIT} characters")
    element: dict[str, Any] = {
        "type": "button",
        "text": plain_text(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
    }
    if value is not None:
        if len(value) > BUTTON_VALUE_LIMIT:
            raise ValueError(f"button value longer than {BUTTON_VALUE_LIMIT} characters")
        element["value"] = value
    if url is not None:
        if len(url) > BUTTON_URL_LIMIT:
            raise ValueError(f"button url longer than {BUTTON_URL_LIMIT} characters")
        element["url"] = url
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm_dialog(*, title: str, text: str, confirm: str, deny: str) -> dict[str, Any]:
    """A confirmation dialog for a button."""
    return {
        "title": plain_text(title, 100),
        "text": plain_text(text, 300),
        "confirm": plain_text(confirm, 30),
        "deny": plain_text(deny, 30),
    }


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    """An actions block of up to 25 interactive elements."""
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = truncate(block_id, ID_LIMIT)
    return block
