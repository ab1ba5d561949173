"""Keeps the sandbox workspace in a JSON file, so a restart continues where it was.

The bot keeps its interviews in its database across restarts; without this the DM
would come back empty while the bot still points at its threads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from sandbox.workspace import Workspace

logger = logging.getLogger(__name__)

SAVE_DELAY_SECONDS = 0.5
DEFAULT_WORKSPACE_FILE = Path("interview_bot.sandbox.json")


def workspace_file_for(database_url: str) -> Path:
    """Beside a SQLite database file (`x.db` → `x.sandbox.json`), else in the working dir."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(str(url.database)).with_suffix(".sandbox.json")
    return DEFAULT_WORKSPACE_FILE


class WorkspaceFile:
    """Loads a workspace from `path` and writes it back shortly after every change."""

    def __init__(self, workspace: Workspace, path: Path) -> None:
        self.workspace = workspace
        self.path = path
        self._pending: asyncio.TimerHandle | None = None

    def load(self) -> bool:
        """Restores the saved workspace; False when there is none (or it is unreadable)."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            self.workspace.restore(saved)
        except FileNotFoundError:
            return False
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring unreadable sandbox workspace %s: %s", self.path, exc)
            return False
        return True

    def watch(self) -> None:
        self.workspace.on_change(self._schedule)

    def _schedule(self) -> None:
        if self._pending is None:
            loop = asyncio.get_running_loop()
            self._pending = loop.call_later(SAVE_DELAY_SECONDS, self.save)

    def save(self) -> None:
        """Writes the workspace now, atomically."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(self.workspace.saved_state()), encoding="utf-8")
        os.replace(temporary, self.path)
