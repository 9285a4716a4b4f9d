"""Import of Step 1 alerts produced upstream (CSV or FHIR Bundle), as alert Tasks.

Clinical spec §1 and §4: an alert is a Step 1 with at least `alert_threshold` (default 3)
altered capacities, done by self-assessment or by an upstream actor, for a person aged 60
or over. A file is imported all or nothing: one bad row refuses the file, with every
problem listed by line and column (never by value: the rows hold patient data). Importing
the same file again creates nothing new (one Task per `alert_id`).

CSV columns (docs/SERVER.md): alert_id, source, source_detail, step1_date, family_name,
given_names, birth_date, sex, ins_type, ins, address, postcode, city, phone,
altered_domains, note. UTF-8 (a BOM is fine), `;` or `,` separated (detected).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from icope_server.codes import (
    ALERT_ID_SYSTEM,
    DOMAINS,
    ICOPE_CS,
    INS_NIA,
    INS_NIR,
    INS_SYSTEMS,
    INS_TEST_NIA,
    INS_TEST_NIR,
)
from icope_server.db import Database
from icope_server.outcome import Message
from icope_server.tasks import Alert, AlertPerson, create_alert_task

MIN_AGE = 60  # clinical spec §1: target population, age 60 or over
COLUMNS = (
    "alert_id",
    "source",
    "source_detail",
    "step1_date",
    "family_name",
    "given_names",
    "birth_date",
    "sex",
    "ins_type",
    "ins",
    "address",
    "postcode",
    "city",
    "phone",
    "altered_domains",
    "note",
)
REQUIRED = ("alert_id", "source", "step1_date", "family_name", "birth_date", "postcode",
            "altered_domains")
SOURCES = {
    "self-assessment": "self-assessment",
    "auto-questionnaire": "self-assessment",
    "autoquestionnaire": "self-assessment",
    "auto-evaluation": "self-assessment",
    "autoevaluation": "self-assessment",
    "upstream-actor": "upstream-actor",
    "acteur-amont": "upstream-actor",
    "acteur de l'amont": "upstream-actor",
    "amont": "upstream-actor",
}
DOMAIN_SYNONYMS = {
    **{d: d for d in DOMAINS},
    "nutrition": "vitality",
    "vitalite": "vitality",
    "vitalité": "vitality",
    "audition": "hearing",
    "humeur": "psychological",
    "psychologique": "psychological",
    "psychologie": "psychological",
    "mobilite": "locomotion",
    "mobilité": "locomotion",
}
SEXES = {
    "f": "female", "femme": "female", "female": "female",
    "m": "male", "h": "male", "homme": "male", "male": "male",
    "autre": "other", "other": "other",
    "inconnu": "unknown", "unknown": "unknown", "": None,
}
INS_TYPES = {
    "nir": INS_NIR, "ins-nir": INS_NIR, "nia": INS_NIA, "ins-nia": INS_NIA,
    "test-nir": INS_TEST_NIR, "test-nia": INS_TEST_NIA,
    **{system: system for system in INS_SYSTEMS},
}
NIR_PATTERN = re.compile(r"^[12378][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])(2A|2B|[0-9]{2})[0-9]{8}$")
POSTCODE = re.compile(r"^[0-9]{5}$")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    """1-based line of the file (the header is line 1); 0 for the whole file."""
    column: str
    message: Message


class ImportRefusedError(Exception):
    """Nothing was imported; `problems` lists every bad cell."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    already_imported: int = 0
    unassigned: int = 0
    per_practitioner: dict[str, int] = field(default_factory=dict)


def _date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _problem(line: int, column: str, fr: str, en: str) -> ImportProblem:
    return ImportProblem(line, column, Message(fr, en))


