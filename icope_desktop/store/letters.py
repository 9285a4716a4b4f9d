"""GP letters and patient summaries: the PDF as produced, stored with its visit.

A letter can always be regenerated from the visit (the letters layer is deterministic),
so it is not under the visit's immutability: a regenerated letter replaces the stored one
for the same (visit, kind, language) and is queued again for sending to the GP through
the server (DESIGN.md "Letters": "sent to the GP through the server on sync"). Only a
finalized visit's letter is stored: a draft's preview is rendered, never kept.
"""

from __future__ import annotations

from sqlalchemy import select

from icope_desktop.i18n import Text
from icope_desktop.store.audit import record_event
from icope_desktop.store.database import Database
from icope_desktop.store.errors import InvalidData, RecordNotFound
from icope_desktop.store.models import LetterRow, VisitRow
from icope_desktop.store.outbox import enqueue
from icope_desktop.store.practitioners import PractitionerRepository
from icope_desktop.store.records import (
    EntityKind,
    Letter,
    LetterId,
    PractitionerId,
    RecordStatus,
    VisitId,
    new_id,
)

LETTER_KINDS = frozenset({"gp_letter", "patient_summary"})
NOT_A_PDF = Text(fr="Le document n'est pas un PDF.", en="The document is not a PDF.")
DRAFT_VISIT = Text(
    fr="Finalisez la visite avant d'enregistrer son courrier.",
    en="Finalize the visit before saving its letter.",
)
BAD_KIND = Text(fr="Type de courrier inconnu.", en="Unknown letter kind.")


def _letter(row: LetterRow) -> Letter:
    return Letter(
        id=LetterId(row.id),
        visit_id=VisitId(row.visit_id),
        kind=row.kind,
        language=row.language,
        pdf=row.pdf,
        updated_at=row.updated_at,
    )


class LetterRepository:
    def __init__(self, db: Database, actor: PractitionerRepository) -> None:
        self._db = db
        self._actor = actor

    def save_letter(
        self,
        visit_id: VisitId,
        kind: str,
        language: str,
        pdf: bytes,
        *,
        by: PractitionerId | None = None,
    ) -> LetterId:
        if kind not in LETTER_KINDS or language not in ("fr", "en"):
            raise InvalidData({"kind": BAD_KIND})
        if not pdf.startswith(b"%PDF-"):
            raise InvalidData({"pdf": NOT_A_PDF})
        now = self._db.clock()
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            visit = session.get(VisitRow, visit_id)
            if visit is None:
                raise RecordNotFound("visit")
            if visit.status is not RecordStatus.FINAL:
                raise InvalidData({"visit_id": DRAFT_VISIT})
            row = session.scalar(
                select(LetterRow).where(
                    LetterRow.visit_id == visit_id,
                    LetterRow.kind == kind,
                    LetterRow.language == language,
                )
            )
            if row is None:
                row = LetterRow(
                    id=new_id(),
                    visit_id=visit_id,
                    kind=kind,
                    language=language,
                    created_at=now,
                )
                session.add(row)
            row.pdf = pdf
            row.updated_at = now
            session.flush()
            enqueue(session, EntityKind.LETTER, row.id, now)
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="letter.save",
                entity=EntityKind.LETTER,
                entity_id=row.id,
                details={"visit": str(visit_id), "kind": kind, "language": language},
            )
            return LetterId(row.id)

    def get_letter(self, visit_id: VisitId, kind: str, language: str) -> Letter | None:
        with self._db.reading() as session:
            row = session.scalar(
                select(LetterRow).where(
                    LetterRow.visit_id == visit_id,
                    LetterRow.kind == kind,
                    LetterRow.language == language,
                )
            )
            return _letter(row) if row else None

    def get_letter_by_id(self, letter_id: LetterId) -> Letter:
        with self._db.reading() as session:
            row = session.get(LetterRow, letter_id)
            if row is None:
                raise RecordNotFound("letter")
            return _letter(row)
