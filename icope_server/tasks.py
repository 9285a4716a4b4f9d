"""Alert Tasks: creation from Step 1 alerts, assignment by territory, the pull feed, and
the practitioner's decisions.

Clinical spec §1 and §4 (`ALERT_MULTIDOMAIN`, source: InterURPS PdL 2024 activity report):
a Step 1 with 3 or more altered capacities, done by self-assessment or by an upstream
actor, reaches a trained professional as an alert to confirm (→ Step 2), invalidate
(→ exit) or leave open with a note — never a forced choice (CONTEXT.md: the mandatory
yes/no of 2024 left files stuck for months).

The pull cursor is the number of a change in the practitioner's own feed. Numbers are taken
from `practitioner_account.task_seq` with an UPDATE that locks the account row until the
transaction commits, so the changes of one practitioner commit in number order: a reader
who has seen change n has seen every change before n (issue 6: server-issued, monotonic,
never the client's clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from icope_server.codes import (
    ALERT_CODE,
    ALERT_ID_SYSTEM,
    BUSINESS_ID_SYSTEM,
    EXIT_REASONS,
    ICOPE_CS,
    RPPS_SYSTEM,
)
from icope_server.models import Account, AlertTask, StoredResource, TaskFeed, Territory, utcnow
from icope_server.outcome import FhirError, Issue, fail
from icope_server.resources import (
    fhir_instant,
    insert_resource,
    load_body,
    new_id,
    to_fhir,
    update_resource,
)
from icope_server.validation import Where, validate_resource

OPEN_STATUSES = ("open", "kept-open")
CURSOR_PATTERN = re.compile(r"^\d{1,18}$")
REASSIGNED_TEXT = "Alerte réattribuée / Alert reassigned"


# -- the alert as imported ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertPerson:
    family: str
    given: tuple[str, ...]
    birth_date: date
    gender: str | None
    ins_system: str | None
    ins_value: str | None
    address_line: str | None
    postcode: str
    city: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Alert:
    key: str
    """The alert's id in the upstream tool: importing it twice creates one Task."""
    source: str
    source_detail: str | None
    step1_date: date
    person: AlertPerson
    domains: tuple[str, ...]
    note: str | None = None


def _input(code: str, **value: Any) -> dict[str, Any]:
    return {"type": {"coding": [{"system": ICOPE_CS, "code": code}]}, **value}


def _contained_patient(person: AlertPerson) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient"}
    if person.ins_system and person.ins_value:
        patient["identifier"] = [{"system": person.ins_system, "value": person.ins_value}]
    name: dict[str, Any] = {"family": person.family}
    if person.given:
        name["given"] = list(person.given)
    patient["name"] = [name]
    if person.gender:
        patient["gender"] = person.gender
    patient["birthDate"] = person.birth_date.isoformat()
    address: dict[str, Any] = {}
    if person.address_line:
        address["line"] = [person.address_line]
    address["postalCode"] = person.postcode
    if person.city:
        address["city"] = person.city
    address["country"] = "FR"
    patient["address"] = [address]
    if person.phone:
        patient["telecom"] = [{"system": "phone", "value": person.phone}]
    return patient


def owner_reference(account: Account) -> dict[str, Any]:
    return {
        "reference": f"Practitioner/{account.practitioner_id}",
        "identifier": {"system": RPPS_SYSTEM, "value": account.rpps},
        "display": account.name,
    }


