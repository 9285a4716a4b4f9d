"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

SQLite: use `op.batch_alter_table` for anything beyond ADD COLUMN / CREATE INDEX. A batch
"move and copy" drops the table, and SQLite drops its triggers with it: re-create the
immutability triggers of any table a batch recreates (visit, assessment, care_plan_item,
billing_line, audit_event), as revision 0001 defines them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
