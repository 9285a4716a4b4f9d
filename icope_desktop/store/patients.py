"""Patients: identity (INS-ready), address, GP link, consent, eligibility; search; duplicates.

Identity fields follow the national identity-vigilance rules (RNIV): birth name, used
name, first names as on the ID document, birth date, sex, and the INS with its status.
Search-as-you-type and duplicate detection both work on folded names (`names.fold`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from icope_desktop.i18n import Text
from icope_desktop.store import duplicates
from icope_desktop.store.audit import record_event
from icope_desktop.store.checks import birth_date_problem, clean, ins_problem, required
from icope_desktop.store.database import Database
from icope_desktop.store.errors import DuplicateRecord, InvalidData, RecordNotFound
from icope_desktop.store.models import GeneralPractitionerRow, PatientRow, PatientSearchTokenRow
from icope_desktop.store.names import (
    birth_date_key,
    birth_date_prefix,
    fold,
    is_date_query,
    prefix_upper_bound,
    tokens,
)
from icope_desktop.store.outbox import enqueue
from icope_desktop.store.practitioners import PractitionerRepository
from icope_desktop.store.records import (
    Candidate,
    EntityKind,
    GpId,
    Identity,
    InsStatus,
    Patient,
    PatientData,
    PatientId,
    PatientListing,
    PatientSummary,
    PractitionerId,
    Sex,
    new_id,
)

BIRTH_NAME = Text(fr="Nom de naissance", en="Birth name")
FIRST_NAMES = Text(fr="Prénom(s)", en="First name(s)")
INS_TAKEN = Text(
    fr="Cet INS est déjà celui d'un autre patient : ouvrez son dossier plutôt que d'en créer "
    "un second.",
    en="This INS already belongs to another patient: open that file instead of creating a "
    "second one.",
)
QUALIFIED_NEEDS_INS = Text(
    fr="Une identité qualifiée doit comporter son INS.",
    en="A qualified identity must carry its INS.",
)
UNKNOWN_GP = Text(
    fr="Le médecin traitant choisi n'existe pas dans ce dossier.",
    en="The chosen GP does not exist in these records.",
)


def display_name(birth_name: str, used_name: str | None, first_names: str) -> str:
    """ "USED First (BIRTH)" when the used name differs, else "BIRTH First"."""
    shown = (used_name or birth_name).upper()
    if used_name and fold(used_name) != fold(birth_name):
        return f"{shown} {first_names} ({birth_name.upper()})"
    return f"{shown} {first_names}"


def sort_key(birth_name: str, first_names: str) -> str:
    """Same formula as revision 0002's backfill (kept there as a frozen copy)."""
    return f"{fold(birth_name)} {fold(first_names)}"


def _clean(data: PatientData, today: date) -> PatientData:
    identity = data.identity
    ins = clean(identity.ins)
    ins = ins.replace(" ", "").upper() if ins else None
    cleaned_identity = Identity(
        birth_name=clean(identity.birth_name) or "",
        first_names=clean(identity.first_names) or "",
        birth_date=identity.birth_date,
        sex=identity.sex,
        used_name=clean(identity.used_name),
        ins=ins,
        ins_status=identity.ins_status,
    )
    problems = {
        name: message
        for name, message in (
            ("birth_name", required(cleaned_identity.birth_name, BIRTH_NAME)),
            ("first_names", required(cleaned_identity.first_names, FIRST_NAMES)),
            ("birth_date", birth_date_problem(identity.birth_date, today)),
            ("ins", ins_problem(ins)),
            (
                "ins_status",
                QUALIFIED_NEEDS_INS
                if identity.ins_status is InsStatus.QUALIFIED and not ins
                else None,
            ),
        )
        if message is not None
    }
    if problems:
        raise InvalidData(problems)
    return PatientData(
        identity=cleaned_identity,
        address=clean(data.address),
        postal_code=clean(data.postal_code),
        city=clean(data.city),
        phone=clean(data.phone),
        gp_id=data.gp_id,
        consent_given=data.consent_given,
        consent_on=data.consent_on,
        lives_at_home=data.lives_at_home,
        autonomous=data.autonomous,
        eligibility_checked_on=data.eligibility_checked_on,
        exited_on=data.exited_on,
    )


