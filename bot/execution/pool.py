"""A bounded pool of sandbox slots: a burst of runs queues instead of swamping the machine."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

# Called with the submission's 1-based place in the queue when no slot is free, and again as
# it moves up: each later report at least halves the place (2 → 1, 8 → 4 → 2 → 1), so a
# waiter hears at most log2(place) + 1 times however long the queue, never once per run.
QueueNotice = Callable[[int], Awaitable[None]]


@dataclass(eq=False)
class _Waiter:
    granted: asyncio.Future[int]
    # Report the place again once it is at most this (0: no more reports).
    report_at: int = 0
    # Resolves with the new place once it reaches ``report_at``.
    moved: asyncio.Future[int] | None = None


class RunPool:
    """``size`` slots, handed out first come first served; each slot has a stable index."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a run pool needs at least one slot")
        self.size = size
        self._free: list[int] = list(range(size - 1, -1, -1))
        self._waiters: deque[_Waiter] = deque()

    @property
    def busy(self) -> int:
        return self.size - len(self._free)

    @property
    def queued(self) -> int:
        return sum(1 for waiter in self._waiters if not waiter.granted.done())

    @contextlib.asynccontextmanager
    async def slot(self, on_queued: QueueNotice | None = None) -> AsyncIterator[int]:
        """Hold a slot for the body; waits (telling ``on_queued`` its place) when all are busy."""
        index = await self._acquire(on_queued)
        try:
            yield index
        finally:
            self._release(index)

    async def _acquire(self, on_queued: QueueNotice | None) -> int:
        if self._free and not self._waiters:
            return self._free.pop()
        waiter = _Waiter(asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            if on_queued is not None:
                await self._report(waiter, on_queued)
            return await waiter.granted
        except BaseException:
            granted = waiter.granted
            if granted.done() and not granted.cancelled():
                # Granted a slot just as we were cancelled: hand it on.
                self._release(granted.result())
            else:
                granted.cancel()
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)
                # Everyone behind a waiter that gave up moved up.
                self._announce()

    async def _report(self, waiter: _Waiter, on_queued: QueueNotice) -> None:
        """Tell ``on_queued`` the place now and as it halves, until a slot is granted."""
        place = self._place(waiter)
        while not waiter.granted.done():
            # Serially, in this task: reports arrive in order, and one slow report coalesces
            # the moves made meanwhile into the next.
            await on_queued(place)
            waiter.report_at = place // 2
            if waiter.report_at < 1 or waiter.granted.done():
                return
            current = self._place(waiter)
            if current <= waiter.report_at:
                place = current
                continue
            moved = waiter.moved = asyncio.get_running_loop().create_future()
            await asyncio.wait((waiter.granted, moved), return_when=asyncio.FIRST_COMPLETED)
            if waiter.granted.done():
                return
            place = moved.result()

    def _place(self, waiter: _Waiter) -> int:
        return self._waiters.index(waiter) + 1

    def _announce(self) -> None:
        """The queue moved: wake the waiters whose place reached their next report."""
        for place, waiter in enumerate(self._waiters, start=1):
            moved = waiter.moved
            if moved is not None and not moved.done() and place <= waiter.report_at:
                moved.set_result(place)

    def _release(self, index: int) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.granted.done():
                waiter.granted.set_result(index)
                self._announce()
                return
        self._free.append(index)
