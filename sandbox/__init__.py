"""A local sandbox that plays a small Slack workspace, so the bot can be tried in a browser.

`serve_sandbox()` starts it together with the real bot; `Sandbox` is the server alone.
"""

from sandbox.server import RunningSandbox, Sandbox, running_sandbox, serve_sandbox

__all__ = ["RunningSandbox", "Sandbox", "running_sandbox", "serve_sandbox"]
