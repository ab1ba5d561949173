"""Validate what the bot sends with slack_sdk's own Block Kit models."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def assert_valid_blocks(blocks: list[dict[str, Any]], *, limit: int = 50) -> None:
    assert isinstance(blocks, list) and 0 < len(blocks) <= limit, f"{len(blocks)} blocks"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"unknown block type {raw.get('type')}"
        assert type(block) is not Block, f"unknown block type {raw.get('type')}"
        block.validate_json()


def assert_valid_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    assert_valid_blocks(view["blocks"], limit=100)
