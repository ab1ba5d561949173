"""The run pool hands out a bounded number of slots, first come first served."""

from __future__ import annotations

import asyncio

import pytest

from bot.execution.pool import RunPool


async def test_a_burst_queues_in_order_and_learns_its_place() -> None:
    pool = RunPool(2)
    order: list[str] = []
    places: dict[str, int] = {}
    release = asyncio.Event()

    async def job(name: str) -> int:
        async def queued(place: int) -> None:
            places[name] = place

        async with pool.slot(queued) as slot:
            order.append(name)
            await release.wait()
            return slot

    tasks = [asyncio.create_task(job(name)) for name in "abcde"]
    await asyncio.sleep(0.01)
    assert order == ["a", "b"]
    assert places == {"c": 1, "d": 2, "e": 3}
    assert pool.busy == 2 and pool.queued == 3
    release.set()
    slots = await asyncio.gather(*tasks)
    assert order == list("abcde")
    assert set(slots) == {0, 1}
    assert pool.busy == 0 and pool.queued == 0


async def test_a_cancelled_waiter_gives_up_its_place_and_no_slot_is_lost() -> None:
    pool = RunPool(1)
    release = asyncio.Event()

    async def hold() -> None:
        async with pool.slot():
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(hold())
    await asyncio.sleep(0)
    assert pool.queued == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert pool.queued == 0
    release.set()
    await holder
    assert pool.busy == 0
    async with pool.slot() as slot:
        assert slot == 0


def test_a_pool_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        RunPool(0)


async def _queue_behind(
    pool: RunPool, holders: int
) -> tuple[list[asyncio.Event], list[asyncio.Task[None]]]:
    """``holders`` jobs that hold every slot (then queue) until their event is set."""
    events = [asyncio.Event() for _ in range(holders)]

    async def hold(event: asyncio.Event) -> None:
        async with pool.slot():
            await event.wait()

    tasks = [asyncio.create_task(hold(event)) for event in events]
    await asyncio.sleep(0)
    return events, tasks


async def _join_the_queue(pool: RunPool) -> tuple[list[int], asyncio.Task[None]]:
    """A job that waits for a slot and does nothing with it; the places it heard, in order."""
    heard: list[int] = []

    async def queued(place: int) -> None:
        heard.append(place)

    async def job() -> None:
        async with pool.slot(queued):
            pass

    waiting = asyncio.create_task(job())
    await asyncio.sleep(0)
    return heard, waiting


async def test_a_waiter_hears_again_when_it_moves_up() -> None:
    pool = RunPool(1)
    events, holders = await _queue_behind(pool, 2)  # one runs, one waits
    heard, waiting = await _join_the_queue(pool)
    assert heard == [2]
    events[0].set()  # the running one ends: the waiter ahead gets the slot
    await asyncio.sleep(0.01)
    assert heard == [2, 1]
    events[1].set()
    await asyncio.gather(waiting, *holders)
    assert heard == [2, 1]


async def test_reports_are_bounded_each_at_most_half_the_last() -> None:
    pool = RunPool(1)
    events, holders = await _queue_behind(pool, 9)  # one runs, eight wait
    heard, waiting = await _join_the_queue(pool)
    for event in events:  # the queue moves one place at a time
        event.set()
        await asyncio.sleep(0.01)
    await asyncio.gather(waiting, *holders)
    assert heard == [9, 4, 2, 1]


async def test_a_waiter_ahead_giving_up_moves_those_behind() -> None:
    pool = RunPool(1)
    events, holders = await _queue_behind(pool, 2)
    heard, waiting = await _join_the_queue(pool)
    assert heard == [2]
    holders[1].cancel()
    await asyncio.sleep(0.01)
    assert heard == [2, 1]
    events[0].set()
    await waiting
    assert pool.busy == 0 and pool.queued == 0


async def test_a_slow_report_is_not_followed_by_a_stale_place_once_the_slot_is_granted() -> None:
    pool = RunPool(1)
    events, holders = await _queue_behind(pool, 4)  # one runs, three wait
    heard: list[int] = []
    reporting = asyncio.Event()
    finish_report = asyncio.Event()

    async def queued(place: int) -> None:
        heard.append(place)
        reporting.set()
        await finish_report.wait()

    ran: list[int] = []

    async def job() -> None:
        async with pool.slot(queued) as slot:
            ran.append(slot)

    waiting = asyncio.create_task(job())
    await reporting.wait()
    for event in events:  # all ahead finish while the first report is still being sent
        event.set()
        await asyncio.sleep(0.01)
    finish_report.set()
    await asyncio.gather(waiting, *holders)
    assert heard == [4]
    assert ran == [0]
    assert pool.busy == 0 and pool.queued == 0


async def test_moves_made_during_a_slow_report_are_told_in_one() -> None:
    pool = RunPool(1)
    events, holders = await _queue_behind(pool, 5)  # one runs, four wait
    heard: list[int] = []
    reporting = asyncio.Event()
    finish_report = asyncio.Event()

    async def queued(place: int) -> None:
        heard.append(place)
        if len(heard) == 1:
            reporting.set()
            await finish_report.wait()

    async def job() -> None:
        async with pool.slot(queued):
            pass

    waiting = asyncio.create_task(job())
    await reporting.wait()
    for event in events[:4]:  # from place 5 to 1 while the first report is being sent
        event.set()
        await asyncio.sleep(0.01)
    finish_report.set()
    await asyncio.sleep(0.01)
    assert heard == [5, 1]
    events[4].set()
    await asyncio.gather(waiting, *holders)
    assert heard == [5, 1]
