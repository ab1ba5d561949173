"""Background work bookkeeping: tracked tasks and the work slots that keep acks fast."""

from __future__ import annotations

import asyncio

from bot.tasks import TaskTracker, WorkSlots


async def test_slots_bound_concurrent_work_but_not_network_waits() -> None:
    slots = WorkSlots(2)
    busy = 0
    peak = 0
    waiting_on_network = 0
    network_peak = 0

    async def network() -> None:
        nonlocal waiting_on_network, network_peak
        waiting_on_network += 1
        network_peak = max(network_peak, waiting_on_network)
        await asyncio.sleep(0.02)
        waiting_on_network -= 1

    async def step() -> None:
        nonlocal busy, peak
        async with slots.held():
            busy += 1
            peak = max(peak, busy)
            await asyncio.sleep(0)
            busy -= 1
            await slots.outside(network())
            async with slots.held():  # nested use keeps the one slot
                busy += 1
                peak = max(peak, busy)
                await asyncio.sleep(0)
                busy -= 1

    await asyncio.gather(*(step() for _ in range(10)))
    assert peak <= 2
    assert network_peak > 2  # waits on the network do not hold a slot


async def test_tracker_drains_tasks_started_by_tasks() -> None:
    tracker = TaskTracker()
    done: list[str] = []

    async def child() -> None:
        await asyncio.sleep(0.01)
        done.append("child")

    async def parent() -> None:
        tracker.spawn(child())
        done.append("parent")

    tracker.spawn(parent())
    await tracker.drain(wait_seconds=5)
    assert done == ["parent", "child"] and tracker.pending == 0
