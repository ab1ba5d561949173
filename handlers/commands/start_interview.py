"""/start-interview: the start card (or the usage), shown only to whoever typed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext

from bot.interview.domain import Difficulty
from bot.interview.problem_bank import normalize_topic
from handlers.blocks import start_card
from handlers.context import services_of

COMMAND = "/start-interview"


@dataclass(frozen=True)
class StartArguments:
    difficulty: Difficulty
    topic: str | None


def parse_start_arguments(text: str) -> StartArguments | None:
    """`[easy|medium|hard] [topic]` in any order; None means: show the usage."""
    words = (text or "").strip().lower().split()
    if not words:
        return StartArguments(Difficulty.MEDIUM, None)
    if words[0] in {"help", "-h", "--help", "?", "usage"}:
        return None
    difficulty = Difficulty.MEDIUM
    rest = []
    chosen = False
    for word in words:
        if word in Difficulty.__members__.values() and not chosen:
            difficulty, chosen = Difficulty(word), True
        else:
            rest.append(word)
    topic = None
    if rest:
        topic = normalize_topic(" ".join(rest))
        if topic is None:
            return None
    return StartArguments(difficulty, topic)


async def handle_start_interview_command(
    ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Answer with the start card (or usage), visible only to the invoker, in the ack itself."""
    services = services_of(context)
    text = command.get("text") if isinstance(command, dict) else ""
    parsed = parse_start_arguments(text if isinstance(text, str) else "")
    if parsed is None:
        await ack(
            response_type="ephemeral",
            text=start_card.usage_text(topics=services.topics),
            blocks=start_card.build_usage(topics=services.topics),
        )
        return
    await ack(
        response_type="ephemeral",
        text="Ready for a mock interview?",
        blocks=start_card.build_start_card(
            difficulty=parsed.difficulty,
            topic=parsed.topic,
            time_limit_minutes=services.time_limit_minutes,
            offline=services.offline,
        ),
    )
