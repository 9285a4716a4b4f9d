"""Pseudonymised per-visit export for the programme's evaluation (issue 6; CONTEXT.md:
"succeed in extracting the data for the evaluation").

One row per visit (Encounter), with no name, no INS, no exact birth date and no address:
keyed pseudonyms (`pseudonyms.py`), the age in whole years at the visit, the sex, the
département (postcode's first 2 digits, 3 overseas), and the results the server reads from
the visit's Observations (docs/SYNC_PROTOCOL.md §7.5).

An amended visit counts once, in its latest version (protocol §7.2): a version that a
later Encounter `replaces` is left out, and the visit keeps one pseudonym across its
versions (derived from its first version), with `visit_version` saying which one is shown.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from icope_server.codes import DOMAINS, ICOPE_CS, LOINC
from icope_server.db import Database
from icope_server.models import Account, StoredResource
from icope_server.profiles import encounter_date, full_date, reference_of
from icope_server.pseudonyms import patient_pseudonym, pseudonym
from icope_server.versions import replaced_ids, versions

STATUS_VALUES = ("normal", "altered", "not_evaluated")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    system: str
    code: str


OBSERVATION_COLUMNS: tuple[Column, ...] = (
    *(Column(f"step1_{d}", ICOPE_CS, f"step1-{d}") for d in DOMAINS),
    Column("step1_altered_count", ICOPE_CS, "step1-altered-count"),
    *(Column(f"step2_{d}", ICOPE_CS, f"step2-{d}") for d in DOMAINS),
    Column("mmse_total", LOINC, "72106-8"),
    Column("mna_sf_total", LOINC, "107114-1"),
    Column("mna_total", ICOPE_CS, "mna-total"),
    Column("sppb_total", ICOPE_CS, "sppb-total"),
    Column("phq9_total", LOINC, "44261-6"),
    Column("va_better_eye_decimal", ICOPE_CS, "va-better-eye-decimal"),
    Column("va_category", ICOPE_CS, "va-icd11-category"),
)
"""Visual acuity is read in the project code system, as the desktop sends it: the
clinical spec §8 lists no LOINC code for it and the programme measures presenting acuity
(with the usual correction, spec §3.4), which LOINC 79882-7/79883-5 (uncorrected, per
eye) would misstate. The spec's decisions use the better eye (ICD-11 category), so those
are the columns; each eye's acuity as typed stays in the QuestionnaireResponse."""
HEADER = (
    "visit_pseudonym",
    "patient_pseudonym",
    "practitioner_pseudonym",
    "visit_date",
    "visit_version",
    "encounter_status",
    "age_years",
    "sex",
    "departement",
    *(column.name for column in OBSERVATION_COLUMNS),
)
_BY_CODE = {(c.system, c.code): c.name for c in OBSERVATION_COLUMNS}


def departement(postcode: str | None) -> str:
    if not postcode or len(postcode) < 2 or not postcode[:2].isdigit():
        return ""
    return postcode[:3] if postcode[:2] in ("97", "98") else postcode[:2]


def age_years(birth: date | None, on: date | None) -> str:
    if birth is None or on is None:
        return ""
    return str(on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)))


def observation_value(observation: dict[str, Any]) -> str:
    if "valueInteger" in observation:
        return str(observation["valueInteger"])
    if isinstance(observation.get("valueQuantity"), dict):
        value = observation["valueQuantity"].get("value")
        if isinstance(value, float):
            return f"{round(value, 3):g}"  # 1/3 → 0.333: acuity is read to 3 decimals
        return "" if value is None else str(value)
    if isinstance(observation.get("valueCodeableConcept"), dict):
        for coding in observation["valueCodeableConcept"].get("coding") or []:
            if isinstance(coding, dict) and coding.get("code") in STATUS_VALUES:
                return str(coding["code"])
        return ""
    if isinstance(observation.get("valueString"), str):
        return observation["valueString"].replace("\n", " ")[:40]
    return ""


def _column_of(observation: dict[str, Any]) -> str | None:
    code = observation.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    for coding in codings if isinstance(codings, list) else []:
        if isinstance(coding, dict):
            name = _BY_CODE.get((str(coding.get("system")), str(coding.get("code"))))
            if name:
                return name
    return None


def evaluation_rows(db: Database, key: bytes | None) -> Iterator[list[str]]:
    """Rows in HEADER order, visits by practitioner then date; a finished export needs the
    pseudonym key (raises PseudonymKeyMissingError without it)."""
    pseudonym(key, "check", "")  # fail before reading anything when the key is missing
    with db.read() as session:
        accounts = {a.id: a for a in session.scalars(select(Account))}
        results: dict[str, dict[str, str]] = {}
        observations = session.execute(
            select(StoredResource.content)
            .where(StoredResource.resource_type == "Observation")
            .execution_options(yield_per=500)
        ).scalars()
        for content in observations:
            observation = json.loads(content)
            if observation.get("status") in ("entered-in-error", "cancelled"):
                continue
            visit_reference = reference_of(observation.get("encounter"))
            column = _column_of(observation)
            if visit_reference and column:
                results.setdefault(visit_reference.removeprefix("Encounter/"), {})[column] = (
                    observation_value(observation)
                )
        encounters = session.scalars(
            select(StoredResource)
            .where(StoredResource.resource_type == "Encounter")
            .order_by(StoredResource.account_id, StoredResource.id)
        ).all()
        replaced = replaced_ids(session)
        chains = versions(session)
        patients: dict[str, StoredResource | None] = {}
        rows = []
        for encounter in encounters:
            if encounter.id in replaced:
                continue  # an amended visit is exported in its latest version only
            body = json.loads(encounter.content)
            if body.get("status") == "entered-in-error":
                continue
            root, version = chains.get(encounter.id, (encounter.id, 1))
            account = accounts.get(encounter.account_id or -1)
            if account is None:
                continue
            subject = (reference_of(body.get("subject")) or "").removeprefix("Patient/")
            if subject not in patients:
                patients[subject] = session.get(StoredResource, subject)
            patient_row = patients[subject]
            patient = json.loads(patient_row.content) if patient_row else {}
            visit = encounter_date(body)
            addresses = patient.get("address") or [{}]
            postcode = addresses[0].get("postalCode") if isinstance(addresses[0], dict) else None
            values = results.get(encounter.id, {})
            rows.append(
                (
                    visit or date.min,
                    [
                        pseudonym(key, "visit", root),
                        patient_pseudonym(
                            key,
                            patient,
                            account.rpps,
                            patient_row.business_id if patient_row else subject,
                            purpose="evaluation",
                        ),
                        pseudonym(key, "practitioner", account.rpps),
                        visit.isoformat() if visit else "",
                        str(version),
                        str(body.get("status") or ""),
                        age_years(full_date(patient.get("birthDate")), visit),
                        str(patient.get("gender") or ""),
                        departement(postcode if isinstance(postcode, str) else None),
                        *(values.get(column.name, "") for column in OBSERVATION_COLUMNS),
                    ],
                )
            )
    rows.sort(key=lambda item: (item[1][2], item[0], item[1][0]))
    for _visit, row in rows:
        yield row


def render_evaluation_csv(db: Database, key: bytes | None, delimiter: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(evaluation_rows(db, key))
    return out.getvalue()
