"""Checks for Block Kit the builder tests share: what Slack accepts, within its limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from handlers.blocks.elements import MESSAGE_TEXT_BUDGET

HOSTILE = "<!channel> <@U123> <https://evil|x> <!here> & more"
HOSTILE_MARKUP = ("<!channel>", "<@U123>", "<https://evil|x>", "<!here>")


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def text_objects(blocks: list[dict[str, Any]], kind: str) -> list[str]:
    return [d["text"] for d in walk(blocks) if d.get("type") == kind and "text" in d]


def assert_within_limits(blocks: list[dict[str, Any]]) -> None:
    for node in walk(blocks):
        kind = node.get("type")
        if kind in ("plain_text", "mrkdwn"):
            assert isinstance(node["text"], str) and node["text"].strip(), node
        if kind == "header":
            assert node["text"]["type"] == "plain_text"
            assert len(node["text"]["text"]) <= 150
        if kind == "section":
            assert "text" in node or "fields" in node
            if "text" in node:
                assert len(node["text"]["text"]) <= 3000
            assert len(node.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in node.get("fields", []))
        if kind == "context":
            assert 1 <= len(node["elements"]) <= 10
        if kind == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
            assert len(node.get("url", "")) <= 3000
        if kind == "static_select":
            assert 1 <= len(node["options"]) <= 100
        if "action_id" in node:
            assert len(node["action_id"]) <= 255
        if "block_id" in node:
            assert len(node["block_id"]) <= 255


def assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block {block}"
        parsed.validate_json()
        # to_dict() validates every nested element; equality proves no key was dropped as
        # unknown and nothing came back as None.
        assert parsed.to_dict() == block
    assert_within_limits(blocks)


def assert_valid_message(blocks: list[dict[str, Any]]) -> None:
    """Blocks Slack accepts in chat.postMessage / chat.update / chat.postEphemeral."""
    assert 1 <= len(blocks) <= 50
    assert_valid_blocks(blocks)
    total = sum(len(t) for t in text_objects(blocks, "plain_text") + text_objects(blocks, "mrkdwn"))
    assert total <= MESSAGE_TEXT_BUDGET


def assert_valid_view(view: dict[str, Any]) -> None:
    """A view Slack accepts in views.publish / views.open."""
    model = View(**view)
    model.validate_json()
    assert model.to_dict() == view
    assert 1 <= len(view["blocks"]) <= 100
    assert_valid_blocks(view["blocks"])


def assert_no_live_markup(blocks: list[dict[str, Any]]) -> None:
    """Hostile text is escaped wherever Slack parses markup (mrkdwn); plain_text is inert."""
    for text in text_objects(blocks, "mrkdwn"):
        for markup in HOSTILE_MARKUP:
            assert markup not in text


def texts_of(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(text_objects(blocks, "plain_text") + text_objects(blocks, "mrkdwn"))


def elements_of(blocks: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [node for node in walk(blocks) if node.get("type") == kind]
