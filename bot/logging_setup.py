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


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if record.exc_info and record.exc_info[1] is not None:
            # Exceptions can carry request headers; render and clean them here.
            formatted = logging.Formatter().formatException(record.exc_info)
            cleaned = f"{cleaned}\n{redact(formatted, self.secrets)}"
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
