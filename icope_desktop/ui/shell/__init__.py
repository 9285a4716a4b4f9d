"""The practitioner's application shell: first launch, unlock, home, patient files,
settings, status bar, auto-lock and error display (issue 4). `MainWindow` in
`ui/main_window.py` assembles these pages; see docs/ARCHITECTURE.md "UI shell"."""
