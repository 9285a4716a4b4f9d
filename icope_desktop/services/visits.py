"""The visit use cases the UI calls: start, autosave, score, finalize, amend, history.

The screening core decides everything clinical and the store keeps everything; this
service only joins them, so the visit form stays a thin drawing of the instrument
definitions (DESIGN.md "one instrument definition drives everything"):

* answers are the screening core's plain dicts (`NotAssessable` included); they are
  turned into the store's JSON with `answers_to_json` one item at a time, so every
  change is one short committed write (DESIGN.md "Drafts are saved on every answer
  change", issue 4 "nothing typed is ever lost");
* results and the visit evaluation stored at finalization are exactly
  `screening.score(...)` and `screening.evaluate_visit(...)` of the stored answers —
  never a value the UI computed;
* a Step 2 assessment is created in the store only when its first answer is saved, so
  a test the practitioner skipped leaves no trace (issue 4: "the user may add or skip
  any").

`DraftWriter` moves the writes off the UI thread in their original order; its `flush()`
is what the shell calls before the auto-lock closes the store.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening import (
    ALL_RECOMMENDATIONS,
    CONFIRMED_KEY,
    Domain,
    DomainStatus,
    FieldError,
    NotAssessable,
    Recommendation,
    Result,
    ScoringContext,
    ValidationError,
    VisitConfig,
    VisitEvaluation,
    answers_from_json,
    answers_to_json,
    evaluate_visit,
    get_instrument,
    score,
    validate,
)
from icope_desktop.screening.config import default_thresholds
from icope_desktop.store import Store
from icope_desktop.store.errors import InvalidData, RecordNotFound, VisitFinalized
from icope_desktop.store.patients import display_name
from icope_desktop.store.records import (
    AssessmentId,
    CarePlanEntry,
    FinalizeReport,
    Patient,
    PatientId,
    RecordStatus,
    VisitId,
    VisitKind,
    VisitSummary,
    VisitView,
    system_clock,
)
from icope_desktop.store.settings import SettingKey

log = logging.getLogger(__name__)

Answers = dict[str, Any]
STEP1 = "step1"
STEP2_ORDER = ("mmse", "mna_sf", "mna", "sppb", "snellen", "phq9", "hearing")
"""The Step 2 tests in the order the visit offers them (clinical spec §3)."""
ITEM9_SAFETY_CODE = "PSY_ITEM9_SAFETY"


class VisitServiceError(Exception):
    """A visit action that cannot be done as asked; `message` is what the user reads."""

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message.en)


NO_PROFILE = Text(
    fr="Renseignez d'abord votre profil de professionnel (nom, profession, RPPS) dans les "
    "réglages : la visite finalisée est signée et facturée à ce nom.",
    en="Fill in your practitioner profile (name, profession, RPPS) in the settings first: "
    "the finalized visit is signed and billed under that name.",
)
NOT_A_DRAFT = Text(
    fr="Cette visite est finalisée : utilisez « Corriger » pour en créer une version modifiée.",
    en="This visit is finalized: use “Correct” to create an amended version.",
)
ITEM9_REQUIRED = Text(
    fr="PHQ-9, question 9 (idées de mort ou d'auto-agression) : posez-la, ou marquez-la "
    "« non évaluable » avec un motif, avant de finaliser (spec. clinique §3.6).",
    en="PHQ-9 item 9 (thoughts of death or self-harm): ask it, or mark it not assessable "
    "with a reason, before finalizing (clinical spec §3.6).",
)
ITEM9_ACTION_REQUIRED = Text(
    fr="PHQ-9, question 9 positive : enregistrez l'action réalisée (évaluation de la "
    "sécurité, appel du médecin traitant, 15/112, 3114) avant de finaliser.",
    en="PHQ-9 item 9 positive: record the action taken (safety assessment, GP call, "
    "15/112, 3114) before finalizing.",
)


URGENT_ACTIONS: dict[str, Text] = {
    "safety_assessed": Text(
        fr="Sécurité évaluée immédiatement (projet, moyens, intention)",
        en="Safety assessed at once (plan, means, intent)",
    ),
    "gp_contacted": Text(
        fr="Médecin traitant contacté le jour même", en="GP contacted the same day"
    ),
    "emergency_called": Text(
        fr="15 (SAMU) ou 112 appelé : danger imminent",
        en="15 (SAMU) or 112 called: imminent danger",
    ),
    "line_3114_given": Text(
        fr="3114 donné au patient et à ses proches", en="3114 given to the patient and family"
    ),
}
"""The documented actions of an item-9 alert (clinical spec §3.6, steps 1-4)."""


@dataclass(frozen=True)
class UrgentActionRecord:
    """What the practitioner did about a PHQ-9 item-9 alert (spec §3.6: "cannot be
    dismissed without a documented action"). Kept with the draft at once, and written
    into the care plan's safety line at finalization."""

    actions: tuple[str, ...]
    note: str
    at: datetime

    def __post_init__(self) -> None:
        unknown = [a for a in self.actions if a not in URGENT_ACTIONS]
        if unknown or not (self.actions or self.note.strip()):
            raise ValueError("an urgent-action record needs known actions or a note")

    def describe(self) -> Text:
        fr = [URGENT_ACTIONS[a].fr for a in self.actions]
        en = [URGENT_ACTIONS[a].en for a in self.actions]
        if self.note.strip():
            fr.append(self.note.strip())
            en.append(self.note.strip())
        stamp = self.at.strftime("%d/%m/%Y %H:%M")
        return Text(fr=f"{' ; '.join(fr)} ({stamp})", en=f"{'; '.join(en)} ({stamp})")

    def to_json(self) -> dict[str, Any]:
        return {"actions": list(self.actions), "note": self.note, "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, data: Any) -> UrgentActionRecord | None:
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(
                tuple(data.get("actions", ())),
                str(data.get("note", "")),
                datetime.fromisoformat(data["at"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class PlanLine:
    """One care-plan line while the visit is a draft (clinical spec §5).

    An offered recommendation keeps its catalogue label until the practitioner edits it
    (`text` then holds the typed wording); a line the practitioner adds has a
    `CUSTOM_n` code. Unticked lines stay in the draft but are not written at finalize.
    """

    code: str
    domain: str
    text: str = ""
    accepted: bool = True

    @property
    def is_custom(self) -> bool:
        return self.code.startswith(CUSTOM_PREFIX)

    @property
    def is_edited(self) -> bool:
        return bool(self.text.strip()) and not self.is_custom

    def label(self) -> Text:
        """The catalogue's FR/EN label, or the typed text in both languages."""
        if self.text.strip():
            return Text(fr=self.text.strip(), en=self.text.strip())
        recommendation = RECOMMENDATIONS_BY_CODE.get(self.code)
        if recommendation is None:
            return Text(fr=self.code, en=self.code)
        return recommendation.label

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "domain": self.domain, "text": self.text,
                "accepted": self.accepted}  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> PlanLine | None:
        if not isinstance(data, Mapping) or not isinstance(data.get("code"), str):
            return None
        return cls(
            data["code"], str(data.get("domain", GENERAL_DOMAIN)), str(data.get("text", "")),
            bool(data.get("accepted", True)),
        )  # fmt: skip


CUSTOM_PREFIX = "CUSTOM_"
GENERAL_DOMAIN = "general"
RECOMMENDATIONS_BY_CODE = {r.code: r for r in ALL_RECOMMENDATIONS}


def merge_care_plan(
    lines: Sequence[PlanLine], recommendations: Iterable[Recommendation]
) -> list[PlanLine]:
    """The draft care plan after the evaluation changed: every recommendation offered
    now (kept as the practitioner left it), then the practitioner's own lines; an
    offered line that is no longer recommended goes unless it was edited."""
    by_code = {line.code: line for line in lines}
    offered = [by_code.get(r.code) or PlanLine(r.code, r.domain.value) for r in recommendations]
    offered_codes = {line.code for line in offered}
    kept = [
        line for line in lines
        if line.code not in offered_codes and (line.is_custom or line.is_edited)
    ]  # fmt: skip
    return offered + kept


def plan_line_from_entry(entry: CarePlanEntry) -> PlanLine:
    """A stored care-plan line, back as the summary shows it."""
    offered = RECOMMENDATIONS_BY_CODE.get(entry.code)
    text = "" if offered is not None and offered.label == entry.label else entry.label.fr
    return PlanLine(entry.code, entry.domain, text, True)


def next_custom_code(lines: Sequence[PlanLine]) -> str:
    used = {line.code for line in lines}
    n = 1
    while f"{CUSTOM_PREFIX}{n}" in used:
        n += 1
    return f"{CUSTOM_PREFIX}{n}"


def care_plan_entries(
    lines: Sequence[PlanLine], urgent: UrgentActionRecord | None, lang: str = "fr"
) -> list[CarePlanEntry]:
    """What `finalize_visit` stores: the ticked lines, in order; the item-9 safety line
    carries the documented action (spec §3.6)."""
    entries = []
    for line in lines:
        if not line.accepted or (line.is_custom and not line.text.strip()):
            continue
        note = None
        if line.code == ITEM9_SAFETY_CODE and urgent is not None:
            note = urgent.describe().get("en" if lang == "en" else "fr")
        entries.append(CarePlanEntry(line.domain, line.code, line.label(), note))
    return entries


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day` (the MMSE norm uses the age at the test, §3.1)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def has_answers(answers: Mapping[str, Any]) -> bool:
    return any(key != CONFIRMED_KEY for key in answers)


def item9_positive(answers: Mapping[str, Any]) -> bool:
    value = answers.get("Q9")
    return type(value) is int and value >= 1


def item9_unresolved(answers: Mapping[str, Any]) -> bool:
    """Spec §3.6: "the form cannot be closed without asking Q9" — answered, or not
    assessable with a chosen reason."""
    if not has_answers(answers):
        return False
    value = answers.get("Q9")
    if value is None:
        return True
    if isinstance(value, NotAssessable):
        return get_instrument("phq9").item("Q9").reason(value.reason) is None
    return False


@dataclass(frozen=True)
class OpenedVisit:
    """A visit as the form reopens it: answers per instrument, position, context."""

    view: VisitView
    patient: Patient
    answers: dict[str, Answers]
    assessment_ids: dict[str, AssessmentId]
    context: ScoringContext

    @property
    def id(self) -> VisitId:
        return self.view.id

    @property
    def is_final(self) -> bool:
        return self.view.status is RecordStatus.FINAL

    @property
    def position(self) -> dict[str, Any]:
        return dict(self.view.position) if isinstance(self.view.position, Mapping) else {}

    @property
    def patient_name(self) -> str:
        identity = self.patient.identity
        return display_name(identity.birth_name, identity.used_name, identity.first_names)


@dataclass(frozen=True)
class Picture:
    """Scores and evaluation of a set of answers, as finalization would store them."""

    results: dict[str, Result]
    evaluation: VisitEvaluation
    errors: dict[str, ValidationError] = field(default_factory=dict)


@dataclass(frozen=True)
class Missing:
    """What `validate(complete=True)` reports for one instrument before finalization."""

    instrument_id: str
    errors: tuple[FieldError, ...]


@dataclass(frozen=True)
class FinalizeOutcome:
    report: FinalizeReport
    results: dict[str, Result]
    evaluation: VisitEvaluation


@dataclass(frozen=True)
class HistoryPoint:
    """One finalized visit in the patient's history (newest version of each visit)."""

    visit_id: VisitId
    root_id: VisitId
    performed_on: date
    kind: VisitKind
    version: int
    domains: dict[Domain, DomainStatus]
    scores: dict[str, float | int | None]
    results: dict[str, Result]
    evaluation: VisitEvaluation | None


class VisitService:
    """Visit use cases over the store (threading rule of the store: any thread)."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = system_clock) -> None:
        self.store = store
        self.clock = clock
        self._assessments: dict[tuple[VisitId, str], AssessmentId] = {}

    @staticmethod
    def warm_up() -> None:
        """Load what the first visit of a session needs (the clinical thresholds file:
        ~50-80 ms of YAML) on a worker, before the practitioner opens a visit, so the
        visit page's first paint does not pay for it on the UI thread."""
        default_thresholds()
        get_instrument(STEP1)

    # --- drafts ----------------------------------------------------------------------

    def start_visit(
        self,
        patient_id: PatientId,
        kind: VisitKind = VisitKind.STEP1,
        *,
        instruments: Sequence[str] | None = None,
        performed_on: date | None = None,
    ) -> VisitId:
        """A new draft dated today (or `performed_on`: a visit typed in afterwards, the
        demo's history); a Step 1 or follow-up visit opens with its Step 1 form.

        A patient with a draft of this kind already in progress gets that draft back
        (its requested forms opened in it), so no screen can make a second one
        (usability audit 6: two drafts of one visit split its answers). A draft that
        corrects a finalized visit (an amendment) is not a visit in progress, and a visit
        typed in for another day (`performed_on`) is not the draft of a different day."""
        if instruments is None:
            instruments = (STEP1,) if kind in (VisitKind.STEP1, VisitKind.FOLLOW_UP) else ()
        for instrument_id in instruments:
            get_instrument(instrument_id)
        existing = self.draft_in_progress(patient_id, kind, performed_on=performed_on)
        if existing is not None:
            for instrument_id in instruments:
                self.assessment(existing, instrument_id)
            return existing
        return self.store.visits.start_visit(
            patient_id,
            kind,
            performed_on=performed_on or self.clock().date(),
            instruments=tuple(instruments),
        )

    def draft_in_progress(
        self, patient_id: PatientId, kind: VisitKind, *, performed_on: date | None = None
    ) -> VisitId | None:
        """The patient's latest draft of this kind (not an amendment), if any; with
        `performed_on`, only a draft of that day."""
        for visit in self.store.visits.list_visits(patient_id):  # newest first
            if (
                visit.status is RecordStatus.DRAFT
                and visit.kind is kind
                and visit.version == 1
                and (performed_on is None or visit.performed_on == performed_on)
            ):
                return visit.id
        return None

    def open(self, visit_id: VisitId) -> OpenedVisit:
        view = self.store.visits.get_visit(visit_id)
        patient = self.store.patients.get_patient(view.patient_id)
        answers = {a.instrument_id: answers_from_json(a.answers) for a in view.assessments}
        ids = {a.instrument_id: a.id for a in view.assessments}
        for instrument_id, assessment_id in ids.items():
            self._assessments[(view.id, instrument_id)] = assessment_id
        context = self.context_for(patient, view.performed_on)
        return OpenedVisit(view, patient, answers, ids, context)

    def context_for(self, patient: Patient, visit_date: date) -> ScoringContext:
        return ScoringContext(
            age_years=age_on(patient.identity.birth_date, visit_date), visit_date=visit_date
        )

    def assessment(self, visit_id: VisitId, instrument_id: str) -> AssessmentId:
        """The draft assessment of this instrument, created on first use."""
        known = self._assessments.get((visit_id, instrument_id))
        if known is not None:
            return known
        get_instrument(instrument_id)
        assessment_id = self.store.visits.open_assessment(visit_id, instrument_id)
        self._assessments[(visit_id, instrument_id)] = assessment_id
        return assessment_id

    def save_answer(
        self, visit_id: VisitId, instrument_id: str, item_id: str, value: Any
    ) -> AssessmentId:
        """Commit one answer (None clears it). `item_id` may be `_confirmed`."""
        assessment_id = self.assessment(visit_id, instrument_id)
        stored = None if value is None else answers_to_json({item_id: value})[item_id]
        self.store.visits.save_draft_answer(assessment_id, item_id, stored)
        return assessment_id

    def save_position(self, visit_id: VisitId, position: Mapping[str, Any]) -> None:
        self.store.visits.save_visit_position(visit_id, dict(position))

    def discard(self, visit_id: VisitId) -> None:
        self.store.visits.discard_draft(visit_id)

    # --- scoring -----------------------------------------------------------------------

    def visit_config(self) -> VisitConfig:
        months = int(self.store.settings.get(SettingKey.FOLLOW_UP_MONTHS))
        return VisitConfig(followup_months=months)

    def picture(
        self, answers: Mapping[str, Mapping[str, Any]], context: ScoringContext
    ) -> Picture:
        """Score every instrument that has answers and combine them (what the summary
        shows and what `finalize` stores). Invalid answers are reported, not scored."""
        results: dict[str, Result] = {}
        errors: dict[str, ValidationError] = {}
        for instrument_id, given in answers.items():
            if instrument_id != STEP1 and not has_answers(given):
                continue
            try:
                results[instrument_id] = score(instrument_id, given, context)
            except ValidationError as exc:
                errors[instrument_id] = exc
        step2 = {k: v for k, v in results.items() if k != STEP1}
        assert context.visit_date is not None
        evaluation = evaluate_visit(
            results.get(STEP1), step2, visit_date=context.visit_date, config=self.visit_config()
        )
        return Picture(results, evaluation, errors)

    def missing(self, answers: Mapping[str, Mapping[str, Any]]) -> list[Missing]:
        """`validate(complete=True)` per instrument in use: what finalization lacks."""
        found = []
        for instrument_id, given in answers.items():
            if instrument_id != STEP1 and not has_answers(given):
                continue
            try:
                validate(instrument_id, given, complete=True)
            except ValidationError as exc:
                found.append(Missing(instrument_id, tuple(exc.errors)))
        return found

    def blocking_problems(
        self, answers: Mapping[str, Mapping[str, Any]], urgent_action_recorded: bool
    ) -> list[Text]:
        """What finalize-anyway cannot override (spec §3.6: item 9 asked; the urgent
        alert not dismissed without a documented action)."""
        phq9 = answers.get("phq9", {})
        problems = []
        if item9_unresolved(phq9):
            problems.append(ITEM9_REQUIRED)
        if item9_positive(phq9) and not urgent_action_recorded:
            problems.append(ITEM9_ACTION_REQUIRED)
        return problems

    # --- finalization ------------------------------------------------------------------

    def finalize(
        self,
        visit_id: VisitId,
        care_plan: Sequence[CarePlanEntry],
        *,
        planned_follow_up: date | None = None,
        urgent_action_recorded: bool = True,
    ) -> FinalizeOutcome:
        """Score the stored answers and finalize in ONE store transaction (billing and
        outbox included). Runs in a worker thread (it reads, scores and commits)."""
        profile = self.store.practitioner.profile_id()
        if profile is None:
            raise VisitServiceError(NO_PROFILE)
        opened = self.open(visit_id)
        if opened.is_final:
            raise VisitServiceError(NOT_A_DRAFT)
        problems = self.blocking_problems(opened.answers, urgent_action_recorded)
        if problems:
            raise VisitServiceError(problems[0])
        picture = self.picture(opened.answers, opened.context)
        if picture.errors:
            first = next(iter(picture.errors.values()))
            raise first
        due = picture.evaluation.next_step1_due
        moved = planned_follow_up if planned_follow_up != due else None
        report = self.store.visits.finalize_visit(
            visit_id,
            results={k: v.to_json() for k, v in picture.results.items()},
            evaluation=picture.evaluation.to_json(),
            care_plan=tuple(care_plan),
            finalized_by=profile,
            planned_follow_up=moved,
        )
        return FinalizeOutcome(report, picture.results, picture.evaluation)

    def amend(self, visit_id: VisitId) -> VisitId:
        """"Corriger": a new draft version of a final visit (the original stays)."""
        return self.store.visits.amend_visit(visit_id)

    # --- history -----------------------------------------------------------------------

    def list_visits(self, patient_id: PatientId) -> list[VisitSummary]:
        return self.store.visits.list_visits(patient_id)

    def history(self, patient_id: PatientId) -> list[HistoryPoint]:
        """Finalized visits, oldest first; a corrected visit shows its final correction."""
        summaries = self.store.visits.list_visits(patient_id)
        finals = {s.id: s for s in summaries if s.status is RecordStatus.FINAL}
        current = [s for s in finals.values() if s.amended_by not in finals]
        points = [self._point(s) for s in current]
        points.sort(key=lambda p: (p.performed_on, p.version))
        return points

    def _point(self, summary: VisitSummary) -> HistoryPoint:
        view = self.store.visits.get_visit(summary.id)
        results = {
            a.instrument_id: Result.from_json(a.result)
            for a in view.assessments
            if a.result is not None
        }
        evaluation = (
            VisitEvaluation.from_json(view.evaluation) if isinstance(view.evaluation, Mapping)
            else None
        )  # fmt: skip
        domains = dict(evaluation.domains) if evaluation else {}
        scores = {k: r.total for k, r in results.items() if k != STEP1}
        return HistoryPoint(
            view.id, view.root_id, view.performed_on, view.kind, view.version, domains, scores,
            results, evaluation,
        )  # fmt: skip


def planned_follow_up(view: VisitView) -> date | None:
    """The next Step 1 date of a final visit: the one the practitioner set at
    finalization (`visit.planned_follow_up_on`), else the engine's `next_step1_due`."""
    if view.planned_follow_up_on is not None:
        return view.planned_follow_up_on
    evaluation = view.evaluation
    due = evaluation.get("next_step1_due") if isinstance(evaluation, Mapping) else None
    return date.fromisoformat(due) if isinstance(due, str) else None


# --- ordered background writes ------------------------------------------------------


@dataclass(frozen=True)
class _Write:
    key: tuple[str, ...]
    run: Callable[[], None]


class DraftWriter:
    """Commits draft writes on one worker thread, in the order they were made.

    Each answer is its own short transaction (the store's rule); the UI thread only
    enqueues, so a slow disk never freezes the form (issue 4: nothing blocks the UI
    thread for more than 100 ms). Writes still waiting for the same key are coalesced
    (only the latest value of an item matters); `flush()` blocks until everything is
    committed — the page calls it when it closes and the shell before the auto-lock.
    A failed write is reported through `on_error` (called from the worker thread) and
    kept pending, so the next flush retries it; nothing typed is silently dropped.
    """

    def __init__(self, on_error: Callable[[Exception], None] | None = None) -> None:
        self._on_error = on_error
        self._lock = threading.Condition()
        self._pending: dict[tuple[str, ...], _Write] = {}
        self._busy = False
        self._closed = False
        self._failures = 0
        self._wake: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="draft-writer", daemon=True)
        self._thread.start()

    def submit(self, key: Iterable[str], run: Callable[[], None]) -> None:
        write = _Write(tuple(key), run)
        with self._lock:
            if self._closed:
                raise RuntimeError("draft writer closed")
            self._pending.pop(write.key, None)  # re-inserted last: keeps the order
            self._pending[write.key] = write
            self._lock.notify_all()
        self._wake.put(None)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending) + (1 if self._busy else 0)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every submitted write is committed; False on timeout or error."""
        with self._lock:
            failures = self._failures
            if self._pending and not self._busy:
                self._wake.put(None)
            self._lock.wait_for(
                lambda: (not self._pending and not self._busy) or self._failures != failures,
                timeout,
            )
            return not self._pending and not self._busy and self._failures == failures

    def close(self, timeout: float = 10.0) -> bool:
        """Flush, then stop the thread; a write still failing then is given up (and
        was reported through `on_error`)."""
        done = self.flush(timeout)
        with self._lock:
            self._closed = True
        self._wake.put(None)
        self._thread.join(timeout)
        return done

    def _loop(self) -> None:
        while True:
            self._wake.get()
            while True:
                with self._lock:
                    if self._closed and not self._pending:
                        return
                    if not self._pending:
                        break
                    key = next(iter(self._pending))
                    write = self._pending.pop(key)
                    self._busy = True
                try:
                    write.run()
                except Exception as exc:  # reported to the UI
                    log.warning("draft write failed: %s", type(exc).__name__)
                    with self._lock:
                        if _is_transient(exc) and not self._closed:
                            self._pending.setdefault(key, write)  # retried at the next wake
                        self._busy = False
                        self._failures += 1
                        self._lock.notify_all()
                    if self._on_error is not None:
                        with contextlib.suppress(RuntimeError):  # the page is gone
                            self._on_error(exc)
                    if not self._closed:
                        break
                    continue
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()


def _is_transient(exc: Exception) -> bool:
    """A locked or unavailable database may work on retry; refused data never will."""
    return not isinstance(exc, InvalidData | RecordNotFound | VisitFinalized | ValueError)
