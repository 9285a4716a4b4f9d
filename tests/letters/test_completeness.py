"""Missing information is explained, never printed empty (issue 5)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from icope_desktop.i18n import Text
from icope_desktop.letters import (
    LetterIncomplete,
    check_letter_context,
    letter_problems,
    render_gp_letter,
    render_patient_summary,
)

from .conftest import sample
from .samples import GP, SENDER, make_context, step1


def replace(ctx, **changes):
    return dataclasses.replace(ctx, **changes)


def test_a_complete_visit_passes():
    check_letter_context(sample("three_altered"))
    check_letter_context(sample("three_altered"), "patient_summary")


def test_no_gp_on_file_blocks_the_gp_letter_with_how_to_fix_it():
    ctx = replace(sample("three_altered"), addressee=None)
    with pytest.raises(LetterIncomplete) as info:
        render_gp_letter(ctx)
    assert info.value.fields == ("addressee",)
    assert info.value.messages("fr") == [
        "Aucun médecin traitant renseigné : ajoutez-le dans la fiche du patient."
    ]
    assert info.value.messages("en") == [
        "No GP (médecin traitant) on file: add one in the patient's record."
    ]


def test_the_patient_still_gets_a_summary_without_a_gp():
    ctx = replace(sample("three_altered"), addressee=None)
    pdf = render_patient_summary(ctx)
    assert pdf.startswith(b"%PDF")
    assert b"LE GALL" not in pdf


def test_no_rpps_for_the_sender():
    ctx = replace(sample("urgent_phq9"), sender=dataclasses.replace(SENDER, rpps=None))
    with pytest.raises(LetterIncomplete) as info:
        render_gp_letter(ctx)
    assert info.value.fields == ("sender.rpps",)
    assert info.value.messages("fr")[0].startswith("Votre numéro RPPS n'est pas renseigné :")
    assert "practitioner profile" in info.value.messages("en")[0]
    with pytest.raises(LetterIncomplete):
        render_patient_summary(ctx)


def test_no_visit_results():
    ctx = make_context(None, {})
    with pytest.raises(LetterIncomplete) as info:
        render_gp_letter(ctx)
    assert "visit.results" in info.value.fields
    assert info.value.messages("fr")[info.value.fields.index("visit.results")] == (
        "Aucun résultat d'évaluation pour cette visite : finalisez l'étape 1 ou un test de "
        "l'étape 2 avant d'éditer le courrier."
    )
    assert "visit.next_follow_up" in info.value.fields, "no Step 1: no due date either"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"addressee": dataclasses.replace(GP, rpps=None)}, "addressee.rpps"),
        ({"addressee": dataclasses.replace(GP, rpps="1234")}, "addressee.rpps"),
        ({"addressee": dataclasses.replace(GP, secure_mail="  ")}, "addressee.secure_mail"),
        ({"addressee": dataclasses.replace(GP, secure_mail="legall-at-mssante")},
         "addressee.secure_mail"),
        ({"addressee": dataclasses.replace(GP, last_name="")}, "addressee.name"),
        ({"sender": dataclasses.replace(SENDER, rpps="1010123456X")}, "sender.rpps"),
        ({"sender": dataclasses.replace(SENDER, phone=None)}, "sender.phone"),
        ({"sender": dataclasses.replace(SENDER, email="claire@")}, "sender.email"),
        ({"sender": dataclasses.replace(SENDER, first_name=" ")}, "sender.name"),
        ({"sender": dataclasses.replace(SENDER, profession=Text(fr="", en=""))},
         "sender.profession"),
        ({"visit_place": ""}, "visit.place"),
        ({"next_follow_up": None}, "visit.next_follow_up"),
    ],
)  # fmt: skip
def test_each_missing_or_wrong_field_is_named(change, field):
    ctx = replace(sample("urgent_phq9"), **change)
    with pytest.raises(LetterIncomplete) as info:
        check_letter_context(ctx)
    assert info.value.fields == (field,)
    for lang in ("fr", "en"):
        (message,) = info.value.messages(lang)
        assert ":" in message and message.endswith("."), "what is missing: how to fix it."


def test_patient_identity_checks():
    ctx = sample("urgent_phq9")
    wrong_key = replace(ctx, patient=dataclasses.replace(ctx.patient, ins="242054410912399"))
    assert [p.field for p in letter_problems(wrong_key)] == ["patient.ins"]
    future = replace(ctx, patient=dataclasses.replace(ctx.patient, birth_date=ctx.visit_date
                                                      .replace(year=2026)))  # fmt: skip
    assert [p.field for p in letter_problems(future)] == ["patient.birth_date"]
    late = replace(ctx, next_follow_up=ctx.visit_date)
    assert [p.field for p in letter_problems(late)] == ["visit.next_follow_up"]


def test_history_after_the_visit_is_refused():
    ctx = sample("trend")
    later = ctx.visit_date + timedelta(days=1)
    wrong = replace(ctx, history=(*ctx.history,
                                  dataclasses.replace(ctx.history[0], visit_date=later)))
    assert [p.field for p in letter_problems(wrong)] == ["visit.history"]  # fmt: skip


def test_an_earlier_visit_the_same_day_does_not_stop_the_letter():
    """Audit: visit dates cannot be edited, so refusing a same-day visit left the nurse
    with no fix; the trend keeps one column per day instead (trend.py)."""
    ctx = sample("trend")
    same_day = dataclasses.replace(ctx.history[0], visit_date=ctx.visit_date)
    assert letter_problems(replace(ctx, history=(*ctx.history, same_day))) == []


def test_the_gp_secure_mail_is_not_needed_for_the_patient_summary():
    ctx = replace(sample("urgent_phq9"), addressee=dataclasses.replace(GP, secure_mail=None,
                                                                       rpps=None))  # fmt: skip
    assert {p.field for p in letter_problems(ctx)} == {"addressee.secure_mail", "addressee.rpps"}
    assert letter_problems(ctx, "patient_summary") == []


def test_all_problems_are_reported_at_once_without_patient_data():
    ctx = replace(
        make_context(step1()),
        addressee=None,
        sender=dataclasses.replace(SENDER, rpps=None, phone=None),
        visit_place="",
    )
    with pytest.raises(LetterIncomplete) as info:
        check_letter_context(ctx)
    assert info.value.fields == ("sender.rpps", "sender.phone", "addressee", "visit.place")
    raw = str(info.value) + " ".join(info.value.messages("fr") + info.value.messages("en"))
    for secret in ("MARTIN", "Martin", "DUPONT", "Jeanne", "1942", "2420544109123"):
        assert secret not in raw


def test_a_result_from_an_unknown_instrument_is_refused():
    from icope_desktop.letters import Assessment
    from icope_desktop.screening import Result

    ctx = sample("urgent_phq9")
    data = ctx.step2[0].result.to_json()
    data["instrument_id"] = "moca"
    odd = replace(ctx, step2=(Assessment(Result.from_json(data), {}),))
    assert [p.field for p in letter_problems(odd)] == ["visit.step2"]
