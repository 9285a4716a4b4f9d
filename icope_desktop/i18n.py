"""The translation layer: French is the source language, English is a catalog.

Two kinds of user-visible text exist and both live here, below every other layer:

* `Text(fr=..., en=...)` carries both languages as data. The screening core uses it for
  item labels, bands, alerts and validation messages, because those travel in results,
  letters and FHIR resources whatever the UI language is.
* `_("phrase en français")` translates a UI string at call time. English translations are
  kept in gettext PO files under `resources/i18n/en/` (one file per area, so parallel work
  never edits the same file), read with `polib` (a maintained PO parser, so the catalogs
  stay editable in any translator's tool) the first time English is needed, never
  before the unlock screen of a French session. A missing translation falls back to French,
  and `tests/test_i18n.py` fails on any `_()` literal without an English entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from icope_desktop.paths import resource

Lang = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("fr", "en")
DEFAULT_LANGUAGE: Lang = "fr"

_current: Lang = DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Text:
    """A user-visible text in both languages; `str(text)` gives the current language."""

    fr: str
    en: str

    def get(self, lang: Lang | None = None) -> str:
        return self.en if (lang or _current) == "en" else self.fr

    def __str__(self) -> str:
        return self.get()

    def format(self, **values: object) -> Text:
        return Text(fr=self.fr.format(**values), en=self.en.format(**values))

    def to_json(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Text:
        return cls(fr=data["fr"], en=data["en"])


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {LANGUAGES}")
    _current = lang  # type: ignore[assignment]


def current_language() -> Lang:
    return _current


@cache
def english_catalog() -> dict[str, str]:
    """Read on first use only: a French session never loads `polib` nor the catalogs
    (start-up budget, issue 4: the unlock screen appears before anything else loads)."""
    import polib

    catalog: dict[str, str] = {}
    folder = resource("i18n", "en")
    for po_path in sorted(folder.glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete:
                catalog[entry.msgid] = entry.msgstr
    return catalog


def _(message: str) -> str:
    """Translate a French UI string into the current language."""
    if _current == "fr":
        return message
    return english_catalog().get(message, message)


def tr(message: str, lang: Lang) -> str:
    """Translate a French UI string into an explicit language (letters, exports)."""
    if lang == "fr":
        return message
    return english_catalog().get(message, message)


def both(message: str) -> Text:
    """The French UI string and its English translation, as a `Text`."""
    return Text(fr=message, en=tr(message, "en"))
