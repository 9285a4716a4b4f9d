"""Visit versions: `encounter_version` links an amended visit to the one it replaces, and
each billing line knows its visit's first version.

docs/SYNC_PROTOCOL.md §7.2: an amended visit is a new Encounter with the `replaces`
extension. The evaluation export shows the latest version only; billing treats an act of
any version as the first version's act (the desktop bills amendments against the
original). Existing lines are given the visit their ChargeItem names (`context`): no
Encounter carried `replaces` before this revision, so each is its own first version.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "encounter_version",
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.String(length=64), nullable=False),
        sa.Column("root_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["practitioner_account.id"],
            name=op.f("fk_encounter_version_account_id_practitioner_account"),
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["fhir_resource.id"], ondelete="CASCADE",
            name=op.f("fk_encounter_version_encounter_id_fhir_resource"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["fhir_resource.id"],
            name=op.f("fk_encounter_version_replaces_id_fhir_resource"),
        ),
        sa.PrimaryKeyConstraint("encounter_id", name=op.f("pk_encounter_version")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_encounter_version_replaces_id")),
    )
    op.create_index(op.f("ix_encounter_version_root_id"), "encounter_version", ["root_id"])
    with op.batch_alter_table("billing_line") as batch:
        batch.add_column(sa.Column("visit_root_id", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_billing_line_same_visit", "billing_line", ["account_id", "act_code", "visit_root_id"]
    )
    connection = op.get_bind()
    lines = connection.execute(
        sa.text(
            "SELECT billing_line.id, fhir_resource.content FROM billing_line "
            "JOIN fhir_resource ON fhir_resource.id = billing_line.charge_item_id"
        )
    ).all()
    for line_id, content in lines:
        context = json.loads(content).get("context")
        reference = context.get("reference") if isinstance(context, dict) else None
        if isinstance(reference, str) and reference.startswith("Encounter/"):
            connection.execute(
                sa.text("UPDATE billing_line SET visit_root_id = :root WHERE id = :id"),
                {"root": reference.removeprefix("Encounter/"), "id": line_id},
            )


def downgrade() -> None:
    op.drop_index("ix_billing_line_same_visit", table_name="billing_line")
    with op.batch_alter_table("billing_line") as batch:
        batch.drop_column("visit_root_id")
    op.drop_index(op.f("ix_encounter_version_root_id"), table_name="encounter_version")
    op.drop_table("encounter_version")
