"""SQLite's implementations of the storage ports."""
