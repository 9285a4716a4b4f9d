"""What a letter cannot do without, said to the user with the way to fix it.

Issue 5: the letter is never produced with an empty or wrong field. The UI calls
`check_letter_context(ctx)` before offering "Preview" and shows each message; the
renderers call it again, so nothing slips through another path. Messages name the missing
piece and where to fill it in; they never repeat patient data (names, birth dates, INS),
because exceptions end up in logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from icope_desktop.i18n import Lang, Text
from icope_desktop.letters.context import Addressee, LetterContext, Sender
from icope_desktop.letters.formats import ins_is_well_formed
from icope_desktop.screening.registry import INSTRUMENTS

RPPS_PATTERN = re.compile(r"\d{11}")
MAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Document = Literal["gp_letter", "patient_summary"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One missing or wrong piece: `field` is stable (the UI and tests switch on it)."""

    field: str
    message: Text


class LetterIncomplete(ValueError):  # noqa: N818 (named for what the user reads)
    """The letter cannot be produced as the visit stands; one `Problem` per gap."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("letter incomplete: " + ", ".join(p.field for p in self.problems))

    def messages(self, lang: Lang | None = None) -> list[str]:
        return [problem.message.get(lang) for problem in self.problems]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(problem.field for problem in self.problems)


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _sender_problems(sender: Sender) -> list[Problem]:
    problems = []
    if _blank(sender.last_name) or _blank(sender.first_name):
        problems.append(Problem("sender.name", Text(
            fr="Votre nom et votre prénom ne sont pas renseignés : complétez votre profil "
            "de professionnel.",
            en="Your last and first names are missing: complete your practitioner profile.",
        )))  # fmt: skip
    if _blank(sender.profession.fr) or _blank(sender.profession.en):
        problems.append(Problem("sender.profession", Text(
            fr="Votre profession n'est pas renseignée : complétez votre profil de "
            "professionnel.",
            en="Your profession is missing: complete your practitioner profile.",
        )))  # fmt: skip
    if _blank(sender.rpps):
        problems.append(Problem("sender.rpps", Text(
            fr="Votre numéro RPPS n'est pas renseigné : ajoutez-le dans votre profil de "
            "professionnel (11 chiffres, carte CPS).",
            en="Your RPPS number is missing: add it to your practitioner profile "
            "(11 digits, CPS card).",
        )))  # fmt: skip
    elif not RPPS_PATTERN.fullmatch(sender.rpps.strip()):
        problems.append(Problem("sender.rpps", Text(
            fr="Votre numéro RPPS doit comporter 11 chiffres : corrigez-le dans votre "
            "profil de professionnel.",
            en="Your RPPS number must have 11 digits: correct it in your practitioner "
            "profile.",
        )))  # fmt: skip
    if _blank(sender.phone):
        problems.append(Problem("sender.phone", Text(
            fr="Votre numéro de téléphone n'est pas renseigné (le médecin et le patient "
            "doivent pouvoir vous joindre) : complétez votre profil de professionnel.",
            en="Your phone number is missing (the GP and the patient must be able to "
            "reach you): complete your practitioner profile.",
        )))  # fmt: skip
    if not _blank(sender.email) and not MAIL_PATTERN.fullmatch(sender.email.strip()):
        problems.append(Problem("sender.email", Text(
            fr="Votre adresse e-mail n'est pas valide : corrigez-la dans votre profil de "
            "professionnel.",
            en="Your e-mail address is not valid: correct it in your practitioner profile.",
        )))  # fmt: skip
    return problems


def _addressee_problems(gp: Addressee | None) -> list[Problem]:
    if gp is None:
        return [Problem("addressee", Text(
            fr="Aucun médecin traitant renseigné : ajoutez-le dans la fiche du patient.",
            en="No GP (médecin traitant) on file: add one in the patient's record.",
        ))]  # fmt: skip
    problems = []
    if _blank(gp.last_name):
        problems.append(Problem("addressee.name", Text(
            fr="Le nom du médecin traitant manque : complétez la fiche du médecin traitant.",
            en="The GP's name is missing: complete the GP's record.",
        )))  # fmt: skip
    if _blank(gp.rpps):
        problems.append(Problem("addressee.rpps", Text(
            fr="Le numéro RPPS du médecin traitant manque : ajoutez-le dans la fiche du "
            "médecin traitant (11 chiffres, annuaire santé).",
            en="The GP's RPPS number is missing: add it to the GP's record (11 digits, "
            "Annuaire Santé).",
        )))  # fmt: skip
    elif not RPPS_PATTERN.fullmatch(gp.rpps.strip()):
        problems.append(Problem("addressee.rpps", Text(
            fr="Le numéro RPPS du médecin traitant doit comporter 11 chiffres : corrigez "
            "la fiche du médecin traitant.",
            en="The GP's RPPS number must have 11 digits: correct the GP's record.",
        )))  # fmt: skip
    if _blank(gp.secure_mail):
        problems.append(Problem("addressee.secure_mail", Text(
            fr="L'adresse de messagerie sécurisée (MSSanté) du médecin traitant manque : "
            "ajoutez-la dans la fiche du médecin traitant.",
            en="The GP's secure-mail (MSSanté) address is missing: add it to the GP's "
            "record.",
        )))  # fmt: skip
    elif not MAIL_PATTERN.fullmatch(gp.secure_mail.strip()):
        problems.append(Problem("addressee.secure_mail", Text(
            fr="L'adresse de messagerie sécurisée du médecin traitant n'est pas valide : "
            "corrigez la fiche du médecin traitant.",
            en="The GP's secure-mail address is not valid: correct the GP's record.",
        )))  # fmt: skip
    return problems


def _patient_problems(ctx: LetterContext) -> list[Problem]:
    patient = ctx.patient
    problems = []
    if _blank(patient.birth_name) or _blank(patient.first_names):
        problems.append(Problem("patient.name", Text(
            fr="Le nom de naissance ou les prénoms du patient manquent : complétez la fiche "
            "du patient.",
            en="The patient's birth name or first names are missing: complete the "
            "patient's record.",
        )))  # fmt: skip
    if patient.birth_date > ctx.visit_date:
        problems.append(Problem("patient.birth_date", Text(
            fr="La date de naissance du patient est postérieure à la date de la visite : "
            "corrigez la fiche du patient.",
            en="The patient's birth date is after the visit date: correct the patient's "
            "record.",
        )))  # fmt: skip
    if patient.ins is not None and not ins_is_well_formed(patient.ins):
        problems.append(Problem("patient.ins", Text(
            fr="L'INS du patient est mal formé (15 caractères, clé de contrôle) : "
            "vérifiez-le avec la carte Vitale ou le téléservice INSi.",
            en="The patient's INS is malformed (15 characters, control key): check it "
            "against the carte Vitale or the INSi service.",
        )))  # fmt: skip
    return problems


def _visit_problems(ctx: LetterContext) -> list[Problem]:
    problems = []
    if _blank(ctx.visit_place):
        problems.append(Problem("visit.place", Text(
            fr="Le lieu de la visite n'est pas renseigné : complétez la visite.",
            en="The place of the visit is missing: complete the visit.",
        )))  # fmt: skip
    if ctx.step1 is None and not ctx.step2:
        problems.append(Problem("visit.results", Text(
            fr="Aucun résultat d'évaluation pour cette visite : finalisez l'étape 1 ou un "
            "test de l'étape 2 avant d'éditer le courrier.",
            en="No assessment result for this visit: finalize Step 1 or a Step 2 test "
            "before issuing the letter.",
        )))  # fmt: skip
    if ctx.step1 is not None and ctx.step1.result.instrument_id != "step1":
        problems.append(Problem("visit.step1", Text(
            fr="Le résultat placé en étape 1 n'est pas un repérage ICOPE étape 1.",
            en="The result given as Step 1 is not an ICOPE Step 1 screening.",
        )))  # fmt: skip
    unknown = [a.instrument_id for a in ctx.step2 if a.instrument_id not in INSTRUMENTS]
    if unknown:
        problems.append(Problem("visit.step2", Text(
            fr="Un test de l'étape 2 vient d'une version plus récente de l'application : "
            "mettez l'application à jour pour éditer ce courrier.",
            en="A Step 2 test comes from a newer version of the application: update the "
            "application to issue this letter.",
        )))  # fmt: skip
    if any(a.result.instrument_id == "step1" for a in ctx.step2):
        problems.append(Problem("visit.step2", Text(
            fr="Un repérage d'étape 1 figure parmi les tests de l'étape 2.",
            en="A Step 1 screening is listed among the Step 2 tests.",
        )))  # fmt: skip
    if ctx.next_follow_up is None:
        problems.append(Problem("visit.next_follow_up", Text(
            fr="La date du prochain suivi n'est pas fixée : indiquez-la dans le plan de "
            "soins de la visite.",
            en="The next follow-up date is not set: enter it in the visit's care plan.",
        )))  # fmt: skip
    elif ctx.next_follow_up <= ctx.visit_date:
        problems.append(Problem("visit.next_follow_up", Text(
            fr="La date du prochain suivi doit être postérieure à la visite : corrigez-la "
            "dans le plan de soins.",
            en="The next follow-up date must be after the visit: correct it in the care "
            "plan.",
        )))  # fmt: skip
    # A visit the same day is normal (a visit redone after a mistake, Step 2 done on
    # its own in the afternoon): the trend keeps one column per day (trend.py). Only a
    # later visit is a contradiction, and the service never passes one.
    if any(past.visit_date > ctx.visit_date for past in ctx.history):
        problems.append(Problem("visit.history", Text(
            fr="L'historique contient une visite datée après cette visite : vérifiez les "
            "dates des visites précédentes.",
            en="The history holds a visit dated after this visit: check the dates of the "
            "earlier visits.",
        )))  # fmt: skip
    return problems


def letter_problems(ctx: LetterContext, document: Document = "gp_letter") -> list[Problem]:
    """Every problem at once, so the user fixes them in one go (not one per attempt).

    The patient summary does not need the GP's RPPS or secure mail (the patient is told
    to call their GP when one is on file), so a gap there never keeps the patient from
    leaving with their summary.
    """
    gp = _addressee_problems(ctx.addressee) if document == "gp_letter" else []
    return [
        *_sender_problems(ctx.sender),
        *gp,
        *_patient_problems(ctx),
        *_visit_problems(ctx),
    ]


def check_letter_context(ctx: LetterContext, document: Document = "gp_letter") -> None:
    """Raise `LetterIncomplete` listing every gap; return quietly when the document
    (`"gp_letter"` or `"patient_summary"`) can be produced."""
    problems = letter_problems(ctx, document)
    if problems:
        raise LetterIncomplete(problems)
