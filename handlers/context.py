"""What listeners find in Bolt's context: the services of the process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.admission import RequestPriority, TaskTracker
from bot.interview.engine import InterviewEngine

SERVICES_KEY = "services"


@dataclass(frozen=True)
class Services:
    engine: InterviewEngine
    tasks: TaskTracker
    time_limit_minutes: int
    offline: bool
    topics: tuple[str, ...]
    priority: RequestPriority


def services_of(context: AsyncBoltContext) -> Services:
    services = context[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


def services_middleware(
    services: Services,
) -> Callable[..., Awaitable[BoltResponse | None]]:
    """Global middleware putting the services into every listener's context; the request
    (HTTP or Socket Mode) goes ahead of background work until its listener is done."""

    async def inject(
        context: AsyncBoltContext, next: Callable[[], Awaitable[BoltResponse | None]]
    ) -> BoltResponse | None:
        context[SERVICES_KEY] = services
        with services.priority.request():
            return await next()

    return inject
