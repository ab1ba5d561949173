"""When the time warning comes, and how the time left is said."""

from __future__ import annotations

import math
from datetime import UTC, datetime

# A long interview is warned this long before the end.
LONG_WARNING_SECONDS = 5 * 60
# Never closer to the end than this: enough to paste the latest code.
MIN_WARNING_SECONDS = 30


def utcnow() -> datetime:
    """Now, as an aware UTC datetime: the clock the engine and the storage defaults read."""
    return datetime.now(UTC)


def warning_lead_seconds(time_limit_minutes: int) -> int:
    """Seconds before the deadline at which the warning comes: 5 minutes, a fifth of a limit
    under 25 minutes (whole minutes), and 30 seconds for limits under 5 minutes."""
    minutes = min(LONG_WARNING_SECONDS // 60, max(0, time_limit_minutes) // 5)
    return max(MIN_WARNING_SECONDS, minutes * 60)


def time_left_phrase(seconds_left: float) -> str:
    """ "5 minutes", "1 minute", "30 seconds", "1 second"."""
    seconds = _shown_seconds(seconds_left)
    if seconds >= 60:
        minutes = seconds // 60
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def _shown_seconds(seconds_left: float) -> int:
    """Whole minutes from a minute up (nearest), multiples of 5 from 15 seconds, whole
    seconds below; at least 1. A warning a moment late still reads "30 seconds"."""
    seconds = max(1, math.ceil(seconds_left))
    if seconds >= 58:  # nearest 5 would be 60
        return max(1, math.floor(seconds / 60 + 0.5)) * 60
    if seconds >= 15:
        return math.floor(seconds / 5 + 0.5) * 5
    return seconds
