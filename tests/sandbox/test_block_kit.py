"""Slack's Block Kit limits as the sandbox enforces them, and the state it reports."""

from __future__ import annotations

from sandbox import block_kit


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def test_valid_blocks_have_no_errors() -> None:
    blocks = [
        {"type": "header", "text": plain("Title")},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*a*"}] * 10},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "small"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": plain("Go"), "style": "primary"}],
        },
    ]
    assert block_kit.block_errors(blocks, limit=block_kit.MESSAGE_BLOCK_LIMIT) == []


def test_errors_point_at_the_offending_field() -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}},
        {"type": "section", "block_id": "same", "fields": [{"type": "mrkdwn", "text": "a"}] * 11},
        {"type": "divider", "block_id": "same"},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "mrkdwn", "text": "b"}}],
        },
        {"type": "carousel"},
        {"type": "header", "text": plain("")},
    ]
    assert block_kit.block_errors(blocks, limit=50) == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        "[ERROR] no more than 10 items allowed [json-pointer:/blocks/1/fields]",
        "[ERROR] duplicate block_id [json-pointer:/blocks/2/block_id]",
        "[ERROR] must be one of plain_text [json-pointer:/blocks/3/elements/0/text/type]",
        "[ERROR] unsupported type: carousel [json-pointer:/blocks/4/type]",
        "[ERROR] must be more than 0 characters [json-pointer:/blocks/5/text/text]",
    ]


def test_select_initial_option_must_be_offered() -> None:
    options = [{"text": plain("Easy"), "value": "easy"}]
    select = {
        "type": "static_select",
        "action_id": "pick",
        "options": options,
        "initial_option": {"text": plain("Hard"), "value": "hard"},
    }
    errors = block_kit.block_errors(
        [{"type": "section", "text": plain("x"), "accessory": select}], limit=50
    )
    assert errors == [
        "[ERROR] must match one of the provided options "
        "[json-pointer:/blocks/0/accessory/initial_option]"
    ]


def test_modal_needs_a_short_title_and_a_submit_for_inputs() -> None:
    modal = {
        "type": "modal",
        "title": plain("A title longer than twenty-four"),
        "blocks": [
            {
                "type": "input",
                "label": plain("Note"),
                "element": {"type": "plain_text_input", "action_id": "n"},
            }
        ],
    }
    assert block_kit.view_errors(modal) == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        "[ERROR] submit is required when an input block is present [json-pointer:/view/submit]",
    ]


def test_ids_are_generated_like_slack_and_state_starts_from_initial_values() -> None:
    option = {"text": plain("Medium"), "value": "medium"}
    blocks = block_kit.with_generated_ids(
        [
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {"type": "static_select", "options": [option], "initial_option": option},
                    {"type": "button", "text": plain("Go")},
                ],
            },
        ]
    )
    assert all(len(block["block_id"]) == 5 for block in blocks)
    select, button = blocks[1]["elements"]
    assert select["action_id"] and button["action_id"]
    state = block_kit.initial_state(blocks)
    assert state == {
        blocks[1]["block_id"]: {
            select["action_id"]: {"type": "static_select", "selected_option": option}
        }
    }
    found = block_kit.find_element(blocks, blocks[1]["block_id"], button["action_id"])
    assert found is button
    assert block_kit.find_option(select, "medium") == option
