"""Admission and scheduling of work: requests from Slack go first, background steps take
one of a few work slots, and background tasks are tracked so shutdown and tests can wait."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Coroutine, Iterator
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


# True while the current task is handling a request from Slack (an ack is waiting on it).
_IN_REQUEST: contextvars.ContextVar[bool] = contextvars.ContextVar("in_request", default=False)


def in_request() -> bool:
    """True while the current task handles a request from Slack (not background work)."""
    return _IN_REQUEST.get()


class RequestPriority:
    """Requests from Slack before background work (tasks started with `TaskTracker.spawn`,
    timers), on the event loop and at the database.

    Slack retries anything not acked within 3 s, and a user waits on every ack; a reply can
    wait a few milliseconds more. Background steps wait in `quiet` while requests are being
    handled. With `capacity` set, at most that many database sessions are open at once and a
    request waiting for one is let in before any background work — unless that work has
    waited `max_wait` seconds already, so it is never starved. Without a capacity every
    session is let in at once.
    """

    def __init__(self, capacity: int | None = None, *, max_wait: float = 0.25) -> None:
        self.capacity = capacity
        self.max_wait = max_wait
        self._active = 0
        self._open = 0
        self._last_was_background = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._requests: collections.deque[asyncio.Future[None]] = collections.deque()
        self._background: collections.deque[tuple[float, asyncio.Future[None]]] = (
            collections.deque()
        )

    @property
    def active(self) -> int:
        """Requests being handled now."""
        return self._active

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Mark the current task as handling a request until the block ends."""
        token = _IN_REQUEST.set(True)
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()
            _IN_REQUEST.reset(token)

    async def quiet(self) -> None:
        """In background work: wait until no request is being handled (at most max_wait)."""
        if self._active == 0 or _IN_REQUEST.get():
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.max_wait):
                await self._idle.wait()

    @contextlib.asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Hold one of the database's places for the length of a session."""
        if self.capacity is None:
            yield
            return
        if self._open < self.capacity and not self._requests and not self._background:
            self._open += 1
        else:
            future = asyncio.get_running_loop().create_future()
            if _IN_REQUEST.get():
                self._requests.append(future)
            else:
                self._background.append((time.monotonic(), future))
            try:
                await future  # the releaser counted this session in for us
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._release()  # admitted just as we were cancelled: pass it on
                else:
                    self._forget(future)
                raise
        try:
            yield
        finally:
            self._release()

    def _forget(self, future: asyncio.Future[None]) -> None:
        with contextlib.suppress(ValueError):
            self._requests.remove(future)
        for item in self._background:
            if item[1] is future:
                self._background.remove(item)
                break

    def _release(self) -> None:
        self._open -= 1
        while self.capacity is not None and self._open < self.capacity:
            future = self._next_waiter()
            if future is None:
                return
            if not future.done():
                self._open += 1
                future.set_result(None)

    def _next_waiter(self) -> asyncio.Future[None] | None:
        # Background work that has waited max_wait takes every other place, no more: it
        # keeps moving, and requests never queue behind a whole backlog of it.
        starving = bool(self._background) and (
            time.monotonic() - self._background[0][0] >= self.max_wait
        )
        if self._requests and not (starving and not self._last_was_background):
            self._last_was_background = False
            return self._requests.popleft()
        if self._background:
            self._last_was_background = True
            return self._background.popleft()[1]
        return None


class TaskTracker:
    """Runs coroutines as tasks, logs their failures and can wait for all of them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        # A task started by a listener is background work all the same.
        context = contextvars.copy_context()
        context.run(_IN_REQUEST.set, False)
        task = asyncio.get_running_loop().create_task(coro, name=name, context=context)
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
    With `priority`, a step also waits to start or go on while requests are being handled.
    """

    def __init__(self, slots: int, priority: RequestPriority | None = None) -> None:
        self._semaphore = asyncio.Semaphore(max(1, slots))
        self._priority = priority

    async def _take(self, *, quiet: bool = True) -> None:
        await self._semaphore.acquire()
        if quiet and self._priority is not None:
            # Holding the slot while waiting: at most `slots` steps wake when requests pause.
            await self._priority.quiet()

    @contextlib.asynccontextmanager
    async def held(self, *, quiet: bool = True) -> AsyncIterator[None]:
        """A slot for the block; `quiet=False` starts without waiting for requests to pause
        (for the step a request itself hands over while it waits on the disk)."""
        if _HOLDS_SLOT.get():
            yield
            return
        await self._take(quiet=quiet)
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
            await self._take()
