"""Markdown conversion of model text stays linear: one long line of markers cannot freeze it."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.blocks.text import to_slack_mrkdwn

# Linear conversion of 100 KB takes well under a second; the unbounded spans took 15-100 s
# on these inputs (each marker rescanned the rest of the line).
BUDGET_SECONDS = 5.0
SIZE = 100 * 1024


def _converted_within_budget(text: str) -> str:
    started = time.perf_counter()
    converted = to_slack_mrkdwn(text)
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_SECONDS, f"took {elapsed:.2f}s"
    return converted


@pytest.mark.parametrize("unit", ["**a ", " __a ", "~~a ", "*a *", "[a", "**[`a", "[a](http://x "])
def test_a_long_line_of_unmatched_markers_converts_in_linear_time(unit: str) -> None:
    _converted_within_budget(unit * (SIZE // len(unit)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.lists(
        st.sampled_from(
            ["*", "**", "_", "__", "~~", "[", "]", "(", ")", "`", "a", " ", "http://x"]
        ),
        min_size=1,
        max_size=8,
    ).map("".join)
)
def test_any_repeated_marker_fragment_converts_in_linear_time(unit: str) -> None:
    _converted_within_budget((unit * (60_000 // len(unit) + 1))[:60_000])


def test_ordinary_spans_still_convert() -> None:
    assert to_slack_mrkdwn("**bold** and ~~gone~~ and *it*") == "*bold* and ~gone~ and _it_"
    assert to_slack_mrkdwn("[docs](https://example.com)") == "<https://example.com|docs>"
