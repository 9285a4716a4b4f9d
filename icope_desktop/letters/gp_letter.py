"""The referral letter to the GP (médecin traitant) after a finalized ICOPE visit.

Issue 5: one or two pages the GP reads in thirty seconds. So the order is: who writes to
whom about whom; a one-sentence summary; alerts (urgent first, in a red frame with the
required action, spec §3.6 and §4); then the Step 1 table, the Step 2 scores with bands
and the threshold that applied (§3), the care plan (§5), the next follow-up (§1 Step 4),
the trend across visits, the signature; notices of §7 in the footer of every page.
"""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from icope_desktop.i18n import Lang, tr
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
from icope_desktop.letters.context import LetterContext, Sex
from icope_desktop.letters.document import CONTENT_WIDTH, PdfMeta, build_pdf
from icope_desktop.letters.fonts import register_fonts
from icope_desktop.letters.formats import (
    age_on,
    birth_name_note,
    colon,
    display_name,
    grouped_ins,
    long_date,
    person_name,
    semicolon,
    sex_label,
    short_date,
    unbreakable,
)
from icope_desktop.letters.notices import instrument_notices, provenance
from icope_desktop.letters.result_tables import status_color, step1_rows, step2_rows
from icope_desktop.letters.styles import (
    FAINT_RULE,
    HEADER_FILL,
    HIGH,
    HIGH_FILL,
    INK_MUTED,
    RULE,
    URGENT,
    URGENT_FILL,
    ZEBRA_FILL,
    Styles,
    gp_styles,
)
from icope_desktop.letters.trend import MAX_COLUMNS, trend_chart, trend_columns
from icope_desktop.screening import Alert, Domain, DomainStatus, Severity
from icope_desktop.screening.pathways import SHORT_NAMES

STATUS_MARKS = {
    DomainStatus.ALTERED: "■",
    DomainStatus.NORMAL: "●",
    DomainStatus.NOT_EVALUATED: "○",
}
"""The same shapes as the trend chart, so the table and the chart read alike."""

ACTION_STEP = re.compile(r"(?<=\.) (?=\d+\. )")
"""Alert actions are numbered sentences in one string ("1. … 2. …"): one line each."""


def _header(ctx: LetterContext, st: Styles, lang: Lang) -> Flowable:
    sender = ctx.sender
    gp = ctx.addressee
    assert gp is not None  # check_letter_context guarantees it
    left: list[Flowable] = [
        rich(f"<b>{esc(person_name(sender.first_name, sender.last_name))}</b>", st.body),
        paragraph(sender.profession.get(lang), st.body),
        paragraph(f"RPPS {sender.rpps}", st.small),
        *(paragraph(line, st.small) for line in sender.address),
    ]
    contact = f"{tr('Tél.', lang)} {unbreakable(sender.phone or '')}"
    if sender.email:
        contact += f" · {sender.email}"
    left.append(paragraph(contact, st.small))
    right: list[Flowable] = [
        rich(
            f"<b>{esc(tr('Docteur', lang))} {esc(person_name(gp.first_name, gp.last_name))}</b>",
            st.body,
        ),
        paragraph(tr("Médecin traitant", lang), st.body),
        paragraph(f"RPPS {gp.rpps}", st.small),
        paragraph(f"{tr('MSSanté', lang)}{colon(lang)}{gp.secure_mail}", st.small),
        *(paragraph(line, st.small) for line in gp.address),
    ]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.52, CONTENT_WIDTH * 0.48])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _title_line(ctx: LetterContext, st: Styles, lang: Lang) -> Flowable:
    """The subject on the left, the letter's date on the right, on one line."""
    title = paragraph(tr("Programme ICOPE : évaluation du {date}", lang).format(
        date=long_date(ctx.visit_date, lang)), st.title)  # fmt: skip
    dated = paragraph(tr("Le {date}", lang).format(date=long_date(ctx.issued_on, lang)), st.right)
    table = Table([[title, dated]], colWidths=[CONTENT_WIDTH - 45 * mm, 45 * mm])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))  # fmt: skip
    return table


