"""The practitioner who owns this store, and the patients' GPs (médecins traitants).

One store file per practitioner (DESIGN.md "Local store"), so the profile is a single
row; it is the default actor of audit events and the RPPS of billing lines.
"""

from __future__ import annotations

from sqlalchemy import select

from icope_desktop.i18n import Text
from icope_desktop.store.audit import record_event
from icope_desktop.store.checks import clean, email_problem, required, rpps_problem
from icope_desktop.store.database import Database
from icope_desktop.store.errors import DuplicateRecord, InvalidData, RecordNotFound
from icope_desktop.store.models import GeneralPractitionerRow, PractitionerRow
from icope_desktop.store.names import fold
from icope_desktop.store.outbox import enqueue
from icope_desktop.store.records import (
    EntityKind,
    Gp,
    GpData,
    GpId,
    Practitioner,
    PractitionerData,
    PractitionerId,
    new_id,
)

LAST_NAME = Text(fr="Nom", en="Last name")
FIRST_NAME = Text(fr="Prénom", en="First name")
RPPS_TAKEN = Text(
    fr="Ce numéro RPPS est déjà enregistré pour un autre médecin.",
    en="This RPPS number is already recorded for another doctor.",
)


def _clean_practitioner(data: PractitionerData) -> PractitionerData:
    cleaned = PractitionerData(
        last_name=clean(data.last_name) or "",
        first_name=clean(data.first_name) or "",
        profession=data.profession,
        rpps=clean(data.rpps),
        email=clean(data.email),
        phone=clean(data.phone),
        address=clean(data.address),
        postal_code=clean(data.postal_code),
        city=clean(data.city),
    )
    problems = {
        name: text
        for name, text in (
            ("last_name", required(cleaned.last_name, LAST_NAME)),
            ("first_name", required(cleaned.first_name, FIRST_NAME)),
            ("rpps", rpps_problem(cleaned.rpps)),
            ("email", email_problem(cleaned.email)),
        )
        if text is not None
    }
    if problems:
        raise InvalidData(problems)
    return cleaned


def _clean_gp(data: GpData) -> GpData:
    cleaned = GpData(
        last_name=clean(data.last_name) or "",
        first_name=clean(data.first_name) or "",
        rpps=clean(data.rpps),
        address=clean(data.address),
        postal_code=clean(data.postal_code),
        city=clean(data.city),
        phone=clean(data.phone),
        email=clean(data.email),
    )
    problems = {
        name: text
        for name, text in (
            ("last_name", required(cleaned.last_name, LAST_NAME)),
            ("first_name", required(cleaned.first_name, FIRST_NAME)),
            ("rpps", rpps_problem(cleaned.rpps)),
            ("email", email_problem(cleaned.email)),
        )
        if text is not None
    }
    if problems:
        raise InvalidData(problems)
    return cleaned


class PractitionerRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._profile_id: PractitionerId | None = None

    def get_profile(self) -> Practitioner | None:
        with self._db.reading() as session:
            row = session.scalar(select(PractitionerRow).order_by(PractitionerRow.created_at))
            if row is None:
                return None
            return Practitioner(
                id=PractitionerId(row.id),
                data=PractitionerData(
                    last_name=row.last_name,
                    first_name=row.first_name,
                    profession=row.profession,
                    rpps=row.rpps,
                    email=row.email,
                    phone=row.phone,
                    address=row.address,
                    postal_code=row.postal_code,
                    city=row.city,
                ),
            )

    def save_profile(self, data: PractitionerData) -> PractitionerId:
        """Create the profile on first use, update it afterwards (one per store)."""
        cleaned = _clean_practitioner(data)
        now = self._db.clock()
        with self._db.writing() as session:
            row = session.scalar(select(PractitionerRow).order_by(PractitionerRow.created_at))
            created = row is None
            if row is None:
                row = PractitionerRow(id=new_id(), created_at=now)
                session.add(row)
            row.last_name = cleaned.last_name
            row.first_name = cleaned.first_name
            row.profession = cleaned.profession
            row.rpps = cleaned.rpps
            row.email = cleaned.email
            row.phone = cleaned.phone
            row.address = cleaned.address
            row.postal_code = cleaned.postal_code
            row.city = cleaned.city
            row.updated_at = now
            session.flush()
            enqueue(session, EntityKind.PRACTITIONER, row.id, now)
            record_event(
                session,
                at=now,
                actor_id=row.id,
                action="practitioner.create" if created else "practitioner.update",
                entity=EntityKind.PRACTITIONER,
                entity_id=row.id,
            )
            self._profile_id = PractitionerId(row.id)
            return self._profile_id

    def profile_id(self) -> PractitionerId | None:
        """The default actor of audit events (cached: the profile is never replaced)."""
        if self._profile_id is None:
            profile = self.get_profile()
            self._profile_id = profile.id if profile else None
        return self._profile_id


