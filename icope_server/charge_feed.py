"""The ChargeItem feed: a practitioner's own ChargeItems changed since a cursor.

The desktop shows which acts were exported for payment (docs/SYNC_PROTOCOL.md §7.6). An
export sets the stored ChargeItem's `status` to `billed` (FHIR R4 ChargeItem.status: "the
charge item has been billed", e.g. sent to the payer); the server owns that status from
then on. Every change of a ChargeItem (created or updated by a push, billed by an export)
is numbered in the practitioner's `charge_item_feed`, with the same guarantees as the Task
feed (tasks.py): numbers come from `practitioner_account.charge_seq` through an UPDATE that
locks the account row until commit, so a reader who has seen change n has seen every
change before n, and the cursor is the server's, never the client's clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from icope_server.models import Account, BillingLine, ChargeItemFeed, StoredResource
from icope_server.resources import load_body, to_fhir, update_resource
from icope_server.tasks import FeedPage, changed_since

BILLED = "billed"


def record_changes(session: Session, account_id: int, charge_item_ids: list[str]) -> int:
    """Number the changes of these ChargeItems in the practitioner's feed (one UPDATE for
    the whole range); the last number."""
    if not charge_item_ids:
        return 0
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(charge_seq=Account.charge_seq + len(charge_item_ids))
    )
    last = int(session.scalars(select(Account.charge_seq).where(Account.id == account_id)).one())
    first = last - len(charge_item_ids) + 1
    session.add_all(
        ChargeItemFeed(account_id=account_id, seq=first + offset, charge_item_id=item_id)
        for offset, item_id in enumerate(charge_item_ids)
    )
    session.flush()
    return last


def mark_billed(session: Session, claimed: Iterable[tuple[int, str]]) -> None:
    """After an export claimed these lines ((account id, ChargeItem id)): each ChargeItem
    becomes `billed`, a new version, and a numbered change in its owner's feed."""
    per_account: dict[int, list[str]] = defaultdict(list)
    for account_id, charge_item_id in sorted(claimed):
        row = session.get(StoredResource, charge_item_id)
        if row is None:
            continue
        body = load_body(row)
        if body.get("status") != BILLED:
            update_resource(session, row, {**body, "status": BILLED})
            per_account[account_id].append(charge_item_id)
    for account_id, ids in per_account.items():
        record_changes(session, account_id, ids)


def pull_charge_items(session: Session, account_id: int, cursor: int, count: int) -> FeedPage:
    current = session.scalars(select(Account.charge_seq).where(Account.id == account_id)).one()
    page, total = changed_since(
        session, ChargeItemFeed, ChargeItemFeed.charge_item_id,
        account_id=account_id, current=current, cursor=cursor, count=count,
    )  # fmt: skip
    resources: list[dict[str, Any]] = []
    for charge_item_id, _seq in page:
        row = session.get(StoredResource, charge_item_id)
        if row is not None and row.account_id == account_id:
            resources.append(to_fhir(row))
    next_cursor = page[-1][1] if page else cursor
    return FeedPage(resources, str(next_cursor), total)


def keep_server_status(
    session: Session, row: StoredResource, body: dict[str, Any]
) -> dict[str, Any]:
    """A ChargeItem already exported stays `billed` whatever a later push says: the export
    is a fact (the act was sent for payment), and a retried or edited push must not make
    the desktop believe it is still waiting (billing.py: after export, changes no longer
    affect billing)."""
    line_status = session.scalars(
        select(BillingLine.status).where(BillingLine.charge_item_id == row.id)
    ).first()
    if line_status == "exported" and body.get("status") != BILLED:
        return {**body, "status": BILLED}
    return body
