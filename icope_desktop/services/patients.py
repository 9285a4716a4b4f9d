"""Patient files: what the home screen, the patient form and the patient page call.

The form hands over what was typed (`PatientForm`, plain strings); this service turns it
into the store's `PatientData` or refuses it whole with one sentence per bad field
(`InvalidData`), so nothing half-checked is ever written and already saved data stays
as it was (issue 4: "invalid entries show a message next to the field and are not
saved"). Eligibility (60+, living at home, not dependent: clinical spec §1 "Target
population") is explained, never enforced: a file outside the criteria can be saved and
is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from icope_desktop.i18n import Lang, Text, current_language
from icope_desktop.services.identifiers import compact, nir_problem, rpps_problem
from icope_desktop.store import Store
from icope_desktop.store.errors import InvalidData, RecordNotFound
from icope_desktop.store.patients import display_name as _store_display_name
from icope_desktop.store.records import (
    AlertTask,
    AlertTaskId,
    DraftSummary,
    DueFollowUp,
    Gp,
    GpData,
    GpId,
    Identity,
    InsStatus,
    Patient,
    PatientData,
    PatientId,
    PatientListing,
    PatientSummary,
    RecordStatus,
    Sex,
    VisitSummary,
)
from icope_desktop.store.settings import SettingKey
from icope_desktop.store.visits import add_months
from icope_desktop.sync.fhir_tasks import parse_task

Clock = Callable[[], datetime]

MIN_AGE = 60
"""Clinical spec §1: "Age 60 or over, living at home, autonomous"."""

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d+)\s*$")
_DATE_DIGITS = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")
_PHONE = re.compile(r"^\+?[\d\s.\-()]+$")
_POSTAL = re.compile(r"^\d{5}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

REQUIRED = Text(fr="Champ obligatoire.", en="Required field.")
DATE_FORMAT = Text(
    fr="Saisissez la date sous la forme jj/mm/aaaa (par exemple 07/03/1948).",
    en="Type the date as dd/mm/yyyy (for example 07/03/1948).",
)
DATE_YEAR = Text(
    fr="Saisissez l'année sur 4 chiffres (par exemple 1948).",
    en="Type the year with 4 digits (for example 1948).",
)
DATE_IMPOSSIBLE = Text(
    fr="Cette date n'existe pas ({typed}) : vérifiez le jour et le mois.",
    en="This date does not exist ({typed}): check the day and the month.",
)
DATE_FUTURE = Text(
    fr="Date de naissance dans le futur : vérifiez l'année.",
    en="Birth date in the future: check the year.",
)
BORN_IN_FUTURE = Text(
    fr="date de naissance dans le futur, vérifiez l'année",
    en="birth date in the future, check the year",
)
DATE_TOO_OLD = Text(
    fr="Date de naissance invraisemblable (avant 1880).",
    en="Implausible birth date (before 1880).",
)
SEX_REQUIRED = Text(
    fr="Choisissez le sexe (F, M ou indéterminé).",
    en="Choose the sex (F, M or indeterminate).",
)
PHONE_INVALID = Text(
    fr="Un numéro de téléphone ne contient que des chiffres (espaces, points et + "
    "acceptés).",
    en="A phone number contains digits only (spaces, dots and + accepted).",
)
PHONE_LENGTH = Text(
    fr="Le numéro de téléphone comporte 10 chiffres (ou +33 suivi de 9 chiffres).",
    en="The phone number has 10 digits (or +33 followed by 9 digits).",
)
POSTAL_INVALID = Text(
    fr="Le code postal comporte 5 chiffres.",
    en="The postal code has 5 digits.",
)
EMAIL_INVALID = Text(
    fr="Adresse de messagerie invalide (exemple : nom@medecin.mssante.fr).",
    en="Invalid mail address (example: name@medecin.mssante.fr).",
)
QUALIFIED_NEEDS_INS = Text(
    fr="Pour une identité vérifiée avec INS, saisissez l'INS.",
    en="For a verified identity with INS, type the INS.",
)

NOT_60 = Text(
    fr="moins de 60 ans ({age} ans) : le programme ICOPE s'adresse aux personnes de 60 ans "
    "et plus",
    en="under 60 ({age} years old): the ICOPE programme is for people aged 60 and over",
)
NOT_AT_HOME = Text(
    fr="ne vit pas à domicile (EHPAD, hôpital…)",
    en="does not live at home (nursing home, hospital…)",
)
DEPENDENT = Text(
    fr="personne dépendante : ICOPE vise les personnes autonomes",
    en="dependent person: ICOPE is for people who are still independent",
)
UNKNOWN_AT_HOME = Text(fr="lieu de vie non renseigné", en="living place not filled in")
UNKNOWN_AUTONOMY = Text(fr="autonomie non renseignée", en="independence not filled in")


@dataclass(frozen=True, slots=True)
class PatientForm:
    """Exactly what the practitioner typed; parsing and checks happen in the service."""

    birth_name: str = ""
    used_name: str = ""
    first_names: str = ""
    birth_date: str = ""
    sex: Sex | None = None
    ins: str = ""
    identity_verified: bool = False
    address: str = ""
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    gp_id: GpId | None = None
    consent_given: bool | None = None
    lives_at_home: bool | None = None
    autonomous: bool | None = None


@dataclass(frozen=True, slots=True)
class GpForm:
    last_name: str = ""
    first_name: str = ""
    rpps: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class Eligibility:
    """`eligible` is None while something needed is not filled in."""

    eligible: bool | None
    reasons: tuple[Text, ...]
    age: int | None

    def explanation(self, lang: Lang | None = None, *, saved: bool = False) -> str:
        """One sentence for the form (`saved=False`) and the patient page (`saved=True`)."""
        separator = " ; " if (lang or current_language()) == "fr" else "; "
        parts = separator.join(reason.get(lang) for reason in self.reasons)
        if self.eligible is False and saved:
            return Text(
                fr="Hors critères ICOPE : {why}. Le dossier est conservé et signalé comme hors "
                "critères.",
                en="Outside the ICOPE criteria: {why}. The file is kept and flagged as outside "
                "the criteria.",
            ).format(why=parts).get(lang)
        if self.eligible is False:
            return Text(
                fr="Hors critères ICOPE : {why}. Le dossier peut être enregistré ; il sera "
                "signalé comme hors critères.",
                en="Outside the ICOPE criteria: {why}. The file can still be saved; it will "
                "be flagged as outside the criteria.",
            ).format(why=parts).get(lang)
        if self.eligible is None:
            return Text(
                fr="Éligibilité à compléter : {why}.",
                en="Eligibility to complete: {why}.",
            ).format(why=parts).get(lang)
        return Text(
            fr="Éligible au programme ICOPE (60 ans ou plus, à domicile, autonome).",
            en="Eligible for the ICOPE programme (60 or over, at home, independent).",
        ).get(lang)


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """A stored file that may be the person being created, with the reasons why."""

    summary: PatientSummary
    score: float
    reasons: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class PatientFile:
    """Everything the patient page shows."""

    patient: Patient
    gp: Gp | None
    visits: tuple[VisitSummary, ...]
    eligibility: Eligibility

    @property
    def id(self) -> PatientId:
        return self.patient.id

    @property
    def in_progress(self) -> VisitSummary | None:
        """The visit to resume rather than start a second one (two identical drafts
        were made by clicking "Nouvelle visite" twice: usability walkthrough)."""
        return newest_draft(self.visits)


def newest_draft(visits: Iterable[VisitSummary]) -> VisitSummary | None:
    """The first draft of a newest-first list (`store.visits.list_visits` order)."""
    return next((v for v in visits if v.status is RecordStatus.DRAFT), None)


@dataclass(frozen=True, slots=True)
class HomeOverview:
    """What the home reads on the UI thread: unfinished visits and open alerts (a
    handful each), and the size of the file. Due follow-ups can number thousands on a
    large store: `due_follow_ups` reads them on a worker."""

    drafts: tuple[DraftSummary, ...]
    alerts: tuple[AlertTask, ...]
    alert_patients: dict[PatientId, str]
    alert_people: dict[AlertTaskId, str]
    """The person an alert names, for alerts not yet linked to a local file."""
    patient_count: int


@dataclass(frozen=True, slots=True)
class HomePatient:
    """A line of the home's patient list: who, last seen when, next Step 1 when."""

    summary: PatientSummary
    last_visit_on: date | None
    next_step1_on: date | None
    """The date planned at the last Step 1, else the last Step 1 + the configured months;
    None before any Step 1 or after the patient left the programme."""
    follow_up_due: bool


