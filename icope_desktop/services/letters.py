"""The GP letter and the patient summary of a finalized visit, from the store.

The letters layer reads nothing but a frozen `LetterContext` (letters/context.py says how
to fill it); this service builds that context from the store and the screening results
stored at finalization (never recomputed, so a regenerated letter says what was
decided), renders the PDFs and keeps them with `store.letters.save_letter`, which also
queues them for sending to the GP on the next sync (DESIGN.md "Letters") — sent
only when a regional server is set, which `LetterBatch.delivery` tells the user.

Missing information (no GP on file, no RPPS in the profile, no phone…) is never papered
over: `generate` returns the letters' own `LetterIncomplete` sentences, each saying where
to fix it, and renders what can be rendered (the patient summary does not need the GP).
Rendering takes a fraction of a second: the UI calls `generate` in a `Task`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from icope_desktop.i18n import Lang, Text, both
from icope_desktop.letters import (
    Addressee,
    Assessment,
    CarePlanLine,
    LetterContext,
    LetterIncomplete,
    PastVisit,
    PatientInfo,
    Problem,
    Sender,
    Sex,
    check_letter_context,
    render_gp_letter,
    render_patient_summary,
)
from icope_desktop.letters.formats import person_name, short_date, unbreakable
from icope_desktop.screening import Domain, Result, VisitEvaluation, answers_from_json
from icope_desktop.services.session import PROFESSION_LABELS
from icope_desktop.services.visits import (
    RECOMMENDATIONS_BY_CODE,
    STEP1,
    URGENT_ACTIONS,
    HistoryPoint,
    VisitService,
    planned_follow_up,
)
from icope_desktop.store import Store
from icope_desktop.store.records import (
    CarePlanEntry,
    InsStatus,
    LetterId,
    PatientId,
    RecordStatus,
    VisitId,
    system_clock,
)
from icope_desktop.store.settings import SettingKey

Kind = Literal["gp_letter", "patient_summary"]
KINDS: tuple[Kind, ...] = ("gp_letter", "patient_summary")
RENDERERS: Mapping[Kind, Callable[[LetterContext, Lang], bytes]] = {
    "gp_letter": render_gp_letter,
    "patient_summary": render_patient_summary,
}
TITLES: Mapping[Kind, Text] = {
    "gp_letter": both("Courrier au médecin traitant"),
    "patient_summary": both("Synthèse remise au patient"),
}


LETTER_PROFESSIONS: Mapping[str, Text] = {
    "nurse": Text(fr="IDE", en="Registered nurse"),
    "pharmacist": Text(fr="Docteur en pharmacie", en="Pharmacist"),
}
"""How a letter names the signer's profession when the settings' label is written for
both sexes (« Infirmier(ère) », « Pharmacien(ne) »): the profile does not record the
practitioner's sex, and a bracketed ending reads badly on a signed medical letter
(usability audit). « IDE » is how French nurses sign and how GPs read them; « Docteur en
pharmacie » is the pharmacist's title. The other professions' labels (« Masseur-
kinésithérapeute », « Orthophoniste »…) are already neutral and are used as they are."""


def letter_profession(profession: str) -> Text:
    """The profession under the signer's name (LETTER_PROFESSIONS, else the settings'
    label)."""
    return LETTER_PROFESSIONS.get(profession) or PROFESSION_LABELS.get(
        profession, Text(fr="", en="")
    )


class LetterServiceError(Exception):
    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message.en)


NOT_FINAL = Text(
    fr="Les courriers se font sur une visite finalisée : finalisez la visite d'abord.",
    en="Letters are made from a finalized visit: finalize the visit first.",
)
NO_PROFILE = Text(
    fr="Votre profil de professionnel n'est pas renseigné : complétez-le dans les réglages "
    "(nom, profession, RPPS, téléphone).",
    en="Your practitioner profile is empty: fill it in the settings (name, profession, "
    "RPPS, phone).",
)


SENT_ON_SYNC = Text(
    fr="Enregistrés avec la visite ; envoyés au médecin traitant à la prochaine "
    "synchronisation.",
    en="Saved with the visit; sent to the GP at the next synchronisation.",
)
NO_SERVER_TO_SEND = Text(
    fr="Enregistrés avec la visite. Aucun serveur régional n'est configuré : le courrier "
    "n'est pas envoyé au médecin traitant, remettez-le-lui ou adressez-le vous-même.",
    en="Saved with the visit. No regional server is set up: the letter is not sent to the "
    "GP; hand it over or send it yourself.",
)


@dataclass(frozen=True)
class LetterBatch:
    """What `generate` produced: PDFs saved, and per document what keeps it from being
    produced (the letters' own messages, with where to fix each gap)."""

    visit_id: VisitId
    language: Lang
    pdfs: dict[Kind, bytes] = field(default_factory=dict)
    letter_ids: dict[Kind, LetterId] = field(default_factory=dict)
    problems: dict[Kind, LetterIncomplete] = field(default_factory=dict)
    server_configured: bool = False
    """Whether a regional server is set: only then does the next sync send the GP
    letter (store.letters queues it either way)."""

    @property
    def delivery(self) -> Text | None:
        """What becomes of the GP letter, for the UI to show under the letters: it is
        sent at the next sync only when a regional server is set; saying so without
        one would be false (usability audit item 5)."""
        if "gp_letter" not in self.pdfs:
            return None
        return SENT_ON_SYNC if self.server_configured else NO_SERVER_TO_SEND

    def fix_targets(self) -> set[str]:
        """Where the practitioner goes to fix the gaps: "profile", "patient", "visit"."""
        targets = set()
        for error in self.problems.values():
            for name in error.fields:
                if name.startswith("sender"):
                    targets.add("profile")
                elif name.startswith(("addressee", "patient")):
                    targets.add("patient")
                else:
                    targets.add("visit")
        return targets


def _lines(*parts: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in parts if p and p.strip())


RECORDED_AT = re.compile(r"(?P<body>.*) \((?P<day>\d{2}/\d{2}/\d{4}) (?P<time>\d{2}:\d{2})\)",
                         re.DOTALL)
"""`UrgentActionRecord.describe()`'s tail: « … (25/11/2026 02:53) »."""


def _coded_actions(body: str) -> tuple[list[str], str]:
    """The coded actions at the head of a recorded note (in either language, as
    `UrgentActionRecord.describe` wrote them at finalization), and what the practitioner
    typed after them."""
    codes: list[str] = []
    rest = body.strip()
    while rest:
        for code, label in URGENT_ACTIONS.items():
            found = next((
                rest[len(text):] for text in (label.fr, label.en)
                if rest == text or rest.startswith((f"{text} ; ", f"{text}; "))
            ), None)  # fmt: skip
            if found is not None:
                codes.append(code)
                rest = found.removeprefix(" ").removeprefix(";").strip()
                break
        else:
            break
    return codes, rest


def recorded_action(note: str, author: str) -> Text:
    """The action recorded for a PHQ-9 item-9 alert (spec §3.6), for the GP letter.

    The care plan stores it as one string in the language the app had at finalization;
    the letter shows the coded actions in the letter's language, and what the
    practitioner typed as typed, marked as theirs « (noté par …) » so that the GP does
    not read it as the application's wording (usability audit s12)."""
    match = RECORDED_AT.fullmatch(note.strip())
    body = match["body"] if match else note
    codes, typed = _coded_actions(body)
    fr = [URGENT_ACTIONS[code].fr for code in codes]
    en = [URGENT_ACTIONS[code].en for code in codes]
    if typed:
        fr.append(f"{typed} (noté par {author})" if author else typed)
        en.append(f"{typed} (noted by {author})" if author else typed)
    if match:
        day = datetime.strptime(match["day"], "%d/%m/%Y").date()
        hour, minute = match["time"].split(":")
        fr.append(f"le {short_date(day, 'fr')} à {unbreakable(f'{hour} h {minute}')}")
        en.append(f"on {short_date(day, 'en')} at {match['time']}")
        return Text(fr=f"{' ; '.join(fr[:-1])} ({fr[-1]})", en=f"{'; '.join(en[:-1])} ({en[-1]})")
    return Text(fr=" ; ".join(fr), en="; ".join(en))


def _plan_line(entry: CarePlanEntry, author: str) -> CarePlanLine:
    """An offered recommendation kept as offered keeps its FR/EN label; an edited or
    added line is the typed text (letters/context.py); the action recorded with it
    (the item-9 safety line) is `recorded_action`."""
    offered = RECOMMENDATIONS_BY_CODE.get(entry.code)
    if offered is not None and offered.label == entry.label:
        line = CarePlanLine.from_recommendation(offered)
    else:
        try:
            domain: Domain | None = Domain(entry.domain)
        except ValueError:
            domain = None
        line = CarePlanLine(entry.label, domain, entry.code)
    if entry.note:
        action = recorded_action(entry.note, author)
        text = Text(fr=f"{line.text.fr} — {action.fr}", en=f"{line.text.en} — {action.en}")
        line = CarePlanLine(text, line.domain, line.code, line.patient_text)
    return line


class LetterService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = system_clock) -> None:
        self.store = store
        self.clock = clock
        self._visits = VisitService(store, clock)

    def context(self, visit_id: VisitId, lang: Lang = "fr") -> LetterContext:
        view = self.store.visits.get_visit(visit_id)
        if view.status is not RecordStatus.FINAL or not isinstance(view.evaluation, Mapping):
            raise LetterServiceError(NOT_FINAL)
        profile = self.store.practitioner.get_profile()
        if profile is None:
            raise LetterServiceError(NO_PROFILE)
        me = profile.data
        sender = Sender(
            last_name=me.last_name,
            first_name=me.first_name,
            profession=letter_profession(me.profession.value),
            rpps=me.rpps,
            phone=me.phone,
            email=me.email,
            address=_lines(me.address, " ".join(_lines(me.postal_code, me.city))),
        )
        patient = self.store.patients.get_patient(view.patient_id)
        data = patient.data
        identity = data.identity
        place = _lines(data.postal_code, data.city)
        info = PatientInfo(
            birth_name=identity.birth_name,
            first_names=identity.first_names,
            birth_date=identity.birth_date,
            sex=Sex(identity.sex.value),
            used_name=identity.used_name,
            ins=identity.ins if identity.ins_status is InsStatus.QUALIFIED else None,
            address=_lines(data.address, " ".join(place)),
            phone=data.phone,
        )
        addressee = None
        if data.gp_id is not None:
            gp = self.store.gps.get_gp(data.gp_id).data
            addressee = Addressee(
                last_name=gp.last_name,
                first_name=gp.first_name,
                rpps=gp.rpps,
                secure_mail=gp.email,
                address=_lines(gp.address, " ".join(_lines(gp.postal_code, gp.city))),
                phone=gp.phone,
            )
        step1 = None
        step2 = []
        for assessment in view.assessments:
            if assessment.result is None:
                continue
            item = Assessment(
                Result.from_json(assessment.result), answers_from_json(assessment.answers)
            )
            if assessment.instrument_id == STEP1:
                step1 = item
            else:
                step2.append(item)
        home = both("À domicile").get(lang)  # neutral: the patient may be a man or a woman
        finalized = view.finalized_at.date() if view.finalized_at else view.performed_on
        return LetterContext(
            sender=sender,
            addressee=addressee,
            patient=info,
            visit_date=view.performed_on,
            visit_place=f"{home}, {data.city}" if data.city else home,
            step1=step1,
            step2=tuple(step2),
            evaluation=VisitEvaluation.from_json(view.evaluation),
            care_plan=tuple(
                _plan_line(entry, person_name(me.first_name, me.last_name))
                for entry in view.care_plan
            ),
            next_follow_up=planned_follow_up(view),
            history=self._history(view.patient_id, view.root_id, view.performed_on),
            letter_date=finalized,
        )

    def _history(
        self, patient_id: PatientId, root_id: VisitId, before: date
    ) -> tuple[PastVisit, ...]:
        """Earlier finalized visits, oldest first (the letter's trend); visits of the
        same day in the order they were finalized, so the trend keeps the day's latest
        (letters/trend.py; visit dates cannot be edited, so two visits on one day must
        never stop the letter)."""
        points = [
            point for point in self._visits.history(patient_id)
            if point.performed_on <= before and point.root_id != root_id
        ]  # fmt: skip
        days = [point.performed_on for point in points]
        shared = {day for day in days if days.count(day) > 1}

        def finalized(point: HistoryPoint) -> datetime:
            if point.performed_on not in shared:
                return datetime.min
            at = self.store.visits.get_visit(point.visit_id).finalized_at
            return at.replace(tzinfo=None) if at is not None else datetime.min

        points.sort(key=lambda point: (point.performed_on, finalized(point)))
        return tuple(PastVisit(p.performed_on, p.domains, p.scores) for p in points)

    def generate(
        self, visit_id: VisitId, lang: Lang = "fr", kinds: Sequence[Kind] = KINDS
    ) -> LetterBatch:
        """Render and store each document that can be produced; report the others."""
        server = self.store.settings.get(SettingKey.SERVER_URL)
        batch = LetterBatch(visit_id, lang, server_configured=bool(server))
        try:
            context = self.context(visit_id, lang)
        except LetterServiceError as err:
            problem = LetterIncomplete([Problem("visit", err.message)])
            return LetterBatch(visit_id, lang, problems=dict.fromkeys(kinds, problem))
        for kind in kinds:
            try:
                check_letter_context(context, kind)
                pdf = RENDERERS[kind](context, lang)
            except LetterIncomplete as err:
                batch.problems[kind] = err
                continue
            batch.pdfs[kind] = pdf
            batch.letter_ids[kind] = self.store.letters.save_letter(visit_id, kind, lang, pdf)
        return batch

    def stored_pdf(self, visit_id: VisitId, kind: Kind, lang: Lang = "fr") -> bytes | None:
        letter = self.store.letters.get_letter(visit_id, kind, lang)
        return letter.pdf if letter is not None else None


