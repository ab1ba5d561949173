"""Steps the listener tests share: the candidate's DM, starting an interview, counting rows."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from tests.conftest import BotHarness

# The fake Slack opens the candidate's DM under this id.
DM = "D" + USER_ID[1:]


def dump(value: Any) -> str:
    return json.dumps(value)


async def count_rows(bot: BotHarness, model: Any, *where: Any) -> int:
    async with bot.runtime.db.sessions() as s:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return int((await s.execute(stmt)).scalar_one())


async def start_interview(bot: BotHarness, difficulty: str = "easy") -> str:
    """Start Interview on the card; the thread's ts in the DM."""
    await bot.send.action(ids.START_INTERVIEW, value=json.dumps({"difficulty": difficulty}))
    await bot.settle()
    return str(bot.slack.messages[DM][0]["ts"])
