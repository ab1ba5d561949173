"""Moved to sandbox.slack_double; kept as an alias only while the last importer moves."""

from sandbox.slack_double import *  # noqa: F403
from sandbox.slack_double import SlackDouble

FakeSlackServer = SlackDouble
