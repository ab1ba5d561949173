"""Background work started after an ack, tracked so shutdown and tests can wait for it."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Awaitable, Coroutine
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


class TaskTracker:
    """Runs coroutines as tasks, logs their failures and can wait for all of them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background task %s failed", task.get_name(), exc_info=task.exception())

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, wait_seconds: float | None = None) -> None:
        """Wait until no task is left, including tasks started by the tasks waited on."""
        async with asyncio.timeout(wait_seconds):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


_HOLDS_SLOT: contextvars.ContextVar[bool] = contextvars.ContextVar("holds_slot", default=False)


class WorkSlots:
    """Bounds how much background work runs on the event loop at once.

    Background steps (database work, rendering) hold a slot; network waits (the model,
    Slack) give it back. Listeners never take one, so under load a request queues
    behind a few steps rather than behind every interview in flight, and acks stay fast.
    """

    def __init__(self, slots: int) -> None:
        self._semaphore = asyncio.Semaphore(max(1, slots))

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        if _HOLDS_SLOT.get():
            yield
            return
        await self._semaphore.acquire()
        token = _HOLDS_SLOT.set(True)
        try:
            yield
        finally:
            _HOLDS_SLOT.reset(token)
            self._semaphore.release()

    async def outside(self, awaitable: Awaitable[T]) -> T:
        """Await network I/O without holding a slot, then take one back."""
        if not _HOLDS_SLOT.get():
            return await awaitable
        self._semaphore.release()
        token = _HOLDS_SLOT.set(False)
        try:
            return await awaitable
        finally:
            _HOLDS_SLOT.reset(token)
            await self._semaphore.acquire()
