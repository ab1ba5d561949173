"""SQLAlchemy models (SPEC §5). Table and column names are part of the contract."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.interview.domain import Phase, SessionStatus
from bot.interview.timing import utcnow

# Statuses in which a user "has an interview"; at most one such session per user.
OPEN_STATUSES = (SessionStatus.ACTIVE.value, SessionStatus.GRADING.value)
_OPEN_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# BIGINT on PostgreSQL, INTEGER (rowid alias, so autoincrement works) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class InterviewSession(Base):
    __tablename__ = "interview_sessions"
    __table_args__ = (
        # One open interview per user, enforced by the database (double clicks, two instances).
        Index(
            "uq_interview_sessions_open_per_user",
            "team_id",
            "user_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_interview_sessions_wake_at", "wake_at"),
        Index("ix_interview_sessions_user", "team_id", "user_id", "started_at"),
        Index("ix_interview_sessions_thread", "channel_id", "thread_ts"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    api_app_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(Text)
    problem_id: Mapped[str] = mapped_column(String(100))
    difficulty: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.ACTIVE.value)
    phase: Mapped[str] = mapped_column(String(16), default=Phase.CLARIFY.value)
    time_limit_minutes: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warning_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the start card lives, so it can be replaced by "started — see your DM".
    start_response_url: Mapped[str | None] = mapped_column(Text)
    # Work scheduling: the sweeper picks sessions whose wake_at has passed.
    wake_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A lease so that one worker (of possibly several processes) handles a session at a time.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every write that brings new work, so a releasing worker can tell it missed some.
    work_seq: Mapped[int] = mapped_column(Integer, default=0)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    messages: Mapped[list[Message]] = relationship(
        back_populates="session", order_by="Message.id", cascade="all, delete-orphan"
    )
    code_submissions: Mapped[list[CodeSubmission]] = relationship(
        back_populates="session", order_by="CodeSubmission.id", cascade="all, delete-orphan"
    )


class Message(Base):
    """A line of the transcript, and the outbox of what the bot still has to post."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("session_id", "slack_ts", name="uq_messages_session_ts"),
        UniqueConstraint("session_id", "dedupe_key", name="uq_messages_session_dedupe"),
        Index("ix_messages_session", "session_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    # What the message is: a candidate's text or an outbox kind (bot/interview/outbox.py).
    kind: Mapped[str] = mapped_column(String(24), default="text")
    # The transcript line; for outbox kinds with data of their own, that data is `payload`.
    text: Mapped[str] = mapped_column(Text, default="")
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    # For bot messages: a stable key so the same notice is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    # For interviewer replies: the last candidate message this reply answers.
    answers_through: Mapped[int | None] = mapped_column(Id)
    # Candidate file shares waiting to be downloaded: list of Slack file objects.
    files: Mapped[list[Any] | None] = mapped_column(JSON)
    files_done: Mapped[bool] = mapped_column(default=True)
    edited: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    post_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    session: Mapped[InterviewSession] = relationship(back_populates="messages")


class CodeSubmission(Base):
    __tablename__ = "code_submissions"
    __table_args__ = (
        UniqueConstraint("session_id", "slack_file_id", name="uq_code_submissions_file"),
        UniqueConstraint("message_id", "ordinal", name="uq_code_submissions_message_ordinal"),
        Index("ix_code_submissions_session", "session_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    slack_file_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[InterviewSession] = relationship(back_populates="code_submissions")


class Interview(Base):
    """The history record of a completed interview."""

    __tablename__ = "interviews"
    __table_args__ = (
        UniqueConstraint("session_id", name="uq_interviews_session"),
        Index("ix_interviews_user_completed", "team_id", "user_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    problem_id: Mapped[str | None] = mapped_column(String(100))
    problem_title: Mapped[str] = mapped_column(String(200))
    problem_description: Mapped[str] = mapped_column(Text)
    difficulty: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int] = mapped_column(Integer)
    overall_score: Mapped[int] = mapped_column(Integer)
    communication_score: Mapped[int] = mapped_column(Integer)
    problem_solving_score: Mapped[int] = mapped_column(Integer)
    code_quality_score: Mapped[int] = mapped_column(Integer)
    feedback: Mapped[str] = mapped_column(Text)
    strengths: Mapped[list[Any]] = mapped_column(JSON, default=list)
    improvements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    graded_by: Mapped[str] = mapped_column(String(16), default="model")
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.COMPLETED.value)
    # Tests passed / total of the final submission and of the best one; None: nothing ran
    tests_passed: Mapped[int | None] = mapped_column(Integer)
    tests_total: Mapped[int | None] = mapped_column(Integer)
    best_tests_passed: Mapped[int | None] = mapped_column(Integer)
    best_tests_total: Mapped[int | None] = mapped_column(Integer)


class SlackEvent(Base):
    """Slack deliveries handled outside an interview (e.g. pointers), keyed for exactly-once;
    on PostgreSQL also each acked turn's key, the flushed write that puts the turn on disk."""

    __tablename__ = "slack_events"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HealthCheck(Base):
    """The row /healthz writes and commits: a database that answers reads but refuses
    writes (read-only, disk full, a replica after failover) fails it."""

    __tablename__ = "health_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
