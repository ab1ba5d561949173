"""Logging for the process: one format, and secrets never reach the output."""

from __future__ import annotations

import logging
import re

# Slack tokens, OpenAI-style keys and bearer headers.
_SECRET = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._-]+)"
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Replace anything that looks like a token, and every configured secret, by [redacted]."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "[redacted]")
    return _SECRET.sub("[redacted]", text)


# Log lines can carry what a request sent (names, text, headers). Control characters would
# let it forge whole lines or rewrite the terminal, and its size is the sender's to choose.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_MESSAGE_CHARS = 4000
MAX_TRACEBACK_CHARS = 20000


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    return named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` with control characters escaped, cut to `limit` characters."""
    if len(text) > limit:
        text = f"{text[:limit]}… [{len(text) - limit} more characters]"
    return _CONTROL.sub(_escape, text)


def _indented(traceback: str) -> str:
    # Every line of a traceback after its record's first is indented, so nothing in an
    # exception's message can pass for a record of its own.
    if len(traceback) > MAX_TRACEBACK_CHARS:
        traceback = (
            f"… [{len(traceback) - MAX_TRACEBACK_CHARS} characters cut]\n"
            + (traceback[-MAX_TRACEBACK_CHARS:])
        )
    lines = traceback.splitlines()
    return "\n".join("  | " + _CONTROL.sub(_escape, line) for line in lines)


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = one_line(redact(message, self.secrets))
        if record.exc_info and record.exc_info[1] is not None:
            # Exceptions can carry request headers; render and clean them here.
            formatted = logging.Formatter().formatException(record.exc_info)
            cleaned = f"{cleaned}\n{_indented(redact(formatted, self.secrets))}"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = cleaned, None
        return True


def configure_logging(level: str = "INFO", secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Library chatter at INFO includes request details; keep them at WARNING.
    for noisy in ("slack_sdk", "slack_bolt", "aiohttp.access", "httpx", "openai", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
