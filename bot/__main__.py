"""`interview-bot run | migrate | sandbox` (also `python -m bot ...`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from storage.db import migrate

logger = logging.getLogger("bot")

MISSING_TOKENS_HELP = """\
Interview Bot needs a Slack app to talk to a real workspace. Set these variables
(in the environment or a .env file next to where you run it):

  SLACK_BOT_TOKEN       xoxb-…  Slack app settings → OAuth & Permissions → Bot User OAuth Token
  SLACK_SIGNING_SECRET  …       Slack app settings → Basic Information → App Credentials
                                (HTTP mode; not needed in Socket Mode)
  SLACK_APP_TOKEN       xapp-…  optional: Basic Information → App-Level Tokens (scope
                                connections:write) — set it to use Socket Mode instead of HTTP

Create the app in one step from manifest.yml: https://api.slack.com/apps → Create New App →
From an app manifest. See README.md, "Install in a Slack workspace".
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="interview-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="apply migrations, then serve Slack (HTTP or Socket Mode)")
    sub.add_parser("migrate", help="apply database migrations (Alembic upgrade head)")
    sandbox = sub.add_parser("sandbox", help="try the bot in a local Slack-like web page")
    sandbox.add_argument("--port", type=int, default=None, help="web page port (default 8080)")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except ConfigError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    secrets = tuple(
        s
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.openai_api_key,
        )
        if s
    )
    configure_logging(settings.log_level, secrets)

    if args.command == "migrate":
        asyncio.run(migrate(settings.database_url))
        logger.info("database is at the latest migration")
        return 0
    if args.command == "sandbox":
        return _run_sandbox(settings, args.port)
    missing = settings.missing_for_run()
    if "SLACK_BOT_TOKEN" in missing:
        sys.stderr.write(MISSING_TOKENS_HELP)
        sys.stderr.write("\nNo SLACK_BOT_TOKEN: starting the local sandbox instead.\n\n")
        return _run_sandbox(settings, None)
    if missing:
        sys.stderr.write(MISSING_TOKENS_HELP)
        sys.stderr.write(f"\nMissing: {', '.join(missing)}\n")
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))
    return 0


def _run_sandbox(settings: Settings, port: int | None) -> int:
    from sandbox import serve_sandbox

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve_sandbox(
                database_url=settings.database_url,
                port=port or 8080,
                allowed_host=settings.sandbox_allowed_host,
            )
        )
    return 0


def _freeze_startup_objects() -> None:
    # What start-up loaded (modules, the app, its caches) lives as long as the process. Left
    # to the collector, every full pass walks all of it again and stops the event loop for
    # 100+ ms — acks included; frozen, a full pass only walks what requests have made since.
    gc.collect()
    gc.freeze()


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM, then finish in-flight work and stop."""
    from bot.runtime import BotRuntime
    from bot.web_server import ServerLimits, start_web_server

    runtime = await BotRuntime.create(settings)
    runner, _site = await start_web_server(
        runtime.web_app,
        host=settings.host,
        port=settings.port,
        limits=ServerLimits.from_settings(settings),
    )
    await runtime.start()
    _freeze_startup_objects()
    if settings.socket_mode:
        await runtime.connect_socket_mode()
        logger.info("connected to Slack in Socket Mode; health check on :%d/healthz", settings.port)
    else:
        logger.info("listening on :%d (POST /slack/events, GET /healthz)", settings.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    logger.info("stopping")
    await runner.cleanup()
    await runtime.close()


if __name__ == "__main__":
    raise SystemExit(main())
