"""Configuration (SPEC §3). The only module that reads the environment."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, get_args
from urllib.parse import urlsplit

from annotated_types import Ge, Gt, Le, Lt
from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./interview_bot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A day: long enough for any real interview, short enough to catch a typo in hours or seconds.
MAX_TIME_LIMIT_MINUTES = 1440


class ConfigError(Exception):
    """A bad setting, as one plain line for the operator."""


class Settings(BaseSettings):
    """Settings from the environment or a `.env` file in the working directory."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", allow_inf_nan=False
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    interview_model: str = "gpt-4o-mini"
    interview_time_limit_minutes: int = Field(default=45, ge=1, le=MAX_TIME_LIMIT_MINUTES)
    port: int = Field(default=3000, ge=1, le=65535)
    # Interface to listen on; 127.0.0.1 keeps the bot local (behind a proxy, in benchmarks).
    host: str = "0.0.0.0"
    # Not in the contract's table; tuning knobs with safe defaults.
    model_timeout_seconds: float = Field(default=30.0, gt=0)
    # The timeout above bounds each read; these bound one whole attempt, so a model that
    # drips a token every few seconds or stalls mid-answer is retried, then apologised for.
    model_reply_deadline_seconds: float = Field(default=90.0, gt=0, le=3600)
    grade_deadline_seconds: float = Field(default=120.0, gt=0, le=3600)
    sweep_interval_seconds: float = Field(default=5.0, gt=0)
    # Whole budget for fetching one shared file (every redirect hop and byte); past it the
    # candidate is told the file could not be downloaded and nothing of it is kept.
    download_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # How long a process owns an interview it works on; a killed process's work is picked
    # up by another (or the restarted) process once its lease runs out.
    lease_seconds: float = Field(default=60.0, gt=0)
    # Background steps at once on the event loop; fewer keeps acks fast under overload.
    work_slots: int = Field(default=4, ge=1, le=256)
    # Candidate code runs at once (each in its own sandbox); more submissions wait in a queue.
    run_slots: int = Field(default=2, ge=1, le=64)
    # Slow or hostile HTTP clients (README, Reliability): a request's headers must arrive within
    # this long of connecting (or of the previous response), its body within the next.
    request_header_timeout_seconds: float = Field(default=15.0, gt=0, le=3600)
    request_body_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    # Open HTTP connections at most; at the limit the oldest is closed to make room.
    max_connections: int = Field(default=1000, ge=16, le=100_000)
    # Slack's requests are a few KB; anything larger is refused with 413 unread.
    max_request_body_bytes: int = Field(default=1024 * 1024, ge=64 * 1024, le=64 * 1024 * 1024)
    log_level: str = "INFO"
    # Another name the sandbox page answers to (a tunnel, an /etc/hosts entry), besides
    # 127.0.0.1, localhost and [::1]; "name" or "name:port".
    sandbox_allowed_host: str | None = None

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        _require_http_url(value, DEFAULT_SLACK_API_URL)
        # slack_sdk joins method names onto the base URL, so it must end with "/".
        return value if value.endswith("/") else value + "/"

    @field_validator("openai_base_url")
    @classmethod
    def _model_url(cls, value: str | None) -> str | None:
        if value:
            _require_http_url(value, "http://localhost:11434/v1")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            scheme = make_url(value).drivername
        except ArgumentError:
            raise ValueError(
                "is not a database URL; use sqlite+aiosqlite:///path.db or "
                "postgresql+asyncpg://user:pass@host:5432/db"
            ) from None
        if scheme not in DATABASE_SCHEMES:
            # Only the scheme is shown: the rest of the URL may hold a password.
            raise ValueError(f"has the scheme {scheme!r}; allowed: {' or '.join(DATABASE_SCHEMES)}")
        return value

    @field_validator("host")
    @classmethod
    def _listen_host(cls, value: str) -> str:
        if not _is_host_name(value.strip()):
            raise ValueError(
                f"is {value[:40]!r}; allowed: an IP address or host name, like 0.0.0.0 or 127.0.0.1"
            )
        return value.strip()

    @field_validator("sandbox_allowed_host")
    @classmethod
    def _sandbox_host(cls, value: str | None) -> str | None:
        match = _HOST_AND_PORT.fullmatch(value.strip()) if value else None
        if value and (
            match is None
            or not _is_host_name(match["name"].removeprefix("[").removesuffix("]"))
            or (match["port"] and not 1 <= int(match["port"]) <= 65535)
        ):
            raise ValueError(
                f"is {value[:40]!r}; allowed: a host name, or name:port, like sandbox.test:8080"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"is {value[:20]!r}; allowed: {', '.join(LOG_LEVELS)}")
        return level

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "openai_api_key",
        "openai_base_url",
        "sandbox_allowed_host",
    )
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def missing_for_run(self) -> list[str]:
        """Variables that must be set before the bot can talk to a real workspace."""
        missing = []
        if not self.slack_bot_token:
            missing.append("SLACK_BOT_TOKEN")
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET")
        return missing


