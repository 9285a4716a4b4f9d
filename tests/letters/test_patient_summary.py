"""The patient summary: large print, plain words, what next, whom to call."""

from __future__ import annotations

import pytest

from .conftest import sample

JARGON = ("locomotion", "altérée", "altered", "PHQ", "MMSE", "SPPB", "MNA", "vitalité", "TCC",
          "polymédication", "multicomposante", "étape 2", "Step 2")  # fmt: skip


@pytest.mark.parametrize("name", ["three_altered", "urgent_phq9", "long_care_plan"])
def test_body_text_is_at_least_14_points(letter, name):
    pdf = letter(name, "patient", "fr")
    for index in range(pdf.page_count):
        sizes = {round(c["size"], 1) for c in pdf.body_page(index).chars if c["text"].strip()}
        assert min(sizes) >= 14, sizes
    footer_sizes = {round(c["size"], 1) for c in pdf.pages[0].chars
                    if c["top"] > pdf.footer_top(0)}  # fmt: skip
    assert footer_sizes and max(footer_sizes) < 14, "only the footer is small"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plain_language_without_jargon(letter, lang):
    text = letter("three_altered", "patient", lang).body_text
    for word in JARGON:
        assert word.lower() not in text.lower(), word
    if lang == "fr":
        for expected in ("Votre mobilité (se lever, marcher) ■ Mérite de l'attention",
                         "Votre mémoire ● Rien d'inquiétant aujourd'hui",
                         "Votre alimentation et votre poids ■ Mérite de l'attention",
                         "Votre moral ■ Mérite de l'attention",
                         "Faire chaque semaine des exercices pour les jambes, l'équilibre et le "
                         "souffle."):
            assert expected in text, expected  # fmt: skip
    else:
        assert "Your mobility (getting up, walking) ■ Needs attention" in text
        assert "Your hearing ● Nothing worrying today" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_capacity_reads_on_one_line(letter, lang):
    """Large print must not break « Rien d'inquiétant / aujourd'hui » over two lines."""
    from icope_desktop.letters.patient_summary import MARKS
    from icope_desktop.letters.plain_words import CAPACITY, OUTCOME

    pdf = letter("not_assessable", "patient", lang)
    lines = [" ".join(line.split()) for line in pdf.pages[0].extract_text().splitlines()]
    for domain, capacity in CAPACITY.items():
        status = sample("not_assessable").domain_statuses[domain]
        row = f"{capacity.get(lang)} {MARKS[status]} {OUTCOME[status].get(lang)}"
        assert any(row in line for line in lines), row


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_next_appointment_and_whom_to_call(letter, lang):
    text = letter("three_altered", "patient", lang).body_text
    if lang == "fr":
        assert "Madame Jeanne Marie MARTIN" in text
        assert "Bilan du 12 mars 2025" in text
        assert "Vers le 12 septembre 2025. Nous vous appellerons pour fixer le jour." in text
        assert "Qui appeler ? Claire BOURGET 02 40 12 34 56 Infirmière diplômée d'État" in text
        assert "Docteur Hervé LE GALL 02 40 98 76 54 Votre médecin traitant" in text
    else:
        assert "Around 12 September 2025. We will call you to set the day." in text
        assert "Doctor Hervé LE GALL 02 40 98 76 54 Your GP" in text
    assert "3114" not in text, "3114 only with the suicide-risk alert"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_3114_and_emergency_numbers_with_the_suicide_risk_alert(letter, lang):
    pdf = letter("urgent_phq9", "patient", lang)
    text = pdf.body_text
    if lang == "fr":
        assert ("Si vous avez des idées noires ou pensez à vous faire du mal Appelez le 3114 : "
                "gratuit, 24 heures sur 24, 7 jours sur 7. En cas de danger immédiat : appelez "
                "le 15 ou le 112.") in text  # fmt: skip
        assert "Idées noires, détresse : gratuit, jour et nuit 3114" in text
        assert "Urgence, danger immédiat 15 ou 112" in text
    else:
        assert "Call 3114: free, 24 hours a day, 7 days a week." in text
        assert "Dark thoughts, distress: free, day and night 3114" in text
    assert text.index("3114") < text.index("Votre moral" if lang == "fr" else "Your mood"), (
        "the crisis numbers come before the findings"
    )


