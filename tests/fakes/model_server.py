"""Moved to sandbox.model_server; kept as an alias only while the last importer moves."""

import sys

from sandbox import model_server

sys.modules[__name__] = model_server
