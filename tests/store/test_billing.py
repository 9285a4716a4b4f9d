"""The dated tariff table: parsed, checked, and looked up by date."""

from __future__ import annotations

from datetime import date

import pytest

from icope_desktop.store.billing import (
    ACT_ALERT_DECISION,
    ACT_STEP1,
    ACT_STEP2,
    TariffTable,
    TariffTableError,
)

HEADER = "act_code,label_fr,label_en,amount_eur,valid_from,valid_to\n"


def test_shipped_table_covers_every_act():
    table = TariffTable.load()
    for act in (ACT_STEP1, ACT_STEP2, ACT_ALERT_DECISION):
        tariff = table.find(act, date(2025, 6, 1))
        assert tariff is not None and tariff.label.fr and tariff.label.en


def test_amounts_by_period(tmp_path):
    path = tmp_path / "tariffs.csv"
    path.write_text(
        "# comment line\n"
        + HEADER
        + "ICOPE_STEP1,Étape 1,Step 1,25.00,2023-01-01,2024-12-31\n"
        + "ICOPE_STEP1,Étape 1,Step 1,30.50,2025-01-01,\n",
        encoding="utf-8",
    )
    table = TariffTable.load(path)
    assert table.find(ACT_STEP1, date(2024, 12, 31)).amount_cents == 2500
    assert table.find(ACT_STEP1, date(2025, 1, 1)).amount_cents == 3050
    assert table.find(ACT_STEP1, date(2022, 12, 31)) is None
    assert table.find(ACT_STEP2, date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    "rows",
    [
        "ICOPE_STEP1,a,b,25,2023-01-01,\nICOPE_STEP1,a,b,30,2024-01-01,\n",  # overlap
        "ICOPE_STEP1,a,b,-1,2023-01-01,\n",  # negative
        "ICOPE_STEP1,a,b,1.005,2023-01-01,\n",  # sub-cent
        "ICOPE_STEP1,a,b,1,2023-13-01,\n",  # bad date
        "ICOPE_STEP1,a,b,1,2024-01-01,2023-01-01\n",  # reversed period
        ",a,b,1,2024-01-01,\n",  # no code
    ],
)
def test_bad_tables_are_refused_with_the_line(tmp_path, rows):
    path = tmp_path / "tariffs.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(TariffTableError) as caught:
        TariffTable.load(path)
    assert str(path) in caught.value.message.fr


def test_wrong_columns_are_refused(tmp_path):
    path = tmp_path / "tariffs.csv"
    path.write_text("code,amount\nX,1\n", encoding="utf-8")
    with pytest.raises(TariffTableError):
        TariffTable.load(path)