def alert_task_body(
    alert: Alert, business_id: str, owner: Account | None, now: datetime
) -> dict[str, Any]:
    inputs = [_input("altered-domain", valueCode=domain) for domain in alert.domains]
    inputs.append(_input("altered-count", valueInteger=len(alert.domains)))
    inputs.append(_input("step1-date", valueDate=alert.step1_date.isoformat()))
    inputs.append(_input("source", valueCode=alert.source))
    if alert.source_detail:
        inputs.append(_input("source-detail", valueString=alert.source_detail))
    if alert.note:
        inputs.append(_input("note", valueString=alert.note))
    stamp = now.isoformat(timespec="seconds")
    body: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": [
            {"system": BUSINESS_ID_SYSTEM, "value": business_id},
            {"system": ALERT_ID_SYSTEM, "value": alert.key},
        ],
        "contained": [_contained_patient(alert.person)],
        "status": "requested",
        "businessStatus": {"coding": [{"system": ICOPE_CS, "code": "open"}]},
        "intent": "order",
        "priority": "asap",
        "code": {
            "coding": [
                {
                    "system": ICOPE_CS,
                    "code": ALERT_CODE,
                    "display": "Alerte Step 1 : 3 capacités altérées ou plus",
                }
            ]
        },
        "description": "Alerte ICOPE Step 1 à traiter : confirmer (Step 2), invalider (sortie) "
        "ou garder ouverte avec une note.",
        "for": {"reference": "#patient"},
        "authoredOn": stamp,
        "lastModified": stamp,
        "input": inputs,
    }
    if owner is not None:
        body["owner"] = owner_reference(owner)
    return body


# -- assignment and the feed ----------------------------------------------------------------


def record_change(session: Session, account_id: int, task_id: str) -> int:
    """Give the change the practitioner's next number (row lock until commit)."""
    session.execute(
        update(Account).where(Account.id == account_id).values(task_seq=Account.task_seq + 1)
    )
    seq = int(session.scalars(select(Account.task_seq).where(Account.id == account_id)).one())
    session.add(TaskFeed(account_id=account_id, seq=seq, task_id=task_id))
    session.flush()
    return seq


def choose_owner(session: Session, postcode: str) -> Account | None:
    """The practitioner of the longest territory prefix matching the postcode; among
    several, the one with the fewest open alerts, then the oldest account (stable)."""
    territories = session.execute(select(Territory.account_id, Territory.prefix)).all()
    matches = [(len(prefix), account_id) for account_id, prefix in territories
               if postcode.upper().startswith(prefix)]
    if not matches:
        return None
    longest = max(length for length, _ in matches)
    candidates = sorted({account_id for length, account_id in matches if length == longest})
    load = dict(
        session.execute(
            select(AlertTask.account_id, func.count())
            .where(AlertTask.account_id.in_(candidates), AlertTask.status.in_(OPEN_STATUSES))
            .group_by(AlertTask.account_id)
        ).all()
    )
    best = min(candidates, key=lambda account_id: (load.get(account_id, 0), account_id))
    return session.get(Account, best)


@dataclass(frozen=True, slots=True)
class ImportedAlert:
    task_id: str
    created: bool
    assigned_rpps: str | None


def create_alert_task(session: Session, alert: Alert, now: datetime | None = None) -> ImportedAlert:
    """One Task per alert key: importing the same alert again changes nothing."""
    existing = session.scalars(select(AlertTask).where(AlertTask.alert_key == alert.key)).first()
    if existing is not None:
        owner = session.get(Account, existing.account_id) if existing.account_id else None
        return ImportedAlert(existing.task_id, False, owner.rpps if owner else None)
    now = now or utcnow()
    owner = choose_owner(session, alert.person.postcode)
    task_id = new_id()
    business_id = f"urn:uuid:{new_id()}"
    insert_resource(
        session,
        account_id=owner.id if owner else None,
        resource_type="Task",
        business_id=business_id,
        body=alert_task_body(alert, business_id, owner, now),
        resource_id=task_id,
        now=now,
    )
    session.add(
        AlertTask(
            task_id=task_id,
            alert_key=alert.key,
            account_id=owner.id if owner else None,
            postcode=alert.person.postcode,
            status="open",
            created_at=now,
        )
    )
    session.flush()
    if owner is not None:
        record_change(session, owner.id, task_id)
    return ImportedAlert(task_id, True, owner.rpps if owner else None)


