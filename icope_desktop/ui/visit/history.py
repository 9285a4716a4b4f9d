"""A patient's previous visits and how each capacity evolved (Step 4 monitoring, spec §1).

`PatientHistory(services, patient_id)` is what the shell places on its patient page: the
list of visits (drafts included, so nothing started is forgotten) and two charts, drawn
with QtCharts from the results stored at finalization (never recomputed):

* the six capacities over time, one row each, a dot per visit coloured and labelled by
  status (normal / altered / not evaluated) after Step 2 refinement;
* a chosen Step 2 test's score over time; dots are red when that result was altered.
  Snellen and hearing have no total: the better eye's decimal acuity and the better
  ear's PTA4 are plotted (their documented `derived` values).

Loading reads every finalized visit, so it runs in a `Task` (`loaded` when done).

With the sync part (`services.sync`), the table also says where each finalized visit
stands with the regional server (waiting, sent, or refused and why, in the tooltip), so
the nurse sees it where she looks at the visits (DESIGN.md "Sync": the state is visible).
Drafts stay on the computer until finalized. `refresh_sync_status()` re-reads only that
column (the sync part calls it after each sync).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import Domain, DomainStatus, Result, get_instrument
from icope_desktop.services.visits import STEP1, STEP2_ORDER, HistoryPoint
from icope_desktop.store.records import (
    PatientId,
    RecordStatus,
    VisitId,
    VisitKind,
    VisitSummary,
)
from icope_desktop.ui.shell.wording import visit_kind_label
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.visit.numbers import format_number
from icope_desktop.ui.visit.theme import STATUS_COLOURS, TARGET


@dataclass(frozen=True)
class HistoryData:
    visits: list[VisitSummary]
    points: list[HistoryPoint]
    sync: dict[VisitId, Any] | None = None
    """Visit id → the sync part's `RecordSyncView` (or None: never queued), for the
    finalized visits; None without the sync part."""


SYNC_COLUMN = 5


def _sync_statuses(sync: Any, visits: list[VisitSummary]) -> dict[VisitId, Any] | None:
    """Read on the worker: one indexed outbox lookup per finalized visit."""
    if sync is None:
        return None
    from icope_desktop.store.records import EntityKind

    return {
        v.id: sync.record_status(EntityKind.VISIT, v.id)
        for v in visits
        if v.status is RecordStatus.FINAL
    }


def measure(result: Result) -> float | None:
    """The number plotted for a Step 2 result: its total, or for the tests without one
    the better eye's decimal acuity / the better ear's PTA4 (`derived`)."""
    if result.total is not None:
        return float(result.total)
    for key in ("better_eye_decimal", "better_ear_pta4"):
        value = result.derived.get(key)
        if isinstance(value, int | float):
            return float(value)
    return None


def measure_label(instrument_id: str) -> str:
    if instrument_id == "snellen":
        return _("acuité décimale, meilleur œil")
    if instrument_id == "hearing":
        return _("PTA4 (dB HL), meilleure oreille")
    max_total = get_instrument(instrument_id).max_total
    return _("score sur {max}").format(max=max_total) if max_total else _("score")


def _msecs(day: date) -> float:
    return float(QDateTime(datetime.combine(day, time(12))).toMSecsSinceEpoch())


def _tick_count(top: int) -> int:
    """Ticks at whole steps (MMSE 0,5…30; SPPB 0,2…12; PHQ-9 0,9…27)."""
    for step in (2, 3, 4, 5, 6, 9, 10):
        if top % step == 0 and 3 <= top // step <= 8:
            return top // step + 1
    return 5


def _kind_label(kind: VisitKind) -> str:
    """The shell's words for a visit's kind, so the history, the home and the patient
    page name it alike ("Étape 1 (repérage)", audit item 9)."""
    return visit_kind_label(kind.value)


class PatientHistory(QWidget):
    loaded = Signal()
    visit_opened = Signal(object)  # VisitId: the shell shows it in a VisitPage
    sync_status_refreshed = Signal()

    def __init__(self, services: Any, patient_id: PatientId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patient_history")
        self.services = services
        self.patient_id = patient_id
        self.tasks = TaskRunner(parent=self)
        self.data: HistoryData | None = None

        title = QLabel(_("Historique des visites"), self)
        title.setProperty("role", "section")
        title.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1f5fa8;")
        self.sync = getattr(services, "sync", None)
        headers = [_("Date"), _("Type"), _("Statut"), _("Capacités altérées"),
                   _("Tests de l'étape 2")]
        if self.sync is not None:
            headers.append(_("Serveur régional"))
        self.table = QTableWidget(0, len(headers), self)
        self.table.setObjectName("table")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(TARGET)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.cellActivated.connect(self._on_table_cell_activated)
        self.table.cellDoubleClicked.connect(self._on_table_cell_activated)

        self.status_chart = QChart()
        self.status_chart.setTitle(_("Capacités au fil des visites"))
        self.status_chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.status_chart.setMargins(QMargins(4, 4, 4, 4))
        self.status_view = QChartView(self.status_chart, self)
        self.status_view.setObjectName("status_view")
        self.status_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.status_view.setMinimumHeight(260)

        self.score_combo = QComboBox(self)
        self.score_combo.setObjectName("score_combo")
        self.score_combo.setMinimumHeight(TARGET)
        self.score_combo.currentIndexChanged.connect(lambda _i: self._draw_scores())
        self.score_chart = QChart()
        self.score_chart.legend().setVisible(False)
        self.score_chart.setMargins(QMargins(4, 4, 4, 4))
        self.score_view = QChartView(self.score_chart, self)
        self.score_view.setObjectName("score_view")
        self.score_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.score_view.setMinimumHeight(260)
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("empty_label")
        self.empty_label.setWordWrap(True)

        score_head = QHBoxLayout()
        score_head.addWidget(QLabel(_("Évolution du score :"), self))
        score_head.addWidget(self.score_combo, 1)
        charts = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.status_view)
        right = QVBoxLayout()
        right.addLayout(score_head)
        right.addWidget(self.score_view)
        charts.addLayout(left, 1)
        charts.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addWidget(self.empty_label)
        layout.addLayout(charts, 1)
        self.reload()

    # --- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        visits = self.services.visits
        patient_id = self.patient_id
        sync = self.sync

        def load(_p: object, _c: object) -> HistoryData:
            listed = visits.list_visits(patient_id)
            return HistoryData(listed, visits.history(patient_id), _sync_statuses(sync, listed))

        task = Task(load, name="patient-history")
        task.succeeded.connect(self._on_loaded)
        task.failed.connect(self._on_failed)
        self.tasks.start(task)

    def _on_failed(self, exc: object) -> None:
        self.empty_label.setText(_("L'historique n'a pas pu être lu."))
        self.loaded.emit()

    def _on_loaded(self, data: HistoryData) -> None:
        self.data = data
        self._fill_table()
        self._draw_statuses()
        self._fill_combo()
        empty = _(
            "Aucune visite finalisée pour l'instant : les courbes apparaîtront après la première."
        )
        self.empty_label.setText("" if data.points else empty)
        self.empty_label.setVisible(not data.points)
        self.loaded.emit()

    # --- table -------------------------------------------------------------------------

    def _fill_table(self) -> None:
        assert self.data is not None
        lang = current_language()
        points = {p.visit_id: p for p in self.data.points}
        finals = {v.id for v in self.data.visits if v.status is RecordStatus.FINAL}
        rows = [v for v in self.data.visits if v.amended_by not in finals]
        self.table.setRowCount(len(rows))
        self.row_visits = []
        visible_rows = min(max(len(rows), 1), 5)
        self.table.setFixedHeight(
            self.table.horizontalHeader().height() + visible_rows * TARGET + 4
        )
        for row, visit in enumerate(rows):
            point = points.get(visit.id)
            if visit.status is RecordStatus.DRAFT:
                status = _("brouillon")
            elif visit.version > 1:
                status = _("finalisée (corrigée, v{version})").format(version=visit.version)
            else:
                status = _("finalisée")
            altered = ""
            tests = ""
            if point is not None:
                altered = ", ".join(
                    d.label.get(lang) for d, s in point.domains.items()
                    if s is DomainStatus.ALTERED
                ) or _("aucune")  # fmt: skip
                tests = " · ".join(
                    f"{get_instrument(i).title.get(lang)} {self._value_text(r)}"
                    for i, r in point.results.items() if i != STEP1
                )  # fmt: skip
            day = visit.performed_on.strftime("%d/%m/%Y")
            values = (day, _kind_label(visit.kind), status, altered, tests)
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            self.row_visits.append(visit.id)
        self._fill_sync_column()

    # --- sync status -------------------------------------------------------------------

    def _fill_sync_column(self) -> None:
        if self.data is None or self.data.sync is None:
            return
        from icope_desktop.ui.sync.record_status import (
            is_rejected,
            short_status_text,
            status_text,
        )

        for row, visit_id in enumerate(self.row_visits):
            if visit_id in self.data.sync:
                view = self.data.sync[visit_id]
                item = QTableWidgetItem(short_status_text(view))
                item.setToolTip(status_text(view))
                if is_rejected(view):
                    item.setForeground(QColor(STATUS_COLOURS[DomainStatus.ALTERED]))
            else:
                item = QTableWidgetItem(_("reste sur cet ordinateur"))
                item.setToolTip(_("Un brouillon n'est envoyé qu'une fois la visite finalisée."))
                item.setForeground(QColor(STATUS_COLOURS[DomainStatus.NOT_EVALUATED]))
            self.table.setItem(row, SYNC_COLUMN, item)

    def refresh_sync_status(self) -> None:
        """Re-read the sync column only (after a sync), on a worker."""
        if self.data is None or self.sync is None:
            return
        sync, listed = self.sync, self.data.visits
        task = Task(lambda _p, _c: _sync_statuses(sync, listed), name="history-sync-status")
        task.succeeded.connect(self._on_sync_statuses_loaded)
        self.tasks.start(task)

    def _on_sync_statuses_loaded(self, statuses: dict[VisitId, Any] | None) -> None:
        if self.data is None:
            return
        self.data = HistoryData(self.data.visits, self.data.points, statuses)
        self._fill_sync_column()
        self.sync_status_refreshed.emit()

    @staticmethod
    def _value_text(result: Result) -> str:
        if result.total is not None and result.max_total:
            return f"{format_number(result.total, 1)}/{result.max_total}"
        value = measure(result)
        return format_number(value, 2) if value is not None else "–"

    def _on_table_cell_activated(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.row_visits):
            self.visit_opened.emit(self.row_visits[row])

    # --- charts ------------------------------------------------------------------------

    def _draw_statuses(self) -> None:
        assert self.data is not None
        chart = self.status_chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        lang = current_language()
        domains = list(Domain)
        series = {}
        for status in DomainStatus:
            dots = QScatterSeries()
            dots.setName(status.label.get(lang))
            dots.setColor(QColor(STATUS_COLOURS[status]))
            dots.setBorderColor(QColor(STATUS_COLOURS[status]))
            dots.setMarkerSize(14)
            if status is DomainStatus.NOT_EVALUATED:
                dots.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
            series[status] = dots
        for point in self.data.points:
            for index, domain in enumerate(domains):
                status = point.domains.get(domain, DomainStatus.NOT_EVALUATED)
                series[status].append(_msecs(point.performed_on), len(domains) - index)
        x_axis = self._date_axis()
        y_axis = QCategoryAxis()
        y_axis.setRange(0.5, len(domains) + 0.5)
        y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for index, domain in reversed(list(enumerate(domains))):  # end values must grow
            y_axis.append(domain.label.get(lang), len(domains) - index)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for dots in series.values():
            chart.addSeries(dots)
            dots.attachAxis(x_axis)
            dots.attachAxis(y_axis)

    def _date_axis(self) -> QDateTimeAxis:
        assert self.data is not None
        axis = QDateTimeAxis()
        axis.setFormat("MM/yyyy")
        days = [p.performed_on for p in self.data.points] or [date.today()]
        first, last = min(days), max(days)
        pad = max(20, (last - first).days // 10)
        axis.setRange(
            QDateTime(datetime.combine(first, time(0))).addDays(-pad),
            QDateTime(datetime.combine(last, time(0))).addDays(pad),
        )
        axis.setTickCount(min(6, max(2, len(days) + 1)))
        return axis

    def _fill_combo(self) -> None:
        assert self.data is not None
        available = [
            i for i in STEP2_ORDER
            if any(i in p.results and measure(p.results[i]) is not None for p in self.data.points)
        ]  # fmt: skip
        self.score_combo.blockSignals(True)
        self.score_combo.clear()
        for instrument_id in available:
            self.score_combo.addItem(
                get_instrument(instrument_id).title.get(current_language()), instrument_id
            )
        self.score_combo.blockSignals(False)
        self.score_combo.setEnabled(bool(available))
        self._draw_scores()

    def select_instrument(self, instrument_id: str) -> None:
        index = self.score_combo.findData(instrument_id)
        if index >= 0:
            self.score_combo.setCurrentIndex(index)

    def _draw_scores(self) -> None:
        chart = self.score_chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        instrument_id = self.score_combo.currentData()
        if self.data is None or instrument_id is None:
            chart.setTitle(_("Aucun test d'étape 2 enregistré"))
            return
        title = get_instrument(instrument_id).title.get(current_language())
        chart.setTitle(f"{title} — {measure_label(instrument_id)}")
        line = QLineSeries()
        line.setColor(QColor("#1f5fa8"))
        altered = QScatterSeries()
        altered.setColor(QColor(STATUS_COLOURS[DomainStatus.ALTERED]))
        altered.setMarkerSize(12)
        normal = QScatterSeries()
        normal.setColor(QColor(STATUS_COLOURS[DomainStatus.NORMAL]))
        normal.setMarkerSize(12)
        undecided = QScatterSeries()  # no verdict (no norm, missing items): grey
        undecided.setColor(QColor(STATUS_COLOURS[DomainStatus.NOT_EVALUATED]))
        undecided.setMarkerSize(12)
        values = []
        for point in self.data.points:
            result = point.results.get(instrument_id)
            value = measure(result) if result is not None else None
            if value is None or result is None:
                continue
            x = _msecs(point.performed_on)
            line.append(x, value)
            dots = undecided if result.altered is None else altered if result.altered else normal
            dots.append(x, value)
            values.append(value)
        x_axis = self._date_axis()
        y_axis = QValueAxis()
        top = get_instrument(instrument_id).max_total
        low, high = min(values), max(values)
        if top:
            y_axis.setRange(0, top)
            y_axis.setTickCount(_tick_count(top))
        else:
            span = max(high - low, 0.1)
            bottom = low - span * 0.3
            y_axis.setRange(max(0.0, bottom) if low >= 0 else bottom, high + span * 0.3)
        y_axis.setLabelFormat("%.0f" if top else "%.2f")
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (line, normal, altered, undecided):
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        self.plotted = values
