"""The ChargeItem feed: numbered changes per practitioner, and `billed` after export.

The desktop shows which acts were exported for payment (docs/SYNC_PROTOCOL.md §7.6): an
export sets the ChargeItem's `status` to `billed` and numbers the change in the
practitioner's `charge_item_feed`, read with `GET /ChargeItem?cursor=` like the Task feed.
Existing data is brought in line: ChargeItems of lines already exported become `billed`
(a new version), and every ChargeItem gets one numbered change, so a first pull (no
cursor) returns them all in their current state.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practitioner_account") as batch:
        batch.add_column(
            sa.Column("charge_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.create_table(
        "charge_item_feed",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("charge_item_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "seq", name=op.f("pk_charge_item_feed")),
    )
    connection = op.get_bind()
    resource = sa.table(
        "fhir_resource",
        sa.column("id", sa.String),
        sa.column("resource_type", sa.String),
        sa.column("account_id", sa.Integer),
        sa.column("version_id", sa.Integer),
        sa.column("last_updated", sa.DateTime),
        sa.column("content", sa.Text),
    )
    line = sa.table(
        "billing_line", sa.column("charge_item_id", sa.String), sa.column("status", sa.String)
    )
    exported = set(
        connection.execute(
            sa.select(line.c.charge_item_id).where(line.c.status == "exported")
        ).scalars()
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = connection.execute(
        sa.select(resource.c.id, resource.c.account_id, resource.c.version_id,
                  resource.c.content)
        .where(resource.c.resource_type == "ChargeItem", resource.c.account_id.is_not(None))
        .order_by(resource.c.last_updated, resource.c.id)
    ).all()
    numbers: dict[int, int] = defaultdict(int)
    feed = []
    for resource_id, account_id, version, content in rows:
        if resource_id in exported:
            body = json.loads(content)
            if body.get("status") != "billed":
                body["status"] = "billed"
                connection.execute(
                    resource.update()
                    .where(resource.c.id == resource_id)
                    .values(
                        content=json.dumps(body, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False),
                        version_id=version + 1,
                        last_updated=now,
                    )
                )
        numbers[account_id] += 1
        feed.append({"account_id": account_id, "seq": numbers[account_id],
                     "charge_item_id": resource_id})
    if feed:
        op.bulk_insert(
            sa.table("charge_item_feed", sa.column("account_id", sa.Integer),
                     sa.column("seq", sa.BigInteger), sa.column("charge_item_id", sa.String)),
            feed,
        )
    account = sa.table(
        "practitioner_account", sa.column("id", sa.Integer), sa.column("charge_seq", sa.BigInteger)
    )
    for account_id, last in numbers.items():
        connection.execute(
            account.update().where(account.c.id == account_id).values(charge_seq=last)
        )


def downgrade() -> None:
    """The feed goes; ChargeItems stay `billed` (the old server stores any status and
    bills from its lines, not from the resource)."""
    op.drop_table("charge_item_feed")
    with op.batch_alter_table("practitioner_account") as batch:
        batch.drop_column("charge_seq")
