"""Sync widgets: "Synchroniser maintenant" with progress and summary, automatic sync,
per-record sync status, the alerts inbox, the server settings panel, the billing view.

Each widget takes the services it needs in its constructor (STYLE.md §1) and runs slow
work through `ui.tasks.Task` (STYLE.md §3); none reaches for a global.
"""
