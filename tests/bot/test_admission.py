"""Background work bookkeeping: tracked tasks and the work slots that keep acks fast."""

from __future__ import annotations

import asyncio

from bot.admission import RequestPriority, TaskTracker, WorkSlots


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


async def test_requests_get_the_database_before_background_work() -> None:
    priority = RequestPriority(capacity=1, max_wait=30)
    tracker = TaskTracker()
    order: list[str] = []
    release_first = asyncio.Event()

    async def hold_first() -> None:
        async with priority.admitted():
            order.append("first holds")
            await release_first.wait()

    async def background(name: str) -> None:
        async with priority.admitted():
            order.append(name)

    async def request() -> None:
        with priority.request():
            # Work a listener starts is background work, even though it starts here.
            tracker.spawn(background("spawned by the request"))
            await asyncio.sleep(0)
            async with priority.admitted():
                order.append("request")

    tracker.spawn(hold_first())
    await asyncio.sleep(0)
    tracker.spawn(background("background queued first"))
    await asyncio.sleep(0)
    handling = asyncio.create_task(request())
    await asyncio.sleep(0.05)
    assert priority.active == 1  # the request waits for the one place
    release_first.set()
    await handling
    await tracker.drain(wait_seconds=5)
    assert order == [
        "first holds",
        "request",
        "background queued first",
        "spawned by the request",
    ]
    assert priority.active == 0


async def test_background_that_waited_too_long_takes_every_other_place() -> None:
    priority = RequestPriority(capacity=1, max_wait=0.0)
    order: list[str] = []
    gate = asyncio.Event()

    async def use(name: str, *, request: bool) -> None:
        if request:
            with priority.request():
                async with priority.admitted():
                    order.append(name)
        else:
            async with priority.admitted():
                order.append(name)

    async def hold() -> None:
        async with priority.admitted():
            await gate.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(use(f"bg{i}", request=False)) for i in range(2)]
    waiting += [asyncio.create_task(use(f"req{i}", request=True)) for i in range(2)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(holder, *waiting)
    assert order == ["bg0", "req0", "bg1", "req1"]


async def test_a_cancelled_waiter_gives_its_place_on() -> None:
    priority = RequestPriority(capacity=1)
    gate = asyncio.Event()
    done: list[str] = []

    async def hold() -> None:
        async with priority.admitted():
            await gate.wait()

    async def use(name: str) -> None:
        async with priority.admitted():
            done.append(name)

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    doomed = asyncio.create_task(use("cancelled"))
    later = asyncio.create_task(use("later"))
    await asyncio.sleep(0)
    doomed.cancel()
    gate.set()
    await asyncio.gather(holder, later)
    assert done == ["later"]
    async with asyncio.timeout(5), priority.admitted():  # the place is free again
        pass


async def test_without_a_capacity_nobody_waits() -> None:
    priority = RequestPriority(capacity=None)
    entered = 0

    async def use() -> None:
        nonlocal entered
        async with priority.admitted():
            entered += 1
            await asyncio.sleep(0.01)

    await asyncio.gather(*(use() for _ in range(20)))
    assert entered == 20


async def test_a_step_a_request_hands_over_need_not_wait_for_requests_to_pause() -> None:
    priority = RequestPriority(capacity=1, max_wait=5.0)
    slots = WorkSlots(2, priority)
    go = asyncio.Event()
    entered: list[str] = []

    async def step(name: str, *, quiet: bool) -> None:
        await go.wait()
        async with slots.held(quiet=quiet):
            entered.append(name)

    # Both are background tasks (started outside the request), as the engine spawns them.
    waiting = asyncio.create_task(step("background", quiet=True))
    handed_over = asyncio.create_task(step("handed over", quiet=False))
    with priority.request():
        go.set()
        await asyncio.wait_for(handed_over, timeout=1)
        await asyncio.sleep(0.05)
        assert entered == ["handed over"]  # the ordinary step waits while the request runs
    await asyncio.wait_for(waiting, timeout=1)
    assert entered == ["handed over", "background"]
