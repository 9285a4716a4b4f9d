"""The summary the patient keeps: large print, plain words (issue 5).

Body text is 14 pt and headings 18–22 pt, for readers aged 60 and over. It says what was
looked at and found (one line per capacity, in everyday words), what is advised, when
the next check-up is, and whom to call: the practitioner, the GP, and — when PHQ-9
item 9 raised the suicide-risk alert — the 3114 national line and 15/112 (spec §3.6
step 4: "give the patient and family 3114").
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from icope_desktop.i18n import Lang, Text, tr
from icope_desktop.letters.blocks import (
    boxed,
    bullet,
    esc,
    paragraph,
    rich,
    running_header,
    table_style,
)
from icope_desktop.letters.completeness import check_letter_context
from icope_desktop.letters.context import CarePlanLine, LetterContext, Sex
from icope_desktop.letters.document import CONTENT_WIDTH, PdfMeta, build_pdf
from icope_desktop.letters.fonts import register_fonts
from icope_desktop.letters.formats import long_date, person_name, short_date, unbreakable
from icope_desktop.letters.notices import provenance
from icope_desktop.letters.plain_words import (
    ADVICE,
    CAPACITY,
    OUTCOME,
    SAFETY_TALK_WITHOUT_GP,
)
from icope_desktop.letters.result_tables import status_color
from icope_desktop.letters.styles import (
    NOTICE,
    NOTICE_FILL,
    RULE,
    URGENT,
    URGENT_FILL,
    Styles,
    patient_styles,
)
from icope_desktop.screening import ALL_RECOMMENDATIONS, AlertCode, Domain, DomainStatus

CATALOGUE_LABELS = {r.code: r.label for r in ALL_RECOMMENDATIONS}
MARKS = {DomainStatus.ALTERED: "■", DomainStatus.NORMAL: "●", DomainStatus.NOT_EVALUATED: "○"}


def has_suicide_risk(ctx: LetterContext) -> bool:
    return any(alert.code == AlertCode.ALERT_SUICIDE_RISK for alert in ctx.alerts)


def _greeting(ctx: LetterContext, lang: Lang) -> str:
    patient = ctx.patient
    surname = (patient.used_name or patient.birth_name).strip().upper()
    civility = {
        Sex.FEMALE: tr("Madame", lang),
        Sex.MALE: tr("Monsieur", lang),
        Sex.INDETERMINATE: "",
    }[patient.sex]
    return " ".join(p for p in (civility, patient.first_names.strip(), surname) if p)


def _crisis_box(st: Styles, lang: Lang) -> Flowable:
    return boxed(
        [
            paragraph(tr("Si vous avez des idées noires ou pensez à vous faire du mal", lang),
                      st.alert_title),
            rich(tr("Appelez le <b>3114</b> : gratuit, 24 heures sur 24, 7 jours sur 7.",
                         lang), st.body),
            rich(tr("En cas de danger immédiat : appelez le <b>15</b> ou le <b>112</b>.",
                         lang), st.body),
        ],
        border=URGENT,
        fill=URGENT_FILL,
        border_width=2.2,
        padding=9,
    )


def _findings(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    rows = []
    for domain in Domain:
        status = ctx.domain_statuses.get(domain, DomainStatus.NOT_EVALUATED)
        color = status_color(status).hexval().replace("0x", "#")
        outcome = OUTCOME[status].get(lang)
        cell_style = st.cell_bold if status is DomainStatus.ALTERED else st.cell
        rows.append([
            paragraph(CAPACITY[domain].get(lang), st.cell),
            rich(f"<font color='{color}'>{MARKS[status]}</font> {esc(outcome)}", cell_style),
        ])  # fmt: skip
    table = Table(rows, colWidths=[89 * mm, CONTENT_WIDTH - 89 * mm])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))  # fmt: skip
    return [paragraph(tr("Ce que nous avons regardé ensemble", lang), st.heading), table]


SAFETY_CODE = "PSY_ITEM9_SAFETY"


def advice_text(line: CarePlanLine, *, has_gp: bool = True) -> Text:
    """The plain wording of a care-plan line: the practitioner's own patient wording;
    else, for a recommendation accepted unedited, the plain phrase of its code; else the
    line as the practitioner typed it (an edited line says what they decided).

    The PHQ-9 item-9 safety line is the exception: its text is the clinical instruction
    and the action the practitioner recorded (spec §3.6), written for the GP; the patient
    reads a gentle sentence instead, whatever the line holds (usability audit s12)."""
    if line.patient_text is not None:
        return line.patient_text
    if line.code == SAFETY_CODE:
        return ADVICE[SAFETY_CODE] if has_gp else SAFETY_TALK_WITHOUT_GP
    if line.code in ADVICE and CATALOGUE_LABELS.get(line.code) == line.text:
        return ADVICE[line.code]
    return line.text


def _advice(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    """Advice grouped under the capacity it is for, in the care plan's order."""
    flow: list[Flowable] = [paragraph(tr("Ce qui vous est conseillé", lang), st.heading)]
    if not ctx.care_plan:
        flow.append(paragraph(tr("Continuez comme aujourd'hui : rien de particulier n'est "
                                 "prévu avant le prochain bilan.", lang), st.body))
    groups: dict[Domain | None, list[str]] = {}
    for line in ctx.care_plan:
        text = advice_text(line, has_gp=ctx.addressee is not None).get(lang)
        texts = groups.setdefault(line.domain, [])
        if text not in texts:
            texts.append(text)
    for domain, texts in sorted(groups.items(), key=lambda group: group[0] is None):
        title = CAPACITY[domain].get(lang) if domain is not None else tr("Autres conseils", lang)
        flow.append(KeepTogether([
            paragraph(title, st.cell_bold),
            *(bullet(esc(text), st.body, indent=16) for text in texts),
        ]))  # fmt: skip
    return flow


