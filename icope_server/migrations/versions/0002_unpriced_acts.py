"""Acts without an amount: `billing_line.amount_cents` nullable, batches count them.

The act is the billable fact, its amount optional (docs/SYNC_PROTOCOL.md §7.4): no public
source gives the programme's amounts, so the desktop sends its acts without
`priceOverride` and the export marks them "à tarifer" instead of the server refusing
them. Existing lines all have an amount, so nothing is backfilled but the new counter.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("billing_line") as batch:
        batch.alter_column("amount_cents", existing_type=sa.BigInteger(), nullable=True)
    with op.batch_alter_table("billing_export") as batch:
        batch.add_column(
            sa.Column("unpriced_count", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Fails while an act without an amount exists: the old schema cannot hold it, and
    dropping billable acts silently is not a downgrade."""
    with op.batch_alter_table("billing_export") as batch:
        batch.drop_column("unpriced_count")
    with op.batch_alter_table("billing_line") as batch:
        batch.alter_column("amount_cents", existing_type=sa.BigInteger(), nullable=False)
