"""The sandbox workspace outlives a restart, like a Slack workspace does."""

from __future__ import annotations

from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from sandbox import Sandbox
from sandbox.persistence import DEFAULT_WORKSPACE_FILE, WorkspaceFile, workspace_file_for

DM = "D0SANDBOX"


def test_the_file_sits_beside_a_sqlite_database(tmp_path: Path) -> None:
    assert workspace_file_for(f"sqlite+aiosqlite:///{tmp_path}/bot.db") == (
        tmp_path / "bot.sandbox.json"
    )
    assert workspace_file_for("sqlite+aiosqlite:///./interview_bot.db") == Path(
        "interview_bot.sandbox.json"
    )
    assert workspace_file_for("postgresql+asyncpg://u@h/db") == DEFAULT_WORKSPACE_FILE
    assert workspace_file_for("sqlite+aiosqlite://") == DEFAULT_WORKSPACE_FILE


async def test_messages_home_and_files_come_back_with_new_links(
    sandbox: Sandbox, slack: AsyncWebClient, tmp_path: Path
) -> None:
    path = tmp_path / "bot.sandbox.json"
    parent = await slack.chat_postMessage(channel=DM, text="problem")
    await sandbox.person.send_message("answer", thread_ts=parent["ts"])
    await sandbox.person.create_snippet(
        title="a.py", filetype="python", content="x = 1\n", thread_ts=parent["ts"]
    )
    await slack.views_publish(user_id="U0SANDBOX", view={"type": "home", "blocks": []})
    await slack.chat_postEphemeral(channel=DM, user="U0SANDBOX", text="gone after restart")
    WorkspaceFile(sandbox.workspace, path).save()

    later = Sandbox(person_name="ada")
    await later.start(port=0)
    try:
        assert WorkspaceFile(later.workspace, path).load()
        workspace = later.workspace
        assert [m["text"] for m in workspace.replies(DM, parent["ts"])][:2] == ["problem", "answer"]
        assert workspace.find_message(DM, parent["ts"])["reply_count"] == 2  # type: ignore[index]
        assert workspace.home_views["U0SANDBOX"]["type"] == "home"
        assert workspace.ephemerals == {}
        [stored] = workspace.files.values()
        assert stored.content == b"x = 1\n"
        assert stored.info["url_private_download"].startswith(later.url + "files-pri/")
        shared = workspace.replies(DM, parent["ts"])[2]["files"][0]
        assert shared["url_private_download"] == stored.info["url_private_download"]
        # New ids and timestamps continue after the saved ones.
        assert workspace.next_ts() > workspace.replies(DM, parent["ts"])[-1]["ts"]
        assert workspace.next_id("F") not in workspace.files
    finally:
        await later.close()


def test_a_missing_or_broken_file_starts_empty(tmp_path: Path) -> None:
    from sandbox.workspace import Identity, Workspace

    workspace = Workspace(Identity(person_name="ada", bot_token="xoxb-x"))
    assert WorkspaceFile(workspace, tmp_path / "none.json").load() is False
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert WorkspaceFile(workspace, broken).load() is False
    assert workspace.messages == {"D0SANDBOX": {}}
