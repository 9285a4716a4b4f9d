"""The server's status of each billing line's ChargeItem ("Exporté pour paiement").

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

Audit item 6: the administrator's billing export sets a ChargeItem's status to `billed`
on the server, and the desktop now pulls those statuses (`GET /ChargeItem?cursor=`,
docs/SYNC_PROTOCOL.md §7.6). A billing line is immutable (a trigger forbids any UPDATE),
so the status it reached on the server lives beside it, one row per line, written only
by the sync's pull (store/models.py `ChargeStatusRow`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_export",
        sa.Column("line_id", sa.Uuid(), primary_key=True),
        sa.Column("server_status", sa.String(20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("billing_export")
