"""Moved to sandbox.slow_client; kept as an alias only while the last importer moves."""

import sys

from sandbox import slow_client

sys.modules[__name__] = slow_client
