"""The practitioner's acts, their billing status and totals per month (DESIGN.md
"Billing"). Amounts come from the dated tariff table through the store; the status from
the act's sync state. Whether the administrator has exported an act for payment does not
come back from the server (the protocol has no read-back of it), which the view says.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.services.billing import STATUS_LABELS, BilledAct, BillingService, BillingStatus
from icope_desktop.ui.sync.messages import text


def euros(cents: int | None) -> str:
    if cents is None:
        return _("à tarifer")
    whole, part = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{part:02d} €"


class BillingView(QWidget):
    def __init__(self, billing: BillingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.billing = billing
        self.acts: list[BilledAct] = []
        self.totals_table = QTableWidget(0, 6, self)
        self.totals_table.setObjectName("totals_table")
        self.totals_table.setHorizontalHeaderLabels(
            [_("Mois"), _("Actes"), _("Montant"), _("À envoyer"), _("Envoyés"),
             _("Refusés ou non tarifés")]
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
        self.refresh_button = QPushButton(_("Actualiser"), self)
        self.refresh_button.setObjectName("refresh_button")
        notice = QLabel(
            _("L'export pour paiement est fait par l'administrateur régional ; le serveur ne "
              "renvoie pas encore cet état à l'application."),
            self,
        )
        notice.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Totaux par mois"), self))
        layout.addWidget(self.totals_table, 1)
        layout.addWidget(QLabel(_("Actes"), self))
        layout.addWidget(self.acts_table, 2)
        layout.addWidget(notice)
        layout.addWidget(self.refresh_button)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        lang = current_language()
        self.acts = self.billing.acts()
        self.acts_table.setRowCount(len(self.acts))
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
                self.acts_table.setItem(row, column, QTableWidgetItem(value))
        totals = self.billing.monthly_totals(self.acts)
        self.totals_table.setRowCount(len(totals))
        for row, total in enumerate(totals):
            values = [
                total.month,
                str(total.acts),
                euros(total.amount_cents),
                str(total.by_status[BillingStatus.TO_SEND]),
                str(total.by_status[BillingStatus.SENT]),
                str(total.by_status[BillingStatus.REJECTED]
                    + total.by_status[BillingStatus.NOT_PRICED]),
            ]
            for column, value in enumerate(values):
                self.totals_table.setItem(row, column, QTableWidgetItem(value))