def _patient_box(ctx: LetterContext, st: Styles, lang: Lang) -> Flowable:
    patient = ctx.patient
    name = display_name(patient, lang)
    note = birth_name_note(patient, lang)
    shown_name = f"<b>{esc(name)}</b>" + (f", {esc(note)}" if note else "")
    age = age_on(patient.birth_date, ctx.visit_date)
    birth = tr("{date} ({age} ans)", lang).format(
        date=short_date(patient.birth_date, lang), age=age
    )
    ins = grouped_ins(patient.ins) if patient.ins else tr("non connu", lang)

    def label(text: str) -> Paragraph:
        return paragraph(text, st.cell_small)

    rows = [
        [label(tr("Patient(e)", lang)), rich(shown_name, st.cell),
         label(tr("Sexe", lang)), paragraph(sex_label(patient.sex, lang), st.cell)],
        [label(tr("Date de naissance", lang)), paragraph(birth, st.cell),
         label(tr("INS", lang)), paragraph(ins, st.cell)],
        [label(tr("Visite", lang)), paragraph(short_date(ctx.visit_date, lang), st.cell),
         label(tr("Lieu", lang)), paragraph(ctx.visit_place, st.cell)],
    ]  # fmt: skip
    widths = [29 * mm, 75 * mm, 14 * mm, CONTENT_WIDTH - 118 * mm]
    table = Table(rows, colWidths=widths)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA_FILL),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _domain_names(domains: list[Domain], lang: Lang) -> str:
    return ", ".join(d.label.get(lang) for d in domains)


def summary_sentence(ctx: LetterContext, lang: Lang) -> str:
    """The thirty-second line: how many capacities are altered, which, and urgent alerts."""
    statuses = ctx.domain_statuses
    altered = [d for d in Domain if statuses.get(d) is DomainStatus.ALTERED]
    unknown = [d for d in Domain if statuses.get(d, DomainStatus.NOT_EVALUATED)
               is DomainStatus.NOT_EVALUATED]  # fmt: skip
    if not altered:
        parts = [tr("<b>aucune capacité altérée</b>", lang)]
    elif len(altered) == 1:
        parts = [tr("<b>1 capacité altérée sur 6</b> : {names}", lang).format(
            names=esc(_domain_names(altered, lang)))]  # fmt: skip
    else:
        parts = [tr("<b>{count} capacités altérées sur 6</b> : {names}", lang).format(
            count=len(altered), names=esc(_domain_names(altered, lang)))]  # fmt: skip
    if unknown:
        parts.append(tr("non évaluée(s) : {names}", lang).format(
            names=esc(_domain_names(unknown, lang))))  # fmt: skip
    urgent = sum(1 for a in ctx.alerts if a.severity is Severity.URGENT)
    if urgent:
        text = (
            tr("<b>{count} alerte urgente</b>", lang)
            if urgent == 1
            else tr("<b>{count} alertes urgentes</b>", lang)
        )
        parts.append(text.format(count=urgent))
    who = {
        Sex.FEMALE: tr("votre patiente", lang),
        Sex.MALE: tr("votre patient", lang),
        Sex.INDETERMINATE: tr("votre patient(e)", lang),
    }[ctx.patient.sex]
    steps = []
    if ctx.step1 is not None:
        steps.append(tr("le repérage ICOPE (étape 1)", lang))
    if ctx.step2:
        steps.append(tr("l'évaluation approfondie (étape 2)", lang))
    done = tr(" et ", lang).join(steps)
    return tr(
        "J'ai réalisé le {date} {done} de {who}. En résumé : {summary}.", lang
    ).format(
        date=long_date(ctx.visit_date, lang),
        done=done,
        who=who,
        summary=semicolon(lang).join(parts),
    )


