"""Alert Tasks: reading the pulled Task (§5.2) and writing the decision back (§5.3).

The server reads only the decision elements of a PUT (status, businessStatus,
statusReason, note, output) and keeps its own copy of the rest, so the body is the stored
Task with those elements replaced: nothing the practitioner did not decide is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.store.checks import ins_problem
from icope_desktop.store.records import (
    AlertDecision,
    AlertTask,
    Identity,
    InsStatus,
    PulledAlertTask,
    Sex,
)
from icope_desktop.sync.bundles import checked
from icope_desktop.sync.identifiers import ICOPE_CS, INS_SYSTEMS, INS_TEST_NIA, INS_TEST_NIR

SEX = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.INDETERMINATE}
DECISION_FIELDS = ("status", "businessStatus", "statusReason", "note", "output")
EXIT_REASONS = (
    "not-eligible",
    "already-followed",
    "refused",
    "unreachable",
    "moved",
    "deceased",
    "other",
)
"""`icope#` exit reasons of an invalidated alert (protocol §5.3)."""
EXIT_REASON_LABELS: dict[str, Text] = {
    "not-eligible": Text(fr="Non éligible", en="Not eligible"),
    "already-followed": Text(fr="Déjà suivi", en="Already followed"),
    "refused": Text(fr="Refus du patient", en="Patient refused"),
    "unreachable": Text(fr="Injoignable", en="Unreachable"),
    "moved": Text(fr="A déménagé", en="Moved away"),
    "deceased": Text(fr="Décédé", en="Deceased"),
    "other": Text(fr="Autre motif", en="Other reason"),
}
"""The store keeps one decision note; an invalidation note starts with the reason's label
(`"Refus du patient — …"`), which is how the reason's code is found again for the PUT."""


def invalidation_note(reason: str, text: str | None) -> str:
    label = EXIT_REASON_LABELS[reason].fr
    return f"{label} — {text.strip()}" if text and text.strip() else label


def exit_reason_of(note: str | None) -> str | None:
    if not note:
        return None
    for code, label in EXIT_REASON_LABELS.items():
        if note == label.fr or note.startswith(label.fr + " — "):
            return code
    return None


@dataclass(frozen=True, slots=True)
class Contact:
    """The contact part of demographics, the part a pull may update (design "Conflicts")."""

    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingPerson:
    identity: Identity
    contact: Contact
    test_ins: bool = False


@dataclass(frozen=True, slots=True)
class PulledTask:
    alert: PulledAlertTask
    person: IncomingPerson | None
    last_modified: datetime | None
    authored: datetime | None = None
    reassigned: bool = False
    notes: tuple[str, ...] = field(default=())


def _input_values(task: dict[str, Any], code: str) -> list[Any]:
    found = []
    for entry in task.get("input") or []:
        codings = ((entry.get("type") or {}).get("coding")) or []
        if any(c.get("system") == ICOPE_CS and c.get("code") == code for c in codings):
            for key, value in entry.items():
                if key.startswith("value"):
                    found.append(value)
    return found


def _date(value: Any) -> date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _person(task: dict[str, Any]) -> IncomingPerson | None:
    contained = [
        r
        for r in task.get("contained") or []
        if isinstance(r, dict) and r.get("resourceType") == "Patient"
    ]
    if not contained:
        return None
    patient = contained[0]
    names = patient.get("name") or [{}]
    name = names[0] if isinstance(names[0], dict) else {}
    family = name.get("family")
    given = " ".join(name.get("given") or [])
    birth = _date(patient.get("birthDate"))
    if not family or not given or birth is None:
        return None
    ins = ins_system = None
    for identifier in patient.get("identifier") or []:
        if identifier.get("system") in INS_SYSTEMS and identifier.get("value"):
            ins, ins_system = str(identifier["value"]), identifier["system"]
            break
    if ins is not None and ins_problem(ins) is not None:
        # A key that does not match is a typo upstream: such an INS is not a qualified
        # identity, and the store would refuse the file made from it ("Créer un nouveau
        # dossier" would fail). Matching falls back to birth date and names.
        ins = ins_system = None
    identity = Identity(
        birth_name=str(family),
        first_names=given,
        birth_date=birth,
        sex=SEX.get(str(patient.get("gender")), Sex.INDETERMINATE),
        ins=ins,
        ins_status=InsStatus.QUALIFIED if ins else InsStatus.PROVISIONAL,
    )
    address = (patient.get("address") or [{}])[0]
    phone = next(
        (t.get("value") for t in patient.get("telecom") or [] if t.get("system") == "phone"),
        None,
    )
    contact = Contact(
        address=" ".join(address.get("line") or []) or None,
        postal_code=address.get("postalCode"),
        city=address.get("city"),
        phone=phone,
    )
    return IncomingPerson(identity, contact, test_ins=ins_system in (INS_TEST_NIR, INS_TEST_NIA))


