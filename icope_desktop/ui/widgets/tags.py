"""Style tags on widgets that were just created (not yet polished by the style).

`ui.style.set_role` / `set_flag` re-polish the widget so a changed tag shows at once,
which asks the widget for its `style()`: the first such call builds PySide's wrapper of
`QStyle` and its twenty-odd enums (~25 ms), before the unlock screen is even painted
(`benchmarks/ui_startup.py`, issue 4: start-up at most twice a bare window). A widget
created a moment ago is polished when first shown, with whatever tags it has by then,
so setting the property is enough; tags that change later keep `set_role`/`set_flag`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def tag_role(widget: QWidget, role: str) -> None:
    """`role="title"`, `"card"`, `"warning"`... on a widget not shown yet."""
    widget.setProperty("role", role)


def tag_flag(widget: QWidget, name: str, on: bool) -> None:
    """A boolean style property (`primary`, `flat`) on a widget not shown yet."""
    widget.setProperty(name, "true" if on else "false")
