"""Pseudonymised per-visit export for the programme's evaluation (issue 6)."""

from __future__ import annotations

import csv
import io

import pytest

from icope_server.codes import BUSINESS_ID_SYSTEM, ICOPE_CS, LOINC
from icope_server.evaluation import HEADER, departement, render_evaluation_csv
from icope_server.pseudonyms import PseudonymKeyMissingError

from .bundles import create, new_urn, observation, phq9_total, transaction, visit_bundle


def rows_of(server) -> list[dict[str, str]]:
    text = render_evaluation_csv(server.db, server.settings.pseudonym_key)
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_one_row_per_visit_with_results_and_no_identity(server):
    nurse, physio = server.new_practitioner(), server.new_practitioner()
    ins = "248034410905678"
    bundle, urns = visit_bundle(ins=ins, postcode="85300", day="2025-03-04")
    nurse.post_bundle(bundle)
    phq = new_urn()
    e = f"Encounter?identifier={BUSINESS_ID_SYSTEM}|{urns['encounter']}"
    p = f"Patient?identifier={BUSINESS_ID_SYSTEM}|{urns['patient']}"
    assert nurse.post_bundle(transaction(create(phq9_total(phq, p, e, 11), phq))).status_code == 200
    other_visit, _ = visit_bundle(ins=ins, postcode="85300", day="2025-09-02",
                                  altered=("vision",))
    physio.post_bundle(other_visit)  # the same person, seen by another practitioner
    rows = [r for r in rows_of(server) if r["departement"] == "85"]
    assert len(rows) == 2
    first, second = sorted(rows, key=lambda r: r["visit_date"])
    assert first["visit_date"] == "2025-03-04" and first["age_years"] == "76"
    assert first["sex"] == "female" and first["encounter_status"] == "finished"
    assert (first["step1_cognition"], first["step1_vision"]) == ("altered", "normal")
    assert first["step1_altered_count"] == "3" and first["phq9_total"] == "11"
    assert second["step1_vision"] == "altered" and second["phq9_total"] == ""
    assert first["patient_pseudonym"] == second["patient_pseudonym"]  # linked through the INS
    assert first["practitioner_pseudonym"] != second["practitioner_pseudonym"]
    assert first["visit_pseudonym"] != second["visit_pseudonym"]
    text = render_evaluation_csv(server.db, server.settings.pseudonym_key)
    for identity in (ins, "Martin", "Jeanne", "1948-03-12", "rue des Lilas", nurse.rpps,
                     urns["patient"]):
        assert identity not in text
    assert text.splitlines()[0].split(";") == list(HEADER)


def test_pseudonyms_are_stable_and_keyed(server):
    nurse = server.new_practitioner()
    nurse.post_bundle(visit_bundle(postcode="97411")[0])
    first = [r for r in rows_of(server) if r["departement"] == "974"]
    again = [r for r in rows_of(server) if r["departement"] == "974"]
    assert first == again and len(first) == 1
    other_key = render_evaluation_csv(server.db, b"\x01" * 32)
    assert first[0]["patient_pseudonym"] not in other_key
    with pytest.raises(PseudonymKeyMissingError):
        render_evaluation_csv(server.db, None)


def test_departement_of_postcodes():
    assert [departement(c) for c in ("44300", "85000", "97411", "", None, "AB123")] == [
        "44", "85", "974", "", "", ""]


def test_visual_acuity_is_read_in_the_project_code_system(server):
    """Protocol §7.5: presenting acuity in `icope#va-*` codes (spec §8 has no LOINC code
    for it); LOINC 79882-7 (uncorrected) is stored but not read."""
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle(postcode="49100")
    nurse.post_bundle(bundle)
    e = f"Encounter?identifier={BUSINESS_ID_SYSTEM}|{urns['encounter']}"
    p = f"Patient?identifier={BUSINESS_ID_SYSTEM}|{urns['patient']}"
    decimal, category, uncorrected = new_urn(), new_urn(), new_urn()
    quantity = {"value": 1 / 3, "unit": "decimal", "system": "http://unitsofmeasure.org",
                "code": "1"}
    extra = transaction(
        create(observation(decimal, p, e, ICOPE_CS, "va-better-eye-decimal",
                           valueQuantity=quantity), decimal),
        create(observation(category, p, e, ICOPE_CS, "va-icd11-category",
                           valueString="mild"), category),
        create(observation(uncorrected, p, e, LOINC, "79882-7", valueQuantity=quantity),
               uncorrected),
    )
    assert nurse.post_bundle(extra).status_code == 200
    [row] = [r for r in rows_of(server) if r["departement"] == "49"]
    assert (row["va_better_eye_decimal"], row["va_category"]) == ("0.333", "mild")
    assert not any(name.startswith("snellen_") for name in HEADER)
