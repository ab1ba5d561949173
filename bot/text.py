"""Text as every store the bot writes to can hold it, applied where text arrives.

JSON (Slack's payloads, a model's answers) can carry what no store takes: a lone UTF-16
surrogate (``"\\ud800"``) cannot be encoded as UTF-8, so SQLite, PostgreSQL and Slack all
refuse it, and PostgreSQL's text and JSON refuse NUL. Such a character would make every
attempt to store or post the message fail, so it is replaced with U+FFFD (the replacement
character) once, on arrival, and everything after works with clean text.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
# NUL and every surrogate code point: a Python str holds a surrogate only when it is alone
# (a valid pair is decoded into one code point).
_UNHOLDABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` with each character no store can hold replaced by U+FFFD."""
    if text.isascii() and "\x00" not in text:
        return text  # the common case, without a regex pass
    return _UNHOLDABLE.sub(REPLACEMENT, text)


def clean_json(value: Any) -> Any:
    """A decoded JSON value with `clean_text` applied to every string in it, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return value
