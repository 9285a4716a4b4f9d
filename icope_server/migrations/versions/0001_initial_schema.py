"""Initial schema of the regional server (issue 6).

Times are naive UTC (`models.UtcDateTime`); icope_server/models.py says what each
constraint guarantees.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACCOUNT = "practitioner_account.id"


def _fk(table: str, column: str, target: str, **kw) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), **kw
    )


def upgrade() -> None:
    op.create_table(
        "practitioner_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rpps", sa.String(length=11), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("practitioner_id", sa.String(length=64), nullable=False),
        sa.Column("task_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner_account")),
        sa.UniqueConstraint(
            "practitioner_id", name=op.f("uq_practitioner_account_practitioner_id")
        ),
        sa.UniqueConstraint("rpps", name=op.f("uq_practitioner_account_rpps")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        _fk("api_token", "account_id", ACCOUNT),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_account_id"), "api_token", ["account_id"])
    op.create_table(
        "territory",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=5), nullable=False),
        _fk("territory", "account_id", ACCOUNT),
        sa.PrimaryKeyConstraint("account_id", "prefix", name=op.f("pk_territory")),
    )
    op.create_table(
        "fhir_resource",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("business_id", sa.String(length=128), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("last_updated", sa.DateTime(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        _fk("fhir_resource", "account_id", ACCOUNT),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fhir_resource")),
        sa.UniqueConstraint(
            "account_id", "resource_type", "business_id", name="uq_fhir_resource_business_id"
        ),
    )
    op.create_table(
        "resource_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("system", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        _fk("resource_identifier", "resource_id", "fhir_resource.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource_identifier")),
    )
    op.create_index(
        "ix_resource_identifier_lookup",
        "resource_identifier",
        ["account_id", "resource_type", "system", "value"],
    )
    op.create_index(
        op.f("ix_resource_identifier_resource_id"), "resource_identifier", ["resource_id"]
    )
    op.create_table(
        "alert_task",
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("alert_key", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        _fk("alert_task", "account_id", ACCOUNT),
        _fk("alert_task", "task_id", "fhir_resource.id"),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_alert_task")),
        sa.UniqueConstraint("alert_key", name=op.f("uq_alert_task_alert_key")),
    )
    op.create_index(op.f("ix_alert_task_account_id"), "alert_task", ["account_id"])
    op.create_table(
        "task_feed",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "seq", name=op.f("pk_task_feed")),
    )
    op.create_table(
        "idempotency_key",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "key", name=op.f("pk_idempotency_key")),
    )
    op.create_index(op.f("ix_idempotency_key_created_at"), "idempotency_key", ["created_at"])
    op.create_table(
        "billing_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_export")),
    )
    op.create_table(
        "billing_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("charge_item_id", sa.String(length=64), nullable=False),
        sa.Column("act_id", sa.String(length=128), nullable=False),
        sa.Column("act_code", sa.String(length=64), nullable=False),
        sa.Column("act_label", sa.String(length=200), nullable=False),
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("export_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("billing_line", "account_id", ACCOUNT),
        _fk("billing_line", "charge_item_id", "fhir_resource.id"),
        _fk("billing_line", "export_id", "billing_export.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_line")),
        sa.UniqueConstraint("account_id", "act_id", name="uq_billing_line_act"),
        sa.UniqueConstraint("charge_item_id", name=op.f("uq_billing_line_charge_item_id")),
    )
    op.create_index(op.f("ix_billing_line_export_id"), "billing_line", ["export_id"])
    op.create_index(op.f("ix_billing_line_status"), "billing_line", ["status"])
    op.create_index(
        "ix_billing_line_same_act",
        "billing_line",
        ["account_id", "act_code", "patient_id", "act_date"],
    )
    op.create_table(
        "letter_dispatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("communication_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        _fk("letter_dispatch", "account_id", ACCOUNT),
        _fk("letter_dispatch", "communication_id", "fhir_resource.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_dispatch")),
        sa.UniqueConstraint(
            "communication_id", name=op.f("uq_letter_dispatch_communication_id")
        ),
    )
    op.create_index(
        "ix_letter_dispatch_due", "letter_dispatch", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    for table in (
        "letter_dispatch",
        "billing_line",
        "billing_export",
        "idempotency_key",
        "task_feed",
        "alert_task",
        "resource_identifier",
        "fhir_resource",
        "territory",
        "api_token",
        "practitioner_account",
    ):
        op.drop_table(table)
