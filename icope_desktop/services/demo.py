"""Demo data for `icope-desktop --demo`: a nurse, six GPs, 25 patients, 18 months of visits.

The data is `resources/demo/demo.yaml` (its header says what is fictitious and why the
identifiers are valid). Only answers are read from it: every visit goes through the same
`VisitService` as a practitioner's — answers saved one by one, then finalized, which
scores them with the screening engine and stores the engine's results, evaluation,
care plan and billing in one transaction. So the demo's alerts, trends and follow-ups
are the engine's own, and a change of rules changes the demo with them.

Dates are relative to `today`: a visit `months_ago: 11` is dated 11 calendar months
earlier, so the history always spans the last 18 months and some follow-ups are due.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from icope_desktop.i18n import Text, _
from icope_desktop.paths import resource
from icope_desktop.screening import get_instrument
from icope_desktop.screening.followup import add_months
from icope_desktop.services.visits import (
    STEP1,
    UrgentActionRecord,
    VisitService,
    care_plan_entries,
    merge_care_plan,
)
from icope_desktop.store import Store
from icope_desktop.store.records import (
    GpData,
    GpId,
    Identity,
    InsStatus,
    PatientData,
    PatientId,
    PractitionerData,
    Profession,
    Sex,
    VisitKind,
    system_clock,
)

ProgressFn = Callable[[int, int, str], None]
DEMO_FILE = ("demo", "demo.yaml")


class DemoDataError(Exception):
    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message.en)


ALREADY_SEEDED = Text(
    fr="Le dossier contient déjà des patients : les données de démonstration n'ont pas été "
    "ajoutées.",
    en="The records already hold patients: the demo data was not added.",
)


@dataclass(frozen=True)
class DemoReport:
    patients: int
    gps: int
    finalized_visits: int
    draft_visits: int


def load_demo(path: Path | None = None) -> dict[str, Any]:
    with open(path or resource(*DEMO_FILE), encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or data.get("version") != 1:
        raise DemoDataError(
            Text(fr="Fichier de démonstration illisible.", en="Unreadable demo file.")
        )
    return data


def demo_practitioner(data: Mapping[str, Any] | None = None) -> PractitionerData:
    """The demo file's practitioner (fictitious, clearly fake but valid RPPS): the profile
    of `--demo`, and of a store seeded while it had none."""
    me = (data or load_demo())["practitioner"]
    return PractitionerData(
        me["last_name"], me["first_name"], Profession(me["profession"]),
        rpps=me.get("rpps"), email=me.get("email"), phone=me.get("phone"),
        address=me.get("address"), postal_code=me.get("postal_code"), city=me.get("city"),
    )  # fmt: skip


def resolve_answers(spec: Any, sets: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A named answer set, or `{set: name, with: {changes}}` (a change to null removes)."""
    if isinstance(spec, str):
        return dict(sets[spec])
    answers = dict(sets[spec["set"]])
    for key, value in (spec.get("with") or {}).items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def birth_date(born: Mapping[str, int], today: date) -> date:
    """The birthday that gives `age` on `today` (29 Feb falls back to the 28th)."""
    month, day = born["month"], born["day"]
    year = today.year - born["age"] - (1 if (month, day) > (today.month, today.day) else 0)
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)


def demo_ins(sex: str, born: date, postal_code: str, commune: str, order: str) -> str:
    """An INS-NIR shaped from the identity (sex, birth year and month, department,
    commune, order) with its key 97 − (number mod 97)."""
    body = f"{1 if sex == 'M' else 2}{born.year % 100:02d}{born.month:02d}{postal_code[:2]}"
    body += f"{commune}{order}"
    return f"{body}{97 - int(body) % 97:02d}"


def _store(target: Any) -> Store:
    return target if isinstance(target, Store) else target.store


def seed_demo(
    target: Any,
    *,
    today: date | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    path: Path | None = None,
) -> DemoReport:
    """Fill an empty store (a `Services` or a `Store`) with GPs, patients and visits, and
    the demo practitioner when the store has no profile yet (an existing one is kept:
    the visits are then signed and billed in its name). Slow work (hundreds of
    committed answers): run it in a Task; `progress` gets a label in the UI language."""
    store = _store(target)
    clock: Callable[[], datetime] = getattr(target, "clock", None) or system_clock
    today = today or clock().date()
    data = load_demo(path)
    if store.patients.count_patients():
        raise DemoDataError(ALREADY_SEEDED)
    visits = VisitService(store, clock)
    if store.practitioner.get_profile() is None:  # never replace the practitioner's own
        store.practitioner.save_profile(demo_practitioner(data))
    gps: dict[str, GpId] = {}
    for key, gp in data["gps"].items():
        gps[key] = store.gps.create_gp(GpData(**gp))
    sets = data["answers"]
    patients = data["patients"]
    finalized = drafts = 0
    for index, person in enumerate(patients, start=1):
        if cancel is not None and cancel.is_set():
            break
        patient_id = _create_patient(store, person, gps, today)
        for number, visit in enumerate(person.get("visits", ())):
            kind = VisitKind.STEP1 if number == 0 else VisitKind.FOLLOW_UP
            if _seed_visit(visits, patient_id, kind, visit_day(visit, today), visit, sets):
                drafts += 1
            else:
                finalized += 1
        if progress is not None:
            progress(index, len(patients), _("Patients de démonstration"))
    return DemoReport(len(patients), len(gps), finalized, drafts)


