"""What the server reads in the resources it stores (docs/SYNC_PROTOCOL.md §7).

Billing, letters and the evaluation export depend on a few elements that FHIR leaves
optional. They are checked when the Bundle arrives, so a visit that could never be billed
or sent is refused with a message naming the field, instead of failing silently later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from icope_server.codes import ALERT_DECISION_ACT, GP_LETTER_CATEGORY, ICOPE_CS, REPLACES_EXTENSION
from icope_server.outcome import Issue
from icope_server.validation import Where


def _codings(concept: Any) -> list[dict[str, Any]]:
    if isinstance(concept, dict) and isinstance(concept.get("coding"), list):
        return [c for c in concept["coding"] if isinstance(c, dict)]
    return []


def has_coding(concept: Any, system: str, code: str) -> bool:
    return any(c.get("system") == system and c.get("code") == code for c in _codings(concept))


def reference_of(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("reference"), str):
        return str(value["reference"])
    return None


def full_date(value: Any) -> date | None:
    """The calendar date of a FHIR date or dateTime, as written (the practitioner's local
    date), or None when it is partial (`2025`, `2025-03`) or absent."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# -- Encounter ------------------------------------------------------------------------------


def encounter_issues(resource: dict[str, Any], where: Where) -> list[Issue]:
    issues = []
    if reference_of(resource.get("subject")) is None:
        issues.append(
            where.field_issue(
                "subject", "invalid-resource", "est obligatoire (le patient)", "is required"
            )
        )
    period = resource.get("period")
    if not isinstance(period, dict) or full_date(period.get("start")) is None:
        issues.append(
            where.field_issue(
                "period.start",
                "invalid-resource",
                "est obligatoire (date complète de la visite)",
                "is required (the full visit date)",
            )
        )
    issues.extend(replaces_issues(resource, where))
    return issues


def _replaces_extensions(resource: dict[str, Any]) -> list[Any]:
    extensions = resource.get("extension")
    if not isinstance(extensions, list):
        return []
    return [e for e in extensions if isinstance(e, dict) and e.get("url") == REPLACES_EXTENSION]


def replaces_issues(resource: dict[str, Any], where: Where) -> list[Issue]:
    """At most one `replaces` extension, holding a reference (its target is checked once
    resolved, `versions.record_encounter`)."""
    found = _replaces_extensions(resource)
    if not found:
        return []
    if len(found) > 1 or reference_of(found[0].get("valueReference")) is None:
        return [
            where.field_issue(
                "extension",
                "invalid-resource",
                f"doit contenir au plus une extension {REPLACES_EXTENSION}, avec "
                "valueReference vers la version remplacée de la visite",
                f"must hold at most one {REPLACES_EXTENSION} extension, with a "
                "valueReference to the replaced version of the visit",
            )
        ]
    return []


def replaced_reference(resource: dict[str, Any]) -> str | None:
    """The reference of the Encounter this one replaces (an amended visit), or None."""
    found = _replaces_extensions(resource)
    return reference_of(found[0].get("valueReference")) if found else None


def encounter_date(resource: dict[str, Any]) -> date | None:
    period = resource.get("period")
    return full_date(period.get("start")) if isinstance(period, dict) else None


# -- ChargeItem -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChargeAct:
    code: str
    label: str
    act_date: date
    amount_cents: int | None
    """None: the ChargeItem has no `priceOverride`, the act is "à tarifer" (to be priced on
    the national platform by its act code, docs/SYNC_PROTOCOL.md §7.4)."""
    currency: str
    subject: str
    context: str | None
    """The visit (`Encounter/<id>` once resolved), when the ChargeItem names one."""


def is_billable(resource: dict[str, Any]) -> bool:
    return resource.get("status") == "billable"


def _occurrence(resource: dict[str, Any]) -> date | None:
    if "occurrenceDateTime" in resource:
        return full_date(resource["occurrenceDateTime"])
    period = resource.get("occurrencePeriod")
    return full_date(period.get("start")) if isinstance(period, dict) else None


