"""What listeners find in Bolt's context: the services of the process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

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


def services_of(context: Any) -> Services:
    services = context[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


def services_middleware(services: Services) -> Callable[..., Awaitable[Any]]:
    """Global middleware putting the services into every listener's context; the request
    (HTTP or Socket Mode) goes ahead of background work until its listener is done."""

    async def inject(context: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        context[SERVICES_KEY] = services
        with services.priority.request():
            return await next()

    return inject