_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63})*\.?$")
_HOST_AND_PORT = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^:\[\]]+)(?::(?P<port>\d{1,5}))?")


def _is_host_name(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return bool(_HOST_NAME.match(value))


def _require_http_url(value: str, example: str) -> None:
    try:
        parsed = urlsplit(value)
        ok = parsed.scheme in ("http", "https") and bool(parsed.hostname)
        parsed.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"is not a URL; allowed: an http:// or https:// URL, like {example}")


def _variable(name: str, field: FieldInfo | None) -> str:
    alias = field.validation_alias if field is not None else None
    return alias if isinstance(alias, str) else name.upper()


_KINDS: dict[Any, str] = {int: "a whole number", float: "a number", bool: "true or false"}

_PARSING = {"int_parsing": int, "int_from_float": int, "float_parsing": float, "bool_parsing": bool}


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _allowed(field: FieldInfo | None) -> str:
    """The values a field takes, from its type and bounds (so every new field gets it)."""
    if field is None:
        return ""
    # `int | None` and the like: the allowed values of the set case.
    types = [t for t in (get_args(field.annotation) or (field.annotation,)) if t is not type(None)]
    kind = _KINDS.get(types[0]) if len(types) == 1 else None
    if kind is None:
        return ""
    bounds = []
    for rule in field.metadata:
        if isinstance(rule, Ge):
            bounds.append(f"from {_number(rule.ge)}")
        elif isinstance(rule, Gt):
            bounds.append(f"above {_number(rule.gt)}")
        elif isinstance(rule, Le):
            bounds.append(f"to {_number(rule.le)}")
        elif isinstance(rule, Lt):
            bounds.append(f"below {_number(rule.lt)}")
    return " ".join([kind, *bounds])


def _problem(error: Any) -> str:
    kind = str(error.get("type", ""))
    shown = str(error.get("input", ""))[:40]
    if kind == "value_error":
        # Our validators word their own message ("is not …; allowed: …").
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ")
    if kind in _PARSING:
        return f"is {shown!r}, which is not {_KINDS[_PARSING[kind]]}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return f"is {shown}, out of range"
    if kind == "finite_number":
        return f"is {shown!r}, not a finite number"
    return f"is not valid ({error.get('msg', '')})"


def describe_settings_error(error: ValidationError) -> str:
    """One line naming each bad variable, what is wrong with it and what is allowed."""
    parts = []
    for item in error.errors():
        name = str(item["loc"][0]) if item.get("loc") else ""
        field = Settings.model_fields.get(name)
        problem = _problem(item)
        allowed = _allowed(field)
        if allowed and "allowed:" not in problem:
            problem += f"; allowed: {allowed}"
        parts.append(f"{_variable(name, field)} {problem}")
    # One line whatever the values held.
    return " ".join(("Bad setting: " + "; ".join(parts)).split())


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, or ConfigError with one plain line."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(describe_settings_error(error)) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"Bad setting file .env: it is not UTF-8 text ({error.reason})") from None
    except (SettingsError, OSError) as error:
        raise ConfigError(" ".join(f"Bad setting: {error}".split())) from None
