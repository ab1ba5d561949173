"""Reading the clicked button: a number only when the value is plainly one."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.actions.button import action_number


def _click(value: Any) -> dict[str, Any]:
    return {"actions": [{"action_id": "x", "value": value}]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_click("42"), 42),
        (_click("0"), 0),
        (_click("999999999999999"), 999_999_999_999_999),
        (_click("1000000000000000"), None),  # past what a BIGINT id holds
        (_click("²"), None),  # a digit to str.isdigit(), not to int()
        (_click("٣"), None),  # Arabic-Indic three
        (_click("-1"), None),
        (_click("1.5"), None),
        (_click(""), None),
        (_click(7), None),
        ({"actions": []}, None),
        ({"actions": "42"}, None),
        ({}, None),
        ([], None),
    ],
)
def test_action_number(body: Any, expected: int | None) -> None:
    assert action_number(body) == expected