def _row_alert(line: int, row: dict[str, str], threshold: int, today: date) -> tuple[
    Alert | None, list[ImportProblem]
]:
    cell = {name: (row.get(name) or "").strip() for name in COLUMNS}
    problems = [
        _problem(line, name, "valeur obligatoire manquante", "required value missing")
        for name in REQUIRED
        if not cell[name]
    ]
    source = SOURCES.get(cell["source"].lower())
    if cell["source"] and source is None:
        problems.append(_problem(line, "source", "attendu : self-assessment ou upstream-actor",
                                 "expected: self-assessment or upstream-actor"))
    step1 = _date(cell["step1_date"]) if cell["step1_date"] else None
    if cell["step1_date"] and (step1 is None or step1 > today):
        problems.append(_problem(line, "step1_date", "date invalide ou future (AAAA-MM-JJ)",
                                 "invalid or future date (YYYY-MM-DD)"))
    birth = _date(cell["birth_date"]) if cell["birth_date"] else None
    if cell["birth_date"] and (birth is None or birth > today):
        problems.append(_problem(line, "birth_date", "date invalide ou future (AAAA-MM-JJ)",
                                 "invalid or future date (YYYY-MM-DD)"))
    if birth is not None and step1 is not None and _age(birth, step1) < MIN_AGE:
        problems.append(_problem(line, "birth_date", "moins de 60 ans au Step 1 : hors "
                                 "programme", "under 60 at Step 1: outside the programme"))
    if cell["sex"].lower() not in SEXES:
        problems.append(_problem(line, "sex", "attendu : F, M, autre ou vide",
                                 "expected: F, M, other or empty"))
    ins_system = None
    if cell["ins"] or cell["ins_type"]:
        ins_system = INS_TYPES.get(cell["ins_type"].lower()) or INS_TYPES.get(cell["ins_type"])
        if ins_system is None:
            problems.append(_problem(line, "ins_type", "attendu : NIR, NIA, TEST-NIR ou TEST-NIA",
                                     "expected: NIR, NIA, TEST-NIR or TEST-NIA"))
        if not NIR_PATTERN.match(cell["ins"].replace(" ", "").upper()):
            problems.append(_problem(line, "ins", "l'INS doit faire 15 caractères (NIR et clé)",
                                     "the INS must have 15 characters (NIR and key)"))
    if cell["postcode"] and not POSTCODE.match(cell["postcode"]):
        problems.append(_problem(line, "postcode", "code postal de 5 chiffres attendu",
                                 "5-digit postcode expected"))
    domains: list[str] = []
    for word in re.split(r"[|+,;/\s]+", cell["altered_domains"].lower()):
        if not word:
            continue
        domain = DOMAIN_SYNONYMS.get(word)
        if domain is None:
            problems.append(_problem(line, "altered_domains", f"capacité inconnue (attendu : "
                                     f"{', '.join(DOMAINS)})", f"unknown capacity (expected: "
                                     f"{', '.join(DOMAINS)})"))
        elif domain not in domains:
            domains.append(domain)
    if cell["altered_domains"] and len(domains) < threshold:
        problems.append(_problem(line, "altered_domains", f"moins de {threshold} capacités "
                                 "altérées : ce n'est pas une alerte", f"fewer than {threshold} "
                                 "altered capacities: not an alert"))
    if len(cell["alert_id"]) > 200:
        problems.append(_problem(line, "alert_id", "200 caractères au plus", "200 characters at "
                                 "most"))
    if problems:
        return None, problems
    assert step1 is not None and birth is not None and source is not None
    person = AlertPerson(
        family=cell["family_name"],
        given=tuple(g for g in re.split(r"\s+", cell["given_names"]) if g),
        birth_date=birth,
        gender=SEXES[cell["sex"].lower()],
        ins_system=ins_system,
        ins_value=cell["ins"].replace(" ", "").upper() or None,
        address_line=cell["address"] or None,
        postcode=cell["postcode"],
        city=cell["city"] or None,
        phone=cell["phone"] or None,
    )
    ordered = tuple(d for d in DOMAINS if d in domains)
    return Alert(cell["alert_id"], source, cell["source_detail"] or None, step1, person, ordered,
                 cell["note"] or None), []


def alerts_from_csv(text: str, *, threshold: int, today: date) -> list[Alert]:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefusedError(
            [_problem(1, name, "colonne absente de l'en-tête", "column missing from the header")
             for name in missing]
        )
    reader.fieldnames = header
    alerts, problems, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        alert, row_problems = _row_alert(line, row, threshold, today)
        problems.extend(row_problems)
        if alert is not None:
            if alert.key in seen:
                problems.append(_problem(line, "alert_id", "alert_id en double dans le fichier",
                                         "duplicate alert_id in the file"))
            seen.add(alert.key)
            alerts.append(alert)
    if problems:
        raise ImportRefusedError(problems)
    return alerts