def _cents(money: Any) -> int | None:
    if not isinstance(money, dict) or not isinstance(money.get("value"), int | float):
        return None
    try:
        amount = Decimal(str(money["value"]))
    except InvalidOperation:
        return None
    cents = amount * 100
    if amount < 0 or cents != cents.to_integral_value():
        return None
    return int(cents)


def charge_item_issues(resource: dict[str, Any], where: Where) -> list[Issue]:
    if not is_billable(resource):
        return []
    issues = []
    codings = _codings(resource.get("code"))
    if not codings or not isinstance(codings[0].get("code"), str):
        issues.append(
            where.field_issue(
                "code.coding[0].code",
                "billing-content-missing",
                "est obligatoire (code de l'acte)",
                "is required (the act code)",
                "required",
            )
        )
    if reference_of(resource.get("subject")) is None:
        issues.append(
            where.field_issue(
                "subject", "billing-content-missing", "est obligatoire", "is required", "required"
            )
        )
    if _occurrence(resource) is None:
        issues.append(
            where.field_issue(
                "occurrenceDateTime",
                "billing-content-missing",
                "est obligatoire (date complète de l'acte)",
                "is required (the full act date)",
                "required",
            )
        )
    if codings and codings[0].get("code") == ALERT_DECISION_ACT and alert_task_id(resource) is None:
        issues.append(
            where.field_issue(
                "supportingInformation",
                "alert-task-missing",
                "doit contenir une seule référence « Task/<id> » : l'alerte dont la décision "
                "est facturée",
                "must hold exactly one 'Task/<id>' reference: the alert whose decision is billed",
                "required",
            )
        )
    money = resource.get("priceOverride")
    if money is not None and (
        _cents(money) is None or not isinstance(money, dict) or money.get("currency") != "EUR"
    ):
        issues.append(
            where.field_issue(
                "priceOverride",
                "billing-content-missing",
                "doit donner le montant en euros (value ≥ 0 avec 2 décimales au plus, "
                "currency EUR), ou être absent pour un acte à tarifer",
                "must give the amount in euros (value >= 0, at most 2 decimals, currency EUR), "
                "or be absent for an act to be priced",
                "value",
            )
        )
    return issues


def is_alert_decision(resource: dict[str, Any]) -> bool:
    codings = _codings(resource.get("code"))
    return bool(codings) and codings[0].get("code") == ALERT_DECISION_ACT


def alert_task_id(resource: dict[str, Any]) -> str | None:
    """The server id of the Task an alert-decision ChargeItem bills: its only
    `supportingInformation` reference of the form `Task/<id>` (R4 has no element for
    "the request this charge is for"; supportingInformation is Reference(Any))."""
    found = [
        reference_of(item)
        for item in resource.get("supportingInformation") or []
        if isinstance(item, dict)
    ]
    tasks = [ref for ref in found if ref and ref.startswith("Task/")]
    if len(tasks) != 1:
        return None
    task_id = tasks[0].removeprefix("Task/")
    if not task_id or "/" in task_id or len(task_id) > 64:
        return None
    return task_id


def charge_act(resource: dict[str, Any]) -> ChargeAct:
    """The act of a billable ChargeItem already checked by `charge_item_issues`.

    The act is the billable fact and its amount is optional: no public source gives the
    programme's amounts (resources/tariffs.csv in the desktop ships none), and an invented
    amount must never reach the payment platform, so an act without `priceOverride` is
    recorded "to be priced" instead of being refused."""
    coding = _codings(resource["code"])[0]
    concept = resource["code"]
    label = coding.get("display") or concept.get("text") or coding["code"]
    act_date = _occurrence(resource)
    money = resource.get("priceOverride")
    cents = _cents(money) if money is not None else None
    subject = reference_of(resource["subject"])
    assert act_date is not None and subject is not None
    return ChargeAct(
        code=str(coding["code"])[:64],
        label=str(label)[:200],
        act_date=act_date,
        amount_cents=cents,
        currency="EUR",
        subject=subject,
        context=_encounter_reference(resource.get("context")),
    )


