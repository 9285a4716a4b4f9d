"""After finalization: the GP letter and the patient summary, with what keeps them back.

`LetterService.generate` runs in a `Task` (rendering PDFs is slow work); the letters
helper's `LetterPreview` shows, prints and saves them. When information is missing (no
GP on file, no RPPS or phone in the profile) the letters' own sentences say what and
where, and a button takes the practitioner there (`fix_requested`), then "Réessayer"
renders again (issue 4).

A finalized visit reopened later shows the letters kept with it (`load_stored`, read in a
`Task` too); a letter that could not be made at finalization (`LetterIncomplete`: no GP,
no RPPS…) is offered again with "Générer maintenant", which renders only what is missing.
What still keeps it back is said at once, with the way to fix it (usability audit 5): the
read task checks the letter's context as `LetterService.generate` would, without
rendering anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.letters import LetterIncomplete, Problem, check_letter_context
from icope_desktop.services.letters import KINDS, TITLES, Kind, LetterBatch, LetterServiceError
from icope_desktop.store.records import VisitId
from icope_desktop.ui.letter_preview import LetterPreview
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.visit.theme import TARGET

FIX_TARGETS = ("patient", "profile")


class LettersPanel(QFrame):
    fix_requested = Signal(str)  # "profile" or "patient"
    generated = Signal(object)  # LetterBatch
    preview_opened = Signal(object)  # LetterPreview

    def __init__(
        self,
        letters: Any,
        visit_id: VisitId,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        auto_preview: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("letters_panel")
        self.setProperty("card", True)
        self.letters = letters
        self.visit_id = visit_id
        self.tasks = tasks
        self.auto_preview = auto_preview
        self.batch: LetterBatch | None = None
        self.preview: LetterPreview | None = None
        title = QLabel(_("Courriers"), self)
        title.setProperty("role", "section")
        self.state_label = QLabel(self)
        self.state_label.setObjectName("state_label")
        self.state_label.setWordWrap(True)
        self.body = QVBoxLayout()
        self.retry_button = QPushButton(_("Réessayer"), self)
        self.retry_button.setObjectName("retry_button")
        self.retry_button.setMinimumHeight(TARGET)
        self.retry_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.retry_button.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.addWidget(title)
        layout.addWidget(self.state_label)
        layout.addLayout(self.body)
        layout.addWidget(self.retry_button)
        self.task: Task | None = None
        self.retry_kinds: tuple[Kind, ...] = KINDS

    def generate(self, kinds: Sequence[Kind] = KINDS) -> None:
        """Render and store the documents off the UI thread (both, or those missing)."""
        if self.task is not None:
            return
        lang = current_language()
        visit_id = self.visit_id
        wanted = tuple(kinds)
        self.retry_kinds = wanted  # a failure retries the same documents
        self.state_label.setText(_("Préparation des courriers…"))
        self.retry_button.setVisible(False)
        task = Task(
            lambda _p, _c: self.letters.generate(visit_id, lang, wanted), name="letters"
        )
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        self.task = task
        self.tasks.start(task)

    def load_stored(self) -> None:
        """A finalized visit reopened: the letters kept with it, or a way to make them.

        Reading two encrypted PDFs is quick but is store work: it runs in a `Task` like
        the rendering, so reopening a visit never waits on it."""
        if self.task is not None:
            return
        lang = current_language()
        visit_id = self.visit_id
        letters = self.letters
        self.state_label.setText(_("Lecture des courriers…"))
        self.retry_button.setVisible(False)

        def read(_progress: Any, _cancel: Any) -> LetterBatch:
            pdfs = {}
            for kind in KINDS:
                pdf = letters.stored_pdf(visit_id, kind, lang)
                if pdf is not None:
                    pdfs[kind] = pdf
            missing = [kind for kind in KINDS if kind not in pdfs]
            return LetterBatch(
                visit_id, lang, pdfs=pdfs, problems=_problems(letters, visit_id, lang, missing)
            )

        task = Task(read, name="stored-letters")
        task.succeeded.connect(self._on_stored_loaded)
        task.failed.connect(self._on_task_failed)
        self.task = task
        self.tasks.start(task)

    def _on_stored_loaded(self, batch: LetterBatch) -> None:
        self.task = None
        self._show(batch, auto_preview=False)
        missing = tuple(kind for kind in KINDS if kind not in batch.pdfs)
        if not missing:
            return
        lang = current_language()
        lines = [
            (
                _("{title} : pas encore produit ; complétez les informations indiquées "
                  "ci-dessous, puis générez-le.")
                if kind in batch.problems
                else _("{title} : pas encore produit ; rien ne manque plus pour le produire.")
            ).format(title=TITLES[kind].get(lang))
            for kind in missing
        ]  # fmt: skip
        self.state_label.setText("\n".join([self.state_label.text(), *lines]).strip())
        self.retry_kinds = missing
        self.retry_button.setText(_("Générer maintenant"))
        self.retry_button.setVisible(True)

    def _on_retry_button_clicked(self) -> None:
        self.generate(self.retry_kinds)

    def _on_task_succeeded(self, batch: LetterBatch) -> None:
        self.task = None
        fresh_letter = "gp_letter" in batch.pdfs
        if self.batch is not None:  # a retry renders only what was missing: keep the rest
            kept = {k: v for k, v in self.batch.pdfs.items() if k not in batch.pdfs}
            batch = LetterBatch(
                batch.visit_id,
                batch.language,
                pdfs={**kept, **batch.pdfs},
                letter_ids={**self.batch.letter_ids, **batch.letter_ids},
                problems=batch.problems,
            )
        self._show(batch, auto_preview=self.auto_preview and fresh_letter)
        self.generated.emit(batch)

    def _on_task_failed(self, exc: object) -> None:
        self.task = None
        message = getattr(exc, "message", None)
        text = message.get(current_language()) if message is not None else ""
        self.state_label.setText(
            _("Les courriers n'ont pas pu être produits.") + (f" {text}" if text else "")
        )
        self.retry_button.setText(_("Réessayer"))
        self.retry_button.setVisible(True)

    def _clear(self) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _show(self, batch: LetterBatch, *, auto_preview: bool) -> None:
        self.batch = batch
        self._clear()
        lang = current_language()
        # "sent at the next sync" only when a regional server is set (LetterBatch.delivery)
        delivery = batch.delivery
        self.state_label.setText(delivery.get(lang) if delivery is not None else "")
        for kind in KINDS:
            line = QHBoxLayout()
            if kind in batch.pdfs:
                button = QPushButton(_("Voir / imprimer : {title}").format(
                    title=TITLES[kind].get(lang)), self)  # fmt: skip
                button.setObjectName(f"open_{kind}")
                button.setMinimumHeight(TARGET)
                button.clicked.connect(lambda _c=False, k=kind: self.open_preview(k))
                line.addWidget(button)
                line.addStretch(1)
                holder = QWidget(self)
                holder.setLayout(line)
                self.body.addWidget(holder)
            elif kind in batch.problems:
                box = QLabel(self)
                box.setObjectName(f"problems_{kind}")
                box.setWordWrap(True)
                items = "".join(f"<li>{m}</li>" for m in batch.problems[kind].messages(lang))
                box.setText(
                    "<b>" + _("{title} : informations manquantes").format(
                        title=TITLES[kind].get(lang)) + f"</b><ul>{items}</ul>"
                )  # fmt: skip
                box.setStyleSheet("color: #8a5a00;")
                self.body.addWidget(box)
        targets = batch.fix_targets() & set(FIX_TARGETS)
        if targets:
            fixes = QHBoxLayout()
            for target in sorted(targets):
                button = QPushButton(self._fix_label(target), self)
                button.setObjectName(f"fix_{target}")
                button.setMinimumHeight(TARGET)
                button.clicked.connect(lambda _c=False, t=target: self.fix_requested.emit(t))
                fixes.addWidget(button)
            fixes.addStretch(1)
            holder = QWidget(self)
            holder.setLayout(fixes)
            self.body.addWidget(holder)
        if batch.problems:
            self.retry_kinds = tuple(kind for kind in KINDS if kind in batch.problems)
            self.retry_button.setText(_("Réessayer"))
            self.retry_button.setVisible(True)
        if auto_preview and "gp_letter" in batch.pdfs:
            self.open_preview("gp_letter")

    @staticmethod
    def _fix_label(target: str) -> str:
        if target == "profile":
            return _("Compléter mon profil")
        return _("Compléter la fiche du patient")

    def open_preview(self, kind: Kind) -> LetterPreview | None:
        if self.batch is None or kind not in self.batch.pdfs:
            return None
        day = self.visit_id.hex[:8]
        name = "courrier-medecin" if kind == "gp_letter" else "synthese-patient"
        preview = LetterPreview(
            self.batch.pdfs[kind],
            title=TITLES[kind].get(current_language()),
            file_name=f"icope-{name}-{day}.pdf",
            parent=self.window(),
        )
        self.preview = preview
        self.preview_opened.emit(preview)
        preview.open()
        return preview


def _problems(
    letters: Any, visit_id: VisitId, lang: Any, kinds: Sequence[Kind]
) -> dict[Kind, LetterIncomplete]:
    """What keeps each of `kinds` from being produced now, checked as
    `LetterService.generate` checks it (same context, same rules), nothing rendered."""
    if not kinds:
        return {}
    try:
        context = letters.context(visit_id, lang)
    except LetterServiceError as err:
        return dict.fromkeys(kinds, LetterIncomplete([Problem("visit", err.message)]))
    problems: dict[Kind, LetterIncomplete] = {}
    for kind in kinds:
        try:
            check_letter_context(context, kind)
        except LetterIncomplete as err:
            problems[kind] = err
    return problems
