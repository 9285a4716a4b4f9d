"""Alerts put on the test server as the administrator's import would (docs/SERVER.md)."""

from __future__ import annotations

import itertools
from datetime import date

from icope_server.alerts_import import import_alerts
from icope_server.tasks import Alert, AlertPerson

_postcodes = itertools.count(85001)


def unique_postcode() -> str:
    """A territory of its own for each test, so alerts reach only its practitioner."""
    return f"{next(_postcodes):05d}"


def person(
    family: str,
    given: str,
    birth: date,
    postcode: str,
    *,
    gender: str = "female",
    ins: str | None = None,
    line: str | None = "3 place du Marché",
    phone: str | None = None,
) -> AlertPerson:
    return AlertPerson(
        family=family,
        given=(given,),
        birth_date=birth,
        gender=gender,
        ins_system="urn:oid:1.2.250.1.213.1.4.10" if ins else None,
        ins_value=ins,
        address_line=line,
        postcode=postcode,
        city="La Roche-sur-Yon",
        phone=phone,
    )


def put_alerts(live, alerts: list[tuple[str, AlertPerson]], domains=None) -> None:
    import_alerts(
        live.db,
        [
            Alert(
                key=key,
                source="self-assessment",
                source_detail="Auto-questionnaire",
                step1_date=date(2025, 2, 27),
                person=who,
                domains=tuple(domains or ("cognition", "locomotion", "psychological")),
            )
            for key, who in alerts
        ],
    )