@dataclass(frozen=True, slots=True)
class PatientList:
    """The home's list before anything is typed: `items` (at most the limit) of `total`."""

    items: tuple[HomePatient, ...]
    total: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.items)


@dataclass(frozen=True, slots=True)
class DueList:
    """Follow-ups due today, most overdue first: `items` (at most the limit) of `total`."""

    items: tuple[DueFollowUp, ...]
    total: int


DUE_LINES = 100
"""Due follow-ups drawn on the home; the count says how many there are in all."""

HOME_PATIENTS = 30
"""Lines shown before anything is typed: one screen and a half at 1366×768; beyond, the
search (which answers in milliseconds) is the way in."""


class InvalidDateError(ValueError):
    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


def parse_date(typed: str) -> date:
    """Read dd/mm/yyyy as French people type it (1/3/1948, 01.03.1948, 01031948).

    Raises `InvalidDateError` with the sentence to show: wrong shape, two-digit year, or a
    date that does not exist (31/02/1950).
    """
    text = typed.strip()
    match = _DATE.match(text) or _DATE_DIGITS.match(text)
    if not match:
        raise InvalidDateError(DATE_FORMAT)
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) != 4:
        raise InvalidDateError(DATE_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDateError(DATE_IMPOSSIBLE.format(typed=text)) from None


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def assess_eligibility(
    birth_date: date | None,
    lives_at_home: bool | None,
    autonomous: bool | None,
    today: date,
) -> Eligibility:
    """Clinical spec §1 target population, as an explanation rather than a gate."""
    failing: list[Text] = []
    unknown: list[Text] = []
    age = age_on(birth_date, today) if birth_date else None
    if birth_date is not None and birth_date > today:
        # "moins de 60 ans (-19 ans)" was shown for 01/02/2045 (usability walkthrough):
        # a typing slip, not an age to judge.
        age = None
        unknown.append(BORN_IN_FUTURE)
    if age is not None and age < MIN_AGE:
        failing.append(NOT_60.format(age=str(age)))
    if lives_at_home is False:
        failing.append(NOT_AT_HOME)
    elif lives_at_home is None:
        unknown.append(UNKNOWN_AT_HOME)
    if autonomous is False:
        failing.append(DEPENDENT)
    elif autonomous is None:
        unknown.append(UNKNOWN_AUTONOMY)
    if failing:
        return Eligibility(False, tuple(failing), age)
    if unknown or age is None:
        return Eligibility(None, tuple(unknown), age)
    return Eligibility(True, (), age)


def _text(value: str) -> str | None:
    cleaned = " ".join(value.split())
    return cleaned or None


def phone_problem(typed: str) -> Text | None:
    value = typed.strip()
    if not value:
        return None
    if not _PHONE.fullmatch(value):
        return PHONE_INVALID
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        return None if 8 <= len(digits) <= 15 else PHONE_LENGTH
    return None if len(digits) == 10 else PHONE_LENGTH


def compact_postal_code(typed: str) -> str:
    """"44 400" as printed on envelopes is 44400: spaces (and non-breaking ones) go
    (usability walkthrough: a 5-character box cut "44 400" to "44 40")."""
    return "".join(typed.split())


def postal_code_problem(typed: str) -> Text | None:
    value = compact_postal_code(typed)
    return POSTAL_INVALID if value and not _POSTAL.fullmatch(value) else None


def email_problem(typed: str) -> Text | None:
    value = typed.strip()
    if not value or _EMAIL.fullmatch(value):
        return None
    return EMAIL_INVALID


class PatientService:
    """Search, duplicates, create/update, the patient page and the home lists."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def today(self) -> date:
        return self._clock().astimezone().date()

    # --- the form ---------------------------------------------------------------------

    def parse(self, form: PatientForm) -> PatientData:
        """The store's input, or `InvalidData` naming every bad field (nothing written)."""
        problems: dict[str, Text] = {}
        if not _text(form.birth_name):
            problems["birth_name"] = REQUIRED
        if not _text(form.first_names):
            problems["first_names"] = REQUIRED
        birth_date: date | None = None
        if not form.birth_date.strip():
            problems["birth_date"] = REQUIRED
        else:
            try:
                birth_date = parse_date(form.birth_date)
            except InvalidDateError as problem:
                problems["birth_date"] = problem.message
            else:
                if birth_date > self.today():
                    problems["birth_date"] = DATE_FUTURE
                elif birth_date.year < 1880:
                    problems["birth_date"] = DATE_TOO_OLD
        if form.sex is None:
            problems["sex"] = SEX_REQUIRED
        ins = compact(form.ins) or None
        ins_message = nir_problem(ins)
        if ins_message:
            problems["ins"] = ins_message
        phone = phone_problem(form.phone)
        if phone:
            problems["phone"] = phone
        postal = postal_code_problem(form.postal_code)
        if postal:
            problems["postal_code"] = postal
        if problems:
            raise InvalidData(problems)
        assert birth_date is not None and form.sex is not None
        today = self.today()
        return PatientData(
            identity=Identity(
                birth_name=_text(form.birth_name) or "",
                first_names=_text(form.first_names) or "",
                birth_date=birth_date,
                sex=form.sex,
                used_name=_text(form.used_name),
                ins=ins,
                ins_status=InsStatus.VALIDATED if form.identity_verified else InsStatus.PROVISIONAL,
            ),
            address=_text(form.address),
            postal_code=compact_postal_code(form.postal_code) or None,
            city=_text(form.city),
            phone=_text(form.phone),
            gp_id=form.gp_id,
            consent_given=form.consent_given,
            consent_on=today if form.consent_given else None,
            lives_at_home=form.lives_at_home,
            autonomous=form.autonomous,
            eligibility_checked_on=today
            if form.lives_at_home is not None or form.autonomous is not None
            else None,
        )

    def to_form(self, patient: Patient) -> PatientForm:
        """The form's fields for an existing file (edit)."""
        data = patient.data
        identity = data.identity
        return PatientForm(
            birth_name=identity.birth_name,
            used_name=identity.used_name or "",
            first_names=identity.first_names,
            birth_date=format_date(identity.birth_date),
            sex=identity.sex,
            ins=identity.ins or "",
            identity_verified=identity.ins_status in (InsStatus.VALIDATED, InsStatus.QUALIFIED),
            address=data.address or "",
            postal_code=data.postal_code or "",
            city=data.city or "",
            phone=data.phone or "",
            gp_id=data.gp_id,
            consent_given=data.consent_given,
            lives_at_home=data.lives_at_home,
            autonomous=data.autonomous,
        )

    def eligibility(self, form: PatientForm) -> Eligibility:
        """Live explanation while the form is filled in (a bad date counts as unknown)."""
        try:
            birth_date: date | None = parse_date(form.birth_date)
        except InvalidDateError:
            birth_date = None
        return assess_eligibility(birth_date, form.lives_at_home, form.autonomous, self.today())

    def possible_duplicates(
        self, data: PatientData, *, exclude: PatientId | None = None
    ) -> list[DuplicateCandidate]:
        """Files that may already be this person (DESIGN.md "Duplicate patients")."""
        found = self._store.patients.find_possible_duplicates(data.identity, exclude=exclude)
        result: list[DuplicateCandidate] = []
        for candidate in found:
            patient = self._store.patients.get_patient(candidate.patient_id)
            result.append(
                DuplicateCandidate(_summary(patient), candidate.score, candidate.reasons)
            )
        return result

    def create(self, data: PatientData) -> PatientId:
        return self._store.patients.create_patient(data)

    def update(self, patient_id: PatientId, data: PatientData) -> None:
        self._store.patients.update_patient(patient_id, data)

    # --- reading ----------------------------------------------------------------------

    def search(self, typed: str, limit: int = 50) -> list[PatientSummary]:
        return self._store.patients.search_patients(typed, limit=limit)

    def summaries(self, patient_ids: list[PatientId]) -> list[PatientSummary]:
        """One list line per id, in the order given; ids no longer found are skipped."""
        found: list[PatientSummary] = []
        for patient_id in patient_ids:
            try:
                found.append(_summary(self._store.patients.get_patient(patient_id)))
            except RecordNotFound:
                continue
        return found

    def count(self) -> int:
        return self._store.patients.count_patients()

    def due_follow_ups(self, limit: int = DUE_LINES) -> DueList:
        """Patients whose next Step 1 is due (the date planned at the last visit, else
        the last Step 1 + the configured months), most overdue first. ~90 ms with 9,000
        due among 20,000 patients (benchmarks/ui_home.py): call it in a Task."""
        due = self._store.visits.list_due_followups(self.today())
        return DueList(tuple(due[:limit]), len(due))

    def patient_list(
        self, first: Sequence[PatientId] = (), limit: int = HOME_PATIENTS
    ) -> PatientList:
        """The home's list with an empty search box: `first` (the files opened since the
        app started, newest first), then the patients most recently seen, up to `limit`,
        each with the date of the last visit and whether a follow-up is due. Two index
        reads and a count whatever the size of the store; run it in a Task anyway."""
        store = self._store
        months = int(store.settings.get(SettingKey.FOLLOW_UP_MONTHS))
        today = self.today()
        listings = store.patients.listings(list(first)[:limit])
        seen = {item.summary.id for item in listings}
        for item in store.patients.list_recently_seen(limit=limit + len(seen)):
            if len(listings) >= limit:
                break
            if item.summary.id not in seen:
                listings.append(item)
                seen.add(item.summary.id)
        items = tuple(_home_patient(item, months, today) for item in listings)
        return PatientList(items, store.patients.count_patients())

    def get(self, patient_id: PatientId) -> Patient:
        return self._store.patients.get_patient(patient_id)

    def open_file(self, patient_id: PatientId) -> PatientFile:
        patient = self._store.patients.get_patient(patient_id)
        gp = self._store.gps.get_gp(patient.data.gp_id) if patient.data.gp_id else None
        visits = tuple(self._store.visits.list_visits(patient_id))
        data = patient.data
        return PatientFile(
            patient=patient,
            gp=gp,
            visits=visits,
            eligibility=assess_eligibility(
                data.identity.birth_date, data.lives_at_home, data.autonomous, self.today()
            ),
        )

    def visit_in_progress(self, patient_id: PatientId) -> VisitSummary | None:
        """Read again when "Nouvelle visite" is clicked: the page may be older than a
        draft started since (another window, a visit left with Back)."""
        return newest_draft(self._store.visits.list_visits(patient_id))

    def home(self) -> HomeOverview:
        store = self._store
        alerts = tuple(store.alerts.list_open())
        names: dict[PatientId, str] = {}
        people: dict[AlertTaskId, str] = {}
        for alert in alerts:
            if alert.patient_id is not None and alert.patient_id not in names:
                names[alert.patient_id] = display_name(store.patients.get_patient(alert.patient_id))
            elif alert.patient_id is None and alert.payload.get("id"):
                person = parse_task(dict(alert.payload)).person
                if person is not None:
                    who = person.identity
                    people[alert.id] = _store_display_name(
                        who.birth_name, None, who.first_names
                    )
        return HomeOverview(
            drafts=tuple(store.visits.list_drafts()),
            alerts=alerts,
            alert_patients=names,
            alert_people=people,
            patient_count=store.patients.count_patients(),
        )

    # --- GPs --------------------------------------------------------------------------

    def search_gps(self, typed: str, limit: int = 20) -> list[Gp]:
        return self._store.gps.search_gps(typed, limit=limit)

    def get_gp(self, gp_id: GpId) -> Gp:
        return self._store.gps.get_gp(gp_id)

    def create_gp(self, form: GpForm) -> GpId:
        """A new GP, or `InvalidData` per bad field (RPPS key, mail address)."""
        return self._store.gps.create_gp(parse_gp(form))

    def update_gp(self, gp_id: GpId, form: GpForm) -> None:
        """Corrects a GP record: the letter asks to add the RPPS "dans la fiche du
        médecin traitant", which had no screen (usability walkthrough). `InvalidData`
        per bad field; `DuplicateRecord` when another GP has this RPPS."""
        self._store.gps.update_gp(gp_id, parse_gp(form))


def gp_to_form(gp: Gp) -> GpForm:
    """The GP form's fields for an existing record (edit)."""
    data = gp.data
    return GpForm(
        last_name=data.last_name,
        first_name=data.first_name,
        rpps=data.rpps or "",
        email=data.email or "",
        phone=data.phone or "",
        address=data.address or "",
        postal_code=data.postal_code or "",
        city=data.city or "",
    )


def parse_gp(form: GpForm) -> GpData:
    """The store's GP input, or `InvalidData` naming every bad field."""
    problems: dict[str, Text] = {}
    if not _text(form.last_name):
        problems["last_name"] = REQUIRED
    if not _text(form.first_name):
        problems["first_name"] = REQUIRED
    for name, message in (
        ("rpps", rpps_problem(form.rpps)),
        ("email", email_problem(form.email)),
        ("phone", phone_problem(form.phone)),
        ("postal_code", postal_code_problem(form.postal_code)),
    ):
        if message:
            problems[name] = message
    if problems:
        raise InvalidData(problems)
    return GpData(
        last_name=_text(form.last_name) or "",
        first_name=_text(form.first_name) or "",
        rpps=compact(form.rpps) or None,
        email=_text(form.email),
        phone=_text(form.phone),
        address=_text(form.address),
        postal_code=compact_postal_code(form.postal_code) or None,
        city=_text(form.city),
    )

def _home_patient(item: PatientListing, months: int, today: date) -> HomePatient:
    next_step1 = None
    if item.exited_on is None:
        if item.planned_step1_on is not None:
            next_step1 = item.planned_step1_on
        elif item.last_step1_on is not None:
            next_step1 = add_months(item.last_step1_on, months)
    return HomePatient(
        summary=item.summary,
        last_visit_on=item.last_visit_on,
        next_step1_on=next_step1,
        follow_up_due=next_step1 is not None and next_step1 <= today,
    )


def display_name(patient: Patient) -> str:
    """ "USED First (BIRTH)", the way the store's own lists show a person."""
    identity = patient.identity
    return _store_display_name(identity.birth_name, identity.used_name, identity.first_names)


def summary_name(summary: PatientSummary) -> str:
    return _store_display_name(summary.birth_name, summary.used_name, summary.first_names)


def _summary(patient: Patient) -> PatientSummary:
    identity = patient.identity
    return PatientSummary(
        id=patient.id,
        birth_name=identity.birth_name,
        used_name=identity.used_name,
        first_names=identity.first_names,
        birth_date=identity.birth_date,
        sex=identity.sex,
        ins_status=identity.ins_status,
        city=patient.data.city,
    )
