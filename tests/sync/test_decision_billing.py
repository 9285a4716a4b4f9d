"""Audit item 3: a refused alert decision refuses its bill.

The decision and its ChargeItem travel in one transaction Bundle, decision first, and the
ChargeItem names its Task; the administrator reassigns the alert while the nurse decides
offline: the server refuses the decision, hence the bill, and bills nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from icope_desktop.store.records import EntityKind, SyncStatus
from icope_desktop.sync.push import DECISION_REFUSED, TASK_GONE
from icope_server.accounts import find_account
from icope_server.models import Account, BillingLine, StoredResource
from icope_server.tasks import reassign
from sync.alert_feed import person, put_alerts, unique_postcode
from sync.conftest import make_desk
from sync.test_alerts import alert_billing_lines, local_patient


@pytest.fixture
def territory_desk(tmp_path, store_template, tariff_table, live):
    postcode = unique_postcode()
    desk = make_desk(tmp_path, store_template, tariff_table, live, territories=(postcode,))
    desk.postcode = postcode
    yield desk
    desk.store.close()


def charge_items(live, rpps: str) -> list[dict]:
    with live.db.read() as session:
        contents = session.scalars(
            select(StoredResource.content)
            .join(Account, Account.id == StoredResource.account_id)
            .where(Account.rpps == rpps, StoredResource.resource_type == "ChargeItem")
        ).all()
    return [json.loads(c) for c in contents]


def pulled_alert(desk, live, family: str):
    put_alerts(live, [(f"D-{uuid.uuid4().hex[:8]}",
                       person(family, "Lucie", date(1944, 2, 2), desk.postcode))])
    assert desk.sync.sync_now().alerts_received == 1
    [alert] = [a for a in desk.alerts.inbox() if a.person_name.startswith(family.upper())]
    patient = local_patient(desk, family, "Lucie", date(1944, 2, 2))
    desk.alerts.link_patient(alert.id, patient)
    return alert


def test_a_decision_and_its_bill_reach_the_server_together(territory_desk, live):
    desk = territory_desk
    alert = pulled_alert(desk, live, "Garnier")
    desk.alerts.invalidate(alert.id, "refused", "ne souhaite pas de suivi")
    [line] = desk.store.billing.lines_for_source(alert.id)

    report = desk.sync.sync_now()

    assert (report.error, report.rejected) == (None, 0)
    assert alert_billing_lines(live, desk.account.rpps) == ["alert-decision"]
    [charge] = charge_items(live, desk.account.rpps)
    assert charge["supportingInformation"] == [{"reference": f"Task/{alert.task.server_id}"}]
    assert desk.sync.record_status(EntityKind.BILLING_LINE, line.id).status is SyncStatus.SENT


def test_a_decision_on_a_reassigned_alert_bills_nothing(territory_desk, live):
    desk = territory_desk
    alert = pulled_alert(desk, live, "Perrin")
    other = live.new_practitioner(())

    def move(session):
        return reassign(session, alert.task.payload["identifier"][1]["value"],
                        find_account(session, other.rpps))

    assert live.db.write(move)
    desk.alerts.invalidate(alert.id, "refused", "ne souhaite pas de suivi")  # offline
    [line] = desk.store.billing.lines_for_source(alert.id)

    report = desk.sync.sync_now()

    assert report.error is None and report.rejected == 2
    task = desk.sync.record_status(EntityKind.ALERT_TASK, alert.id)
    bill = desk.sync.record_status(EntityKind.BILLING_LINE, line.id)
    assert (task.status, task.reason) == (SyncStatus.REJECTED, TASK_GONE)
    assert (bill.status, bill.reason) == (SyncStatus.REJECTED, DECISION_REFUSED)
    assert alert_billing_lines(live, desk.account.rpps) == []
    assert charge_items(live, desk.account.rpps) == []
    with live.db.read() as session:
        assert session.scalars(select(BillingLine.id).join(
            Account, Account.id == BillingLine.account_id).where(
            Account.rpps == desk.account.rpps)).all() == []