def _create_patient(
    store: Store, person: Mapping[str, Any], gps: Mapping[str, GpId], today: date
) -> PatientId:
    born = birth_date(person["born"], today)
    ins = None
    status = InsStatus.PROVISIONAL
    if person.get("ins"):
        spec = person["ins"]
        ins = demo_ins(person["sex"], born, person["postal_code"], spec["commune"], spec["order"])
        status = InsStatus(spec.get("status", "validated"))
    identity = Identity(
        birth_name=person["birth_name"],
        first_names=person["first_names"],
        birth_date=born,
        sex=Sex(person["sex"]),
        used_name=person.get("used_name"),
        ins=ins,
        ins_status=status,
    )
    return store.patients.create_patient(
        PatientData(
            identity,
            address=person.get("address"),
            postal_code=person.get("postal_code"),
            city=person.get("city"),
            phone=person.get("phone"),
            gp_id=gps[person["gp"]] if person.get("gp") else None,
            consent_given=True,
            consent_on=first_visit_day(person, today),
            lives_at_home=True,
            autonomous=True,
        )
    )


def visit_day(visit: Mapping[str, Any], today: date) -> date:
    return add_months(today, -int(visit["months_ago"])) - timedelta(days=int(visit.get("days", 0)))


def first_visit_day(person: Mapping[str, Any], today: date) -> date:
    """Consent is recorded at inclusion, the first visit (CONTEXT.md: inclusions)."""
    days = [visit_day(v, today) for v in person.get("visits", ())]
    return min(days) if days else today


def _ordered_answers(
    visit: Mapping[str, Any], sets: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str, Any]]:
    """(instrument, item, value) in the order a practitioner answers: each form's items
    in their definition order."""
    forms: list[tuple[str, dict[str, Any]]] = []
    if visit.get("step1") is not None:
        forms.append((STEP1, resolve_answers(visit["step1"], sets)))
    for instrument_id, spec in (visit.get("step2") or {}).items():
        forms.append((instrument_id, resolve_answers(spec, sets)))
    ordered = []
    for instrument_id, answers in forms:
        order = {item_id: i for i, item_id in enumerate(get_instrument(instrument_id).item_ids)}
        for item_id in sorted(answers, key=lambda k: order.get(k, len(order))):
            ordered.append((instrument_id, item_id, answers[item_id]))
    return ordered


def _seed_visit(
    visits: VisitService,
    patient_id: PatientId,
    kind: VisitKind,
    day: date,
    visit: Mapping[str, Any],
    sets: Mapping[str, Mapping[str, Any]],
) -> bool:
    """Type the visit's answers; finalize it unless it is a draft. True for a draft."""
    instruments: Sequence[str] = (STEP1,) if visit.get("step1") is not None else ()
    visit_id = visits.start_visit(patient_id, kind, instruments=instruments, performed_on=day)
    answers = _ordered_answers(visit, sets)
    draft = bool(visit.get("draft"))
    if draft:
        answers = answers[: int(visit.get("keep", len(answers)))]
    for instrument_id, item_id, value in answers:
        visits.save_answer(visit_id, instrument_id, item_id, value)
    if draft:
        last_instrument, last_item, _value = answers[-1]
        ids = get_instrument(last_instrument).item_ids
        following = ids[ids.index(last_item) + 1] if ids.index(last_item) + 1 < len(ids) else None
        visits.save_position(visit_id, {"page": last_instrument, "item": following})
        return True
    opened = visits.open(visit_id)
    picture = visits.picture(opened.answers, opened.context)
    urgent = None
    if visit.get("urgent_action"):
        spec = visit["urgent_action"]
        noon = datetime.combine(day, datetime.min.time()).replace(hour=11)
        urgent = UrgentActionRecord(tuple(spec["actions"]), spec.get("note", ""), noon)
    plan = merge_care_plan([], picture.evaluation.recommendations)
    visits.finalize(
        visit_id,
        care_plan_entries(plan, urgent, "fr"),
        urgent_action_recorded=urgent is not None,
    )
    return False
