"""Billing lines from ChargeItems, and the export for the national Article 51 platform.

DESIGN.md "Billing" and issue 6: one line per act, never exported twice, even across
exports and retries. Three guards:

* a line per ChargeItem business identifier (unique constraint): a retried Bundle bills once;
* a second ChargeItem for the same practitioner, act code, patient and date is recorded as a
  `duplicate` of the first and never exported (a double click on two devices); so is one
  for the same act code of the same visit, whatever its version (`ChargeItem.context`
  followed back through the Encounters' `replaces` links, `versions.py`): an amendment
  never bills twice, as on the desktop, which bills amendments against the original;
* an export claims its lines with one `UPDATE … WHERE status = 'pending'`, so two exports
  running at once never share a line, and the batch's lines are kept: a lost file is
  written again from its batch (`billing export --batch N`), not re-exported. The claimed
  ChargeItems become `billed` in the same transaction, a change the practitioner's
  desktop pulls (`charge_feed.py`, docs/SYNC_PROTOCOL.md §7.6).

An act is billable with or without an amount (docs/SYNC_PROTOCOL.md §7.4): a ChargeItem
without `priceOverride` is a line with no amount, exported with an empty `amount_eur` and
`price_status` `to_be_priced` ("à tarifer": the national platform prices it by act code).
Totals always count acts and known amounts separately, never adding a missing amount as 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from icope_server.charge_feed import mark_billed
from icope_server.db import Database
from icope_server.models import Account, BillingExport, BillingLine, StoredResource, utcnow
from icope_server.outcome import fail
from icope_server.profiles import charge_act, is_billable
from icope_server.pseudonyms import patient_pseudonym
from icope_server.resources import load_body
from icope_server.versions import root_of

LIVE = ("pending", "exported")
CSV_COLUMNS = (
    "line_id",
    "batch_id",
    "act_id",
    "act_code",
    "act_label",
    "act_date",
    "practitioner_rpps",
    "practitioner_name",
    "patient_pseudonym",
    "amount_eur",
    "price_status",
)
PRICED = "priced"
TO_BE_PRICED = "to_be_priced"
"""`price_status` values: an amount is given, or the act is "à tarifer" (docs/SERVER.md §5)."""


def record_charge_item(
    session: Session, account_id: int, row: StoredResource, resource: dict[str, Any]
) -> None:
    """Keep the billing line of a stored ChargeItem in step with it (created or updated)."""
    line = session.scalars(
        select(BillingLine).where(BillingLine.charge_item_id == row.id)
    ).first()
    if not is_billable(resource):
        if line is not None and line.status == "pending":
            line.status = "withdrawn"
        return
    if line is not None:
        if line.status == "withdrawn":
            line.status = "pending"
        if line.status == "pending":  # a price given later counts until the export
            line.amount_cents = charge_act(resource).amount_cents
        return
    act = charge_act(resource)
    if not act.subject.startswith("Patient/"):
        raise fail(
            422,
            "billing-content-missing",
            "ChargeItem : le champ « subject » doit désigner le patient.",
            "ChargeItem: field 'subject' must refer to the Patient.",
            expression="ChargeItem.subject",
        )
    patient_id = act.subject.split("/", 2)[1]
    visit = act.context.removeprefix("Encounter/") if act.context else None
    visit_root = root_of(session, visit)[0] if visit else None
    same_act = and_(
        BillingLine.patient_id == patient_id, BillingLine.act_date == act.act_date
    )
    if visit_root is not None:  # an amended visit's act is its first version's act
        same_act = or_(same_act, BillingLine.visit_root_id == visit_root)
    first = session.scalars(
        select(BillingLine)
        .where(
            BillingLine.account_id == account_id,
            BillingLine.act_code == act.code,
            BillingLine.status.in_(LIVE),
            same_act,
        )
        .order_by(BillingLine.id)
    ).first()
    session.add(
        BillingLine(
            account_id=account_id,
            charge_item_id=row.id,
            act_id=row.business_id,
            act_code=act.code,
            act_label=act.label,
            act_date=act.act_date,
            patient_id=patient_id,
            visit_root_id=visit_root,
            amount_cents=act.amount_cents,
            currency=act.currency,
            status="duplicate" if first is not None else "pending",
            duplicate_of=first.id if first is not None else None,
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class ExportedLine:
    line_id: int
    batch_id: int
    act_id: str
    act_code: str
    act_label: str
    act_date: date
    practitioner_rpps: str
    practitioner_name: str
    patient_pseudonym: str
    amount_cents: int | None

    def csv_row(self) -> list[str]:
        return [
            str(self.line_id),
            str(self.batch_id),
            self.act_id,
            self.act_code,
            self.act_label,
            self.act_date.isoformat(),
            self.practitioner_rpps,
            self.practitioner_name,
            self.patient_pseudonym,
            euros(self.amount_cents),
            TO_BE_PRICED if self.amount_cents is None else PRICED,
        ]


def euros(cents: int | None) -> str:
    """`25.00`, or empty for an act to be priced (never `0.00`: that is a real amount)."""
    if cents is None:
        return ""
    whole, part = divmod(cents, 100)
    return f"{whole}.{part:02d}"


def export_pending(
    db: Database,
    *,
    until: date | None = None,
    key: bytes | None = None,
    deliver: Callable[[int, list[ExportedLine]], None] | None = None,
) -> int | None:
    """Claim every pending line (acts up to `until`) into a new batch; its id, or None when
    there was nothing to export.

    `deliver(batch_id, lines)` runs inside the claiming transaction: when it raises (the
    export file cannot be written), nothing is claimed and the lines stay pending, so a
    month-end export is never lost to a mistyped folder (the batch would otherwise be
    claimed with no file, and the next run would find nothing to export)."""

    def work(session: Session) -> int | None:
        batch = BillingExport(line_count=0, total_cents=0, created_at=utcnow())
        session.add(batch)
        session.flush()
        condition = BillingLine.status == "pending"
        if until is not None:
            condition = and_(condition, BillingLine.act_date <= until)
        session.execute(
            update(BillingLine).where(condition).values(status="exported", export_id=batch.id)
        )
        count, priced, total = session.execute(
            select(
                func.count(),
                func.count(BillingLine.amount_cents),
                func.coalesce(func.sum(BillingLine.amount_cents), 0),
            ).where(BillingLine.export_id == batch.id)
        ).one()
        if count == 0:
            session.delete(batch)
            return None
        batch.line_count, batch.total_cents = int(count), int(total)
        batch.unpriced_count = int(count) - int(priced)
        claimed = session.execute(
            select(BillingLine.account_id, BillingLine.charge_item_id).where(
                BillingLine.export_id == batch.id
            )
        ).all()
        mark_billed(session, [(int(a), str(c)) for a, c in claimed])
        if deliver is not None:
            deliver(batch.id, _batch_lines(session, batch.id, key))
        return batch.id

    return db.write(work)


def batch_lines(db: Database, batch_id: int, key: bytes | None) -> list[ExportedLine]:
    with db.read() as session:
        if session.get(BillingExport, batch_id) is None:
            raise LookupError(batch_id)
        return _batch_lines(session, batch_id, key)


def _batch_lines(session: Session, batch_id: int, key: bytes | None) -> list[ExportedLine]:
    rows = session.execute(
        select(BillingLine, Account)
        .join(Account, Account.id == BillingLine.account_id)
        .where(BillingLine.export_id == batch_id)
        .order_by(BillingLine.id)
    ).all()
    lines = []
    for line, account in rows:
        patient = session.get(StoredResource, line.patient_id)
        body = load_body(patient) if patient is not None else None
        lines.append(
            ExportedLine(
                line_id=line.id,
                batch_id=batch_id,
                act_id=line.act_id,
                act_code=line.act_code,
                act_label=line.act_label,
                act_date=line.act_date,
                practitioner_rpps=account.rpps,
                practitioner_name=account.name,
                patient_pseudonym=patient_pseudonym(
                    key,
                    body,
                    account.rpps,
                    patient.business_id if patient else line.patient_id,
                    purpose="billing",
                ),
                amount_cents=line.amount_cents,
            )
        )
    return lines


def render_csv(lines: list[ExportedLine], delimiter: str = ";") -> str:
    """UTF-8 text, header row, `;` by default (what a French spreadsheet opens as columns),
    decimal point in amounts; docs/SERVER.md describes the columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(line.csv_row() for line in lines)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Totals:
    """Acts and what is known of their amounts; `amount_cents` sums the priced acts only."""

    acts: int
    unpriced: int
    amount_cents: int

    @property
    def priced(self) -> int:
        return self.acts - self.unpriced

    @classmethod
    def of(cls, amounts: list[int | None]) -> Totals:
        known = [cents for cents in amounts if cents is not None]
        return cls(len(amounts), len(amounts) - len(known), sum(known))


