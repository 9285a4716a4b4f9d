"""GP letters: a dispatch queue in the database, sent through an SMTP relay.

DESIGN.md "Letters" and issue 6: the desktop syncs a Communication (category
`icope#gp-letter`) with the letter's PDF; the server mails it to the GP's secure-mail
(MSSanté) address through the relay of `ICOPE_SMTP_URL`. The queue survives restarts and
is shared by every process: a sender claims a due row with a conditional UPDATE (works on
SQLite and PostgreSQL alike; the loser of a race updates 0 rows), sends with no transaction
open, then records the outcome. A refused or unreachable relay is retried with exponential
backoff and jitter; a permanent refusal (SMTP 5xx) or too many attempts marks the letter
failed, visible in `icope-server letters status` and retried by `letters retry`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import random
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from icope_server.db import Database
from icope_server.models import Account, LetterDispatch, StoredResource, utcnow
from icope_server.outcome import FhirError, Message, fail
from icope_server.profiles import document_pdf, email_of, letter_parts
from icope_server.resources import get_owned, load_body, update_resource
from icope_server.settings import Settings

log = logging.getLogger(__name__)

CLAIM_SECONDS = 300
DEFAULT_BODY = (
    "Bonjour,\n\nVeuillez trouver ci-joint le compte rendu ICOPE de votre patient(e), "
    "établi lors du repérage à domicile.\n\nCordialement,\n{practitioner}\n\n"
    "-- \nMessage envoyé par le serveur régional ICOPE."
)
SUBJECT = "ICOPE : compte rendu pour le médecin traitant"


class RelayError(Exception):
    """The relay did not take the message. `permanent` for an SMTP 5xx refusal."""

    def __init__(self, summary: str, *, permanent: bool) -> None:
        super().__init__(summary)
        self.summary = summary
        self.permanent = permanent


class SmtpUrlError(Exception):
    message = Message(
        fr="ICOPE_SMTP_URL doit être de la forme smtp://hôte:port ou smtps://hôte:port "
        "(utilisateur:motdepasse@ et ?starttls=true possibles).",
        en="ICOPE_SMTP_URL must look like smtp://host:port or smtps://host:port "
        "(user:password@ and ?starttls=true allowed).",
    )


@dataclass(frozen=True, slots=True)
class SmtpRelay:
    """`smtp://[user:pass@]host[:25][?starttls=true]` or `smtps://…[:465]` (implicit TLS)."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> SmtpRelay:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpUrlError(url)
        try:
            port = parts.port
        except ValueError as error:
            raise SmtpUrlError(url) from error
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=port or (465 if parts.scheme == "smtps" else 25),
            implicit_tls=parts.scheme == "smtps",
            starttls=query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def send(self, message: EmailMessage) -> None:
        try:
            if self.implicit_tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(message)
                if refused:
                    raise RelayError("SMTP recipient refused", permanent=True)
        except smtplib.SMTPResponseException as error:
            code = int(error.smtp_code)
            raise RelayError(f"SMTP {code}", permanent=500 <= code < 600) from error
        except smtplib.SMTPRecipientsRefused as error:
            raise RelayError("SMTP recipient refused", permanent=True) from error
        except (OSError, smtplib.SMTPException) as error:
            # connection refused, DNS, TLS, timeout, relay dropped the line: try again later
            raise RelayError(type(error).__name__, permanent=False) from error


# -- enqueue (inside the Bundle's transaction) ----------------------------------------------


def _target_id(reference: str, resource_type: str) -> str | None:
    head, _, rest = reference.partition("/")
    if head != resource_type or not rest:
        return None
    return rest.split("/", 1)[0]


