"""Sandboxes reach the harness wherever the bot is installed: as root they run as per-slot
uids, which cannot traverse a checkout in a private (0700) directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.execution.languages import HARNESS_SOURCE, harness_dir


def test_the_bound_harness_is_reachable_by_any_uid_and_matches_the_package() -> None:
    staged = Path(harness_dir())
    for directory in (staged, *staged.parents):
        assert directory.stat().st_mode & stat.S_IXOTH, f"{directory} is not traversable"
    names = sorted(os.listdir(HARNESS_SOURCE))
    assert sorted(os.listdir(staged)) == names
    for name in names:
        assert (staged / name).stat().st_mode & stat.S_IROTH
        assert (staged / name).read_bytes() == (Path(HARNESS_SOURCE) / name).read_bytes()


def test_the_harness_is_staged_once_per_process() -> None:
    assert harness_dir() == harness_dir()
