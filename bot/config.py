"""Configuration (SPEC §3). The only module that reads the environment."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./interview_bot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Settings(BaseSettings):
    """Settings from the environment or a `.env` file in the working directory."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    interview_model: str = "gpt-4o-mini"
    interview_time_limit_minutes: int = Field(default=45, ge=6, le=240)
    port: int = Field(default=3000, ge=1, le=65535)
    # Interface to listen on; 127.0.0.1 keeps the bot local (behind a proxy, in benchmarks).
    host: str = "0.0.0.0"
    # Not in the contract's table; tuning knobs with safe defaults.
    model_timeout_seconds: float = Field(default=30.0, gt=0)
    sweep_interval_seconds: float = Field(default=5.0, gt=0)
    # How long a process owns an interview it works on; a killed process's work is picked
    # up by another (or the restarted) process once its lease runs out.
    lease_seconds: float = Field(default=60.0, gt=0)
    # Background steps at once on the event loop; fewer keeps acks fast under overload.
    work_slots: int = Field(default=4, ge=1, le=256)
    log_level: str = "INFO"

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL, so it must end with "/".
        return value if value.endswith("/") else value + "/"

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "openai_api_key",
        "openai_base_url",
    )
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def offline_interviewer(self) -> bool:
        return self.openai_api_key is None

    def missing_for_run(self) -> list[str]:
        """Variables that must be set before the bot can talk to a real workspace."""
        missing = []
        if not self.slack_bot_token:
            missing.append("SLACK_BOT_TOKEN")
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET")
        return missing
