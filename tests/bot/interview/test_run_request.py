"""`run` typed in the thread: which texts are run requests, and the language they name."""

from __future__ import annotations

import pytest

from bot.interview.run_request import RunRequest, parse_run_request


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("run", RunRequest()),
        ("  Run. ", RunRequest()),
        ("run python", RunRequest("python")),
        ("`run cpp`", RunRequest("cpp")),
        ("run c++", RunRequest("cpp")),
        ("run node", RunRequest("javascript")),
        ("run JavaScript", RunRequest("javascript")),
        # A language the bot cannot run is still a request: it is answered plainly.
        ("run java", RunRequest("java")),
        ("run it", None),
        ("run time is O(n)", None),
        ("running", None),
        ("please run", None),
        ("", None),
    ],
)
def test_run_requests(text: str, expected: RunRequest | None) -> None:
    assert parse_run_request(text) == expected
