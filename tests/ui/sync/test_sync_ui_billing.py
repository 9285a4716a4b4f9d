"""The billing view: acts with amount and status, totals per month; acts with no tariff
amount are shown "à tarifer" and counted apart from the known amounts."""

from __future__ import annotations

from datetime import date

from sync.conftest import desk, live, make_desk, store_template, tariff_table  # noqa: F401
from sync.workload import add_patient, finalized_visit

from icope_desktop.store.billing import TariffTable
from icope_desktop.ui.sync.billing_view import BillingView


def table_rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_acts_and_monthly_totals(qtbot, desk):  # noqa: F811
    finalized_visit(desk.practice, add_patient(desk.practice, 1), date(2025, 3, 28))
    finalized_visit(desk.practice, add_patient(desk.practice, 2), date(2025, 4, 1),
                    with_phq9=False)
    view = BillingView(desk.billing)
    qtbot.addWidget(view)
    assert view.acts_table.rowCount() == 3
    assert view.acts_table.item(0, 4).text() == "À envoyer"
    assert view.acts_table.item(0, 3).text() == "25,00 €"
    assert view.pricing_label.isHidden()

    desk.sync.sync_now()
    view.refresh()

    assert {view.acts_table.item(r, 4).text() for r in range(3)} == {"Envoyé"}
    assert table_rows(view.totals_table) == [
        ["04/2025", "1", "25,00 €", "0", "0", "1", "0", "0"],
        ["03/2025", "2", "65,00 €", "0", "0", "2", "0", "0"],
    ]


def test_acts_to_be_priced_are_shown_as_such(qtbot, tmp_path, store_template, live):  # noqa: F811
    shipped = TariffTable.load()  # no amounts in the shipped table
    laptop = make_desk(tmp_path, store_template, shipped, live)
    try:
        finalized_visit(laptop.practice, add_patient(laptop.practice, 1), date(2025, 3, 28))
        finalized_visit(laptop.practice, add_patient(laptop.practice, 2), date(2025, 3, 30),
                        with_phq9=False)
        laptop.sync.sync_now()
        view = BillingView(laptop.billing)
        qtbot.addWidget(view)
        assert {view.acts_table.item(r, 3).text() for r in range(3)} == {"à tarifer"}
        assert {view.acts_table.item(r, 4).text() for r in range(3)} == {"Envoyé"}
        assert view.acts_table.item(0, 3).font().italic()
        # known amount: none (a dash, never 0,00 €); 3 acts to be priced, all sent
        assert table_rows(view.totals_table) == [["03/2025", "3", "–", "3", "0", "3", "0", "0"]]
        assert not view.pricing_label.isHidden()
        assert view.pricing_label.text().startswith("3 acte(s) à tarifer")
    finally:
        laptop.store.close()
