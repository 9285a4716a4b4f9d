"""How dates, names, ages, scores and identifiers are written in the letters.

Everything here is a pure function of its arguments and the language: a letter is
regenerated identically from the same input, so nothing reads the clock or the locale
(the system locale would change month names from one machine to the next).
"""

from __future__ import annotations

import re
from datetime import date

from icope_desktop.i18n import Lang, tr
from icope_desktop.letters.context import PatientInfo, Sex
from icope_desktop.screening import Result

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value: date, lang: Lang) -> str:
    """« 1er mars 2025 » / "1 March 2025"."""
    if lang == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def short_date(value: date, lang: Lang) -> str:
    """French 12/03/2025; English 12 Mar 2025 (a numeric English date is ambiguous)."""
    if lang == "fr":
        return value.strftime("%d/%m/%Y")
    return f"{value.day} {MONTHS_EN[value.month - 1][:3]} {value.year}"


def column_date(value: date, lang: Lang) -> str:
    """Trend column heading: 03/2025 / Mar 2025 (visits are months apart)."""
    if lang == "fr":
        return value.strftime("%m/%Y")
    return f"{MONTHS_EN[value.month - 1][:3]} {value.year}"


def age_on(birth: date, on: date) -> int:
    """Age in completed years on a given day (the visit, never today)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def number(value: int | float, lang: Lang) -> str:
    """23.5 → « 23,5 »; whole floats lose their ".0" (MNA halves are exact)."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def civility(sex: Sex, lang: Lang) -> str:
    if sex is Sex.FEMALE:
        return tr("Mme", lang)
    if sex is Sex.MALE:
        return tr("M.", lang)
    return ""


def display_name(patient: PatientInfo, lang: Lang, *, with_civility: bool = True) -> str:
    """« Mme Jeanne MARTIN » with the used name, the birth name otherwise (names in
    capitals, as French identity documents write them)."""
    surname = (patient.used_name or patient.birth_name).strip().upper()
    parts = [civility(patient.sex, lang)] if with_civility else []
    parts += [patient.first_names.strip(), surname]
    return " ".join(p for p in parts if p)


def birth_name_note(patient: PatientInfo, lang: Lang) -> str | None:
    """« née DUPONT » when the used name differs from the birth name."""
    used = (patient.used_name or "").strip().upper()
    birth = patient.birth_name.strip().upper()
    if not used or used == birth:
        return None
    if patient.sex is Sex.FEMALE:
        return tr("née {name}", lang).format(name=birth)
    if patient.sex is Sex.MALE:
        return tr("né {name}", lang).format(name=birth)
    return tr("né(e) {name}", lang).format(name=birth)


def sex_label(sex: Sex, lang: Lang) -> str:
    return {
        Sex.FEMALE: tr("féminin", lang),
        Sex.MALE: tr("masculin", lang),
        Sex.INDETERMINATE: tr("indéterminé", lang),
    }[sex]


INS_PATTERN = re.compile(r"[1278]\d{2}(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2A|2B)\d{6}\d{2}")
"""NIR-shaped INS (NIR, or NIA starting with 7 or 8): sex, year, month (20 and above
for an unknown month), department (2A/2B for Corsica), commune, order, key."""


def clean_ins(ins: str) -> str:
    return re.sub(r"\s", "", ins).upper()


def ins_is_well_formed(ins: str) -> bool:
    """Shape and control key: key = 97 − (the 13 digits mod 97), with Corsica's 2A/2B
    read as 19/18 (the NIR key rule), so a mistyped digit is caught."""
    raw = clean_ins(ins)
    if INS_PATTERN.fullmatch(raw) is None:
        return False
    body = raw[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(raw[13:])


def grouped_ins(ins: str) -> str:
    """2 42 05 75 056 034 12: the grouping of the carte Vitale, easier to read back."""
    raw = clean_ins(ins)
    if len(raw) != 15:
        return raw
    return " ".join((raw[0], raw[1:3], raw[3:5], raw[5:7], raw[7:10], raw[10:13], raw[13:]))


def person_name(first_name: str, last_name: str) -> str:
    return " ".join(p for p in (first_name.strip(), last_name.strip().upper()) if p)


def score_parts(result: Result, lang: Lang) -> tuple[str, str | None]:
    """The score and, when it is not computable, the range it could still reach:
    (« 24/30 », None); (« 21/27 », None) for an MMSE with items not assessable (raw
    over administrable, spec §3.1); (« non calculable », « entre 10 et 16 ») when items
    are missing (spec §3.1–§3.6: a missing item never counts as 0)."""
    out_of = result.max_administrable if result.max_administrable is not None else (
        result.max_total
    )
    if result.total is not None:
        shown = number(result.total, lang)
        return (f"{shown}/{out_of}" if out_of is not None else shown), None
    if result.bounds is not None:
        low, high = (number(b, lang) for b in result.bounds)
        return tr("non calculable", lang), tr("entre {low} et {high}", lang).format(
            low=low, high=high
        )
    return tr("non calculable", lang), None


def score_text(result: Result, lang: Lang) -> str:
    main, detail = score_parts(result, lang)
    return f"{main} ({detail})" if detail else main


def colon(lang: Lang) -> str:
    """French sets a space before the colon, English does not."""
    return " : " if lang == "fr" else ": "


def semicolon(lang: Lang) -> str:
    return " ; " if lang == "fr" else "; "


def unbreakable(text: str) -> str:
    """Phone numbers and the like never wrap mid-number (no-break spaces)."""
    return text.replace(" ", "\u00a0")


def born_on(patient: PatientInfo, lang: Lang) -> str:
    """« née le 03/05/1942 » agreed with the patient's sex."""
    when = short_date(patient.birth_date, lang)
    if patient.sex is Sex.FEMALE:
        return tr("née le {date}", lang).format(date=when)
    if patient.sex is Sex.MALE:
        return tr("né le {date}", lang).format(date=when)
    return tr("né(e) le {date}", lang).format(date=when)
