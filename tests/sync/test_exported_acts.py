"""Audit item 6: acts the administrator exported for payment show "Exporté pour
paiement" on the desktop after the next sync (ChargeItem feed, protocol §7.6)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from icope_desktop.services.billing import BillingStatus
from icope_desktop.store.outbox import BILLED
from icope_desktop.sync.pull_billing import STREAM
from icope_desktop.ui.sync.billing_view import BillingView
from icope_server.billing import export_pending
from sync.workload import add_patient, finalized_visit


def test_an_exported_act_shows_exported_for_payment(qtbot, desk, live):
    visit = finalized_visit(desk.practice, add_patient(desk.practice, 1), date(2025, 3, 3))
    assert desk.sync.sync_now().error is None
    assert {a.status for a in desk.billing.acts()} == {BillingStatus.SENT}
    statuses = desk.store.outbox.charge_statuses()
    lines = {line.id for line in desk.store.billing.lines_for_source(visit)}
    assert {statuses[line] for line in lines} == {"billable"}  # its own push, in the feed

    assert export_pending(live.db) is not None  # the administrator's billing export
    later = finalized_visit(desk.practice, add_patient(desk.practice, 2), date(2025, 3, 4),
                            with_phq9=False)
    report = desk.sync.sync_now()

    assert report.error is None and report.exported == 2
    acts = {a.line.source_id: a.status for a in desk.billing.acts()}
    assert acts == {visit: BillingStatus.EXPORTED, later: BillingStatus.SENT}
    view = BillingView(desk.billing)
    qtbot.addWidget(view)
    shown = {view.acts_table.item(r, 4).text() for r in range(view.acts_table.rowCount())}
    assert shown == {"Exporté pour paiement", "Envoyé"}
    assert [view.totals_table.item(0, c).text() for c in (5, 6)] == ["1", "2"]
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert view.acts_table.rowCount() == 3

    cursor = desk.store.sync_state.get(STREAM).cursor
    assert cursor is not None
    again = desk.sync.sync_now()
    assert (again.error, again.exported) == (None, 0)
    assert {s for line, s in desk.store.outbox.charge_statuses().items()
            if line in lines} == {BILLED}