def _set_owner(session: Session, task: StoredResource, owner: Account) -> None:
    body = load_body(task)
    body["owner"] = owner_reference(owner)
    body["lastModified"] = utcnow().isoformat(timespec="seconds")
    task.account_id = owner.id
    update_resource(session, task, body)


def assign_waiting(session: Session) -> int:
    """Assign the alerts that found no practitioner (territories changed since)."""
    count = 0
    waiting = session.scalars(
        select(AlertTask)
        .where(AlertTask.account_id.is_(None), AlertTask.status.in_(OPEN_STATUSES))
        .order_by(AlertTask.created_at)
    ).all()
    for alert in waiting:
        owner = choose_owner(session, alert.postcode)
        if owner is None:
            continue
        task = session.get(StoredResource, alert.task_id)
        assert task is not None
        _set_owner(session, task, owner)
        alert.account_id = owner.id
        session.flush()
        record_change(session, owner.id, task.id)
        count += 1
    return count


def reassign(session: Session, alert_key: str, new_owner: Account) -> bool:
    """Move an undecided alert to another practitioner; the previous owner's feed gets a
    change so his desktop drops it (docs/SYNC_PROTOCOL.md §5.1)."""
    alert = session.scalars(select(AlertTask).where(AlertTask.alert_key == alert_key)).first()
    if alert is None or alert.status not in OPEN_STATUSES:
        return False
    if alert.account_id == new_owner.id:
        return True
    previous = alert.account_id
    task = session.get(StoredResource, alert.task_id)
    assert task is not None
    _set_owner(session, task, new_owner)
    alert.account_id = new_owner.id
    session.flush()
    if previous is not None:
        record_change(session, previous, task.id)
    record_change(session, new_owner.id, task.id)
    return True


def reassigned_stub(task: StoredResource) -> dict[str, Any]:
    """What the previous owner gets: the Task is gone for him, with no patient data."""
    return {
        "resourceType": "Task",
        "id": task.id,
        "meta": {"versionId": str(task.version_id), "lastUpdated": fhir_instant(task.last_updated)},
        "identifier": [{"system": BUSINESS_ID_SYSTEM, "value": task.business_id}],
        "status": "cancelled",
        "statusReason": {"text": REASSIGNED_TEXT},
        "intent": "order",
    }


# -- pulling --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedPage:
    resources: list[dict[str, Any]]
    cursor: str
    total: int