def _fill(row: PatientRow, data: PatientData) -> None:
    identity = data.identity
    row.birth_name = identity.birth_name
    row.used_name = identity.used_name
    row.first_names = identity.first_names
    row.birth_date = identity.birth_date
    row.sex = identity.sex
    row.ins = identity.ins
    row.ins_status = identity.ins_status
    row.address = data.address
    row.postal_code = data.postal_code
    row.city = data.city
    row.phone = data.phone
    row.gp_id = data.gp_id
    row.consent_given = data.consent_given
    row.consent_on = data.consent_on
    row.lives_at_home = data.lives_at_home
    row.autonomous = data.autonomous
    row.eligibility_checked_on = data.eligibility_checked_on
    row.exited_on = data.exited_on
    row.sort_key = sort_key(identity.birth_name, identity.first_names)
    row.birth_date_key = birth_date_key(identity.birth_date)


def search_tokens(identity: Identity) -> list[tuple[str, int]]:
    """(folded word, field) pairs; a multi-word name also gets its words joined, so
    "ndiaye" finds N'Diaye and "leroy" finds Le Roy."""
    found: dict[tuple[str, int], None] = {}
    for field, name in enumerate((identity.birth_name, identity.used_name, identity.first_names)):
        words = tokens(name)
        for token in [*words, "".join(words)] if len(words) > 1 else words:
            found[(token[:100], field)] = None
    return list(found)


def _write_tokens(session: Session, row: PatientRow, identity: Identity, *, replace: bool) -> None:
    if replace:
        session.execute(
            delete(PatientSearchTokenRow).where(PatientSearchTokenRow.patient_id == row.id)
        )
    session.add_all(
        PatientSearchTokenRow(
            token=token,
            patient_id=row.id,
            field=field,
            sort_key=row.sort_key,
            birth_date_key=row.birth_date_key,
        )
        for token, field in search_tokens(identity)
    )