@dataclass(frozen=True, slots=True)
class PeriodTotal:
    rpps: str
    name: str
    period: str
    status: str
    acts: int
    unpriced: int
    amount_cents: int


def summary(db: Database) -> list[PeriodTotal]:
    """Acts, acts to be priced and known amounts per practitioner, month and status (the
    admin's overview)."""
    with db.read() as session:
        rows = session.execute(
            select(Account.rpps, Account.name, BillingLine.act_date, BillingLine.status,
                   BillingLine.amount_cents)
            .join(Account, Account.id == BillingLine.account_id)
        ).all()
    amounts: dict[tuple[str, str, str, str], list[int | None]] = {}
    for rpps, name, act_date, status, cents in rows:
        amounts.setdefault((rpps, name, act_date.strftime("%Y-%m"), status), []).append(cents)
    found = []
    for (rpps, name, period, status), values in sorted(amounts.items()):
        totals = Totals.of(values)
        found.append(
            PeriodTotal(rpps, name, period, status, totals.acts, totals.unpriced,
                        totals.amount_cents)
        )
    return found


@dataclass(frozen=True, slots=True)
class BatchInfo:
    batch_id: int
    created_at: str
    line_count: int
    unpriced_count: int
    total_cents: int


def batches(db: Database) -> list[BatchInfo]:
    with db.read() as session:
        return [
            BatchInfo(
                b.id,
                b.created_at.isoformat(timespec="seconds"),
                b.line_count,
                b.unpriced_count,
                b.total_cents,
            )
            for b in session.scalars(select(BillingExport).order_by(BillingExport.id))
        ]
