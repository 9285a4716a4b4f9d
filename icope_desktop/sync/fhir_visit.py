"""A finalized visit as FHIR: Encounter, QuestionnaireResponses, Observations, Flags,
CarePlan (docs/SYNC_PROTOCOL.md §4.6, §7.2, §7.5; DESIGN.md "Sync").

One instrument definition drives the mapping (STYLE.md §2): a QuestionnaireResponse item's
`linkId` is the screening item id, and Observation codes come from `Instrument.codes`,
which holds LOINC only where the clinical spec §8 gives a code and the project code system
otherwise; LOINC-coded Observations carry the LOINC notice (clinical spec §7) in `note`.
These resources are not re-checked against the FHIR models at run time (tests/sync does
it for every kind; the server validates each one and a refusal is isolated by the push):
checking them here cost more than the server's own work (docs/ARCHITECTURE.md "Sync").
Everything here is final and immutable, so every entry is a conditional create. A
correction (`amend_visit`) is a new visit with its own identifiers; its Encounter carries
the `replaces` extension naming the version it corrects (protocol §7.2), so the server
exports the latest version only and bills the visit once.
Dates come from the visit itself, never from the clock, so a rebuilt Bundle is identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from icope_desktop.i18n import Text
from icope_desktop.screening import LOINC_NOTICE, Result, UnknownInstrumentError, get_instrument
from icope_desktop.screening.codes import Coding
from icope_desktop.screening.model import Instrument
from icope_desktop.screening.visit import VisitEvaluation
from icope_desktop.store.records import AssessmentView, PractitionerId, VisitView
from icope_desktop.sync.bundles import Entry
from icope_desktop.sync.errors import CannotMap
from icope_desktop.sync.identifiers import (
    ICOPE_CS,
    LOINC,
    NOT_ASSESSABLE_EXTENSION,
    QUESTIONNAIRE_BASE,
    REPLACES_EXTENSION,
    business_identifier,
    derived,
    icope_concept,
    reference,
)

SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
        }
    ]
}
HOME_HEALTH = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "HH",
    "display": "home health",
}
UCUM = "http://unitsofmeasure.org"
UNITS: Mapping[str, tuple[str, str]] = {
    "bmi": ("kg/m2", "kg/m2"),
    "gait_time_s": ("s", "s"),
    "better_ear_pta4": ("dB", "dB"),
    "better_eye_decimal": ("decimal", "1"),
}
"""UCUM units of derived values sent as quantities; scores use `{score}`."""

BAD_RESULT = Text(
    fr="Le résultat enregistré de cette visite est illisible ; la visite est conservée "
    "telle quelle. Signalez-le.",
    en="This visit's stored result is unreadable; the visit is kept as it is. Please "
    "report it.",
)


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _quantity(value: float, unit: str = "score", code: str = "{score}") -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _value(value: Any, role: str) -> dict[str, Any] | None:
    """The Observation value[x] for a scalar (booleans before ints: True is an int)."""
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        unit, code = UNITS.get(role, ("score", "{score}"))
        return {"valueQuantity": _quantity(value, unit, code)}
    if isinstance(value, str) and value:
        return {"valueString": value}
    return None


def _answer(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    if isinstance(value, str) and value:
        return [{"valueString": value}]
    if isinstance(value, list):
        answers = [a for item in value for a in (_answer(item) or [])]
        return answers or None
    return None


class VisitMapper:
    """Maps one finalized visit; `patient_id` and `practitioner` are references only."""

    def __init__(self, visit: VisitView, practitioner_id: PractitionerId | None) -> None:
        self.visit = visit
        self.subject = reference("Patient", visit.patient_id)
        self.encounter = reference("Encounter", visit.id)
        self.author = reference("Practitioner", practitioner_id) if practitioner_id else None
        self.day = visit.performed_on.isoformat()

    def entries(self) -> list[Entry]:
        visit = self.visit
        entries = [Entry(self._encounter(), visit.id)]
        results: dict[str, Result] = {}
        for assessment in visit.assessments:
            entries.append(Entry(self._questionnaire_response(assessment), assessment.id))
            if assessment.result is not None:
                try:
                    results[assessment.instrument_id] = Result.from_json(assessment.result)
                except (ValueError, KeyError, TypeError):
                    raise CannotMap(BAD_RESULT) from None
        for assessment in visit.assessments:
            result = results.get(assessment.instrument_id)
            if result is not None:
                entries.extend(self._score_observations(assessment, result))
        if visit.evaluation is not None:
            try:
                evaluation = VisitEvaluation.from_json(visit.evaluation)
            except ValueError:
                raise CannotMap(BAD_RESULT) from None
            entries.extend(self._domain_observations(evaluation, "step1" in results))
            entries.extend(self._flags(evaluation))
        care_plan = self._care_plan()
        if care_plan is not None:
            entries.append(care_plan)
        return entries

    # --- resources ---------------------------------------------------------------------

    def _encounter(self) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "resourceType": "Encounter",
            "identifier": [business_identifier(self.visit.id)],
            "status": "finished",
            "class": HOME_HEALTH,
            "type": [icope_concept(f"visit-{self.visit.kind.value}")],
            "subject": self.subject,
            "period": {"start": self.day},
        }
        if self.author:
            resource["participant"] = [{"individual": self.author}]
        if self.visit.amends_id is not None:
            resource["extension"] = [
                {
                    "url": REPLACES_EXTENSION,
                    "valueReference": reference("Encounter", self.visit.amends_id),
                }
            ]
        return resource

    def _questionnaire_response(self, assessment: AssessmentView) -> dict[str, Any]:
        items = []
        for item_id, value in assessment.answers.items():
            if item_id.startswith("_"):
                continue
            item: dict[str, Any] = {"linkId": item_id}
            if isinstance(value, dict) and isinstance(value.get("not_assessable"), dict):
                reason = value["not_assessable"].get("reason") or "unspecified"
                item["extension"] = [{"url": NOT_ASSESSABLE_EXTENSION, "valueCode": str(reason)}]
            else:
                answers = _answer(value)
                if answers is None:
                    continue
                item["answer"] = answers
            items.append(item)
        resource: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "identifier": business_identifier(assessment.id),
            "questionnaire": QUESTIONNAIRE_BASE + assessment.instrument_id,
            "status": "completed",
            "subject": self.subject,
            "encounter": self.encounter,
            "authored": _instant(self.visit.finalized_at) or self.day,
        }
        if self.author:
            resource["author"] = self.author
        if items:
            resource["item"] = items
        return resource

    def _observation(
        self, role_id: UUID, code: Coding | dict[str, Any], value: dict[str, Any]
    ) -> Entry:
        concept = (
            {"coding": [{"system": code.system, "code": code.code, "display": code.display}]}
            if isinstance(code, Coding)
            else code
        )
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "identifier": [business_identifier(role_id)],
            "status": "final",
            "category": [SURVEY],
            "code": concept,
            "subject": self.subject,
            "encounter": self.encounter,
            "effectiveDateTime": self.day,
            **value,
        }
        if self.author:
            resource["performer"] = [self.author]
        if any(c.get("system") == LOINC for c in concept.get("coding", [])):
            resource["note"] = [{"text": LOINC_NOTICE.en}]
        return Entry(resource, role_id)

    def _score_observations(self, assessment: AssessmentView, result: Result) -> list[Entry]:
        try:
            instrument: Instrument = get_instrument(assessment.instrument_id)
        except UnknownInstrumentError:
            return []
        found = []
        for role, code in instrument.codes.items():
            if role == "panel":
                continue
            value: dict[str, Any] | None
            if role == "total":
                value = self._total(instrument, result)
            elif role == "severity_band":
                value = (
                    {"valueCodeableConcept": icope_concept(result.band.code, result.band.label.fr)}
                    if result.band
                    else None
                )
            else:
                value = _value(result.derived.get(role), role)
            if value is None:
                continue
            if role == "total" and result.band is not None:
                value["interpretation"] = [
                    {
                        "coding": [{"system": ICOPE_CS, "code": result.band.code}],
                        "text": result.band.label.fr,
                    }
                ]
            role_id = derived(assessment.id, f"observation:{role}")
            found.append(self._observation(role_id, code, value))
        return found

    @staticmethod
    def _total(instrument: Instrument, result: Result) -> dict[str, Any] | None:
        """Protocol §7.5: integers for MMSE, MNA-SF, SPPB, PHQ-9; a quantity for the full
        MNA (half points)."""
        total = result.total
        if total is None or isinstance(total, bool):
            return None
        if instrument.id == "mna" or (isinstance(total, float) and not total.is_integer()):
            return {"valueQuantity": _quantity(float(total))}
        return {"valueInteger": int(total)}

    def _domain_observations(self, evaluation: VisitEvaluation, has_step1: bool) -> list[Entry]:
        found = []
        if has_step1:
            for domain, status in evaluation.step1_domains.items():
                found.append(
                    self._observation(
                        derived(self.visit.id, f"step1-{domain.value}"),
                        icope_concept(f"step1-{domain.value}"),
                        {"valueCodeableConcept": icope_concept(status.value)},
                    )
                )
        for domain, status in evaluation.domains.items():
            decided_by = evaluation.decided_by.get(domain)
            if decided_by in (None, "step1"):
                continue
            found.append(
                self._observation(
                    derived(self.visit.id, f"step2-{domain.value}"),
                    icope_concept(f"step2-{domain.value}"),
                    {"valueCodeableConcept": icope_concept(status.value)},
                )
            )
        return found

    def _flags(self, evaluation: VisitEvaluation) -> list[Entry]:
        found = []
        for alert in evaluation.alerts:
            domain = alert.domain.value if alert.domain else "visit"
            flag_id = derived(self.visit.id, f"flag:{alert.code}:{domain}")
            resource: dict[str, Any] = {
                "resourceType": "Flag",
                "identifier": [business_identifier(flag_id)],
                "status": "active",
                "category": [icope_concept(f"severity-{alert.severity.value}")],
                "code": {
                    "coding": [{"system": ICOPE_CS, "code": alert.code}],
                    "text": alert.message.fr,
                },
                "subject": self.subject,
                "period": {"start": self.day},
                "encounter": self.encounter,
            }
            if self.author:
                resource["author"] = self.author
            found.append(Entry(resource, flag_id))
        return found

    def _care_plan(self) -> Entry | None:
        if not self.visit.care_plan:
            return None
        plan_id = derived(self.visit.id, "care-plan")
        activities = []
        for item in self.visit.care_plan:
            description = item.label.fr + (f" — {item.note}" if item.note else "")
            activities.append(
                {
                    "detail": {
                        "code": icope_concept(item.code, item.label.fr),
                        "status": "not-started",
                        "description": description,
                    }
                }
            )
        resource: dict[str, Any] = {
            "resourceType": "CarePlan",
            "identifier": [business_identifier(plan_id)],
            "status": "active",
            "intent": "plan",
            "category": [icope_concept("icope-step3")],
            "subject": self.subject,
            "encounter": self.encounter,
            "created": _instant(self.visit.finalized_at) or self.day,
            "activity": activities,
        }
        if self.author:
            resource["author"] = self.author
        return Entry(resource, plan_id)