def parse_task(task: dict[str, Any]) -> PulledTask:
    """A Task of the feed as the store keeps it; a reassignment stub (§5.1) has no patient
    data and status `cancelled`."""
    status = str(task.get("status") or "requested")
    altered = tuple(str(v) for v in _input_values(task, "altered-domain"))
    sources = _input_values(task, "source")
    raised = _date((_input_values(task, "step1-date") or [None])[0]) or _date(
        task.get("authoredOn")
    )
    meta = task.get("meta") or {}
    last_modified = _datetime(task.get("lastModified")) or _datetime(meta.get("lastUpdated"))

    alert = PulledAlertTask(
        server_id=str(task["id"]),
        raised_on=raised or (last_modified.date() if last_modified else date(1970, 1, 1)),
        source=str(sources[0]) if sources else "unknown",
        altered_domains=altered,
        server_status=status,
        payload=task,
    )
    reassigned = status == "cancelled" and not task.get("contained")
    authored = _datetime(task.get("authoredOn"))
    return PulledTask(alert, _person(task), last_modified, authored, reassigned)


def business_status(task: dict[str, Any] | Any) -> str | None:
    concept = task.get("businessStatus") if isinstance(task, dict) else None
    for coding in (concept or {}).get("coding") or []:
        if coding.get("system") == ICOPE_CS:
            return str(coding.get("code"))
    return None


def decision_body(
    alert: AlertTask, *, step2_planned: datetime | None = None
) -> dict[str, Any] | None:
    """The PUT body for the local decision; None when there is nothing to tell the server
    (an alert kept open without a note: the server already holds it open)."""
    body = {k: v for k, v in dict(alert.payload).items() if k not in DECISION_FIELDS}
    body["resourceType"] = "Task"
    body["id"] = alert.server_id
    note = [{"text": alert.decision_note}] if alert.decision_note else []
    if alert.decision is AlertDecision.OPEN:
        if not note:
            return None
        body["status"] = "in-progress"
        body["businessStatus"] = {"coding": [{"system": ICOPE_CS, "code": "kept-open"}]}
    elif alert.decision is AlertDecision.CONFIRM:
        body["status"] = "completed"
        body["businessStatus"] = {"coding": [{"system": ICOPE_CS, "code": "confirmed"}]}
        if step2_planned is not None:
            body["output"] = [
                {
                    "type": {"coding": [{"system": ICOPE_CS, "code": "step2-planned"}]},
                    "valueDateTime": step2_planned.isoformat(timespec="seconds"),
                }
            ]
    elif alert.decision is AlertDecision.INVALIDATE:
        body["status"] = "completed"
        body["businessStatus"] = {"coding": [{"system": ICOPE_CS, "code": "invalidated"}]}
        reason: dict[str, Any] = {}
        exit_reason = exit_reason_of(alert.decision_note)
        if exit_reason is not None:
            reason["coding"] = [{"system": ICOPE_CS, "code": exit_reason}]
        reason["text"] = alert.decision_note or "Alerte invalidée / Alert invalidated"
        body["statusReason"] = reason
    else:
        return None
    if note:
        body["note"] = note
    return checked(body)
