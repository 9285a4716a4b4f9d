"""Initial schema: people, visits, billing, alerts, outbox, audit, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Also creates the immutability triggers (issue 3: "finalized visits are immutable —
enforce it"): whatever code path tries it, SQLite aborts an UPDATE or DELETE of a final
visit, its assessments and care plan, any billing line or audit event.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


PROFESSIONS = (
    "nurse",
    "physiotherapist",
    "doctor",
    "pharmacist",
    "speech_therapist",
    "orthoptist",
    "podiatrist",
    "dentist",
)
INS_STATUSES = ("provisional", "recovered", "validated", "qualified")
ENTITIES = (
    "practitioner",
    "general_practitioner",
    "patient",
    "visit",
    "letter",
    "billing_line",
    "alert_task",
)

TRIGGERS = {
    "trg_visit_final_no_update": """
        CREATE TRIGGER trg_visit_final_no_update BEFORE UPDATE ON visit
        WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_visit_final_no_delete": """
        CREATE TRIGGER trg_visit_final_no_delete BEFORE DELETE ON visit
        WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_assessment_final_no_update": """
        CREATE TRIGGER trg_assessment_final_no_update BEFORE UPDATE ON assessment
        WHEN OLD.status = 'final'
            OR (SELECT status FROM visit WHERE id = OLD.visit_id) = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_assessment_final_no_delete": """
        CREATE TRIGGER trg_assessment_final_no_delete BEFORE DELETE ON assessment
        WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_assessment_no_insert_into_final": """
        CREATE TRIGGER trg_assessment_no_insert_into_final BEFORE INSERT ON assessment
        WHEN (SELECT status FROM visit WHERE id = NEW.visit_id) = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_care_plan_no_insert_into_final": """
        CREATE TRIGGER trg_care_plan_no_insert_into_final BEFORE INSERT ON care_plan_item
        WHEN (SELECT status FROM visit WHERE id = NEW.visit_id) = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_care_plan_final_no_update": """
        CREATE TRIGGER trg_care_plan_final_no_update BEFORE UPDATE ON care_plan_item
        WHEN (SELECT status FROM visit WHERE id = OLD.visit_id) = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_care_plan_final_no_delete": """
        CREATE TRIGGER trg_care_plan_final_no_delete BEFORE DELETE ON care_plan_item
        WHEN (SELECT status FROM visit WHERE id = OLD.visit_id) = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_billing_line_no_update": """
        CREATE TRIGGER trg_billing_line_no_update BEFORE UPDATE ON billing_line
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:billing_line'); END""",
    "trg_billing_line_no_delete": """
        CREATE TRIGGER trg_billing_line_no_delete BEFORE DELETE ON billing_line
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:billing_line'); END""",
    "trg_audit_event_no_update": """
        CREATE TRIGGER trg_audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:audit_event'); END""",
    "trg_audit_event_no_delete": """
        CREATE TRIGGER trg_audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:audit_event'); END""",
}