def _gp(row: GeneralPractitionerRow) -> Gp:
    return Gp(
        id=GpId(row.id),
        data=GpData(
            last_name=row.last_name,
            first_name=row.first_name,
            rpps=row.rpps,
            address=row.address,
            postal_code=row.postal_code,
            city=row.city,
            phone=row.phone,
            email=row.email,
        ),
    )


class GeneralPractitionerRepository:
    def __init__(self, db: Database, actor: PractitionerRepository) -> None:
        self._db = db
        self._actor = actor

    def create_gp(self, data: GpData, *, by: PractitionerId | None = None) -> GpId:
        cleaned = _clean_gp(data)
        now = self._db.clock()
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            if cleaned.rpps and session.scalar(
                select(GeneralPractitionerRow.id).where(GeneralPractitionerRow.rpps == cleaned.rpps)
            ):
                raise DuplicateRecord(RPPS_TAKEN)
            row = GeneralPractitionerRow(id=new_id(), created_at=now, updated_at=now)
            _fill_gp(row, cleaned)
            session.add(row)
            session.flush()
            enqueue(session, EntityKind.GENERAL_PRACTITIONER, row.id, now)
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="gp.create",
                entity=EntityKind.GENERAL_PRACTITIONER,
                entity_id=row.id,
            )
            return GpId(row.id)

    def update_gp(self, gp_id: GpId, data: GpData, *, by: PractitionerId | None = None) -> None:
        cleaned = _clean_gp(data)
        now = self._db.clock()
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            row = session.get(GeneralPractitionerRow, gp_id)
            if row is None:
                raise RecordNotFound("general_practitioner")
            if cleaned.rpps and session.scalar(
                select(GeneralPractitionerRow.id).where(
                    GeneralPractitionerRow.rpps == cleaned.rpps,
                    GeneralPractitionerRow.id != gp_id,
                )
            ):
                raise DuplicateRecord(RPPS_TAKEN)
            _fill_gp(row, cleaned)
            row.updated_at = now
            enqueue(session, EntityKind.GENERAL_PRACTITIONER, row.id, now)
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="gp.update",
                entity=EntityKind.GENERAL_PRACTITIONER,
                entity_id=row.id,
            )

    def get_gp(self, gp_id: GpId) -> Gp:
        with self._db.reading() as session:
            row = session.get(GeneralPractitionerRow, gp_id)
            if row is None:
                raise RecordNotFound("general_practitioner")
            return _gp(row)

    def search_gps(self, text: str, limit: int = 20) -> list[Gp]:
        """GPs whose folded last name starts with the text, or whose RPPS does.

        A practitioner works with a few dozen GPs: scanning the table is cheaper than
        keeping a search index for it.
        """
        typed = text.strip()
        wanted = fold(typed)
        query = select(GeneralPractitionerRow).order_by(
            GeneralPractitionerRow.last_name, GeneralPractitionerRow.first_name
        )
        with self._db.reading() as session:
            rows = session.scalars(query).all()
            found = [
                _gp(row)
                for row in rows
                if (typed.isdigit() and (row.rpps or "").startswith(typed))
                or (not typed.isdigit() and fold(row.last_name).startswith(wanted))
            ]
        return found[:limit]


def _fill_gp(row: GeneralPractitionerRow, data: GpData) -> None:
    row.last_name = data.last_name
    row.first_name = data.first_name
    row.rpps = data.rpps
    row.address = data.address
    row.postal_code = data.postal_code
    row.city = data.city
    row.phone = data.phone
    row.email = data.email
