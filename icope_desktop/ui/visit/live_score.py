"""The live score above each form, recomputed with `screening.score()` at every change.

Nothing here computes a score: it shows the `Result` (headline of `Result.summary`,
interpretation, notes) and, for Step 1, the six capacities. A few `derived` values are
worth seeing while typing (BMI for the MNA, SPPB sub-scores, the better eye, the better
ear); their keys are the documented ones of docs/ARCHITECTURE.md "derived keys".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import Domain, DomainStatus, Result
from icope_desktop.ui.visit.flow_layout import FlowLayout
from icope_desktop.ui.visit.numbers import colon, format_number
from icope_desktop.ui.visit.theme import STATUS_COLOURS


def derived_facts(result: Result) -> list[str]:
    """Short "name value" facts from `result.derived`, in the UI language."""
    derived: dict[str, Any] = result.derived
    facts: list[str] = []
    if isinstance(derived.get("bmi"), int | float):
        facts.append(_("IMC {value} kg/m²").format(value=format_number(derived["bmi"], 1)))
    if result.instrument_id == "sppb":
        parts = (
            (_("équilibre"), derived.get("balance_score")),
            (_("marche"), derived.get("gait_score")),
            (_("levers"), derived.get("chair_score")),
        )
        facts.append(" · ".join(f"{name} {'–' if v is None else v}/4" for name, v in parts))
    if derived.get("better_eye_decimal") is not None:
        facts.append(
            _("meilleur œil : {decimal} (logMAR {logmar})").format(
                decimal=format_number(derived["better_eye_decimal"], 2),
                logmar=format_number(derived["better_eye_logmar"], 2),
            )
        )
    if derived.get("better_ear_pta4") is not None:
        facts.append(
            _("meilleure oreille : PTA4 {value} dB HL").format(
                value=format_number(derived["better_ear_pta4"], 1)
            )
        )
    if result.instrument_id == "mmse" and derived.get("max_administrable") not in (None, 30):
        facts.append(
            _("brut {raw}/{max} (items non évaluables)").format(
                raw=derived.get("raw_total"), max=derived.get("max_administrable")
            )
        )
    return facts


class LiveScore(QFrame):
    """Headline, interpretation and facts of the current result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live_score")
        self.headline_label = QLabel(self)
        self.headline_label.setObjectName("headline_label")
        self.headline_label.setStyleSheet("font-size: 12.5pt; font-weight: bold;")
        self.headline_label.setWordWrap(True)
        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("detail_label")
        self.detail_label.setWordWrap(True)
        self.domains_box = QWidget(self)
        self.domain_labels: dict[Domain, QLabel] = {}
        domains_layout = FlowLayout(self.domains_box, spacing=6)
        for domain in Domain:
            label = QLabel(self.domains_box)
            label.setObjectName(f"domain_{domain.value}")
            label.setMinimumHeight(28)
            self.domain_labels[domain] = label
            domains_layout.addWidget(label)
        self.domains_box.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        layout.addWidget(self.headline_label)
        layout.addWidget(self.domains_box)
        layout.addWidget(self.detail_label)
        self.result: Result | None = None

    def show_result(self, result: Result) -> None:
        self.result = result
        lang = current_language()
        self.headline_label.setText(result.summary(lang).splitlines()[0])
        details = []
        if result.interpretation is not None:
            details.append(result.interpretation.get(lang))
        details.extend(derived_facts(result))
        details.extend(note.get(lang) for note in result.notes)
        if result.missing:
            details.append(_("{count} question(s) sans réponse").format(count=len(result.missing)))
        self.detail_label.setText(" — ".join(details))
        self.detail_label.setStyleSheet("")
        step1 = result.instrument_id == "step1"
        self.domains_box.setVisible(step1)
        if step1:
            for domain, label in self.domain_labels.items():
                status = result.domain_statuses.get(domain, DomainStatus.NOT_EVALUATED)
                self._chip(label, domain, status)

    def show_problem(self, messages: list[str]) -> None:
        """The saved answers cannot be scored (a cross-field inconsistency to fix)."""
        self.result = None
        self.headline_label.setText(_("Score indisponible : une saisie est à corriger"))
        self.detail_label.setText(" ".join(messages[:2]))
        self.detail_label.setStyleSheet("color: #b3261e;")
        self.domains_box.setVisible(False)

    @staticmethod
    def _chip(label: QLabel, domain: Domain, status: DomainStatus) -> None:
        lang = current_language()
        colour = STATUS_COLOURS[status]
        label.setText(f" {domain.label.get(lang)}{colon()}{status.label.get(lang)} ")
        label.setStyleSheet(
            f"border: 2px solid {colour}; border-radius: 12px; color: {colour};"
            " font-weight: 600; padding: 2px 6px;"
        )
