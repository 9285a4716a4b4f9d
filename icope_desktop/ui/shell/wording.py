"""How the shell words records in lists: one line a nurse reads at a glance.

Dates are dd/mm/yyyy (French usage, also the form the search accepts), ages are given
next to birth dates, and upper-case family names follow the identity-vigilance habit
(the store's `display_name`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from icope_desktop.i18n import _
from icope_desktop.services.patients import age_on, format_date, summary_name


def visit_kind_label(kind: str) -> str:
    return {
        "step1": _("Étape 1 (repérage)"),
        "step2": _("Étape 2 (évaluation approfondie)"),
        "follow_up": _("Suivi (étape 1 à 6 mois)"),
    }.get(kind, kind)


def born_on(sex: str, birth_date: date, today: date) -> str:
    words = {"F": _("née le {date}"), "M": _("né le {date}")}.get(sex, _("né(e) le {date}"))
    age = age_on(birth_date, today)
    return words.format(date=format_date(birth_date)) + " " + _("({age} ans)").format(age=age)


def patient_line(summary: Any, today: date) -> str:
    """`LEFÈVRE Jeanne · née le 17/05/1948 (76 ans) · Nantes`."""
    parts = [summary_name(summary), born_on(str(summary.sex), summary.birth_date, today)]
    if summary.city:
        parts.append(summary.city)
    return " · ".join(parts)


def domain_label(code: str) -> str:
    from icope_desktop.screening.model import DOMAIN_LABELS, Domain

    try:
        return DOMAIN_LABELS[Domain(code)].get()
    except ValueError:
        return code


def alert_source_label(source: str) -> str:
    """The protocol's codes (`icope_server.codes.ALERT_SOURCES`); an unknown code is
    shown as "other source" rather than raw."""
    return {
        "self-assessment": _("auto-évaluation"),
        "upstream-actor": _("acteur de l'amont"),
    }.get(source, _("autre source"))
