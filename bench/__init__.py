"""Benchmarks of Interview Bot against a bare Bolt bot: `python -m bench` (see README.md)."""
