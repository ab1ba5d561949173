"""Slash commands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.commands.start_interview import COMMAND, handle_start_interview_command

__all__ = ["COMMAND", "register"]


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(handle_start_interview_command)