def upgrade() -> None:
    op.create_table(
        "practitioner",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("rpps", sa.String(11), unique=True),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("profession", _enum("profession", *PROFESSIONS), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(30)),
        *_timestamps(),
    )
    op.create_table(
        "general_practitioner",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("rpps", sa.String(11), unique=True),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(200)),
        sa.Column("postal_code", sa.String(10)),
        sa.Column("city", sa.String(100)),
        sa.Column("phone", sa.String(30)),
        sa.Column("email", sa.String(254)),
        *_timestamps(),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("birth_name", sa.String(100), nullable=False),
        sa.Column("used_name", sa.String(100)),
        sa.Column("first_names", sa.String(150), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", _enum("sex", "F", "M", "I"), nullable=False),
        sa.Column("ins", sa.String(15), unique=True),
        sa.Column("ins_status", _enum("ins_status", *INS_STATUSES), nullable=False),
        sa.Column("address", sa.String(200)),
        sa.Column("postal_code", sa.String(10)),
        sa.Column("city", sa.String(100)),
        sa.Column("phone", sa.String(30)),
        sa.Column(
            "gp_id", sa.Uuid(), sa.ForeignKey("general_practitioner.id", ondelete="RESTRICT")
        ),
        sa.Column("consent_given", sa.Boolean(create_constraint=False)),
        sa.Column("consent_on", sa.Date()),
        sa.Column("lives_at_home", sa.Boolean(create_constraint=False)),
        sa.Column("autonomous", sa.Boolean(create_constraint=False)),
        sa.Column("eligibility_checked_on", sa.Date()),
        sa.Column("exited_on", sa.Date()),
        *_timestamps(),
        sa.CheckConstraint("length(trim(birth_name)) > 0", name="birth_name_not_blank"),
        sa.CheckConstraint("length(trim(first_names)) > 0", name="first_names_not_blank"),
    )
    op.create_index("ix_patient_birth_date", "patient", ["birth_date"])
    op.create_index("ix_patient_gp_id", "patient", ["gp_id"])

    op.create_table(
        "alert_task",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("server_id", sa.String(200), nullable=False, unique=True),
        sa.Column("patient_id", sa.Uuid(), sa.ForeignKey("patient.id", ondelete="RESTRICT")),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("altered_domains", sa.JSON(), nullable=False),
        sa.Column("server_status", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("decision", _enum("decision", "confirm", "invalidate", "open")),
        sa.Column("decision_note", sa.Text()),
        sa.Column("reminder_on", sa.Date()),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column(
            "decided_by", sa.Uuid(), sa.ForeignKey("practitioner.id", ondelete="RESTRICT")
        ),
        sa.Column("pulled_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_alert_task_patient_id", "alert_task", ["patient_id"])

    op.create_table(
        "visit",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "patient_id",
            sa.Uuid(),
            sa.ForeignKey("patient.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("kind", _enum("visit_kind", "step1", "step2", "follow_up"), nullable=False),
        sa.Column("status", _enum("visit_status", "draft", "final"), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Uuid(), nullable=False),
        sa.Column(
            "amends_id",
            sa.Uuid(),
            sa.ForeignKey("visit.id", ondelete="RESTRICT"),
            unique=True,
        ),
        sa.Column(
            "alert_task_id", sa.Uuid(), sa.ForeignKey("alert_task.id", ondelete="RESTRICT")
        ),
        sa.Column("position", sa.JSON()),
        sa.Column("evaluation", sa.JSON()),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finalized_at", sa.DateTime()),
        sa.Column(
            "finalized_by", sa.Uuid(), sa.ForeignKey("practitioner.id", ondelete="RESTRICT")
        ),
        *_timestamps(),
        sa.CheckConstraint(
            "status = 'draft' OR finalized_at IS NOT NULL", name="final_has_timestamp"
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("(version = 1) = (amends_id IS NULL)", name="amendment_has_original"),
    )
    op.create_index("ix_visit_root_id", "visit", ["root_id"])
    op.create_index("ix_visit_patient_id_performed_on", "visit", ["patient_id", "performed_on"])
    op.create_index("ix_visit_status_updated_at", "visit", ["status", "updated_at"])

    op.create_table(
        "assessment",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "visit_id", sa.Uuid(), sa.ForeignKey("visit.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("instrument_id", sa.String(32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON()),
        sa.Column("status", _enum("assessment_status", "draft", "final"), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("visit_id", "instrument_id"),
    )
    op.create_table(
        "care_plan_item",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "visit_id", sa.Uuid(), sa.ForeignKey("visit.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("label_fr", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("visit_id", "code"),
    )
    op.create_table(
        "letter",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "visit_id", sa.Uuid(), sa.ForeignKey("visit.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("visit_id", "kind", "language"),
    )
    op.create_table(
        "billing_line",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("act_code", sa.String(32), nullable=False),
        sa.Column("source_kind", sa.String(20), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("act_date", sa.Date(), nullable=False),
        sa.Column(
            "patient_id",
            sa.Uuid(),
            sa.ForeignKey("patient.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column(
            "practitioner_id", sa.Uuid(), sa.ForeignKey("practitioner.id", ondelete="RESTRICT")
        ),
        sa.Column("practitioner_rpps", sa.String(11)),
        sa.Column("amount_cents", sa.Integer()),
        sa.Column("tariff_valid_from", sa.Date()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("act_code", "source_id"),
        sa.CheckConstraint("source_kind IN ('visit', 'alert_task')", name="source_kind"),
        sa.CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_positive"),
    )
    op.create_index("ix_billing_line_patient_id", "billing_line", ["patient_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.Uuid(), nullable=False, unique=True),
        sa.Column("entity", _enum("entity", *ENTITIES), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "status", _enum("sync_status", "waiting", "sent", "rejected"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("rejected_reason", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
    )
    op.create_index("ix_outbox_status_id", "outbox", ["status", "id"])
    op.create_index("ix_outbox_entity_entity_id", "outbox", ["entity", "entity_id"])
    op.create_index(
        "uq_outbox_one_waiting_per_record",
        "outbox",
        ["entity", "entity_id"],
        unique=True,
        sqlite_where=sa.text("status = 'waiting'"),
    )

    op.create_table(
        "sync_state",
        sa.Column("stream", sa.String(40), primary_key=True),
        sa.Column("cursor", sa.String(200)),
        sa.Column("last_sync_at", sa.DateTime()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Uuid()),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32)),
        sa.Column("entity_id", sa.Uuid()),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    for statement in TRIGGERS.values():
        op.execute(statement)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in (
        "setting",
        "audit_event",
        "sync_state",
        "outbox",
        "billing_line",
        "letter",
        "care_plan_item",
        "assessment",
        "visit",
        "alert_task",
        "patient",
        "general_practitioner",
        "practitioner",
    ):
        op.drop_table(table)
