"""The practitioner's acts, their billing status and totals per month (DESIGN.md
"Billing"). Amounts come from the dated tariff table through the store; the status from
the act's sync state. An act whose tariff has no amount is sent all the same and shown
"à tarifer" (docs/SYNC_PROTOCOL.md §7.4: the national platform prices it by act code), so
the totals show the known amounts and, apart, how many acts are to be priced: a missing
amount is never shown as 0,00 €. An act the administrator has exported for payment
shows "Exporté pour paiement" after the next sync (the ChargeItem feed, protocol §7.6).
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.services.billing import (
    STATUS_LABELS,
    BilledAct,
    BillingService,
    BillingStatus,
    MonthTotal,
)
from icope_desktop.ui.sync.messages import text

NO_AMOUNT = "–"


def euros(cents: int | None) -> str:
    if cents is None:
        return _("à tarifer")
    whole, part = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{part:02d} €"


def month_label(month: str) -> str:
    """`2025-03` as `03/2025`, the way dates are written everywhere else in the app."""
    year, _sep, number = month.partition("-")
    return f"{number}/{year}"


def known_amount(total: MonthTotal) -> str:
    """The sum of the known amounts, or a dash when no act of the month has one."""
    return euros(total.amount_cents) if total.priced else NO_AMOUNT


class BillingView(QWidget):
    def __init__(self, billing: BillingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.billing = billing
        self.acts: list[BilledAct] = []
        self.totals: list[MonthTotal] = []
        self.pricing_label = QLabel(self)
        self.pricing_label.setObjectName("pricing_label")
        self.pricing_label.setWordWrap(True)
        self.pricing_label.setProperty("role", "hint")
        self.totals_table = QTableWidget(0, 8, self)
        self.totals_table.setObjectName("totals_table")
        self.totals_table.setHorizontalHeaderLabels(
            [_("Mois"), _("Actes"), _("Montant connu"), _("À tarifer"), _("À envoyer"),
             _("Envoyés"), _("Exportés pour paiement"), _("Refusés")]
        )
        self.acts_table = QTableWidget(0, 5, self)
        self.acts_table.setObjectName("acts_table")
        self.acts_table.setHorizontalHeaderLabels(
            [_("Date"), _("Acte"), _("Patient"), _("Montant"), _("Statut")]
        )
        for table in (self.totals_table, self.acts_table):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # the monthly columns as wide as their headings ("Exportés pour paiement" was cut
        # when all eight shared a 1366 px screen equally); the last one takes what is left
        totals_header = self.totals_table.horizontalHeader()
        totals_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        totals_header.setStretchLastSection(True)
        # the act's label and the patient need the room; dates and amounts are short
        acts_header = self.acts_table.horizontalHeader()
        for column in (0, 3, 4):
            acts_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.refresh_button = QPushButton(_("Actualiser"), self)
        self.refresh_button.setObjectName("refresh_button")
        notice = QLabel(
            _("L'export pour paiement est fait par l'administrateur régional ; un acte "
              "exporté apparaît « Exporté pour paiement » après la synchronisation suivante."),
            self,
        )
        notice.setWordWrap(True)
        notice.setProperty("role", "hint")
        totals_title = QLabel(_("Totaux par mois"), self)
        acts_title = QLabel(_("Actes"), self)
        for title in (totals_title, acts_title):
            title.setProperty("role", "section")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(totals_title)
        layout.addWidget(self.pricing_label)
        layout.addWidget(self.totals_table, 1)
        layout.addWidget(acts_title)
        layout.addWidget(self.acts_table, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(notice, 1)
        bottom.addWidget(self.refresh_button)
        layout.addLayout(bottom)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        lang = current_language()
        self.acts = self.billing.acts()
        self.acts_table.setRowCount(len(self.acts))
        italic = QFont(self.font())
        italic.setItalic(True)
        for row, act in enumerate(self.acts):
            status = STATUS_LABELS[act.status].get(lang)
            if act.reason is not None and act.status is BillingStatus.REJECTED:
                status += " : " + text(act.reason)
            values = [
                act.line.act_date.strftime("%d/%m/%Y"),
                act.label.get(lang),
                act.patient_name,
                euros(act.line.amount_cents),
                status,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 3 and act.to_be_priced:
                    item.setFont(italic)
                    item.setToolTip(_("Montant fixé par la plateforme nationale selon le code "
                                      "de l'acte."))
                self.acts_table.setItem(row, column, item)
        self.totals = self.billing.monthly_totals(self.acts)
        self.totals_table.setRowCount(len(self.totals))
        for row, total in enumerate(self.totals):
            values = [
                month_label(total.month),
                str(total.acts),
                known_amount(total),
                str(total.to_be_priced),
                str(total.by_status[BillingStatus.TO_SEND]),
                str(total.by_status[BillingStatus.SENT]),
                str(total.by_status[BillingStatus.EXPORTED]),
                str(total.by_status[BillingStatus.REJECTED]),
            ]
            for column, value in enumerate(values):
                self.totals_table.setItem(row, column, QTableWidgetItem(value))
        unpriced = sum(total.to_be_priced for total in self.totals)
        self.pricing_label.setText(
            _("{count} acte(s) à tarifer : la table des tarifs ne donne pas encore de montant. "
              "Ils sont transmis quand même ; la plateforme nationale les tarifera selon le "
              "code de l'acte.").format(count=unpriced)
            if unpriced
            else ""
        )
        self.pricing_label.setVisible(bool(unpriced))
