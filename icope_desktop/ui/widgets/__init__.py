"""Shared widgets of the interface: big buttons, field errors, dates, choices, progress.

Small, Qt-only building blocks that any screen (the shell, the visit forms) can use so
that every form looks and behaves the same: labels above fields (French labels are long
and must never be cut), the error sentence right under its field, 40 px targets.
"""
