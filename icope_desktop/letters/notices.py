"""The footer's provenance line and the instrument notices of clinical spec §7.

The notices come from each instrument's definition (`Instrument.licence_notice`), so a
new instrument brings its own. The MMSE's definition notice speaks to the app user ("use
your licensed form and enter the sub-scores"); a letter only needs the copyright line, so
its wording for the letter is given here.
"""

from __future__ import annotations

from icope_desktop.i18n import Lang, Text, tr
from icope_desktop.letters.context import LetterContext
from icope_desktop.screening import RULESET_VERSION, get_instrument

LETTER_NOTICE_OVERRIDES: dict[str, Text] = {
    "mmse": Text(
        fr="MMSE © MiniMental LLC, licence exclusive PAR : sous-scores relevés sur le "
        "formulaire sous licence du professionnel.",
        en="MMSE © MiniMental LLC, exclusively licensed to PAR: sub-scores taken from the "
        "practitioner's licensed form.",
    ),
}


def instrument_ids(ctx: LetterContext) -> list[str]:
    ids = ["step1"] if ctx.step1 is not None else []
    ids += [a.instrument_id for a in ctx.step2]
    return ids


def instrument_notices(ctx: LetterContext, lang: Lang) -> list[str]:
    """One line per notice of the instruments that appear, without repeats (the MNA-SF
    and the full MNA share theirs)."""
    lines: list[str] = []
    for instrument_id in instrument_ids(ctx):
        notice = LETTER_NOTICE_OVERRIDES.get(instrument_id) or (
            get_instrument(instrument_id).licence_notice
        )
        if notice is not None and notice.get(lang) not in lines:
            lines.append(notice.get(lang))
    return lines


def provenance(lang: Lang) -> str:
    return tr(
        "Document produit à partir de l'évaluation du programme ICOPE (OMS, soins intégrés "
        "pour les personnes âgées) réalisée par le professionnel signataire ; règles "
        "cliniques v{version}.",
        lang,
    ).format(version=RULESET_VERSION)
