"""Moved to sandbox.postgres; kept as an alias only while the last importer moves."""

import sys

from sandbox import postgres

sys.modules[__name__] = postgres
