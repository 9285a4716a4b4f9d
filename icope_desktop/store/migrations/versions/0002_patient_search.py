"""Search as you type (folded name tokens, sort and birth-date keys) and last Step 1 date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Search on 20,000 patients must answer within 30 ms while the nurse types (issue 3), on
any of birth name, used name or first names, accents and case folded, and on a birth
date typed dd/mm/yyyy. A LIKE over the name columns cannot use an index once folded, so
each folded word gets a row in `patient_search_token` (a range scan on its primary key
answers a prefix; the row carries the sort and birth-date keys so ranking and LIMIT never
leave that index), and `patient` gains a folded sort key and a ddmmyyyy birth-date key.
`patient.last_step1_on` (the last final Step 1, kept by finalize_visit) turns "due
follow-ups" into an index range instead of a scan of every visit.

Existing patients are backfilled here with a frozen copy of the folding rule, so this
revision keeps its meaning even if `icope_desktop.store.names` changes later.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", stripped.casefold()).strip()


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(
            sa.Column("sort_key", sa.String(400), nullable=False, server_default=sa.text("''"))
        )
        batch.add_column(
            sa.Column(
                "birth_date_key", sa.String(8), nullable=False, server_default=sa.text("''")
            )
        )
        batch.add_column(sa.Column("last_step1_on", sa.Date()))
        batch.create_index(
            "ix_patient_birth_date_key_sort_key", ["birth_date_key", "sort_key"]
        )
        batch.create_index("ix_patient_last_step1_on", ["last_step1_on"])
    op.create_table(
        "patient_search_token",
        sa.Column("token", sa.String(100), primary_key=True),
        sa.Column(
            "patient_id",
            sa.Uuid(),
            sa.ForeignKey("patient.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("field", sa.Integer(), primary_key=True),
        sa.Column("sort_key", sa.String(400), nullable=False),
        sa.Column("birth_date_key", sa.String(8), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_patient_search_token_patient_id", "patient_search_token", ["patient_id"]
    )

    bind = op.get_bind()
    patient = sa.table(
        "patient",
        sa.column("id", sa.Uuid()),
        sa.column("birth_name", sa.String()),
        sa.column("used_name", sa.String()),
        sa.column("first_names", sa.String()),
        sa.column("birth_date", sa.Date()),
        sa.column("sort_key", sa.String()),
        sa.column("birth_date_key", sa.String()),
    )
    token_table = sa.table(
        "patient_search_token",
        sa.column("token", sa.String()),
        sa.column("patient_id", sa.Uuid()),
        sa.column("field", sa.Integer()),
        sa.column("sort_key", sa.String()),
        sa.column("birth_date_key", sa.String()),
    )
    rows = bind.execute(
        sa.select(
            patient.c.id,
            patient.c.birth_name,
            patient.c.used_name,
            patient.c.first_names,
            patient.c.birth_date,
        )
    ).all()
    tokens: list[dict[str, object]] = []
    for row in rows:
        sort_key = f"{_fold(row.birth_name)} {_fold(row.first_names)}"
        date_key = row.birth_date.strftime("%d%m%Y")
        seen: set[tuple[str, int]] = set()
        for field, name in enumerate((row.birth_name, row.used_name, row.first_names)):
            words = _fold(name or "").split()
            for token in [*words, "".join(words)] if len(words) > 1 else words:
                if (token[:100], field) not in seen:
                    seen.add((token[:100], field))
                    tokens.append(
                        {
                            "token": token[:100],
                            "patient_id": row.id,
                            "field": field,
                            "sort_key": sort_key,
                            "birth_date_key": date_key,
                        }
                    )
        bind.execute(
            patient.update()
            .where(patient.c.id == row.id)
            .values(sort_key=sort_key, birth_date_key=date_key)
        )
    if tokens:
        bind.execute(token_table.insert(), tokens)
    op.execute(
        "UPDATE patient SET last_step1_on = ("
        "SELECT max(v.performed_on) FROM visit AS v JOIN assessment AS a "
        "ON a.visit_id = v.id AND a.instrument_id = 'step1' "
        "WHERE v.patient_id = patient.id AND v.status = 'final')"
    )


def downgrade() -> None:
    op.drop_index("ix_patient_search_token_patient_id", table_name="patient_search_token")
    op.drop_table("patient_search_token")
    with op.batch_alter_table("patient") as batch:
        batch.drop_index("ix_patient_last_step1_on")
        batch.drop_index("ix_patient_birth_date_key_sort_key")
        batch.drop_column("last_step1_on")
        batch.drop_column("birth_date_key")
        batch.drop_column("sort_key")
