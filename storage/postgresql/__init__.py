"""PostgreSQL's implementations of the storage ports."""
