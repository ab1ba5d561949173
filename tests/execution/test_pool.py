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
