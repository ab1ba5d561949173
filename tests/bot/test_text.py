"""Text cleaning on arrival (bot/text.py), driven with adversarial strings."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import REPLACEMENT, clean_json, clean_text

# Every code point, lone surrogates and NUL included, weighted toward the awkward ones.
AWKWARD = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff", "\ufffd", "😀", "é"])
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TEXT = st.lists(st.one_of(AWKWARD, ANY_CHAR), max_size=200).map("".join)
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(TEXT, inner, max_size=5)),
    max_leaves=20,
)


def holdable(text: str) -> bool:
    """What SQLite, PostgreSQL (text and JSON) and Slack all take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings_in(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


@given(TEXT)
def test_cleaned_text_is_holdable_and_changes_only_what_is_not(text: str) -> None:
    cleaned = clean_text(text)
    assert holdable(cleaned)
    assert len(cleaned) == len(text)
    for before, after in zip(text, cleaned, strict=True):
        assert after == (before if holdable(before) else REPLACEMENT)
    assert clean_text(cleaned) == cleaned


@given(TEXT)
def test_cleaned_text_goes_into_a_real_database_and_comes_back_unchanged(text: str) -> None:
    cleaned = clean_text(text)
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (v TEXT)")
        db.execute("INSERT INTO t VALUES (?)", (cleaned,))
        assert db.execute("SELECT v FROM t").fetchone()[0] == cleaned


@given(JSON)
def test_every_string_of_a_cleaned_payload_is_holdable(value: Any) -> None:
    cleaned = clean_json(value)
    assert all(holdable(s) for s in strings_in(cleaned))
    # Nothing but strings changes; a clean payload comes back equal.
    assert clean_json(cleaned) == cleaned
    json.dumps(cleaned, ensure_ascii=False).encode("utf-8")


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["\ud800", "\x00", "a", "é", "\ud800a\x00"]))
def test_a_large_adversarial_text_is_cleaned_in_linear_time(unit: str) -> None:
    text = unit * (200_000 // len(unit))
    started = time.perf_counter()
    cleaned = clean_text(text)
    # Linear work on 200 K characters takes milliseconds; a generous guard against blow-ups.
    assert time.perf_counter() - started < 2.0
    assert holdable(cleaned)
