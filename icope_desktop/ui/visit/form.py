"""An instrument's form, drawn from its definition: sections from `Item.section`, one
row per item, conditional rows from `visible_if`, and the live score on every change.

The form holds the answers as the screening core reads them. A submitted value is
checked with `screening.validate` on the answers it would produce: an error on that item
refuses it (the saved value stays), an `implausible` one asks for confirmation (the item
id then goes into `_confirmed`), errors on other items never block this one (they are
shown on their own rows). Accepted values go to `save(item_id, value)`, which the page
sends to the ordered writer (issue 4: "saved at every change").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import (
    CONFIRMED_KEY,
    Alert,
    FieldErrorCode,
    Instrument,
    Item,
    Result,
    ScoringContext,
    ValidationError,
    score,
    validate,
)
from icope_desktop.ui.visit.item_row import ItemRow, Outcome
from icope_desktop.ui.visit.live_score import LiveScore
from icope_desktop.ui.visit.urgent import UrgentBanner

SaveFn = Callable[[str, Any], None]
BUILD_CHUNK = 4
"""Rows built per event-loop turn (about 25 ms on a slow laptop)."""
BUILD_FALLBACK_MS = 50
"""The rest of a form is built after its first paint; a form that is never painted
(not shown yet) starts after this delay anyway."""
MOOT_DETAILS: dict[str, tuple[str, Any]] = {"N1_kg_lost": ("N1", "non")}
"""Optional details the keyboard flow passes over when the question they detail was
answered this way (no weight loss: no amount to ask). Focus order only: Tab still
reaches them, and the scoring is the screening core's (spec §2, vitality)."""