def _next_visit(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    assert ctx.next_follow_up is not None  # check_letter_context guarantees it
    return [
        paragraph(tr("Votre prochain bilan", lang), st.heading),
        rich(tr("Vers le <b>{date}</b>. Nous vous appellerons pour fixer le jour.", lang)
                  .format(date=esc(long_date(ctx.next_follow_up, lang))), st.body),
    ]


def _contacts(ctx: LetterContext, st: Styles, lang: Lang) -> Flowable:
    """Whom to call, one row each, the number in bold on the right (never wrapped)."""
    sender = ctx.sender
    rows = [[
        rich(f"<b>{esc(person_name(sender.first_name, sender.last_name))}</b><br/>"
                  f"{esc(sender.profession.get(lang))}", st.cell),
        paragraph(unbreakable(sender.phone or ""), st.cell_bold),
    ]]  # fmt: skip
    gp = ctx.addressee
    if gp is not None:
        name = f"{tr('Docteur', lang)} {person_name(gp.first_name, gp.last_name)}"
        rows.append([
            rich(f"<b>{esc(name)}</b><br/>{esc(tr('Votre médecin traitant', lang))}",
                      st.cell),
            paragraph(unbreakable(gp.phone) if gp.phone else "", st.cell_bold),
        ])  # fmt: skip
    if has_suicide_risk(ctx):
        rows.append([paragraph(tr("Idées noires, détresse : gratuit, jour et nuit", lang),
                               st.cell), paragraph("3114", st.cell_bold)])  # fmt: skip
        rows.append([paragraph(tr("Urgence, danger immédiat", lang), st.cell),
                     paragraph(tr("15 ou 112", lang), st.cell_bold)])  # fmt: skip
    table = Table(rows, colWidths=[CONTENT_WIDTH * 0.66 - 9, CONTENT_WIDTH * 0.34 - 9])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))  # fmt: skip
    return boxed([paragraph(tr("Qui appeler ?", lang), st.alert_title), table],
                 border=NOTICE, fill=NOTICE_FILL, border_width=1, padding=9)  # fmt: skip


def patient_summary_story(ctx: LetterContext, lang: Lang) -> list[Flowable]:
    st = patient_styles()
    sender = ctx.sender
    story: list[Flowable] = [
        paragraph(f"{person_name(sender.first_name, sender.last_name)} — "
                  f"{sender.profession.get(lang)} — {tr('Tél.', lang)} "
                  f"{unbreakable(sender.phone or '')}", st.small),
        Spacer(1, 4 * mm),
        paragraph(tr("Votre bilan « Bien vieillir » (ICOPE)", lang), st.title),
        paragraph(tr("Bilan du {date}", lang).format(date=long_date(ctx.visit_date, lang)),
                  st.body),
        Spacer(1, 2 * mm),
        rich(f"<b>{esc(_greeting(ctx, lang))}</b>", st.body),
    ]
    if has_suicide_risk(ctx):
        story += [Spacer(1, 3 * mm), _crisis_box(st, lang)]
    story += _findings(ctx, st, lang)
    story += _advice(ctx, st, lang)
    story += [KeepTogether([*_next_visit(ctx, st, lang), Spacer(1, 5 * mm),
                            _contacts(ctx, st, lang)])]  # fmt: skip
    return story


def render_patient_summary(ctx: LetterContext, lang: Lang = "fr") -> bytes:
    """The patient's summary as PDF bytes; the same `ctx` and `lang` give the same bytes.

    Raises `LetterIncomplete` when something it needs is missing (the GP's RPPS and
    secure mail are not needed here).
    """
    check_letter_context(ctx, "patient_summary")
    register_fonts()
    st = patient_styles()
    footer = [paragraph(provenance(lang), st.footer)]
    if ctx.addressee is not None:
        footer.insert(0, paragraph(tr("Ce document résume votre bilan ; votre médecin "
                                      "traitant reçoit un courrier détaillé.", lang),
                                   st.footer))  # fmt: skip
    meta = PdfMeta(
        title=tr("Programme ICOPE : résumé pour le patient", lang),
        subject=tr("Évaluation ICOPE du {date}", lang).format(
            date=short_date(ctx.visit_date, lang)
        ),
        author=person_name(ctx.sender.first_name, ctx.sender.last_name),
        lang="fr-FR" if lang == "fr" else "en-GB",
    )
    return build_pdf(
        patient_summary_story(ctx, lang),
        meta=meta,
        footer=footer,
        page_label=tr("page {page}/{pages}", lang),
        later_pages_header=running_header(ctx, lang, font_size=9),
        label_font_size=9,
    )