def parse_cursor(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not CURSOR_PATTERN.match(raw):
        raise fail(
            400,
            "cursor-invalid",
            "Curseur inconnu : renvoyez celui de la réponse précédente, ou aucun.",
            "Unknown cursor: send the previous answer's cursor unchanged, or none.",
        )
    return int(raw)


def changed_since(
    session: Session,
    feed: Any,
    id_column: Any,
    *,
    account_id: int,
    current: int,
    cursor: int,
    count: int,
) -> tuple[list[tuple[str, int]], int]:
    """One page of a change feed (Task or ChargeItem, §5.1 and §7.6): the ids changed
    after `cursor` for this account, each once at its latest change, oldest first, and
    how many are left in all. A cursor past the account's counter means a restored
    database: 410, pull again without one."""
    if cursor > current:
        raise fail(
            410,
            "cursor-ahead",
            "Le curseur est en avance sur le serveur (base restaurée) : reprenez sans curseur.",
            "The cursor is ahead of the server (restored database): pull again without one.",
        )
    last = func.max(feed.seq).label("last")
    changed = (
        select(id_column, last)
        .where(feed.account_id == account_id, feed.seq > cursor)
        .group_by(id_column)
    )
    total = int(session.scalar(select(func.count()).select_from(changed.subquery())) or 0)
    page = session.execute(changed.order_by(last, id_column).limit(count)).all()
    return [(str(row[0]), int(row[1])) for row in page], total


def pull(session: Session, account_id: int, cursor: int, count: int) -> FeedPage:
    current = session.scalars(select(Account.task_seq).where(Account.id == account_id)).one()
    page, total = changed_since(
        session, TaskFeed, TaskFeed.task_id,
        account_id=account_id, current=current, cursor=cursor, count=count,
    )  # fmt: skip
    resources = []
    for task_id, _seq in page:
        task = session.get(StoredResource, task_id)
        if task is None:
            continue
        resources.append(to_fhir(task) if task.account_id == account_id else reassigned_stub(task))
    next_cursor = page[-1][1] if page else cursor
    return FeedPage(resources, str(next_cursor), total)


# -- decisions ------------------------------------------------------------------------------

DECISIONS = {
    ("in-progress", "kept-open"),
    ("completed", "confirmed"),
    ("completed", "invalidated"),
}
DECISION_FIELDS = ("status", "businessStatus", "statusReason", "note", "output")


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    outcome: str
    """kept-open | confirmed | invalidated"""
    fields: dict[str, Any]
    """The decision elements as sent (DECISION_FIELDS present in the body)."""


def _business_status(body: dict[str, Any]) -> str | None:
    concept = body.get("businessStatus")
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("system") == ICOPE_CS:
            code = coding.get("code")
            return code if isinstance(code, str) else None
    return None


def _has_note_text(body: dict[str, Any]) -> bool:
    notes = body.get("note")
    return isinstance(notes, list) and any(
        isinstance(n, dict) and isinstance(n.get("text"), str) and n["text"].strip()
        for n in notes
    )


def _has_reason(body: dict[str, Any]) -> bool:
    reason = body.get("statusReason")
    if not isinstance(reason, dict):
        return False
    if isinstance(reason.get("text"), str) and reason["text"].strip():
        return True
    return any(
        isinstance(c, dict) and c.get("system") == ICOPE_CS and c.get("code") in EXIT_REASONS
        for c in reason.get("coding") or []
    )


def parse_decision(body: dict[str, Any], where: Where) -> tuple[Decision | None, list[Issue]]:
    status, outcome = body.get("status"), _business_status(body)
    if not isinstance(status, str) or (status, outcome) not in DECISIONS:
        return None, [
            where.issue(
                "status",
                "decision-invalid",
                "décision inconnue : status « in-progress » + businessStatus « kept-open », ou "
                "status « completed » + businessStatus « confirmed » ou « invalidated ».",
                "unknown decision: status 'in-progress' + businessStatus 'kept-open', or status "
                "'completed' + businessStatus 'confirmed' or 'invalidated'.",
            )
        ]
    issues = []
    if outcome == "kept-open" and not _has_note_text(body):
        issues.append(
            where.issue(
                "note",
                "decision-invalid",
                "une alerte gardée ouverte demande une note.",
                "an alert kept open needs a note.",
                "required",
            )
        )
    if outcome == "invalidated" and not _has_reason(body):
        issues.append(
            where.issue(
                "statusReason",
                "decision-invalid",
                "une alerte invalidée demande un motif de sortie (code ou texte).",
                "an invalidated alert needs an exit reason (code or text).",
                "required",
            )
        )
    fields = {name: body[name] for name in DECISION_FIELDS if name in body}
    return Decision(str(status), str(outcome), fields), issues


def parse_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    if match is None:
        raise fail(
            400,
            "invalid-request",
            "En-tête If-Match illisible (attendu : W/\"<version>\").",
            "Unreadable If-Match header (expected W/\"<version>\").",
        )
    return int(match.group(1))


def apply_decision(
    session: Session,
    account_id: int,
    task_id: str,
    decision: Decision,
    *,
    where: Where,
    if_match: int | None = None,
) -> tuple[StoredResource, bool]:
    """Record the decision; returns the Task row and whether it changed."""
    task = session.get(StoredResource, task_id)
    if task is None or task.resource_type != "Task" or task.account_id != account_id:
        raise fail(
            404,
            "not-found",
            f"{where.label_fr} : tâche introuvable.",
            f"{where.label_en}: task not found.",
            fhir_code="not-found",
        )
    if if_match is not None and if_match != task.version_id:
        raise fail(
            412,
            "version-conflict",
            "La tâche a changé depuis votre lecture : relisez-la.",
            "The task changed since you read it: read it again.",
            fhir_code="conflict",
        )
    current = load_body(task)
    if current.get("status") == "completed":
        same = _business_status(current) == decision.outcome and all(
            current.get(name) == decision.fields.get(name)
            for name in ("status", "statusReason")
        )
        if same:
            return task, False
        raise fail(
            409,
            "task-already-decided",
            "Cette alerte a déjà été traitée ; la décision enregistrée est conservée.",
            "This alert was already decided; the recorded decision is kept.",
            fhir_code="business-rule",
        )
    merged = {k: v for k, v in current.items() if k not in DECISION_FIELDS}
    merged.update(decision.fields)
    merged["businessStatus"] = {"coding": [{"system": ICOPE_CS, "code": decision.outcome}]}
    if decision.status == "completed":
        merged["executionPeriod"] = {
            **(current.get("executionPeriod") or {}),
            "end": utcnow().isoformat(timespec="seconds"),
        }
    comparable = {k: v for k, v in merged.items() if k != "lastModified"}
    if comparable == {k: v for k, v in current.items() if k != "lastModified"}:
        return task, False
    merged["lastModified"] = utcnow().isoformat(timespec="seconds")
    issues = validate_resource(merged, where)
    if issues:
        raise FhirError(422, issues)
    update_resource(session, task, merged)
    alert = session.get(AlertTask, task.id)
    if alert is not None:
        alert.status = decision.outcome
        alert.decided_at = utcnow() if decision.status == "completed" else None
    record_change(session, account_id, task.id)
    return task, True


# -- billing an alert's handling ------------------------------------------------------------

DECIDED = ("confirmed", "invalidated")


def alert_charge_issues(
    session: Session, account_id: int, charge_item: dict[str, Any], where: Where
) -> list[Issue]:
    """An alert-decision ChargeItem bills a decision the server accepted: its Task
    (`supportingInformation`, profiles.alert_task_id) is the caller's and he confirmed or
    invalidated it. Otherwise a refused or never-sent decision (the alert was reassigned,
    or is still open) would still be paid (docs/SYNC_PROTOCOL.md §7.4)."""
    from icope_server.profiles import alert_task_id

    task_id = alert_task_id(charge_item)
    if task_id is None:  # refused earlier by charge_item_issues
        return []
    task = session.get(StoredResource, task_id)
    alert = session.get(AlertTask, task_id) if task is not None else None
    if task is None or task.resource_type != "Task" or alert is None:
        return [
            where.field_issue(
                "supportingInformation",
                "alert-task-not-found",
                f"désigne une alerte inconnue du serveur (Task/{task_id}) : l'acte n'est "
                "pas facturé",
                f"names an alert the server does not know (Task/{task_id}): the act is not "
                "billed",
                "not-found",
            )
        ]
    if task.account_id != account_id or alert.account_id != account_id:
        return [
            where.field_issue(
                "supportingInformation",
                "alert-not-yours",
                "désigne une alerte qui ne vous est plus attribuée (réattribuée à un autre "
                "praticien) : sa décision et son acte ne sont pas acceptés",
                "names an alert no longer assigned to you (reassigned to another "
                "practitioner): its decision and act are not accepted",
                "business-rule",
            )
        ]
    if alert.status not in DECIDED:
        return [
            where.field_issue(
                "supportingInformation",
                "alert-not-decided",
                "désigne une alerte que le serveur n'a pas vue confirmée ou invalidée : "
                "envoyez la décision (PUT Task) dans le même Bundle ou avant l'acte",
                "names an alert the server has not seen confirmed or invalidated: send the "
                "decision (PUT Task) in the same Bundle or before the act",
                "business-rule",
            )
        ]
    return []
