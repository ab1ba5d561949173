"""interviews: tests passed / total of the final submission and of the best one

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

All four are nullable: NULL means no code ran in that interview (and every interview
recorded before code was run).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("tests_passed", "tests_total", "best_tests_passed", "best_tests_total")


def upgrade() -> None:
    # batch mode: SQLite cannot drop columns in place, and the downgrade must work there too
    with op.batch_alter_table("interviews") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
