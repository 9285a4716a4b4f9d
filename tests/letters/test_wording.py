"""Dates, identifiers and translations of the letters."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import polib
import pytest

from icope_desktop.letters.formats import (
    age_on,
    column_date,
    grouped_ins,
    ins_is_well_formed,
    long_date,
    short_date,
)
from icope_desktop.letters.plain_words import ADVICE, CAPACITY, OUTCOME
from icope_desktop.screening import ALL_RECOMMENDATIONS, Domain, DomainStatus

from .samples import PATIENT_INS, ins_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [
        (date(2025, 3, 1), "1er mars 2025", "1 March 2025"),
        (date(2025, 8, 15), "15 août 2025", "15 August 2025"),
        (date(2024, 12, 31), "31 décembre 2024", "31 December 2024"),
    ],
)
def test_long_dates_do_not_depend_on_the_locale(value, fr, en):
    assert (long_date(value, "fr"), long_date(value, "en")) == (fr, en)


def test_short_dates():
    assert short_date(date(2025, 3, 7), "fr") == "07/03/2025"
    assert short_date(date(2025, 3, 7), "en") == "7 Mar 2025"
    assert column_date(date(2025, 3, 7), "en") == "Mar 2025"


@pytest.mark.parametrize(
    ("on", "age"),
    [(date(2025, 5, 2), 82), (date(2025, 5, 3), 83), (date(2025, 12, 31), 83)],
)
def test_age_is_counted_on_the_visit_day(on, age):
    assert age_on(date(1942, 5, 3), on) == age


def test_ins_control_key():
    assert ins_is_well_formed(PATIENT_INS)
    assert ins_is_well_formed(" ".join(grouped_ins(PATIENT_INS).split()))
    assert grouped_ins(PATIENT_INS) == "2 42 05 44 109 123 34"
    body = PATIENT_INS[:13]
    wrong_key = f"{body}{(int(PATIENT_INS[13:]) + 1) % 100:02d}"
    assert not ins_is_well_formed(wrong_key)
    assert not ins_is_well_formed(PATIENT_INS[:-1])
    assert ins_is_well_formed(ins_for("7550299004012")), "an NIA starts with 7 or 8"
    # Corsica: department 2A reads as 19 for the key.
    corsica_2a = "15502" + "2A" + "004012"
    key = 97 - int(corsica_2a.replace("2A", "19")) % 97
    assert ins_is_well_formed(f"{corsica_2a}{key:02d}")
    assert not ins_is_well_formed(f"{corsica_2a}{(key + 1) % 97:02d}")


def test_plain_words_cover_every_capacity_status_and_recommendation():
    assert set(CAPACITY) == set(Domain)
    assert set(OUTCOME) == set(DomainStatus)
    assert {r.code for r in ALL_RECOMMENDATIONS} == set(ADVICE)
    for text in [*CAPACITY.values(), *OUTCOME.values(), *ADVICE.values()]:
        assert text.fr and text.en and text.fr != text.en


def _tr_literals() -> set[str]:
    found = set()
    for path in (ROOT / "icope_desktop" / "letters").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"tr", "_"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_letter_string_has_an_english_translation():
    """tests/test_i18n.py checks `_()`; letters translate with `tr(..., lang)`."""
    catalog = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "resources/i18n/en/letters.po"))}
    literals = _tr_literals()
    assert len(literals) > 90
    missing = sorted(literal for literal in literals if not catalog.get(literal))
    assert not missing
    for literal in literals:
        for placeholder in ("{date}", "{name}", "{count}", "{page}", "{pages}", "<b>"):
            assert (placeholder in literal) == (placeholder in catalog[literal]), literal


def test_no_other_catalog_translates_a_letter_string_differently():
    """`i18n.english_catalog()` merges every PO file by msgid: a French string another
    area translates differently would change the letters' English silently."""
    folder = ROOT / "resources/i18n/en"
    mine = {e.msgid: e.msgstr for e in polib.pofile(str(folder / "letters.po"))}
    clashes = [
        f"{path.name}: {entry.msgid!r} → {entry.msgstr!r} (letters: {mine[entry.msgid]!r})"
        for path in sorted(folder.glob("*.po"))
        if path.name != "letters.po"
        for entry in polib.pofile(str(path))
        if entry.msgid in mine and entry.msgstr != mine[entry.msgid]
    ]
    assert not clashes, "\n".join(clashes)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "2 dernières semaines : peu d'intérêt ou de plaisir ? oui"),
        ("en", "Past 2 weeks: little interest or pleasure? yes"),
    ],
)
def test_a_question_and_its_answer_read_without_doubled_punctuation(lang, expected):
    from icope_desktop.letters.context import Assessment
    from icope_desktop.letters.result_tables import item_with_answer
    from icope_desktop.screening import ScoringContext, score

    answers = {"P1": False, "P2": True}
    result = score("step1", answers, ScoringContext(age_years=80, visit_date=date(2025, 3, 3)))
    line = item_with_answer(Assessment(result, answers), "P2", lang)
    assert line.replace("\u202f", " ").replace("\u00a0", " ") == expected


def test_french_letters_space_every_double_punctuation_mark():
    """Audit: « non renseigné; autonomie ». French sets a (no-break) space before ; : ! ?
    (formats.semicolon / colon, blocks.keep_punctuation), times included (« 10 h 40 »,
    not « 10:40 »): every sample, and the item-9 action the service writes into the
    care plan."""
    import dataclasses
    import re

    from icope_desktop.letters import CarePlanLine, render_gp_letter, render_patient_summary
    from icope_desktop.services.letters import recorded_action

    from .conftest import sample
    from .pdf_reading import LetterPdf
    from .samples import ALL_SAMPLES

    urgent = sample("urgent_phq9")
    index, safety = next((i, line) for i, line in enumerate(urgent.care_plan)
                         if line.code == "PSY_ITEM9_SAFETY")  # fmt: skip
    note = ("Safety assessed at once (plan, means, intent); GP contacted the same day; "
            "Fille présente (12/03/2025 10:40)")
    action = recorded_action(note, "Claire BOURGET")
    line = CarePlanLine(dataclasses.replace(safety.text, fr=f"{safety.text.fr} — {action.fr}"),
                        safety.domain, safety.code)  # fmt: skip
    recorded = dataclasses.replace(
        urgent, care_plan=(*urgent.care_plan[:index], line, *urgent.care_plan[index + 1:])
    )
    contexts = [sample(name) for name in ALL_SAMPLES] + [recorded]
    for ctx in contexts:
        for render in (render_gp_letter, render_patient_summary):
            pdf = LetterPdf(render(ctx, "fr"))
            text = pdf.full_text
            pdf.close()
            unspaced = [m.group() for m in re.finditer(r".{12}[^\s;:!?][;:!?](?!//).{0,12}", text)]
            assert not unspaced, unspaced
    assert "Médecin traitant contacté le jour même ; Fille présente" in action.fr
