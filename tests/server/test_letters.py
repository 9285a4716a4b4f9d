"""GP letters through an SMTP relay (a local aiosmtpd server), with retries
(issue 6 "GP letters"; DESIGN.md "Letters"; docs/SYNC_PROTOCOL.md §7.3)."""

from __future__ import annotations

import base64
import email
import socket
import threading
import time
from email.message import Message
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from icope_server.cli import main as cli_main
from icope_server.letters import SmtpRelay, dispatch_due, retry_failed
from icope_server.models import LetterDispatch

from .bundles import PDF, gp, letter_entries, new_urn, patient, transaction, upsert
from .conftest import running_server, server_settings

GP_EMAIL = "paul.durand@medecin.mssante.fr"


class Mailbox:
    """aiosmtpd handler: keeps what it receives; can refuse recipients for good (550)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def with_id(self, message_id: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["Message-ID"] == message_id]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def relay_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def mail_server(database_url, relay_port):
    settings = server_settings(database_url, smtp_url=f"smtp://127.0.0.1:{relay_port}")
    with running_server(settings) as live:
        yield live


@pytest.fixture
def mailbox(relay_port):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=relay_port)
    controller.start()
    yield box
    controller.stop()


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def post_letter(server, nurse, *, inline: bool = False, email_address: str = GP_EMAIL):
    p, g = new_urn(), new_urn()
    entries, comm_urn = letter_entries(p, g, inline=inline)
    response = nurse.post_bundle(
        transaction(upsert(patient(p), p), upsert(gp(g, email_address), g), *entries)
    )
    assert response.status_code == 200, response.text
    location = response.json()["entry"][-1]["response"]["location"]
    return location.split("/")[1], comm_urn, response


def dispatch_row(server, communication_id: str) -> LetterDispatch:
    from sqlalchemy import select

    with server.db.read() as session:
        return session.scalars(
            select(LetterDispatch).where(LetterDispatch.communication_id == communication_id)
        ).one()


def test_letter_is_mailed_once_to_the_gp_with_its_pdf(mail_server, mailbox):
    nurse = mail_server.new_practitioner(email="claire.moreau@infirmier.mssante.fr")
    communication_id, _, _ = post_letter(mail_server, nurse)
    message_id = f"<{communication_id}@icope-server>"
    (message,) = wait_for(lambda: mailbox.with_id(message_id))
    assert message["To"] == GP_EMAIL
    assert message["Reply-To"] == "claire.moreau@infirmier.mssante.fr"
    assert "Martin" not in message["Subject"]
    attachment = next(p for p in message.walk() if p.get_content_type() == "application/pdf")
    assert attachment.get_payload(decode=True) == PDF
    assert attachment.get_filename() == f"icope-{communication_id}.pdf"
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert "compte rendu" in body.get_content()
    stored = wait_for(lambda: (c := nurse.client.get(f"/Communication/{communication_id}").json())
                      ["status"] == "completed" and c)
    assert "sent" in stored
    time.sleep(0.5)
    assert len(mailbox.with_id(message_id)) == 1


def test_relay_down_then_back_delivers_once(mail_server, relay_port):
    nurse = mail_server.new_practitioner()
    communication_id, _, _ = post_letter(mail_server, nurse, inline=True)
    row = wait_for(lambda: (r := dispatch_row(mail_server, communication_id)).attempts >= 2 and r)
    assert row.status == "pending" and row.last_error == "ConnectionRefusedError"
    assert nurse.client.get(f"/Communication/{communication_id}").json()["status"] == "in-progress"
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=relay_port)
    controller.start()
    try:
        message_id = f"<{communication_id}@icope-server>"
        wait_for(lambda: box.with_id(message_id))
        wait_for(lambda: dispatch_row(mail_server, communication_id).status == "sent")
        time.sleep(1.2)  # longer than the largest backoff of this server: no second copy
        assert len(box.with_id(message_id)) == 1
    finally:
        controller.stop()


def test_permanent_refusal_is_shown_to_the_admin_and_can_be_retried(
    mail_server, mailbox, capsys
):
    nurse = mail_server.new_practitioner()
    mailbox.refuse = True
    communication_id, _, _ = post_letter(mail_server, nurse)
    wait_for(lambda: dispatch_row(mail_server, communication_id).status == "failed")
    assert dispatch_row(mail_server, communication_id).last_error == "SMTP recipient refused"
    assert nurse.client.get(f"/Communication/{communication_id}").json()["status"] == "not-done"
    code = cli_main(["letters", "status", "--database-url", mail_server.settings.database_url])
    out = capsys.readouterr().out
    assert code == 1
    assert "failed" in out and communication_id in out
    assert GP_EMAIL not in out and "Martin" not in out
    mailbox.refuse = False
    assert retry_failed(mail_server.db) >= 1
    wait_for(lambda: mailbox.with_id(f"<{communication_id}@icope-server>"))
    wait_for(lambda: nurse.client.get(f"/Communication/{communication_id}").json()["status"]
             == "completed")


def test_a_letter_that_could_never_be_sent_is_refused(mail_server):
    nurse = mail_server.new_practitioner()
    p, g = new_urn(), new_urn()
    entries, _ = letter_entries(p, g)
    doctor = gp(g)
    del doctor["telecom"]
    response = nurse.post_bundle(transaction(upsert(patient(p), p), upsert(doctor, g), *entries))
    assert response.status_code == 422
    assert response.json()["issue"][0]["details"]["coding"][0]["code"] == "letter-content-missing"
    assert mail_server.count("Patient", nurse.rpps) == 0
    entries, _ = letter_entries(p, g)
    entries[-1]["resource"]["payload"] = [{"contentString": "sans pièce jointe"}]
    response = nurse.post_bundle(transaction(upsert(patient(p), p), upsert(gp(g), g), *entries))
    assert response.status_code == 422
    assert entries[-1]["request"]["method"] == "POST"
    put = {**entries[-1], "request": {"method": "PUT", "url": "Communication?identifier=x"}}
    assert nurse.post_bundle(transaction(put)).status_code == 405


def test_two_senders_never_send_the_same_letter(mail_server, mailbox, relay_port):
    nurse = mail_server.new_practitioner()
    ids = [post_letter(mail_server, nurse)[0] for _ in range(6)]
    relay = SmtpRelay.from_url(f"smtp://127.0.0.1:{relay_port}")

    def sender(name: str) -> None:
        for _ in range(5):
            dispatch_due(mail_server.db, mail_server.settings, relay, worker=name)

    threads = [threading.Thread(target=sender, args=(f"cli-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for communication_id in ids:
        wait_for(lambda cid=communication_id: mailbox.with_id(f"<{cid}@icope-server>"))
    time.sleep(0.3)
    assert [len(mailbox.with_id(f"<{cid}@icope-server>")) for cid in ids] == [1] * 6


def test_smtp_url_forms():
    assert SmtpRelay.from_url("smtp://relay.example:2525") == SmtpRelay("relay.example", 2525)
    secure = SmtpRelay.from_url("smtps://icope%40region:s3cret@mss.example")
    assert (secure.port, secure.implicit_tls, secure.username, secure.password) == (
        465, True, "icope@region", "s3cret")
    assert SmtpRelay.from_url("smtp://relay?starttls=true").starttls


def test_letter_pdf_must_be_base64(mail_server):
    nurse = mail_server.new_practitioner()
    p, g = new_urn(), new_urn()
    entries, _ = letter_entries(p, g, inline=True)
    entries[-1]["resource"]["payload"][1]["contentAttachment"]["data"] = "%%% not base64 %%%"
    response = nurse.post_bundle(transaction(upsert(patient(p), p), upsert(gp(g), g), *entries))
    assert response.status_code == 422  # FHIR base64Binary format
    assert base64.b64encode(PDF)


def test_a_gp_address_removed_before_sending_fails_the_letter_visibly(mail_server):
    nurse = mail_server.new_practitioner()
    p, g = new_urn(), new_urn()
    entries, _ = letter_entries(p, g)
    answer = nurse.post_bundle(transaction(upsert(patient(p), p), upsert(gp(g), g), *entries))
    communication_id = answer.json()["entry"][-1]["response"]["location"].split("/")[1]
    doctor = gp(g)
    del doctor["telecom"]  # the GP's record is corrected on the laptop while the relay is down
    assert nurse.post_bundle(transaction(upsert(doctor, g))).status_code == 200
    row = wait_for(lambda: (r := dispatch_row(mail_server, communication_id)).status == "failed"
                   and r)
    assert row.last_error == "GP e-mail address missing"