def enqueue_letter(
    session: Session, account_id: int, communication: StoredResource, resource: dict[str, Any]
) -> None:
    """Queue a GP letter once its references are resolved; refuse the Bundle if the letter
    could never be sent (no e-mail address for the GP, no PDF)."""
    parts = letter_parts(resource)
    assert parts is not None  # letter_issues() checked the shape before
    recipient_id = _target_id(parts.recipient, "Practitioner")
    recipient = get_owned(session, account_id, "Practitioner", recipient_id or "")
    if recipient is None or email_of(load_body(recipient)) is None:
        raise fail(
            422,
            "letter-content-missing",
            "Communication : le médecin destinataire (recipient[0]) doit être un Practitioner "
            "avec une adresse de messagerie sécurisée (telecom system « email »).",
            "Communication: the recipient GP (recipient[0]) must be a Practitioner with a "
            "secure-mail address (telecom system 'email').",
            expression="Communication.recipient[0]",
        )
    document_id = None
    if parts.inline_pdf is None:
        document_id = _target_id(parts.document or "", "DocumentReference")
        document = get_owned(session, account_id, "DocumentReference", document_id or "")
        if document is None or document_pdf(load_body(document)) is None:
            raise fail(
                422,
                "letter-content-missing",
                "Communication : le DocumentReference du courrier doit contenir le PDF "
                "(content[0].attachment, contentType application/pdf, data).",
                "Communication: the letter's DocumentReference must hold the PDF "
                "(content[0].attachment, contentType application/pdf, data).",
                expression="Communication.payload",
            )
    session.add(
        LetterDispatch(
            communication_id=communication.id,
            account_id=account_id,
            recipient_id=recipient.id,
            document_id=document_id,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
    )
    session.flush()


# -- sending --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Exponential with full jitter between half and the whole delay (AWS architecture
    blog, "Exponential Backoff And Jitter"): spreads retries of many letters after an
    outage instead of hammering the relay together."""
    delay = min(
        settings.letter_retry_max_seconds,
        settings.letter_retry_base_seconds * (2 ** max(0, attempts - 1)),
    )
    return timedelta(seconds=random.uniform(delay / 2, delay))


def _claim(db: Database, worker: str, limit: int) -> list[int]:
    def work(session: Session) -> list[int]:
        now = utcnow()
        due = session.scalars(
            select(LetterDispatch.id)
            .where(
                LetterDispatch.status == "pending",
                LetterDispatch.next_attempt_at <= now,
                or_(LetterDispatch.claimed_until.is_(None), LetterDispatch.claimed_until < now),
            )
            .order_by(LetterDispatch.next_attempt_at, LetterDispatch.id)
            .limit(limit)
        ).all()
        claimed = []
        for row_id in due:
            result = session.execute(
                update(LetterDispatch)
                .where(
                    LetterDispatch.id == row_id,
                    LetterDispatch.status == "pending",
                    or_(
                        LetterDispatch.claimed_until.is_(None),
                        LetterDispatch.claimed_until < now,
                    ),
                )
                .values(
                    claimed_until=now + timedelta(seconds=CLAIM_SECONDS), claimed_by=worker
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(row_id)
        return claimed

    return db.write(work)


def _build_message(session: Session, row: LetterDispatch, settings: Settings) -> EmailMessage:
    communication = session.get(StoredResource, row.communication_id)
    recipient = session.get(StoredResource, row.recipient_id)
    account = session.get(Account, row.account_id)
    assert communication is not None and recipient is not None and account is not None
    resource = load_body(communication)
    parts = letter_parts(resource)
    assert parts is not None
    pdf_b64: str | None
    if parts.inline_pdf is not None:
        pdf_b64 = parts.inline_pdf
    else:
        document = session.get(StoredResource, row.document_id or "")
        pdf_b64 = document_pdf(load_body(document)) if document is not None else None
    if not pdf_b64:
        raise RelayError("letter PDF missing", permanent=True)
    try:
        pdf = base64.b64decode(pdf_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise RelayError("letter PDF is not base64", permanent=True) from error
    address = email_of(load_body(recipient))
    if address is None:  # the GP's record was updated without an address since
        raise RelayError("GP e-mail address missing", permanent=True)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    if account.email:
        message["Reply-To"] = account.email
    message["Subject"] = SUBJECT
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{communication.id}@icope-server>"
    message.set_content(parts.body_text or DEFAULT_BODY.format(practitioner=account.name))
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"icope-{communication.id}.pdf"
    )
    return message


def _set_communication(session: Session, communication_id: str, changes: dict[str, Any]) -> None:
    row = session.get(StoredResource, communication_id)
    if row is None:
        return
    body = load_body(row)
    body.update(changes)
    update_resource(session, row, body)


def _record(
    db: Database, row_id: int, error: RelayError | None, settings: Settings
) -> str:
    def work(session: Session) -> str:
        row = session.get(LetterDispatch, row_id)
        assert row is not None
        now = utcnow()
        row.claimed_until = None
        row.claimed_by = None
        row.attempts += 1
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
            _set_communication(
                session,
                row.communication_id,
                {"status": "completed", "sent": now.isoformat(timespec="seconds")},
            )
            return "sent"
        row.last_error = error.summary[:300]
        if error.permanent or row.attempts >= settings.letter_max_attempts:
            row.status = "failed"
            _set_communication(
                session,
                row.communication_id,
                {
                    "status": "not-done",
                    "statusReason": {
                        "text": "Envoi impossible, l'administrateur est prévenu / "
                        "Could not be sent, the administrator is told"
                    },
                },
            )
            return "failed"
        row.next_attempt_at = now + backoff(row.attempts, settings)
        return "retried"

    return db.write(work)


def dispatch_due(
    db: Database, settings: Settings, relay: SmtpRelay, *, worker: str, limit: int = 20
) -> DispatchReport:
    """Send the letters that are due, once each; safe with several processes."""
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for row_id in _claim(db, worker, limit):
        error: RelayError | None = None
        try:
            with db.read() as session:
                row = session.get(LetterDispatch, row_id)
                assert row is not None
                message = _build_message(session, row, settings)
            relay.send(message)
        except RelayError as failure:
            error = failure
        except Exception as failure:  # a bug must not leave the letter claimed for good
            log.error("letter dispatch %d: unexpected %s", row_id, type(failure).__name__)
            error = RelayError(type(failure).__name__, permanent=False)
        outcome = _record(db, row_id, error, settings)
        counts[outcome] += 1
        detail = f" ({error.summary})" if error else ""
        log.info("letter dispatch %d: %s%s", row_id, outcome, detail)
    return DispatchReport(**counts)


class Dispatcher:
    """Background loop of `serve`: sends due letters every few seconds, and at once when a
    Bundle queued one in this process (`wake`). Holds nothing that matters: the queue is
    in the database, so a stopped process loses nothing."""

    def __init__(self, db: Database, settings: Settings, relay: SmtpRelay) -> None:
        self.db, self.settings, self.relay = db, settings, relay
        self.worker = f"{socket.gethostname()}:{random.getrandbits(32):08x}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="icope-letters", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = dispatch_due(self.db, self.settings, self.relay, worker=self.worker)
                busy = report.sent + report.retried + report.failed > 0
            except (FhirError, OSError) as error:  # database briefly unavailable
                log.warning("letter dispatch loop: %s", type(error).__name__)
                busy = False
            except Exception as error:  # the loop must survive to send the next letters
                log.error("letter dispatch loop: unexpected %s", type(error).__name__)
                busy = False
            if not busy:
                self._wake.wait(self.settings.dispatch_interval_seconds)
                self._wake.clear()


# -- admin ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LetterRow:
    dispatch_id: int
    communication_id: str
    rpps: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def status_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(
            select(LetterDispatch.status, func.count()).group_by(LetterDispatch.status)
        ).all()
        return {status: int(count) for status, count in rows}


def letter_rows(db: Database, statuses: tuple[str, ...]) -> list[LetterRow]:
    with db.read() as session:
        rows = session.execute(
            select(LetterDispatch, Account.rpps)
            .join(Account, Account.id == LetterDispatch.account_id)
            .where(LetterDispatch.status.in_(statuses))
            .order_by(LetterDispatch.id)
        ).all()
        return [
            LetterRow(
                d.id, d.communication_id, rpps, d.status, d.attempts, d.next_attempt_at,
                d.last_error, d.created_at, d.sent_at,
            )
            for d, rpps in rows
        ]


def retry_failed(db: Database, dispatch_ids: list[int] | None = None) -> int:
    """Put failed letters back in the queue (after the admin fixed the address or relay)."""

    def work(session: Session) -> int:
        query = select(LetterDispatch).where(LetterDispatch.status == "failed")
        if dispatch_ids:
            query = query.where(LetterDispatch.id.in_(dispatch_ids))
        rows = list(session.scalars(query))
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
            communication = session.get(StoredResource, row.communication_id)
            if communication is not None:
                body = load_body(communication)
                body.pop("statusReason", None)
                body["status"] = "in-progress"
                update_resource(session, communication, body)
        return len(rows)

    return db.write(work)
