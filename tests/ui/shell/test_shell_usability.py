"""Fixes from the usability walkthrough: visible choices, no duplicate drafts, editable
GP, postal codes typed with a space, tab order and errors that go away when fixed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from icope_desktop.ui.style import ACCENT

from .conftest import child, click, unlock
from .test_shell_patients import open_new_form


def painted(button) -> str:
    """The colour drawn inside the button, left of its text."""
    return button.grab().toImage().pixelColor(6, button.height() // 2).name()


@pytest.fixture
def window(qtbot, make_window, data_dir):
    opened = make_window(data_dir)
    unlock(qtbot, opened)
    return opened


def test_a_chosen_answer_is_marked_and_a_second_click_keeps_it(qtbot, window):
    page = open_new_form(qtbot, window)
    femme = child(window, QPushButton, "sex_choice_0")
    homme = child(window, QPushButton, "sex_choice_1")
    click(qtbot, femme)
    assert femme.isChecked() and femme.property("chosen") == "true"
    assert femme.text().startswith("✓") and not homme.text().startswith("✓")
    assert painted(femme) == ACCENT and painted(homme) != ACCENT  # the style applies
    click(qtbot, femme)  # "yes, that one": still chosen
    assert femme.isChecked() and page.sex_choice.value() == "F"
    click(qtbot, homme)
    assert homme.isChecked() and not femme.isChecked() and page.sex_choice.value() == "M"
    assert femme.property("chosen") == "false"
    clear = child(window, QPushButton, "sex_choice_clear")
    assert clear.isVisible()
    click(qtbot, clear)  # the explicit way back to "no answer"
    assert page.sex_choice.value() is None and not homme.isChecked()
    assert not clear.isVisible()
    click(qtbot, child(window, QPushButton, "lives_at_home_choice_1"))
    qtbot.keyClick(child(window, QPushButton, "lives_at_home_choice_1"), Qt.Key.Key_Delete)
    assert page.lives_at_home_choice.value() is None
