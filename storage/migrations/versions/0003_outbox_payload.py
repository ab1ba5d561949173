"""messages.payload: each outbox kind's own data, no longer inside its text

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Rows written before it carried the data in `text`: a warning's minutes ("5") or seconds
("30s"), a rejected file's name and reason joined by a newline, the score inside the
completion message's sentence. They are converted here, and their text becomes the line
the transcript shows. The conversion reads the old formats on its own, so it stays right
whatever the bot's code later becomes.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_messages = sa.table(
    "messages",
    sa.column("id", sa.BigInteger()),
    sa.column("session_id", sa.BigInteger()),
    sa.column("kind", sa.String()),
    sa.column("text", sa.Text()),
    sa.column("payload", sa.JSON()),
)
_interviews = sa.table(
    "interviews", sa.column("session_id", sa.BigInteger()), sa.column("overall_score", sa.Integer())
)


def _phrase(seconds: int) -> str:
    if seconds >= 60:
        minutes = round(seconds / 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def _warning(text: str) -> tuple[str, dict[str, object]]:
    if text.isascii() and text.isdigit():
        seconds = int(text) * 60
    elif text.endswith("s") and text[:-1].isascii() and text[:-1].isdigit():
        seconds = int(text[:-1])
    else:
        seconds = 300  # unreadable: what the bot said for it before
    seconds = max(1, seconds)
    return f"{_phrase(seconds)} left in your interview", {"seconds_left": seconds}


def _file_rejected(text: str) -> tuple[str, dict[str, object]]:
    filename, _, reason = text.partition("\n")
    return (
        f"I could not use {filename} as code: {reason}",
        {"filename": filename, "reason": reason},
    )


def _score(text: str, recorded: int | None) -> int:
    if recorded is not None:
        return recorded
    found = re.search(r"(\d+)\s*/\s*100", text)
    return int(found.group(1)) if found else 0


def upgrade() -> None:
    op.add_column("messages", sa.Column("payload", sa.JSON(), nullable=True))
    conn = op.get_bind()
    scores = {
        int(session_id): int(overall)
        for session_id, overall in conn.execute(
            sa.select(_interviews.c.session_id, _interviews.c.overall_score)
        )
    }
    rows = conn.execute(
        sa.select(_messages.c.id, _messages.c.session_id, _messages.c.kind, _messages.c.text).where(
            _messages.c.kind.in_(["warning", "file_rejected", "scorecard", "completion_dm"])
        )
    ).all()
    for message_id, session_id, kind, text in rows:
        text = text or ""
        payload: dict[str, object]
        if kind == "warning":
            text, payload = _warning(text)
        elif kind == "file_rejected":
            text, payload = _file_rejected(text)
        else:
            overall = _score(text, scores.get(int(session_id)))
            payload = {"overall": overall}
            if kind == "scorecard":
                text = f"Interview complete — overall {overall}/100"
            else:
                text = f"Interview complete — you scored {overall}/100"
        conn.execute(
            sa.update(_messages)
            .where(_messages.c.id == message_id)
            .values(text=text, payload=payload)
        )


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_messages.c.id, _messages.c.kind, _messages.c.payload).where(
            _messages.c.kind.in_(["warning", "file_rejected", "completion_dm"])
        )
    ).all()
    for message_id, kind, payload in rows:
        payload = payload or {}
        if kind == "warning":
            seconds = int(payload.get("seconds_left", 300))
            text = str(seconds // 60) if seconds >= 60 else f"{seconds}s"
        elif kind == "file_rejected":
            text = f"{payload.get('filename', 'file')}\n{payload.get('reason', '')}"
        else:
            text = f"Interview complete — you scored {int(payload.get('overall', 0))}/100"
        conn.execute(sa.update(_messages).where(_messages.c.id == message_id).values(text=text))
    op.drop_column("messages", "payload")