class SectionCard(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.title = title
        self.rows: list[ItemRow] = []
        self.title_label = QLabel(title, self)
        self.title_label.setProperty("role", "section")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(12, 8, 12, 8)
        self.layout_.setSpacing(2)
        self.layout_.addWidget(self.title_label)

    def add_row(self, row: ItemRow) -> None:
        if self.rows:
            line = QFrame(self)
            line.setObjectName("row_separator")  # coloured by the page's style sheet
            line.setFrameShape(QFrame.Shape.HLine)
            row.separator = line  # type: ignore[attr-defined]
            self.layout_.addWidget(line)
        self.rows.append(row)
        self.layout_.addWidget(row)


class InstrumentForm(QWidget):
    """The form of one instrument; `rows[item_id]` are the questions."""

    answers_changed = Signal(str)  # item id
    result_changed = Signal(object)  # Result | None
    urgent_alert_raised = Signal(object)  # Alert that needs a documented action
    completed = Signal()  # the last question was answered: the page moves the focus on
    built = Signal()  # every row exists (long forms are built a few rows at a time)

    def __init__(
        self,
        instrument: Instrument,
        answers: dict[str, Any],
        context: ScoringContext,
        save: SaveFn,
        *,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.instrument = instrument
        self.answers: dict[str, Any] = dict(answers)
        self.context = context
        self._save = save
        self.read_only = read_only
        self.result: Result | None = None
        self.setObjectName(f"form_{instrument.id}")
        lang = current_language()

        self.live_score = LiveScore(self)
        self.urgent_banner = UrgentBanner(self)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("scroll_area")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(self.scroll_area)
        content.setObjectName("form_content")
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(4, 4, 12, 12)
        content_layout.setSpacing(10)
        if instrument.instructions is not None:
            instructions = QLabel(instrument.instructions.get(lang), content)
            instructions.setWordWrap(True)
            instructions.setProperty("role", "help")
            content_layout.addWidget(instructions)

        self.rows: dict[str, ItemRow] = {}
        self.sections: list[SectionCard] = []
        self._by_title: dict[str, SectionCard] = {}
        self._content = content
        self._content_layout = content_layout
        self._first_card_index = content_layout.count()
        if instrument.licence_notice is not None:
            notice = QLabel(instrument.licence_notice.get(lang), content)
            notice.setWordWrap(True)
            notice.setProperty("role", "help")
            content_layout.addWidget(notice)
        content_layout.addStretch(1)
        self._unbuilt: list[Item] = list(instrument.items)
        self._pending_focus: str | None = None
        self._build_rows(BUILD_CHUNK)
        self.scroll_area.setWidget(content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.urgent_banner)
        layout.addWidget(self.live_score)
        layout.addWidget(self.scroll_area, 1)
        self._refresh(initial=True)
        self._building = False
        if self._unbuilt:
            QTimer.singleShot(BUILD_FALLBACK_MS, self, self._start_building)

    # --- progressive building ------------------------------------------------------------

    @property
    def is_built(self) -> bool:
        return not self._unbuilt

    def paintEvent(self, event: QPaintEvent) -> None:
        """The rows above the fold are on screen: build the others from the next turn
        of the event loop, so they never delay the first paint of a visit (the first
        paint held the UI thread ~120 ms when the second chunk came before it)."""
        super().paintEvent(event)
        if self._unbuilt and not self._building:
            QTimer.singleShot(0, self, self._start_building)  # dropped if the form is gone

    def _start_building(self) -> None:
        if self._unbuilt and not self._building:
            self._building = True
            self._build_more()

    def _build_rows(self, limit: int) -> None:
        """Build the next rows; a long form is built a few rows per event-loop turn so
        the UI thread is never held for long (issue 4: nothing blocks > 100 ms)."""
        lang = current_language()
        for item in self._unbuilt[:limit]:
            title = item.section.get(lang) if item.section else self.instrument.title.get(lang)
            card = self._by_title.get(title)
            if card is None:
                card = SectionCard(title, self._content)
                card.setObjectName(f"section_{len(self.sections)}")
                self._by_title[title] = card
                self._content_layout.insertWidget(
                    self._first_card_index + len(self.sections), card
                )
                self.sections.append(card)
            row = ItemRow(item, self._submit, self._on_row_done, card)
            row.set_answer(self.answers.get(item.id))
            row.set_read_only(self.read_only)
            row.field.set_context(self.answers)
            card.add_row(row)
            self.rows[item.id] = row
        del self._unbuilt[:limit]
        self._apply_visibility()
        if self.isVisible():
            # Lay the new rows out now: a paint between this chunk and the queued layout
            # request drew the cards squeezed into the old content height for a frame.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _build_more(self) -> None:
        if not self._unbuilt:
            return
        self._build_rows(BUILD_CHUNK)
        if self._unbuilt:
            QTimer.singleShot(0, self, self._build_more)  # dropped if the form is gone
        else:
            self._finish_building()

    def ensure_built(self) -> None:
        """Every row now (a caller needs one that is not built yet)."""
        if self._unbuilt:
            self._build_rows(len(self._unbuilt))
            self._finish_building()

    def _finish_building(self) -> None:
        self._show_saved_errors(None)
        self.built.emit()
        if self._pending_focus is not None:
            item_id, self._pending_focus = self._pending_focus, None
            self.focus_item(item_id)

    # --- answers -------------------------------------------------------------------

    def answer(self, item_id: str) -> Any:
        return self.answers.get(item_id)

    def row(self, item_id: str) -> ItemRow:
        if item_id not in self.rows:
            self.ensure_built()
        return self.rows[item_id]

    def _confirmed(self) -> set[str]:
        raw = self.answers.get(CONFIRMED_KEY, [])
        return {str(x) for x in raw} if isinstance(raw, list | tuple | set) else set()

    def _submit(self, item: Item, value: Any, confirm: bool) -> Outcome:
        if self.read_only:
            return Outcome.refused(_("Visite finalisée : lecture seule."))
        candidate = dict(self.answers)
        if value is None:
            candidate.pop(item.id, None)
        else:
            candidate[item.id] = value
        confirmed = self._confirmed()
        if confirm:
            confirmed.add(item.id)
        elif item.id in confirmed and value != self.answers.get(item.id):
            confirmed.discard(item.id)  # a new value needs its own confirmation
        if confirmed:
            candidate[CONFIRMED_KEY] = sorted(confirmed)
        else:
            candidate.pop(CONFIRMED_KEY, None)
        lang = current_language()
        try:
            validate(self.instrument.id, candidate)
        except ValidationError as err:
            mine = [e for e in err.errors if e.item_id == item.id]
            blocking = [e for e in mine if e.code != FieldErrorCode.IMPLAUSIBLE]
            if blocking:
                return Outcome.refused(blocking[0].message.get(lang))
            if mine:
                return Outcome.confirm(mine[0].message.get(lang))
        before_confirmed = self.answers.get(CONFIRMED_KEY)
        self.answers = candidate
        self._save(item.id, value)
        if candidate.get(CONFIRMED_KEY) != before_confirmed:
            self._save(CONFIRMED_KEY, candidate.get(CONFIRMED_KEY))
        self._refresh(changed=item.id)
        self.answers_changed.emit(item.id)
        return Outcome.ok()

    def _refresh(self, *, changed: str | None = None, initial: bool = False) -> None:
        self._apply_visibility()
        self._show_saved_errors(changed)
        self._rescore(initial=initial)

    def _apply_visibility(self) -> None:
        for card in self.sections:
            any_visible = False
            for row in card.rows:
                visible = row.item.is_visible(self.answers)
                row.setVisible(visible)
                separator = getattr(row, "separator", None)
                if separator is not None:
                    separator.setVisible(visible)
                any_visible = any_visible or visible
                row.field.set_context(self.answers)
            card.setVisible(any_visible)

    def _show_saved_errors(self, changed: str | None) -> None:
        """Cross-field problems of the saved answers, on the rows they concern."""
        errors: dict[str, str] = {}
        try:
            validate(self.instrument.id, self.answers)
        except ValidationError as err:
            for error in err.errors:
                errors.setdefault(error.item_id, error.message.get(current_language()))
        for item_id, row in self.rows.items():
            if item_id in errors:
                row.show_error(errors[item_id])
                row.saved_error = True  # type: ignore[attr-defined]
            elif getattr(row, "saved_error", False) or item_id == changed:
                if not row.confirm_button.isVisible() or item_id == changed:
                    row.clear_message()
                row.saved_error = False  # type: ignore[attr-defined]

    def _rescore(self, *, initial: bool = False) -> None:
        previous = self.result
        try:
            self.result = score(self.instrument.id, self.answers, self.context)
        except ValidationError as err:
            self.result = None
            self.live_score.show_problem(err.messages(current_language()))
            self.result_changed.emit(None)
            return
        self.live_score.show_result(self.result)
        self.result_changed.emit(self.result)
        urgent = self.urgent_alert()
        was_urgent = previous is not None and any(
            a.requires_documented_action for a in previous.alerts
        )
        if urgent is not None and not was_urgent and not initial:
            self.urgent_alert_raised.emit(urgent)

    def urgent_alert(self) -> Alert | None:
        if self.result is None:
            return None
        return next((a for a in self.result.alerts if a.requires_documented_action), None)

    def commit_pending(self) -> None:
        for row in self.rows.values():
            row.field.commit_pending()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for row in self.rows.values():
            row.set_read_only(read_only)

    # --- focus and sections -----------------------------------------------------------

    def visible_rows(self) -> list[ItemRow]:
        return [row for row in self.rows.values() if row.item.is_visible(self.answers)]

    def focused_row(self) -> ItemRow | None:
        focus = QApplication.focusWidget()
        for row in self.rows.values():
            if row.owns(focus):
                return row
        return None

    def focus_row(self, row: ItemRow) -> None:
        row.focus()
        self.scroll_area.ensureWidgetVisible(row, 40, 60)

    def focus_item(self, item_id: str | None) -> bool:
        if item_id and item_id not in self.rows and self.instrument.has_item(item_id):
            self._pending_focus = item_id  # focused once its row is built
            return self.instrument.item(item_id).is_visible(self.answers)
        row = self.rows.get(item_id or "")
        if row is None or not row.item.is_visible(self.answers):
            return False
        self.focus_row(row)
        return True

    def focus_first(self) -> None:
        """The first unanswered question, else the first one."""
        rows = self.visible_rows()
        target = next((r for r in rows if not r.is_answered), None)
        if target is None and rows:
            target = rows[0]
        if target is not None:
            self.focus_row(target)

    def _on_row_done(self, row: ItemRow) -> None:
        """Move on to the next visible unanswered question, optional ones included: a
        question that appears after an answer (hearing red flags after a failed whispered
        voice) must not be jumped over (usability audit 4)."""
        rows = self.visible_rows()
        if row not in rows:
            return
        after = rows[rows.index(row) + 1 :]
        target = next((r for r in after if not r.is_answered and not self._moot(r)), None)
        if target is None and self._unbuilt:
            self.ensure_built()
            self._on_row_done(row)
            return
        if target is not None:
            self.focus_row(target)
        else:
            self.completed.emit()

    def _moot(self, row: ItemRow) -> bool:
        detail_of = MOOT_DETAILS.get(row.item.id)
        if detail_of is None or row.item.required:
            return False
        question, answer = detail_of
        return self.answers.get(question) == answer

    def focus_after(self, item_id: str) -> None:
        """Where Enter would have gone from `item_id` (after a dialog took the focus)."""
        self._on_row_done(self.row(item_id))

    def clear_answer(self, item_id: str) -> None:
        """Take an answer back, as clicking the chosen answer again does."""
        row = self.row(item_id)
        if self._submit(row.item, None, False).saved:
            row.field.set_value(None)

    def current_section(self) -> int:
        row = self.focused_row()
        if row is not None:
            for index, card in enumerate(self.sections):
                if row in card.rows:
                    return index
        top = self.scroll_area.verticalScrollBar().value()
        current = 0
        for index, card in enumerate(self.sections):
            if card.isVisible() and card.y() <= top + 10:
                current = index
        return current

    def visible_sections(self) -> list[int]:
        self.ensure_built()
        return [
            i for i, card in enumerate(self.sections)
            if any(r.item.is_visible(self.answers) for r in card.rows)
        ]  # fmt: skip

    def go_to_section(self, index: int) -> None:
        self.ensure_built()
        card = self.sections[index]
        rows = [r for r in card.rows if r.item.is_visible(self.answers)]
        self.scroll_area.verticalScrollBar().setValue(card.y() - 4)
        target = next((r for r in rows if not r.is_answered and r.item.required), None)
        target = target or (rows[0] if rows else None)
        if target is not None:
            target.focus()

    def step_section(self, delta: int) -> bool:
        """Ctrl+→ / Ctrl+←: the next or previous section; False at either end."""
        self.ensure_built()
        visible = self.visible_sections()
        if not visible:
            return False
        current = self.current_section()
        position = visible.index(current) if current in visible else 0
        target = position + delta
        if not 0 <= target < len(visible):
            return False
        self.go_to_section(visible[target])
        return True
