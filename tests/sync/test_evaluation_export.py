"""What the desktop sends is what the server's evaluation export reads (protocol §7.5):
a real store pushes to a real server on 127.0.0.1, then the server's own export runs."""

from __future__ import annotations

import csv
import io
from datetime import date

from server.conftest import TEST_KEY

from icope_server.evaluation import render_evaluation_csv
from icope_server.pseudonyms import pseudonym
from sync.workload import add_patient, finalized_visit

SNELLEN = {"VA_notation": "snellen_m", "VA_correction": "avec_correction_habituelle",
           "VA_OD": "6/24", "VA_OG": "6/18"}


def evaluation_rows(live, rpps: str) -> list[dict[str, str]]:
    text = render_evaluation_csv(live.db, TEST_KEY)
    mine = pseudonym(TEST_KEY, "practitioner", rpps)
    return [row for row in csv.DictReader(io.StringIO(text), delimiter=";")
            if row["practitioner_pseudonym"] == mine]


def test_visual_acuity_reaches_the_evaluation_export(desk, live):
    patient = add_patient(desk.practice, 1)
    finalized_visit(desk.practice, patient, date(2025, 3, 10), answers={"snellen": SNELLEN})
    assert desk.sync.sync_now().error is None
    [row] = evaluation_rows(live, desk.account.rpps)
    # better eye 6/18: decimal 1/3 read to 3 decimals, ICD-11 "mild" (spec §3.4)
    assert (row["va_better_eye_decimal"], row["va_category"]) == ("0.333", "mild")
    assert row["visit_date"] == "2025-03-10"
