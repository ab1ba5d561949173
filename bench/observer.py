"""Watches the fake Slack Web API: when each reply, thread and Home view arrives."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque

from sandbox.slack_double import Call, SlackDouble


def dm_channel(user: str) -> str:
    """The fake Slack names a user's DM with the app after the user: U123 -> D123."""
    return "D" + user[1:]


class SlackObserver:
    """Timestamps Web API calls as they arrive (before the fake's latency is served)."""

    def __init__(self, slack: SlackDouble) -> None:
        self.slack = slack
        self.calls = 0
        self.last_call_at = time.monotonic()
        self.posts = 0
        # channel -> thread ts of the interview, known once the interviewer's opening arrives.
        self.threads: dict[str, str] = {}
        # DMs where an interview was started: their first threaded post is the opening.
        self._interview_channels: set[str] = set()
        self._thread_waiters: dict[str, asyncio.Future[str]] = {}
        self._reply_waiters: dict[tuple[str, str], deque[asyncio.Future[float]]] = defaultdict(
            deque
        )
        self.last_post_at: dict[tuple[str, str], float] = {}
        self._home_waiters: dict[str, deque[asyncio.Future[float]]] = defaultdict(deque)
        self.methods: dict[str, int] = defaultdict(int)
        slack.hooks.append(self._on_call)

    def _on_call(self, call: Call) -> None:
        now = time.monotonic()
        self.calls += 1
        self.last_call_at = now
        self.methods[call.method] += 1
        if call.method == "chat.postMessage":
            self.posts += 1
            thread_ts = call.params.get("thread_ts")
            channel = str(call.params.get("channel", ""))
            if thread_ts:
                key = (channel, str(thread_ts))
                self.last_post_at[key] = now
                if channel in self._interview_channels and channel not in self.threads:
                    self.threads[channel] = str(thread_ts)
                    waiter = self._thread_waiters.pop(channel, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(str(thread_ts))
                    return
                waiters = self._reply_waiters.get(key)
                while waiters:
                    future = waiters.popleft()
                    if not future.done():
                        future.set_result(now)
                        break
        elif call.method == "views.publish":
            waiters = self._home_waiters.get(str(call.params.get("user_id", "")))
            while waiters:
                future = waiters.popleft()
                if not future.done():
                    future.set_result(now)
                    break

    # Waiting -------------------------------------------------------------------------------

    def watch_interview(self, channel: str) -> None:
        """An interview is being started in this DM; its opening will name the thread."""
        self._interview_channels.add(channel)

    def thread_of(self, channel: str) -> asyncio.Future[str]:
        """Resolves with the interview's thread ts when its opening is posted."""
        self.watch_interview(channel)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        if channel in self.threads:
            future.set_result(self.threads[channel])
        else:
            self._thread_waiters[channel] = future
        return future

    def expect_reply(self, channel: str, thread_ts: str) -> asyncio.Future[float]:
        """Resolves with the arrival time of the next post in that thread."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._reply_waiters[(channel, thread_ts)].append(future)
        return future

    def expect_home(self, user: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._home_waiters[user].append(future)
        return future

    async def wait_threads(self, channels: list[str], within: float) -> int:
        """Wait until these DMs have an interview thread; returns how many do."""
        futures = [self.thread_of(c) for c in channels]
        if futures:
            await asyncio.wait(futures, timeout=within)
        for channel, future in zip(channels, futures, strict=True):
            if not future.done():
                future.cancel()
                self._thread_waiters.pop(channel, None)
        return sum(1 for c in channels if c in self.threads)

    async def wait_answered(self, last_sent: dict[tuple[str, str], float], within: float) -> int:
        """Wait until every thread got a post after its last message; returns how many did."""
        deadline = time.monotonic() + within

        def answered() -> int:
            return sum(1 for k, t in last_sent.items() if self.last_post_at.get(k, 0.0) > t)

        while time.monotonic() < deadline:
            if answered() == len(last_sent):
                break
            await asyncio.sleep(0.05)
        return answered()