def _task_alert(index: int, task: dict[str, Any], threshold: int, today: date) -> tuple[
    Alert | None, list[ImportProblem]
]:
    """Read an alert Task in the protocol's format (docs/SYNC_PROTOCOL.md §5.2) back into a
    CSV-like row, so both formats go through the same checks."""
    row: dict[str, str] = {}
    for identifier in task.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == ALERT_ID_SYSTEM:
            row["alert_id"] = str(identifier.get("value") or "")
    patient = next(
        (c for c in task.get("contained") or [] if isinstance(c, dict)
         and c.get("resourceType") == "Patient"),
        {},
    )
    names = patient.get("name") or [{}]
    name = names[0] if isinstance(names[0], dict) else {}
    row["family_name"] = str(name.get("family") or "")
    row["given_names"] = " ".join(str(g) for g in name.get("given") or [])
    row["birth_date"] = str(patient.get("birthDate") or "")
    row["sex"] = {"female": "F", "male": "M", "other": "autre", "unknown": "inconnu"}.get(
        str(patient.get("gender") or ""), ""
    )
    for identifier in patient.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") in INS_SYSTEMS:
            row["ins_type"], row["ins"] = identifier["system"], str(identifier.get("value") or "")
    addresses = patient.get("address") or [{}]
    address = addresses[0] if isinstance(addresses[0], dict) else {}
    row["address"] = " ".join(str(x) for x in address.get("line") or [])
    row["postcode"] = str(address.get("postalCode") or "")
    row["city"] = str(address.get("city") or "")
    for telecom in patient.get("telecom") or []:
        if isinstance(telecom, dict) and telecom.get("system") == "phone":
            row["phone"] = str(telecom.get("value") or "")
    domains = []
    for item in task.get("input") or []:
        if not isinstance(item, dict):
            continue
        codes = [c.get("code") for c in (item.get("type") or {}).get("coding") or []
                 if isinstance(c, dict) and c.get("system") == ICOPE_CS]
        if "altered-domain" in codes:
            domains.append(str(item.get("valueCode") or ""))
        elif "step1-date" in codes:
            row["step1_date"] = str(item.get("valueDate") or "")
        elif "source" in codes:
            row["source"] = str(item.get("valueCode") or "")
        elif "source-detail" in codes:
            row["source_detail"] = str(item.get("valueString") or "")
        elif "note" in codes:
            row["note"] = str(item.get("valueString") or "")
    row["altered_domains"] = "|".join(domains)
    return _row_alert(index, row, threshold, today)


def alerts_from_bundle(text: str, *, threshold: int, today: date) -> list[Alert]:
    """A Bundle (any type) of alert Tasks; `line` in problems is the entry number."""
    try:
        bundle = json.loads(text)
    except ValueError as error:
        raise ImportRefusedError(
            [_problem(0, "", "fichier JSON illisible", "unreadable JSON file")]
        ) from error
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ImportRefusedError([_problem(0, "", "un Bundle FHIR est attendu",
                                           "a FHIR Bundle is expected")])
    alerts, problems = [], []
    for index, entry in enumerate(bundle.get("entry") or []):
        task = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(task, dict) or task.get("resourceType") != "Task":
            problems.append(_problem(index, "resource", "une Task est attendue",
                                     "a Task is expected"))
            continue
        alert, task_problems = _task_alert(index, task, threshold, today)
        problems.extend(task_problems)
        if alert is not None:
            alerts.append(alert)
    if problems:
        raise ImportRefusedError(problems)
    return alerts


def import_alerts(db: Database, alerts: Iterable[Alert]) -> ImportReport:
    batch = list(alerts)

    def work(session: Session) -> ImportReport:
        report = ImportReport()
        for alert in batch:
            result = create_alert_task(session, alert)
            if not result.created:
                report.already_imported += 1
                continue
            report.created += 1
            if result.assigned_rpps is None:
                report.unassigned += 1
            else:
                report.per_practitioner[result.assigned_rpps] = (
                    report.per_practitioner.get(result.assigned_rpps, 0) + 1
                )
        return report

    return db.write(work)
