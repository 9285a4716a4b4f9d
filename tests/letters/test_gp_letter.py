"""The GP letter read back from its PDF: every value the issue lists, in French and English."""

from __future__ import annotations

import pytest

from icope_desktop.screening import Domain, Severity

from .conftest import sample
from .samples import GP, LONG_PLAN_EXTRA, SENDER

STATUS_FR = {"normal": "normale", "altered": "altérée", "not_evaluated": "non évaluée"}
STATUS_EN = {"normal": "normal", "altered": "altered", "not_evaluated": "not evaluated"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sender_addressee_patient_and_visit_identities(letter, lang):
    text = letter("three_altered", "gp", lang).body_text
    for expected in (
        "Claire BOURGET", SENDER.profession.get(lang), "RPPS 10101234567", "02 40 12 34 56",
        "claire.bourget@exemple-sante.fr", "4 rue de la Mésange", "Hervé LE GALL",
        "RPPS 10009876543", "herve.legall@medecin.mssante.fr", "12 boulevard Léon-Bureau",
        "Jeanne Marie MARTIN", "née DUPONT", "2 42 05 44 109 123 34",
        "Domicile de la patiente, Rezé",
    ):  # fmt: skip
        assert expected in text, expected
    if lang == "fr":
        for expected in ("Docteur Hervé LE GALL", "Médecin traitant", "Mme Jeanne Marie MARTIN",
                         "03/05/1942 (82 ans)", "féminin", "Visite 12/03/2025",
                         "Programme ICOPE : évaluation du 12 mars 2025", "Le 12 mars 2025"):
            assert expected in text, expected  # fmt: skip
    else:
        for expected in ("Doctor Hervé LE GALL", "Registered nurse GP", "Ms Jeanne Marie MARTIN",
                         "3 May 1942 (aged 82)", "female", "Visit 12 Mar 2025",
                         "ICOPE programme: assessment of 12 March 2025"):
            assert expected in text, expected  # fmt: skip


def test_ins_is_left_out_when_not_known(letter):
    import dataclasses

    from icope_desktop.letters import render_gp_letter

    from .pdf_reading import LetterPdf

    ctx = sample("urgent_phq9")
    unknown = dataclasses.replace(ctx, patient=dataclasses.replace(ctx.patient, ins=None))
    pdf = LetterPdf(render_gp_letter(unknown))
    assert "INS non connu" in pdf.body_text
    assert "2 42 05 44" not in pdf.full_text
    pdf.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_step1_table_has_the_six_capacities_with_their_status(letter, lang):
    ctx = sample("three_altered")
    pdf = letter("three_altered", "gp", lang)
    headers = ("Capacité", "Résultat", "Critère") if lang == "fr" else (
        "Capacity", "Result", "Positive")  # fmt: skip
    table = pdf.table(*headers)
    labels = STATUS_FR if lang == "fr" else STATUS_EN
    seen = {}
    for domain in Domain:
        first_word = domain.label.get(lang).split()[0]
        row = table.row(first_word)
        assert row[headers[0]] == domain.label.get(lang)
        seen[domain] = row[headers[1]].split(" ", 1)[1]
    expected = {d: labels[s.value] for d, s in ctx.step1.result.domain_statuses.items()}
    assert seen == expected
    assert [d for d, s in seen.items() if s == labels["altered"]] == [
        Domain.LOCOMOTION, Domain.VITALITY, Domain.PSYCHOLOGICAL]  # fmt: skip
    criteria = table.row("Locomotion")[headers[2]]
    assert criteria == ("Lever de chaise ×5 : durée : 16,4 s" if lang == "fr"
                        else "5 chair rises: time: 16.4 s")  # fmt: skip


def test_step2_rows_show_score_maximum_band_threshold_and_verdict(letter):
    table = letter("three_altered", "gp", "fr").table("Test", "Score", "Bande", "Seuil", "Capacité")
    assert table.row("SPPB") == {
        "Test": "SPPB (performance physique)", "Score": "7/12", "Bande": "modérée (indicatif)",
        "Seuil": "altérée si SPPB ≤ 9", "Capacité": "altérée",
    }  # fmt: skip
    assert table.row("MNA®-SF") == {
        "Test": "MNA®-SF (dépistage nutritionnel)", "Score": "8/14",
        "Bande": "risque de dénutrition", "Seuil": "altérée si MNA-SF ≤ 11 ; dénutrition si ≤ 7",
        "Capacité": "altérée",
    }  # fmt: skip
    assert table.row("Humeur") == {
        "Test": "Humeur (PHQ-9)", "Score": "7/27", "Bande": "léger",
        "Seuil": "altérée si PHQ-9 ≥ 5 ou question 9 ≥ 1 ; dépression majeure probable si ≥ 10",
        "Capacité": "altérée",
    }  # fmt: skip
    assert "Interprétation : Symptômes dépressifs : léger." in table.detail_under("Humeur")


def test_step2_rows_in_english(letter):
    table = letter("three_altered", "gp", "en").table(
        "Test", "Score", "Band", "Threshold", "Capacity"
    )
    assert table.row("SPPB") == {
        "Test": "SPPB (physical performance)", "Score": "7/12", "Band": "moderate (indicative)",
        "Threshold": "altered if SPPB ≤ 9", "Capacity": "altered",
    }  # fmt: skip
    assert table.row("Mood")["Threshold"] == (
        "altered if PHQ-9 ≥ 5 or item 9 ≥ 1; probable major depression if ≥ 10"
    )


def test_items_not_assessable_are_listed_with_their_reason(letter):
    pdf = letter("not_assessable", "gp", "fr")
    step2 = pdf.table("Test", "Score", "Bande", "Seuil", "Capacité")
    mmse = step2.row("MMSE")
    assert (mmse["Score"], mmse["Capacité"]) == ("23/28", "indéterminée")
    detail = step2.detail_under("MMSE")
    assert "Maximum administrable : 28 sur 30 (items non évaluables)" in detail
    assert ("Items non évaluables : Lecture-exécution (déficit visuel) ; Copie de la figure "
            "(déficit visuel)") in detail  # fmt: skip
    assert "Score rapporté à 30 : 24,6 (non validé, information seulement)." in detail
    phq9 = step2.row("Humeur")
    assert phq9["Score"] == "non calculable entre 7 et 10"
    assert phq9["Bande"] == "indéterminé"
    assert "Items non évaluables : Mauvaise estime de soi (refus de répondre)" in (
        step2.detail_under("Humeur")
    )
    hearing = pdf.table("Capacité", "Résultat", "Critère").row("Audition")
    assert hearing["Résultat"] == "○ non évaluée"
    assert hearing["Critère"] == (
        "Test de l'audition : méthode (non évaluable : environnement bruyant)"
    )
    assert "non évaluée(s) : Audition" in pdf.body_text


def test_items_not_assessable_in_english(letter):
    detail = letter("not_assessable", "gp", "en").table(
        "Test", "Score", "Band", "Threshold", "Capacity").detail_under("MMSE")  # fmt: skip
    assert ("Items not assessable: Read and obey (visual impairment); Copy the design "
            "(visual impairment)") in detail  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_urgent_alert_comes_first_with_the_required_action(letter, lang):
    ctx = sample("urgent_phq9")
    assert next(a.severity for a in ctx.alerts) is Severity.URGENT
    text = letter("urgent_phq9", "gp", lang).body_text
    urgent = text.index("ALERTE URGENTE" if lang == "fr" else "URGENT ALERT")
    step1 = text.index("Étape 1 :" if lang == "fr" else "Step 1:")
    other = text.index(ctx.alerts[1].message.get(lang))
    assert urgent < other < step1
    action = ctx.alerts[0].action.get(lang)
    for fragment in ("3114", "112", "15 (SAMU)"):
        assert fragment in action
    lines = text[urgent:other]
    for step in action.split(" 2. ")[0], "2. ", "3. ", "4. ":
        assert step in lines
    if lang == "fr":
        assert "PHQ-9 question 9 = 2 : idées de mort ou d'auto-agression signalées." in lines
        assert "Contacter le médecin traitant le jour même." in lines
        assert "Danger imminent : appeler le 15 (SAMU) ou le 112." in lines
        assert "1 alerte urgente" in text[:urgent]
    else:
        assert "Contact the GP (médecin traitant) the same day." in lines


def test_urgent_alert_sits_in_a_red_frame(letter):
    pdf = letter("urgent_phq9", "gp", "fr")
    page = pdf.pages[0]
    title = next(w for w in pdf.words(0) if w.text == "ALERTE")
    red = [line for line in page.lines if _rgb(line["stroking_color"]) == (0xB3, 0x00, 0x1B)]
    assert len(red) >= 4, "four red borders"
    assert min(line["linewidth"] for line in red) >= 1.5
    left = min(line["x0"] for line in red)
    right = max(line["x1"] for line in red)
    top = min(line["top"] for line in red)
    bottom = max(line["bottom"] for line in red)
    assert left < title.x0 < right and top < title.top < bottom
    action = next(w for w in pdf.words(0) if w.text == "3114")
    assert top < action.top < bottom


def _rgb(color):
    return tuple(round(c * 255) for c in color) if color else None


def test_alerts_are_ordered_urgent_then_high_then_the_rest(letter):
    """Three altered capacities plus an urgent PHQ-9: urgent, then multidomain (high),
    then Step 2 to schedule (normal)."""
    import dataclasses

    from icope_desktop.letters import render_gp_letter
    from icope_desktop.screening import evaluate_visit

    from .pdf_reading import LetterPdf
    from .samples import PHQ9_URGENT, SPPB_MODERATE, make_context, step1

    ctx = make_context(step1(L1_time_s=16.4, N1="oui", P2=True),
                       {"sppb": SPPB_MODERATE, "phq9": PHQ9_URGENT})  # fmt: skip
    # Hand the evaluation's alerts over lowest first: the letter must still put urgent first.
    evaluation = dataclasses.replace(ctx.evaluation, alerts=tuple(reversed(ctx.evaluation.alerts)))
    assert evaluation.alerts[0].severity is not Severity.URGENT
    assert evaluate_visit  # the context was built by the engine (make_context)
    pdf = LetterPdf(render_gp_letter(dataclasses.replace(ctx, evaluation=evaluation)))
    text = pdf.body_text
    positions = [text.index(a.message.get("fr")) for a in ctx.alerts]
    assert positions == sorted(positions)
    assert [a.severity for a in ctx.alerts][:2] == [Severity.URGENT, Severity.HIGH]
    assert "Alerte prioritaire — 3 capacités altérées à l'étape 1 (alerte à partir de 3)." in text
    pdf.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_multidomain_alert_and_summary_with_three_altered_capacities(letter, lang):
    text = letter("three_altered", "gp", lang).body_text
    if lang == "fr":
        assert ("En résumé : 3 capacités altérées sur 6 : Locomotion, Vitalité (nutrition), "
                "Humeur (psychologique).") in text  # fmt: skip
        assert ("Alerte prioritaire — 3 capacités altérées à l'étape 1 (alerte à partir de "
                "3).") in text  # fmt: skip
        assert "Proposer une évaluation gériatrique globale" in text
    else:
        assert ("In short: 3 of 6 capacities altered: Locomotion, Vitality (nutrition), Mood "
                "(psychological).") in text  # fmt: skip
        assert "Priority alert — 3 capacities altered at Step 1 (alert from 3)." in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_care_plan_lines_and_next_follow_up(letter, lang):
    ctx = sample("three_altered")
    text = letter("three_altered", "gp", lang).body_text
    assert len(ctx.care_plan) == len(ctx.evaluation.recommendations) > 5
    for line in ctx.care_plan:
        assert line.text.get(lang) in text
    assert ("Prochain suivi ICOPE prévu le 12 septembre 2025." if lang == "fr"
            else "Next ICOPE follow-up due on 12 September 2025.") in text  # fmt: skip


def test_long_care_plan_flows_onto_a_second_page_with_numbers(letter):
    ctx = sample("long_care_plan")
    pdf = letter("long_care_plan", "gp", "fr")
    assert pdf.page_count == 2
    assert pdf.footer_text(0).endswith("page 1/2")
    assert pdf.footer_text(1).endswith("page 2/2")
    assert pdf.running_header(1) == (
        "Mme Jeanne Marie MARTIN, née le 03/05/1942 — ICOPE, visite du 12/03/2025"
    )
    for line in ctx.care_plan:
        assert line.text.fr in pdf.body_text
    for typed in LONG_PLAN_EXTRA:
        assert typed in pdf.body_text
    assert "« Équilibre en mouvement »" in pdf.body_text
    assert "Claire BOURGET" in pdf.page_texts[1], "the signature closes the letter"


def test_signature_block(letter):
    text = letter("urgent_phq9", "gp", "fr").body_text
    tail = text[text.index("Je reste à votre disposition"):]
    assert "Bien cordialement, Claire BOURGET" in tail
    assert "Infirmière diplômée d'État — RPPS 10101234567" in tail
    assert "Signature" in tail


def test_footer_gives_provenance_and_the_notices_of_instruments_present(letter):
    three = letter("three_altered", "gp", "fr")
    footer = three.footer_text(0)
    assert footer.startswith("Document produit à partir de l'évaluation du programme ICOPE")
    assert "règles cliniques v1.0.0" in footer
    assert "MNA® est une marque de Nestlé" in footer
    assert "© OMS 2019, CC BY-NC-SA 3.0 IGO" in footer
    assert "PHQ-9 : Drs R. L. Spitzer" in footer
    assert "MMSE" not in footer
    assert three.footer_text(1).replace("page 2/2", "") == footer.replace("page 1/2", "")
    urgent = letter("urgent_phq9", "gp", "fr").footer_text(0)
    assert "MNA" not in urgent and "SPPB" not in urgent
    mmse = letter("not_assessable", "gp", "en").footer_text(0)
    assert "MMSE © MiniMental LLC, exclusively licensed to PAR" in mmse


def test_trend_chart_shows_each_visit_and_capacity(letter):
    ctx = sample("trend")
    pdf = letter("trend", "gp", "fr")
    text = pdf.body_text
    chart = text[text.index("Évolution au fil des visites"):]
    dates = ["07/03/2023", "14/09/2023", "19/03/2024", "24/09/2024", "12/03/2025"]
    assert chart.index(" ".join(dates)) > 0
    for domain in Domain:
        assert domain.label.fr in chart
    assert "SPPB (/12) – 7 7 – 7" in chart
    assert "MNA-SF (/14) – – 8 – –" in chart
    assert "PHQ-9 (/27) – – – – 7" in chart
    assert "normale altérée non évaluée pas de donnée" in chart
    # One red square per altered status across the grid (plus the legend's).
    altered = sum(
        1 for statuses in [v.domain_statuses for v in ctx.history] + [ctx.domain_statuses]
        for s in statuses.values() if s.value == "altered"
    )  # fmt: skip
    page = pdf.pages[next(i for i, t in enumerate(pdf.page_texts) if "Évolution" in t)]
    squares = [r for r in page.rects if _rgb(r["non_stroking_color"]) == (0xC6, 0x28, 0x28)
               and abs(r["width"] - r["height"]) < 0.1]  # fmt: skip
    assert len(squares) == altered + 1
    assert altered == 6  # locomotion ×4, vitality 03/2024, mood now


def test_no_trend_without_earlier_visits(letter):
    assert "Évolution" not in letter("three_altered", "gp", "fr").full_text


def test_trend_keeps_one_column_per_day_with_same_day_visits():
    """Two finalized visits the same day (audit: the letter was refused): one column per
    day, the day's latest visit; this visit's own day is this visit."""
    import dataclasses
    from datetime import date

    from icope_desktop.letters import render_gp_letter
    from icope_desktop.letters.trend import trend_columns

    from .pdf_reading import LetterPdf
    from .samples import past_visit, step1

    ctx = sample("trend")
    morning = past_visit(date(2024, 9, 24), step1())
    redone_today = past_visit(ctx.visit_date, step1())
    history = (*ctx.history[:3], morning, ctx.history[3], redone_today)
    same_day = dataclasses.replace(ctx, history=history)
    columns, dropped = trend_columns(same_day)
    assert [c.visit_date for c in columns] == [v.visit_date for v in ctx.history] + [
        ctx.visit_date
    ] and dropped == 0
    assert columns[3].statuses == ctx.history[3].domain_statuses, "the day's latest visit"
    assert columns[-1].current and columns[-1].statuses == ctx.domain_statuses
    pdf = LetterPdf(render_gp_letter(same_day, "fr"))
    chart = pdf.body_text[pdf.body_text.index("Évolution au fil des visites"):]
    assert "07/03/2023 14/09/2023 19/03/2024 24/09/2024 12/03/2025" in chart
    pdf.close()
    only_today = LetterPdf(render_gp_letter(dataclasses.replace(ctx, history=(redone_today,))))
    assert "Évolution" not in only_today.full_text, "no earlier day, no trend"
    only_today.close()


def test_english_letter_has_no_french_headings(letter):
    text = letter("three_altered", "gp", "en").body_text
    for french in ("Étape 1", "Seuil appliqué", "Conduite à tenir", "Plan de soins", "Docteur,"):
        assert french not in text
    for english in ("Step 1: screening of the six capacities (WHO ICOPE tool)",
                    "Step 2: in-depth assessment", "Required action:",
                    "Proposed care plan (Step 3)", "Dear Doctor,", "Kind regards,"):
        assert english in text  # fmt: skip


def test_gp_phone_and_names_with_markup_characters_print_as_typed(letter):
    import dataclasses

    from icope_desktop.letters import render_gp_letter

    from .pdf_reading import LetterPdf

    ctx = sample("urgent_phq9")
    odd = dataclasses.replace(
        ctx,
        addressee=dataclasses.replace(GP, last_name="Dupont & <Fils>"),
        visit_place="Résidence « Les Œillets » <bât. B>",
    )
    pdf = LetterPdf(render_gp_letter(odd))
    assert "Docteur Hervé DUPONT & <FILS>" in pdf.body_text
    assert "Résidence « Les Œillets » <bât. B>" in pdf.body_text
    pdf.close()


def test_step1_row_says_when_step2_changed_the_status(letter):
    """Mood screened altered, PHQ-9 = 2 → normal after Step 2 (spec §1)."""
    from icope_desktop.letters import render_gp_letter

    from .pdf_reading import LetterPdf
    from .samples import make_context, step1

    phq9 = {"Q1": 1, "Q2": 1, "Q3": 0, "Q4": 0, "Q5": 0, "Q6": 0, "Q7": 0, "Q8": 0, "Q9": 0}
    ctx = make_context(step1(P1=True), {"phq9": phq9})
    assert ctx.step1.result.domain_statuses[Domain.PSYCHOLOGICAL].value == "altered"
    assert ctx.domain_statuses[Domain.PSYCHOLOGICAL].value == "normal"
    pdf = LetterPdf(render_gp_letter(ctx))
    row = pdf.table("Capacité", "Résultat", "Critère").row("Humeur")
    assert row["Résultat"] == "■ altérée → normale à l'étape 2 (PHQ-9)"
    assert "En résumé : aucune capacité altérée." in pdf.body_text
    untouched = pdf.table("Capacité", "Résultat", "Critère").row("Vision")
    assert untouched["Résultat"] == "● normale"
    pdf.close()
