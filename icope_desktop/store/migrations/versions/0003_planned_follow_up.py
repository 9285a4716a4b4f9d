"""The next Step 1 date the practitioner chose: on the visit, and on the patient.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

When the practitioner moves the next Step 1 date on the visit summary, that date is the
follow-up (clinical spec §1, Step 4: "Step 1 is repeated every 6 months", adjustable by
the practitioner). Until now it lived only inside the evaluation JSON
(`planned_follow_up`), so "due follow-ups" ignored it and counted the configured months
from the visit date. `visit.planned_follow_up_on` now holds it (NULL: the engine's date
stands) and `patient.planned_step1_on` carries the one of the patient's latest Step 1
next to `last_step1_on`, so the home's list stays an index range.

Existing final visits are backfilled from the JSON key. A final visit is immutable by
trigger, so the backfill drops `trg_visit_final_no_update` for the length of this
revision (one transaction) and re-creates it exactly as revision 0001 wrote it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies of revision 0001's triggers on `visit` (a batch "move and copy" of the
# table in the downgrade drops them; the backfill needs the first one out of the way).
VISIT_TRIGGERS = {
    "trg_visit_final_no_update": """
        CREATE TRIGGER trg_visit_final_no_update BEFORE UPDATE ON visit
        WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
    "trg_visit_final_no_delete": """
        CREATE TRIGGER trg_visit_final_no_delete BEFORE DELETE ON visit
        WHEN OLD.status = 'final'
        BEGIN SELECT RAISE(ABORT, 'icope:immutable:visit'); END""",
}


def upgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.add_column(sa.Column("planned_follow_up_on", sa.Date()))
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("planned_step1_on", sa.Date()))
        batch.create_index("ix_patient_planned_step1_on", ["planned_step1_on"])

    op.execute("DROP TRIGGER trg_visit_final_no_update")
    op.execute(
        "UPDATE visit SET planned_follow_up_on = "
        "json_extract(evaluation, '$.planned_follow_up') "
        "WHERE json_valid(evaluation) "
        "AND json_type(evaluation, '$.planned_follow_up') = 'text'"
    )
    op.execute(VISIT_TRIGGERS["trg_visit_final_no_update"])
    # The plan of the latest final Step 1 (its latest version) is the patient's.
    op.execute(
        "UPDATE patient SET planned_step1_on = ("
        "SELECT v.planned_follow_up_on FROM visit AS v JOIN assessment AS a "
        "ON a.visit_id = v.id AND a.instrument_id = 'step1' "
        "WHERE v.patient_id = patient.id AND v.status = 'final' "
        "ORDER BY v.performed_on DESC, v.version DESC LIMIT 1) "
        "WHERE last_step1_on IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.drop_index("ix_patient_planned_step1_on")
        batch.drop_column("planned_step1_on")
    for name in VISIT_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # Back where revision 0002 kept it, so a downgrade loses no chosen date.
    op.execute(
        "UPDATE visit SET evaluation = "
        "json_set(evaluation, '$.planned_follow_up', planned_follow_up_on) "
        "WHERE planned_follow_up_on IS NOT NULL AND json_valid(evaluation)"
    )
    # The copy is renamed over `visit` while triggers of other tables (assessment,
    # care plan) name it: SQLite's documented 12-step procedure needs the legacy rename.
    op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("planned_follow_up_on")
    op.execute("PRAGMA legacy_alter_table = OFF")
    for statement in VISIT_TRIGGERS.values():
        op.execute(statement)
