"""Billing lines, priced from the dated tariff table `resources/tariffs.csv`.

DESIGN.md "Billing": finalizing a Step 1, a Step 2 or an alert decision creates one
billing line (act code, date, practitioner RPPS, patient pseudonym, amount from a dated
tariff table), unique per act, "no double billing, even across retries". Uniqueness is
a database constraint on (act code, source record); the source of a visit's acts is the
visit's *root* (the first version), so finalizing an amended version never bills the
same act twice, while a Step 2 added by the amendment is billed once.

The patient pseudonym is the patient's random UUID: it identifies nobody outside this
store and the regional server.

Amounts: the tariff file ships without amounts because no published source for the
programme's amounts was found; a line priced from an empty amount keeps `amount_cents`
NULL ("to be priced"), the act itself is always recorded. The programme must confirm
and fill the amounts (see the file's header).
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from icope_desktop.i18n import Text
from icope_desktop.paths import resource
from icope_desktop.store.database import Database
from icope_desktop.store.errors import StoreError
from icope_desktop.store.models import BillingLineRow
from icope_desktop.store.records import (
    BillingLine,
    BillingLineId,
    PatientId,
    PractitionerId,
    new_id,
)

ACT_STEP1 = "ICOPE_STEP1"
ACT_STEP2 = "ICOPE_STEP2"
ACT_ALERT_DECISION = "ICOPE_ALERT"

STEP1_INSTRUMENTS = frozenset({"step1"})
STEP2_INSTRUMENTS = frozenset({"mmse", "mna_sf", "mna", "sppb", "snellen", "phq9", "hearing"})
"""Instrument ids fixed by DESIGN.md "Screening core" (the store does not import screening)."""

COLUMNS = ("act_code", "label_fr", "label_en", "amount_eur", "valid_from", "valid_to")


@dataclass(frozen=True, slots=True)
class Tariff:
    act_code: str
    label: Text
    amount_cents: int | None
    valid_from: date
    valid_to: date | None

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class TariffTableError(StoreError):
    def __init__(self, path: Path, line: int, why: str) -> None:
        super().__init__(
            Text(
                fr="Table des tarifs {path} invalide (ligne {line}) : {why}. Réinstallez "
                "l'application ou corrigez le fichier.",
                en="Invalid tariff table {path} (line {line}): {why}. Reinstall the "
                "application or fix the file.",
            ).format(path=str(path), line=str(line), why=why)
        )


@dataclass(frozen=True, slots=True)
class TariffTable:
    tariffs: tuple[Tariff, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> TariffTable:
        """Parse and check the table: no overlapping periods for one act code."""
        path = path or resource("tariffs.csv")
        text = path.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise TariffTableError(path, 1, "columns " + ",".join(COLUMNS) + " expected")
        tariffs: list[Tariff] = []
        for number, row in enumerate(reader, start=2):
            try:
                amount = row["amount_eur"].strip()
                cents = None
                if amount:
                    value = Decimal(amount)
                    if value < 0 or value != value.quantize(Decimal("0.01")):
                        raise ValueError("amount")
                    cents = int(value * 100)
                valid_to = row["valid_to"].strip()
                tariff = Tariff(
                    act_code=row["act_code"].strip(),
                    label=Text(fr=row["label_fr"].strip(), en=row["label_en"].strip()),
                    amount_cents=cents,
                    valid_from=date.fromisoformat(row["valid_from"].strip()),
                    valid_to=date.fromisoformat(valid_to) if valid_to else None,
                )
            except (ValueError, InvalidOperation, AttributeError):
                raise TariffTableError(path, number, "unreadable value") from None
            if not tariff.act_code or (tariff.valid_to and tariff.valid_to < tariff.valid_from):
                raise TariffTableError(path, number, "empty code or reversed period")
            for other in tariffs:
                if other.act_code == tariff.act_code and _overlap(other, tariff):
                    raise TariffTableError(path, number, "overlapping periods")
            tariffs.append(tariff)
        return cls(tuple(tariffs))

    def find(self, act_code: str, day: date) -> Tariff | None:
        return next((t for t in self.tariffs if t.act_code == act_code and t.applies_on(day)), None)


def _overlap(a: Tariff, b: Tariff) -> bool:
    a_end = a.valid_to or date.max
    b_end = b.valid_to or date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def bill_act(
    session: Session,
    tariffs: TariffTable,
    *,
    act_code: str,
    source_kind: str,
    source_id: uuid.UUID,
    act_date: date,
    patient_id: uuid.UUID,
    practitioner_id: uuid.UUID | None,
    practitioner_rpps: str | None,
    now: datetime,
) -> BillingLineRow | None:
    """Add the line for one act unless that act is already billed (then None)."""
    exists = session.scalar(
        select(BillingLineRow.id).where(
            BillingLineRow.act_code == act_code, BillingLineRow.source_id == source_id
        )
    )
    if exists is not None:
        return None
    tariff = tariffs.find(act_code, act_date)
    row = BillingLineRow(
        id=new_id(),
        act_code=act_code,
        source_kind=source_kind,
        source_id=source_id,
        act_date=act_date,
        patient_id=patient_id,
        practitioner_id=practitioner_id,
        practitioner_rpps=practitioner_rpps,
        amount_cents=tariff.amount_cents if tariff else None,
        tariff_valid_from=tariff.valid_from if tariff else None,
        created_at=now,
    )
    session.add(row)
    return row


def billing_line(row: BillingLineRow) -> BillingLine:
    return BillingLine(
        id=BillingLineId(row.id),
        act_code=row.act_code,
        source_kind=row.source_kind,
        source_id=row.source_id,
        act_date=row.act_date,
        patient_id=PatientId(row.patient_id),
        practitioner_id=PractitionerId(row.practitioner_id) if row.practitioner_id else None,
        practitioner_rpps=row.practitioner_rpps,
        amount_cents=row.amount_cents,
        created_at=row.created_at,
    )


class BillingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def list_lines(self, since: date | None = None, until: date | None = None) -> list[BillingLine]:
        query = select(BillingLineRow).order_by(BillingLineRow.act_date, BillingLineRow.created_at)
        if since is not None:
            query = query.where(BillingLineRow.act_date >= since)
        if until is not None:
            query = query.where(BillingLineRow.act_date <= until)
        with self._db.reading() as session:
            return [billing_line(row) for row in session.scalars(query)]

    def lines_for_source(self, source_id: uuid.UUID) -> list[BillingLine]:
        query = select(BillingLineRow).where(BillingLineRow.source_id == source_id)
        with self._db.reading() as session:
            return [billing_line(row) for row in session.scalars(query)]
