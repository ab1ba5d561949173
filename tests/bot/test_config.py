"""A bad setting stops `python -m bot` with one plain line: the variable, what is wrong, what
is allowed — never a traceback. Real processes, real environment variables."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from bot.config import Settings

NUMBER_KINDS = (int, float)


def _env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "OPENAI_", "DATABASE_", "INTERVIEW_", "LOG_"))
    }
    return env | extra


async def _run(command: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        command,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


def assert_one_plain_line(stderr: str, variable: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert variable in line, line
    for noise in ("Traceback", "pydantic", "ValidationError", "errors.pydantic.dev"):
        assert noise not in line, line
    return line


def _numeric_settings() -> dict[str, tuple[type, bool]]:
    """Every int/float setting (new ones included): its type and whether it has a lower bound."""
    found = {}
    for name, field in Settings.model_fields.items():
        kinds = getattr(field.annotation, "__args__", None) or (field.annotation,)
        kind = next((t for t in kinds if t in NUMBER_KINDS), None)
        if kind is not None:
            bounded = any(hasattr(rule, "ge") or hasattr(rule, "gt") for rule in field.metadata)
            found[name.upper()] = (kind, bounded)
    return found


@pytest.mark.parametrize(
    ("values", "wrong"),
    [
        ({int: "1.5", float: "abc"}, "which is not a"),
        ({int: "-100000", float: "-100000"}, "out of range"),
        ({float: "inf"}, "not a finite number"),
    ],
)
async def test_every_bad_number_stops_start_up_with_one_plain_line(
    tmp_path: Path, values: dict[type, str], wrong: str
) -> None:
    numeric = _numeric_settings()
    assert {"INTERVIEW_TIME_LIMIT_MINUTES", "PORT", "MODEL_TIMEOUT_SECONDS"} <= set(numeric)
    bad = {
        variable: values[kind]
        for variable, (kind, bounded) in numeric.items()
        if kind in values and (bounded or wrong != "out of range")
    }
    code, out, err = await _run("run", _env(**bad), tmp_path)
    assert code != 0, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    # One line for all of them, each named with what is wrong and what is allowed.
    for variable in bad:
        part = assert_one_plain_line(err, variable).split(variable, 1)[1].split(";", 2)
        assert wrong in part[0] and "allowed: a" in part[1], (variable, lines[0])
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("INTERVIEW_TIME_LIMIT_MINUTES", "0", "allowed: a whole number from 1 to 1440"),
        ("INTERVIEW_TIME_LIMIT_MINUTES", "1441", "allowed: a whole number from 1 to 1440"),
        ("PORT", "70000", "allowed: a whole number from 1 to 65535"),
        ("LOG_LEVEL", "LOUD", "allowed: DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("SLACK_API_URL", "slack.com/api", "allowed: an http:// or https:// URL"),
        ("OPENAI_BASE_URL", "localhost:11434/v1", "allowed: an http:// or https:// URL"),
        ("DATABASE_URL", "mysql://root:hunter2@db/bot", "allowed: sqlite+aiosqlite or post"),
        ("DATABASE_URL", "not a url", "postgresql+asyncpg://"),
        ("HOST", "my laptop", "allowed: an IP address or host name"),
        ("SANDBOX_ALLOWED_HOST", "http://sandbox.test", "allowed: a host name, or name:port"),
    ],
)
async def test_bad_value_names_the_variable_and_the_allowed_values(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    code, _, err = await _run("run", _env(**{variable: value}), tmp_path)
    assert code != 0
    line = assert_one_plain_line(err, variable)
    assert expected in line, line
    # A database URL may hold a password: only its scheme is shown.
    assert "hunter2" not in line


async def test_bad_value_in_dot_env_is_reported_the_same_way(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SWEEP_INTERVAL_SECONDS=soon\n")
    code, _, err = await _run("migrate", _env(), tmp_path)
    assert code != 0
    assert "allowed: a number above 0" in assert_one_plain_line(err, "SWEEP_INTERVAL_SECONDS")


async def test_a_one_minute_time_limit_is_accepted(tmp_path: Path) -> None:
    env = _env(
        INTERVIEW_TIME_LIMIT_MINUTES="1",
        LOG_LEVEL="warning",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    code, out, err = await _run("migrate", env, tmp_path)
    assert code == 0, out + err


async def test_dot_env_that_is_not_text_is_one_plain_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"PORT=\xff\xfe\n")
    code, _, err = await _run("migrate", _env(), tmp_path)
    assert code != 0
    assert "not UTF-8" in assert_one_plain_line(err, ".env")