def _action_lines(alert: Alert, lang: Lang) -> list[str]:
    if alert.action is None:
        return []
    return ACTION_STEP.split(alert.action.get(lang))


def _alert_box(alert: Alert, st: Styles, lang: Lang) -> Flowable:
    urgent = alert.severity is Severity.URGENT
    title = tr("ALERTE URGENTE", lang) if urgent else tr("Alerte prioritaire", lang)
    content: list[Flowable] = [
        rich(f"{esc(title)} — {esc(alert.message.get(lang))}", st.alert_title)
    ]
    lines = _action_lines(alert, lang)
    if lines:
        content.append(paragraph(tr("Conduite à tenir :", lang), st.cell_bold))
        content.extend(paragraph(line, st.cell) for line in lines)
    return boxed(
        content,
        border=URGENT if urgent else HIGH,
        fill=URGENT_FILL if urgent else HIGH_FILL,
        border_width=1.8 if urgent else 1.0,
        padding=6,
    )


def _alerts(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    if not ctx.alerts:
        return []
    flow: list[Flowable] = [paragraph(tr("Alertes", lang), st.heading)]
    others = []
    for alert in ctx.alerts:
        if alert.severity >= Severity.HIGH:
            flow += [_alert_box(alert, st, lang), Spacer(1, 3)]
        else:
            others.append(alert)
    for alert in others:
        text = esc(alert.message.get(lang))
        if alert.action is not None:
            text += f" <font color='#5F6368'>→ {esc(alert.action.get(lang))}</font>"
        flow.append(bullet(text, st.body, indent=9))
    return flow


def _grid_style(rule_every_row: bool = True) -> list[tuple]:
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0 if not rule_every_row else -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    return commands


def _status_markup(status: DomainStatus, label: str, lang: Lang) -> str:
    color = status_color(status).hexval().replace("0x", "#")
    return f"<font color='{color}'>{STATUS_MARKS[status]}</font> {esc(label)}"


def _step1(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    heading = paragraph(tr("Étape 1 : repérage des six capacités (outil OMS ICOPE)", lang),
                        st.heading)  # fmt: skip
    if ctx.step1 is None:
        return [heading, paragraph(tr("Pas de repérage d'étape 1 lors de cette visite.", lang),
                                   st.body)]  # fmt: skip
    rows: list[list[Flowable]] = [[
        paragraph(tr("Capacité", lang), st.cell_bold),
        paragraph(tr("Résultat", lang), st.cell_bold),
        paragraph(tr("Critère positif ou motif", lang), st.cell_bold),
    ]]  # fmt: skip
    for row in step1_rows(ctx.step1, lang):
        details = semicolon(lang).join(row.details) if row.details else "—"
        status = rich(_status_markup(row.status, row.status.label.get(lang), lang),
                      st.cell_bold if row.status is DomainStatus.ALTERED else st.cell)  # fmt: skip
        rows.append([
            paragraph(row.domain.label.get(lang), st.cell),
            [status, *_refined(ctx, row.domain, row.status, st, lang)],
            paragraph(details, st.cell_small),
        ])  # fmt: skip
    table = Table(rows, colWidths=[40 * mm, 27 * mm, CONTENT_WIDTH - 67 * mm], repeatRows=1)
    table.setStyle(table_style(_grid_style()))
    return [heading, table]


def _refined(
    ctx: LetterContext, domain: Domain, screened: DomainStatus, st: Styles, lang: Lang
) -> list[Flowable]:
    """When Step 2 changed a capacity's status (spec §1: the in-depth test confirms or
    invalidates the screening), say so under the Step 1 status, so the table and the
    summary sentence never seem to disagree."""
    final = ctx.domain_statuses.get(domain)
    decided_by = ctx.evaluation.decided_by.get(domain)
    if final is None or final is screened or decided_by in (None, "step1"):
        return []
    name = SHORT_NAMES[decided_by].get(lang) if decided_by in SHORT_NAMES else decided_by
    text = tr("→ {status} à l'étape 2 ({test})", lang).format(
        status=final.label.get(lang), test=name
    )
    return [paragraph(text, st.cell_small)]


def _step2(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    heading = paragraph(tr("Étape 2 : évaluation approfondie", lang), st.heading)
    if not ctx.step2:
        return [heading, paragraph(tr("Aucun test d'étape 2 lors de cette visite.", lang),
                                   st.body)]  # fmt: skip
    rows: list[list[Flowable | str]] = [[
        paragraph(tr("Test", lang), st.cell_bold),
        paragraph(tr("Score", lang), st.cell_bold),
        paragraph(tr("Bande", lang), st.cell_bold),
        paragraph(tr("Seuil appliqué", lang), st.cell_bold),
        paragraph(tr("Capacité", lang), st.cell_bold),
    ]]  # fmt: skip
    commands = _grid_style(rule_every_row=False)
    for row in step2_rows(ctx, lang):
        color = row.color.hexval().replace("0x", "#")
        score: list[Flowable] = [paragraph(row.score, st.cell_bold)]
        if row.score_detail:
            score.append(paragraph(row.score_detail, st.cell_small))
        rows.append([
            paragraph(row.title, st.cell_bold),
            score,
            paragraph(row.band, st.cell),
            paragraph(row.threshold, st.cell_small),
            rich(f"<font color='{color}'><b>{esc(row.status)}</b></font>", st.cell),
        ])  # fmt: skip
        if row.details:
            index = len(rows)
            rows.append([[paragraph(d, st.cell_small) for d in row.details], "", "", "", ""])
            commands += [
                ("SPAN", (0, index), (-1, index)),
                ("NOSPLIT", (0, index - 1), (-1, index)),
                ("LINEBELOW", (0, index - 1), (-1, index - 1), 0.3, FAINT_RULE),
                ("TOPPADDING", (0, index), (-1, index), 1.5),
                ("LEFTPADDING", (0, index), (-1, index), 8),
            ]
        commands.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.4, RULE))
    widths = [34 * mm, 29 * mm, 24 * mm, CONTENT_WIDTH - 115 * mm, 28 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(commands))
    return [heading, table]


def _care_plan(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    flow: list[Flowable] = [paragraph(tr("Plan de soins proposé (étape 3)", lang), st.heading)]
    if not ctx.care_plan:
        flow.append(paragraph(tr("Aucune recommandation retenue lors de cette visite.", lang),
                              st.body))  # fmt: skip
    by_domain: dict[Domain | None, list[str]] = {}
    for line in ctx.care_plan:
        by_domain.setdefault(line.domain, []).append(line.text.get(lang))
    for domain, texts in by_domain.items():
        if domain is None:
            flow.extend(bullet(esc(text), st.body, indent=9) for text in texts)
            continue
        joined = semicolon(lang).join(texts)
        flow.append(bullet(f"<b>{esc(domain.label.get(lang))}</b>{colon(lang)}{esc(joined)}",
                           st.body, indent=9))  # fmt: skip
    return flow


def _follow_up(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    assert ctx.next_follow_up is not None  # check_letter_context guarantees it
    text = tr("<b>Prochain suivi ICOPE</b> prévu le <b>{date}</b>.", lang).format(
        date=long_date(ctx.next_follow_up, lang)
    )
    follow_up = ParagraphStyle("gp-follow-up", parent=st.body, spaceBefore=6)
    return [rich(text, follow_up)]


def _trend(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    columns, dropped = trend_columns(ctx)
    if len(columns) < 2:  # no earlier day: nothing to compare with
        return []
    heading = paragraph(tr("Évolution au fil des visites", lang), st.heading)
    flow: list[Flowable] = [heading, trend_chart(ctx, lang, CONTENT_WIDTH)]
    if dropped:
        flow.append(paragraph(
            tr("Les {count} visites les plus anciennes ne sont pas montrées ({shown} dernières "
               "visites).", lang).format(count=dropped, shown=MAX_COLUMNS),
            st.small,
        ))  # fmt: skip
    return [KeepTogether(flow)]


def _signature(ctx: LetterContext, st: Styles, lang: Lang) -> Flowable:
    """Closing words and signer on the left, a frame for a handwritten signature on the
    right (the letter is also printed and signed), side by side to save a page."""
    sender = ctx.sender
    block = [
        paragraph(tr("Je reste à votre disposition pour en parler.", lang), st.body),
        paragraph(tr("Bien cordialement,", lang), st.body),
        Spacer(1, 3),
        rich(f"<b>{esc(person_name(sender.first_name, sender.last_name))}</b>", st.body),
        paragraph(f"{sender.profession.get(lang)} — RPPS {sender.rpps}", st.small),
    ]
    signature_space = Table(
        [[paragraph(tr("Signature", lang), st.tiny)]],
        colWidths=[60 * mm],
        rowHeights=[15 * mm],
    )
    signature_space.setStyle(table_style([
        ("BOX", (0, 0), (-1, -1), 0.4, INK_MUTED),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    table = Table([[block, signature_space]], colWidths=[CONTENT_WIDTH - 60 * mm, 60 * mm])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
    ]))  # fmt: skip
    return table


def footer_lines(ctx: LetterContext, st: Styles, lang: Lang) -> list[Paragraph]:
    lines = [provenance(lang), *instrument_notices(ctx, lang)]
    return [paragraph(line, st.footer) for line in lines]


def gp_letter_story(ctx: LetterContext, lang: Lang) -> list[Flowable]:
    st = gp_styles()
    return [
        _header(ctx, st, lang),
        Spacer(1, 3 * mm),
        _title_line(ctx, st, lang),
        _patient_box(ctx, st, lang),
        Spacer(1, 2.5 * mm),
        paragraph(tr("Docteur,", lang), st.body),
        rich(summary_sentence(ctx, lang), st.body),
        *_alerts(ctx, st, lang),
        *_step1(ctx, st, lang),
        *_step2(ctx, st, lang),
        *_care_plan(ctx, st, lang),
        *_closing(ctx, st, lang),
    ]


def _closing(ctx: LetterContext, st: Styles, lang: Lang) -> list[Flowable]:
    """Follow-up, trend, signature; the signature never stands alone on a page."""
    follow_up = _follow_up(ctx, st, lang)
    trend = _trend(ctx, st, lang)
    signature = _signature(ctx, st, lang)
    if trend:
        return [*follow_up, KeepTogether([*trend, signature])]
    return [KeepTogether([*follow_up, signature])]


def render_gp_letter(ctx: LetterContext, lang: Lang = "fr") -> bytes:
    """The GP letter as PDF bytes; the same `ctx` and `lang` give the same bytes.

    Raises `LetterIncomplete` (with one FR/EN message per gap) instead of printing a
    letter with an empty or wrong field.
    """
    check_letter_context(ctx, "gp_letter")
    register_fonts()
    st = gp_styles()
    meta = PdfMeta(
        title=tr("Programme ICOPE : courrier au médecin traitant", lang),
        subject=tr("Évaluation ICOPE du {date}", lang).format(
            date=short_date(ctx.visit_date, lang)
        ),
        author=person_name(ctx.sender.first_name, ctx.sender.last_name),
        lang="fr-FR" if lang == "fr" else "en-GB",
    )
    return build_pdf(
        gp_letter_story(ctx, lang),
        meta=meta,
        footer=footer_lines(ctx, st, lang),
        page_label=tr("page {page}/{pages}", lang),
        later_pages_header=running_header(ctx, lang, font_size=7.5),
    )
