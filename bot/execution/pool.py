"""A bounded pool of sandbox slots: a burst of runs queues instead of swamping the machine."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable

# Called once with the submission's 1-based place in the queue when no slot is free.
QueueNotice = Callable[[int], Awaitable[None]]


class RunPool:
    """``size`` slots, handed out first come first served; each slot has a stable index."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a run pool needs at least one slot")
        self.size = size
        self._free: list[int] = list(range(size - 1, -1, -1))
        self._waiters: deque[asyncio.Future[int]] = deque()

    @property
    def busy(self) -> int:
        return self.size - len(self._free)

    @property
    def queued(self) -> int:
        return sum(1 for waiter in self._waiters if not waiter.done())

    @contextlib.asynccontextmanager
    async def slot(self, on_queued: QueueNotice | None = None) -> AsyncIterator[int]:
        """Hold a slot for the body; waits (after telling ``on_queued``) when all are busy."""
        index = await self._acquire(on_queued)
        try:
            yield index
        finally:
            self._release(index)

    async def _acquire(self, on_queued: QueueNotice | None) -> int:
        if self._free and not self._waiters:
            return self._free.pop()
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            if on_queued is not None:
                await on_queued(self.queued)
            return await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                # Granted a slot just as we were cancelled: hand it on.
                self._release(waiter.result())
            else:
                waiter.cancel()
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _release(self, index: int) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(index)
                return
        self._free.append(index)
