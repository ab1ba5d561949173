"""manifest.yml is valid against Slack's published schema and matches what the code uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from handlers.commands import COMMAND

ROOT = Path(__file__).parents[1]
SCHEMAS = Path(__file__).parent / "data" / "slack"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"
MANIFESTS = ["manifest.yml", "manifest.socket-mode.yml"]
# Each scope is used: see the comments in manifest.yml.
EXPECTED_SCOPES = {"commands", "chat:write", "im:history", "im:write", "files:read"}


def _validator() -> jsonschema.Validator:
    registry: Registry[Any] = Registry()
    for version in ("1.0.0", "2.0.0"):
        contents = json.loads((SCHEMAS / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(
            f"{REMOTE}manifest.schema.{version}.json",
            Resource.from_contents(contents, default_specification=DRAFT7),
        )
    entry = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    return jsonschema.Draft7Validator(entry, registry=registry)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_validates_against_slack_schema(name: str) -> None:
    manifest = yaml.safe_load((ROOT / name).read_text())
    errors = sorted(_validator().iter_errors(manifest), key=str)
    assert not errors, [e.message for e in errors]


def test_schema_rejects_a_broken_manifest() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    manifest["features"]["slash_commands"][0]["command"] = 42
    assert list(_validator().iter_errors(manifest))


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_matches_the_app(name: str) -> None:
    manifest = yaml.safe_load((ROOT / name).read_text())
    assert manifest["features"]["slash_commands"][0]["command"] == COMMAND
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == EXPECTED_SCOPES
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
    }
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    socket = name == "manifest.socket-mode.yml"
    assert manifest["settings"]["socket_mode_enabled"] is socket
    if not socket:
        assert manifest["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