def _patient(row: PatientRow) -> Patient:
    return Patient(
        id=PatientId(row.id),
        data=PatientData(
            identity=Identity(
                birth_name=row.birth_name,
                first_names=row.first_names,
                birth_date=row.birth_date,
                sex=row.sex,
                used_name=row.used_name,
                ins=row.ins,
                ins_status=row.ins_status,
            ),
            address=row.address,
            postal_code=row.postal_code,
            city=row.city,
            phone=row.phone,
            gp_id=GpId(row.gp_id) if row.gp_id else None,
            consent_given=row.consent_given,
            consent_on=row.consent_on,
            lives_at_home=row.lives_at_home,
            autonomous=row.autonomous,
            eligibility_checked_on=row.eligibility_checked_on,
            exited_on=row.exited_on,
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


_SUMMARY_COLUMNS = (
    "p.id, p.birth_name, p.used_name, p.first_names, p.birth_date, p.sex, p.ins_status, p.city"
)
_LISTING_COLUMNS = (
    f"{_SUMMARY_COLUMNS}, p.last_visit_on, p.last_step1_on, p.planned_step1_on, p.exited_on"
)


def _summary_of(row: Sequence[Any]) -> PatientSummary:
    return PatientSummary(
        id=PatientId(uuid.UUID(hex=row[0])),
        birth_name=row[1],
        used_name=row[2],
        first_names=row[3],
        birth_date=date.fromisoformat(row[4]),
        sex=Sex(row[5]),
        ins_status=InsStatus(row[6]),
        city=row[7],
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _listing_of(row: Sequence[Any]) -> PatientListing:
    return PatientListing(
        summary=_summary_of(row),
        last_visit_on=_day(row[8]),
        last_step1_on=_day(row[9]),
        planned_step1_on=_day(row[10]),
        exited_on=_day(row[11]),
    )


class PatientRepository:
    def __init__(self, db: Database, actor: PractitionerRepository) -> None:
        self._db = db
        self._actor = actor

    # --- writing -----------------------------------------------------------------------

    def create_patient(self, data: PatientData, *, by: PractitionerId | None = None) -> PatientId:
        """Create after the user has seen `find_possible_duplicates` (the UI's job)."""
        return self.create_patients([data], by=by)[0]

    def create_patients(
        self, batch: Sequence[PatientData], *, by: PractitionerId | None = None
    ) -> list[PatientId]:
        """Several patients in one transaction (demo data, imports): all or none."""
        now = self._db.clock()
        cleaned = [_clean(data, now.date()) for data in batch]
        actor = by or self._actor.profile_id()
        ids: list[PatientId] = []
        with self._db.writing() as session:
            for data in cleaned:
                self._check_links(session, data, None)
                row = PatientRow(id=new_id(), created_at=now, updated_at=now)
                _fill(row, data)
                session.add(row)
                _write_tokens(session, row, data.identity, replace=False)
                enqueue(session, EntityKind.PATIENT, row.id, now)
                record_event(
                    session,
                    at=now,
                    actor_id=actor,
                    action="patient.create",
                    entity=EntityKind.PATIENT,
                    entity_id=row.id,
                )
                ids.append(PatientId(row.id))
        return ids

    def update_patient(
        self, patient_id: PatientId, data: PatientData, *, by: PractitionerId | None = None
    ) -> None:
        now = self._db.clock()
        cleaned = _clean(data, now.date())
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            row = session.get(PatientRow, patient_id)
            if row is None:
                raise RecordNotFound("patient")
            self._check_links(session, cleaned, patient_id)
            changed = sorted(_changed_fields(_patient(row).data, cleaned))
            _fill(row, cleaned)
            row.updated_at = now
            _write_tokens(session, row, cleaned.identity, replace=True)
            enqueue(session, EntityKind.PATIENT, row.id, now)
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="patient.update",
                entity=EntityKind.PATIENT,
                entity_id=row.id,
                details={"fields": changed},
            )

    def _check_links(
        self, session: Session, data: PatientData, patient_id: PatientId | None
    ) -> None:
        ins = data.identity.ins
        if ins:
            owner = session.scalar(select(PatientRow.id).where(PatientRow.ins == ins))
            if owner is not None and owner != patient_id:
                raise DuplicateRecord(INS_TAKEN)
        if data.gp_id and session.get(GeneralPractitionerRow, data.gp_id) is None:
            raise InvalidData({"gp_id": UNKNOWN_GP})

    # --- reading -----------------------------------------------------------------------

    def get_patient(self, patient_id: PatientId) -> Patient:
        with self._db.reading() as session:
            row = session.get(PatientRow, patient_id)
            if row is None:
                raise RecordNotFound("patient")
            return _patient(row)

    def find_by_ins(self, ins: str) -> Patient | None:
        with self._db.reading() as session:
            row = session.scalar(select(PatientRow).where(PatientRow.ins == ins.replace(" ", "")))
            return _patient(row) if row else None

    def count_patients(self) -> int:
        with self._db.reading() as session:
            return int(session.scalar(text("SELECT count(*) FROM patient")) or 0)

    def search_patients(self, text_typed: str, limit: int = 20) -> list[PatientSummary]:
        """Search as you type: every word is a prefix of a name, or of the birth date.

        Name words match birth name, used name or first names (accents and case folded);
        a date is typed dd/mm/yyyy or any prefix of it ("12/03", "12/03/19"). Patients
        whose birth or used name matched the first word come first, then by name.
        """
        words = text_typed.split()
        name_tokens: list[str] = []
        date_prefix: str | None = None
        for word in words:
            if is_date_query(word):
                prefix = birth_date_prefix(word)
                if prefix is None:
                    return []
                date_prefix = prefix
            else:
                name_tokens.extend(tokens(word))
        if not name_tokens and not date_prefix:
            return []
        params: dict[str, object] = {"limit": limit}
        if date_prefix:
            params["dlo"], params["dhi"] = date_prefix, prefix_upper_bound(date_prefix)
        if name_tokens:
            # Ranking and LIMIT inside the token index; only the shown rows touch `patient`.
            first, *others = name_tokens
            params["lo0"], params["hi0"] = first, prefix_upper_bound(first)
            where = ["t.token >= :lo0", "t.token < :hi0"]
            if date_prefix:
                where.append("t.birth_date_key >= :dlo AND t.birth_date_key < :dhi")
            for index, token in enumerate(others, start=1):
                params[f"lo{index}"], params[f"hi{index}"] = token, prefix_upper_bound(token)
                where.append(
                    "t.patient_id IN (SELECT patient_id FROM patient_search_token "
                    f"WHERE token >= :lo{index} AND token < :hi{index})"
                )
            sql = (
                f"SELECT {_SUMMARY_COLUMNS} FROM ("
                "SELECT t.patient_id AS patient_id, min(t.field = 2) AS late, "
                "t.sort_key AS sort_key FROM patient_search_token AS t "
                f"WHERE {' AND '.join(where)} GROUP BY t.patient_id "
                "ORDER BY late, sort_key LIMIT :limit) AS m "
                "JOIN patient AS p ON p.id = m.patient_id ORDER BY m.late, m.sort_key"
            )
        else:
            sql = (
                f"SELECT {_SUMMARY_COLUMNS} FROM patient AS p "
                "WHERE p.birth_date_key >= :dlo AND p.birth_date_key < :dhi "
                "ORDER BY p.birth_date_key, p.sort_key LIMIT :limit"
            )
        with self._db.reading() as session:
            rows = session.execute(text(sql), params).all()
        return [_summary_of(row) for row in rows]

    def list_recently_seen(self, limit: int = 30) -> list[PatientListing]:
        """Patients by their latest visit, newest first; files never visited come after,
        newest first. A backward scan of one index, whatever the size of the store."""
        sql = (
            f"SELECT {_LISTING_COLUMNS} FROM patient AS p "
            "ORDER BY p.last_visit_on DESC, p.created_at DESC LIMIT :limit"
        )
        with self._db.reading() as session:
            rows = session.execute(text(sql), {"limit": limit}).all()
        return [_listing_of(row) for row in rows]

    def listings(self, patient_ids: Sequence[PatientId]) -> list[PatientListing]:
        """The list lines of these patients, in the order given; unknown ids skipped."""
        if not patient_ids:
            return []
        params = {f"id{i}": pid.hex for i, pid in enumerate(patient_ids)}
        marks = ", ".join(f":{name}" for name in params)
        sql = f"SELECT {_LISTING_COLUMNS} FROM patient AS p WHERE p.id IN ({marks})"
        with self._db.reading() as session:
            rows = session.execute(text(sql), params).all()
        found = {row[0]: _listing_of(row) for row in rows}
        return [found[pid.hex] for pid in patient_ids if pid.hex in found]

    def find_possible_duplicates(
        self, identity: Identity, *, exclude: PatientId | None = None, limit: int = 10
    ) -> list[Candidate]:
        """Stored patients that may be `identity`, best first, with the reasons why."""
        variants = list(duplicates.birth_date_variants(identity.birth_date))
        with self._db.reading() as session:
            query = select(PatientRow).where(PatientRow.birth_date.in_(variants))
            if identity.ins:
                query = select(PatientRow).where(
                    PatientRow.birth_date.in_(variants) | (PatientRow.ins == identity.ins)
                )
            stored = [
                duplicates.StoredIdentity(row.id, _patient(row).identity)
                for row in session.scalars(query)
                if row.id != exclude
            ]
        ranked = duplicates.rank(identity, stored)
        return [
            Candidate(patient_id=PatientId(pid), score=score, reasons=reasons)  # type: ignore[arg-type]
            for pid, score, reasons in ranked[:limit]
        ]


def _changed_fields(before: PatientData, after: PatientData) -> set[str]:
    """Names of changed fields for the audit trail (names of fields, never values)."""
    changed = {
        f"identity.{name}"
        for name in Identity.__dataclass_fields__
        if getattr(before.identity, name) != getattr(after.identity, name)
    }
    changed |= {
        name
        for name in PatientData.__dataclass_fields__
        if name != "identity" and getattr(before, name) != getattr(after, name)
    }
    return changed
