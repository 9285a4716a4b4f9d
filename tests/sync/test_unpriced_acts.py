"""Acts flow to the administrator's export with or without an amount (protocol §7.4).

No public source gives the programme's amounts, so the shipped `resources/tariffs.csv`
has none: the act is the billable fact, the ChargeItem goes out without `priceOverride`
(never with an invented amount) and the export says "to_be_priced". A real store pushes to
a real server on 127.0.0.1; the export is the server's own.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from server.conftest import TEST_KEY

from icope_desktop.services.billing import BillingStatus
from icope_desktop.store.billing import ACT_STEP1, ACT_STEP2, TariffTable
from icope_desktop.store.records import EntityKind, SyncStatus
from icope_desktop.sync.identifiers import urn
from icope_server.billing import batch_lines, export_pending, render_csv
from sync.conftest import make_desk
from sync.workload import add_patient, finalized_visit


def exported(live, rpps: str) -> list[dict[str, str]]:
    """Export every pending act (all practitioners of the module's server) and keep this
    practitioner's rows of the CSV."""
    batch = export_pending(live.db)
    if batch is None:
        return []
    text = render_csv(batch_lines(live.db, batch, TEST_KEY))
    return [row for row in csv.DictReader(io.StringIO(text), delimiter=";")
            if row["practitioner_rpps"] == rpps]


def test_an_unpriced_act_reaches_the_export_exactly_once(tmp_path, store_template, live):
    shipped = TariffTable.load()  # the real table: no amounts until the programme sets them
    assert shipped.find(ACT_STEP1, date(2025, 3, 3)).amount_cents is None
    desk = make_desk(tmp_path, store_template, shipped, live)
    try:
        visit = finalized_visit(desk.practice, add_patient(desk.practice, 1), date(2025, 3, 3),
                                with_phq9=False)
        [line] = desk.store.billing.lines_for_source(visit)
        assert line.amount_cents is None

        first = desk.sync.sync_now()
        desk.store.outbox.retry_rejected(EntityKind.BILLING_LINE, line.id)  # sent again
        second = desk.sync.sync_now()

        assert first.error is None and second.error is None
        assert first.rejected == 0
        assert desk.sync.record_status(EntityKind.BILLING_LINE, line.id).status is (
            SyncStatus.SENT)
        [act] = desk.billing.acts()
        assert act.status is BillingStatus.SENT and act.to_be_priced
        assert live.count("ChargeItem", desk.account.rpps) == 1
        rows = exported(live, desk.account.rpps)
        assert [(r["act_id"], r["act_code"], r["act_date"], r["amount_eur"],
                 r["price_status"]) for r in rows] == [
            (urn(line.id), "step1", "2025-03-03", "", "to_be_priced")]
        assert desk.sync.sync_now().error is None
        assert exported(live, desk.account.rpps) == []  # never twice
    finally:
        desk.store.close()


def test_a_priced_act_keeps_its_amount(desk, live):
    visit = finalized_visit(desk.practice, add_patient(desk.practice, 2), date(2025, 3, 4))
    lines = {line.act_code: line for line in desk.store.billing.lines_for_source(visit)}
    assert desk.sync.sync_now().error is None
    rows = {r["act_id"]: (r["amount_eur"], r["price_status"])
            for r in exported(live, desk.account.rpps)}
    assert rows == {
        urn(lines[ACT_STEP1].id): ("25.00", "priced"),
        urn(lines[ACT_STEP2].id): ("40.00", "priced"),
    }
