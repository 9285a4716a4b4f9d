"""A stored letter as DocumentReference (+ Communication for the GP letter), §7.3.

The server mails a Communication of category `icope#gp-letter` to its recipient's
secure-mail address, so the GP must be known with an e-mail: otherwise the letter is kept
and marked, with what to fix, rather than sent nowhere. A regenerated letter is a new
version: its resources are identified by the letter's id *and* the PDF's digest, so the
new PDF is sent (and mailed) once, and a retry of the same PDF never mails twice.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.store.records import Gp, Letter, Patient, PractitionerId, VisitView
from icope_desktop.sync.bundles import Entry, checked
from icope_desktop.sync.errors import CannotMap
from icope_desktop.sync.identifiers import business_identifier, derived, icope_concept, reference

GP_LETTER = "gp_letter"
NEUTRAL_BODY = (
    "Bonjour Docteur,\n\nVeuillez trouver ci-joint le compte rendu ICOPE de votre patient(e), "
    "établi lors d'une visite à domicile.\n\nBien confraternellement."
)
"""Protocol §7.3: no patient name in the body's fixed text, the subject or the file name."""
NO_GP = Text(
    fr="Le courrier n'a pas de destinataire : indiquez le médecin traitant du patient.",
    en="The letter has no recipient: enter the patient's GP.",
)
NO_GP_EMAIL = Text(
    fr="Le médecin traitant n'a pas d'adresse de messagerie sécurisée : ajoutez-la dans sa "
    "fiche pour que le courrier parte.",
    en="The GP has no secure e-mail address: add it to his record so the letter can go.",
)


def letter_entries(
    letter: Letter,
    visit: VisitView,
    patient: Patient,
    gp: Gp | None,
    practitioner_id: PractitionerId | None,
) -> list[Entry]:
    digest = hashlib.sha256(letter.pdf).hexdigest()[:32]
    document_id = derived(letter.id, f"document:{digest}")
    subject = reference("Patient", patient.id)
    author = reference("Practitioner", practitioner_id) if practitioner_id else None
    if letter.kind == GP_LETTER:
        if gp is None:
            raise CannotMap(NO_GP)
        if not gp.data.email:
            raise CannotMap(NO_GP_EMAIL)
    document: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "identifier": [business_identifier(document_id)],
        "status": "current",
        "type": icope_concept(letter.kind),
        "subject": subject,
        "date": letter.updated_at.isoformat(timespec="seconds"),
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "language": letter.language,
                    "data": base64.b64encode(letter.pdf).decode("ascii"),
                    "title": f"icope-{letter.kind}-{visit.performed_on.isoformat()}.pdf",
                }
            }
        ],
        "context": {"encounter": [reference("Encounter", visit.id)]},
    }
    if author:
        document["author"] = [author]
    entries = [Entry(checked(document), document_id)]
    if letter.kind == GP_LETTER and gp is not None:
        communication_id = derived(letter.id, f"communication:{digest}")
        communication: dict[str, Any] = {
            "resourceType": "Communication",
            "identifier": [business_identifier(communication_id)],
            "status": "in-progress",
            "category": [icope_concept("gp-letter")],
            "subject": subject,
            "encounter": reference("Encounter", visit.id),
            "recipient": [reference("Practitioner", gp.id)],
            "payload": [
                {"contentString": NEUTRAL_BODY},
                {"contentReference": reference("DocumentReference", document_id)},
            ],
        }
        if author:
            communication["sender"] = author
        entries.append(Entry(checked(communication), communication_id))
    return entries
