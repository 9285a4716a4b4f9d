"""Numbers in user-visible sentences: French decimal comma, English point.

Thresholds are exact fractions; a sentence shows them with the decimals the spec uses
("14,00 s", "≤ 11", "23,5").
"""

from __future__ import annotations

from fractions import Fraction

from icope_desktop.i18n import Text


def num(value: Fraction | int | float, lang: str, decimals: int | None = None) -> str:
    if decimals is not None:
        text = f"{float(value):.{decimals}f}"
    elif isinstance(value, Fraction) and value.denominator == 1:
        text = str(value.numerator)
    elif isinstance(value, int):
        text = str(value)
    else:
        text = f"{float(value):g}"
    return text.replace(".", ",") if lang == "fr" else text


def both_num(value: Fraction | int | float, decimals: int | None = None) -> tuple[str, str]:
    return num(value, "fr", decimals), num(value, "en", decimals)


def rule(fr: str, en: str, **values: Fraction | int | float) -> Text:
    """A sentence with `{name}` fields filled with numbers in each language."""
    return Text(
        fr=fr.format(**{k: num(v, "fr") for k, v in values.items()}),
        en=en.format(**{k: num(v, "en") for k, v in values.items()}),
    )