def test_advice_follows_the_care_plan_in_plain_words(letter):
    ctx = sample("long_care_plan")
    text = letter("long_care_plan", "patient", "fr").body_text
    assert "Votre vue • Prendre rendez-vous chez l'ophtalmologiste (médecin des yeux)." in text
    assert "• Rendez-vous chez l'ophtalmologiste à prendre par la fille de la patiente." in text
    assert "Autres conseils • Revoir le pilulier avec le pharmacien" in text
    assert "Orientation vers soins ophtalmologiques complets" not in text
    assert len(ctx.care_plan) > 20


def test_edited_recommendation_is_shown_as_the_practitioner_wrote_it():
    import dataclasses

    from icope_desktop.letters import CarePlanLine, render_patient_summary

    from .pdf_reading import LetterPdf

    ctx = sample("urgent_phq9")
    first = ctx.care_plan[1]
    edited = CarePlanLine.typed("Ophtalmologiste le 3 avril à 10 h, Dr Bernard", first.domain,
                                first.code)  # fmt: skip
    plan = (ctx.care_plan[0], edited, *ctx.care_plan[2:])
    pdf = LetterPdf(render_patient_summary(dataclasses.replace(ctx, care_plan=plan)))
    assert "Ophtalmologiste le 3 avril à 10 h, Dr Bernard" in pdf.body_text
    assert "Prendre rendez-vous chez l'ophtalmologiste" not in pdf.body_text
    pdf.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_safety_line_and_recorded_action_stay_in_the_gp_letter(lang):
    """Audit s12: the item-9 safety line, edited with the recorded action, is clinical
    text; the patient reads a gentle sentence, the GP the instruction and the action."""
    import dataclasses

    from icope_desktop.letters import CarePlanLine, render_gp_letter, render_patient_summary

    from .pdf_reading import LetterPdf

    ctx = sample("urgent_phq9")
    index, safety = next((i, line) for i, line in enumerate(ctx.care_plan)
                         if line.code == "PSY_ITEM9_SAFETY")  # fmt: skip
    recorded = CarePlanLine(
        dataclasses.replace(
            safety.text,
            fr=f"{safety.text.fr} — Sécurité évaluée immédiatement (le 12/03/2025 à 10:40)",
            en=f"{safety.text.en} — Safety assessed at once (on 12 Mar 2025 at 10:40)",
        ),
        safety.domain, safety.code,
    )  # fmt: skip
    plan = (*ctx.care_plan[:index], recorded, *ctx.care_plan[index + 1:])
    with_action = dataclasses.replace(ctx, care_plan=plan)
    patient = LetterPdf(render_patient_summary(with_action, lang))
    text = patient.body_text
    for clinical in ("PHQ", "Sécurité évaluée", "Safety assessed", "10:40", "question 9",
                     "item 9"):
        assert clinical not in text, clinical
    gentle = ("Nous avons parlé ensemble de votre moral ; votre médecin traitant est informé."
              if lang == "fr" else "We talked together about your mood; your GP has been told.")
    assert gentle in text
    assert "3114" in text, "the crisis numbers stay"
    patient.close()
    no_gp = LetterPdf(render_patient_summary(dataclasses.replace(with_action, addressee=None),
                                             lang))  # fmt: skip
    assert "médecin traitant est informé" not in no_gp.body_text
    assert "your GP has been told" not in no_gp.body_text
    no_gp.close()
    gp = LetterPdf(render_gp_letter(with_action, lang))
    action = "Sécurité évaluée immédiatement" if lang == "fr" else "Safety assessed at once"
    assert action in gp.body_text
    gp.close()