def _encounter_reference(value: Any) -> str | None:
    reference = reference_of(value)
    return reference if reference and reference.startswith("Encounter/") else None


# -- Communication (GP letter) --------------------------------------------------------------


def is_gp_letter(resource: dict[str, Any]) -> bool:
    categories = resource.get("category")
    if not isinstance(categories, list):
        return False
    return any(has_coding(c, ICOPE_CS, GP_LETTER_CATEGORY) for c in categories)


@dataclass(frozen=True, slots=True)
class LetterParts:
    recipient: str
    document: str | None
    """Reference to the DocumentReference holding the PDF, or None when inline."""
    inline_pdf: str | None
    """base64 PDF of `payload[].contentAttachment`, when the letter carries it itself."""
    body_text: str | None


def _pdf_attachment(attachment: Any) -> str | None:
    if (
        isinstance(attachment, dict)
        and attachment.get("contentType") == "application/pdf"
        and isinstance(attachment.get("data"), str)
        and attachment["data"]
    ):
        return str(attachment["data"])
    return None


def letter_parts(resource: dict[str, Any]) -> LetterParts | None:
    recipients = resource.get("recipient")
    recipient = reference_of(recipients[0]) if isinstance(recipients, list) and recipients else None
    document = inline = body = None
    for part in resource.get("payload") or []:
        if not isinstance(part, dict):
            continue
        if document is None and reference_of(part.get("contentReference")):
            document = reference_of(part.get("contentReference"))
        if inline is None and _pdf_attachment(part.get("contentAttachment")):
            inline = _pdf_attachment(part.get("contentAttachment"))
        if body is None and isinstance(part.get("contentString"), str):
            body = part["contentString"]
    if recipient is None or (document is None and inline is None):
        return None
    return LetterParts(recipient, document, inline, body)


def letter_issues(resource: dict[str, Any], where: Where) -> list[Issue]:
    if not is_gp_letter(resource):
        return []
    issues = []
    if resource.get("status") != "in-progress":
        issues.append(
            where.field_issue(
                "status",
                "letter-content-missing",
                "doit valoir « in-progress » pour un courrier à envoyer",
                "must be 'in-progress' for a letter to send",
            )
        )
    recipients = resource.get("recipient")
    if not (isinstance(recipients, list) and recipients and reference_of(recipients[0])):
        issues.append(
            where.field_issue(
                "recipient[0]",
                "letter-content-missing",
                "est obligatoire (le médecin traitant destinataire)",
                "is required (the GP who receives the letter)",
                "required",
            )
        )
    payload = resource.get("payload") or []
    has_pdf = any(
        isinstance(p, dict)
        and (reference_of(p.get("contentReference")) or _pdf_attachment(p.get("contentAttachment")))
        for p in payload
    )
    if not has_pdf:
        issues.append(
            where.field_issue(
                "payload",
                "letter-content-missing",
                "doit contenir le PDF du courrier (contentReference vers un DocumentReference, "
                "ou contentAttachment application/pdf)",
                "must hold the letter's PDF (contentReference to a DocumentReference, or a "
                "contentAttachment application/pdf)",
                "required",
            )
        )
    return issues


def document_pdf(resource: dict[str, Any]) -> str | None:
    """base64 PDF of a DocumentReference's first content, if it is one."""
    contents = resource.get("content")
    if not isinstance(contents, list) or not contents or not isinstance(contents[0], dict):
        return None
    return _pdf_attachment(contents[0].get("attachment"))


def email_of(practitioner: dict[str, Any]) -> str | None:
    for telecom in practitioner.get("telecom") or []:
        if (
            isinstance(telecom, dict)
            and telecom.get("system") == "email"
            and isinstance(telecom.get("value"), str)
            and "@" in telecom["value"]
        ):
            return str(telecom["value"]).strip()
    return None
