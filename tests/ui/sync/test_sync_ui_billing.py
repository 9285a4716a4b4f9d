"""The billing view: acts with amount and status, totals per month."""

from __future__ import annotations

from datetime import date

from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401
from sync.workload import add_patient, finalized_visit

from icope_desktop.ui.sync.billing_view import BillingView


def test_acts_and_monthly_totals(qtbot, desk):  # noqa: F811
    finalized_visit(desk.practice, add_patient(desk.practice, 1), date(2025, 3, 28))
    finalized_visit(desk.practice, add_patient(desk.practice, 2), date(2025, 4, 1),
                    with_phq9=False)
    view = BillingView(desk.billing)
    qtbot.addWidget(view)
    assert view.acts_table.rowCount() == 3
    assert view.acts_table.item(0, 4).text() == "À envoyer"
    assert view.acts_table.item(0, 3).text() == "25,00 €"

    desk.sync.sync_now()
    view.refresh()

    assert {view.acts_table.item(r, 4).text() for r in range(3)} == {"Envoyé"}
    rows = [[view.totals_table.item(r, c).text() for c in range(6)]
            for r in range(view.totals_table.rowCount())]
    assert rows == [
        ["2025-04", "1", "25,00 €", "0", "1", "0"],
        ["2025-03", "2", "65,00 €", "0", "2", "0"],
    ]
