"""The date each patient was last seen, for the home's list of patients.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

With an empty search box the home listed only the files opened since the app started,
so a nurse saw none of her patients until she typed (issue 4: fewer screens, nothing to
learn). It now lists them most recently seen first. `patient.last_visit_on` (the latest
visit, draft or final) with `created_at` in one index makes "the first 30" a backward
index scan on 20,000 patients instead of a sort of every visit. Backfilled from the
visits already there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("last_visit_on", sa.Date()))
        batch.create_index(
            "ix_patient_last_visit_on_created_at", ["last_visit_on", "created_at"]
        )
    op.execute(
        "UPDATE patient SET last_visit_on = ("
        "SELECT max(v.performed_on) FROM visit AS v WHERE v.patient_id = patient.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.drop_index("ix_patient_last_visit_on_created_at")
        batch.drop_column("last_visit_on")
