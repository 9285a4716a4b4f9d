"""ICOPE Desktop: offline-first screening of intrinsic capacity (WHO ICOPE) for home visits.

Layers (imports only go downwards): ui -> app -> services -> sync / letters -> store ->
screening -> i18n. Only `ui` and `app` import Qt; `tests/test_layers.py` enforces it.
"""

__version__ = "0.1.0"
