"""Every `_()` literal in the code has an English translation; Text switches language."""

from __future__ import annotations

import ast
from pathlib import Path

from icope_desktop.i18n import Text, _, english_catalog, set_language, tr

ROOT = Path(__file__).resolve().parent.parent / "icope_desktop"


def _ui_literals() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "both"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((str(path.relative_to(ROOT)), node.args[0].value))
    return found


def test_every_ui_string_has_an_english_translation():
    catalog = english_catalog()
    missing = sorted(f"{where}: {text!r}" for where, text in _ui_literals() if text not in catalog)
    assert not missing, "add these to resources/i18n/en/*.po:\n" + "\n".join(missing)


def test_language_switch():
    text = Text(fr="Altérée", en="Altered")
    assert str(text) == "Altérée"
    set_language("en")
    assert str(text) == "Altered"
    assert _("ICOPE Desktop") == "ICOPE Desktop"
    assert tr("inconnu, pas de traduction", "en") == "inconnu, pas de traduction"
