"""Backoff, classification of answers, and "Tester la connexion" (live, dead, TLS)."""

from __future__ import annotations

import random
import socket

import pytest

from icope_desktop.services.sync import ConnectionStatus
from icope_desktop.store.settings import SettingKey
from icope_desktop.sync.errors import DemoTokenRefused, ServerUnreachable
from icope_desktop.sync.transport import HttpTransport, RetryPolicy


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_backoff_is_exponential_with_full_jitter_and_capped():
    policy = RetryPolicy(base_seconds=0.5, cap_seconds=4.0, random=lambda: 1.0)
    assert [policy.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    seeded = RetryPolicy(base_seconds=0.5, cap_seconds=4.0, random=random.Random(3).random)
    delays = [seeded.delay(n) for n in range(5)]
    assert all(0 <= d <= min(4.0, 0.5 * 2**n) for n, d in enumerate(delays))
    assert len(set(delays)) == 5


def test_a_dead_port_is_retried_then_reported_unreachable():
    slept: list[float] = []
    policy = RetryPolicy(attempts=3, random=lambda: 0.5, sleep=slept.append)
    url = f"http://127.0.0.1:{dead_port()}/"
    with HttpTransport(url, "x", retry=policy) as transport, pytest.raises(ServerUnreachable):
        transport.get_tasks(None)
    assert slept == [0.25, 0.5]


def test_connection_check_live_server(desk):
    check = desk.sync.test_connection()
    assert check.ok and check.server_name.startswith("icope-server")
    assert "icope-server" in check.message.fr and "icope-server" in check.message.en


def test_connection_check_bad_token(desk):
    check = desk.sync.test_connection(token="icp_wrong")
    assert check.status is ConnectionStatus.BAD_TOKEN


def test_connection_check_dead_port(desk):
    check = desk.sync.test_connection(url=f"http://127.0.0.1:{dead_port()}/")
    assert check.status is ConnectionStatus.UNREACHABLE
    assert desk.sleeps.delays == []  # a check answers at once, no retries


def test_connection_check_tls_error(desk, live):
    # TLS spoken to a plain-HTTP port: the handshake fails like an untrusted certificate.
    port = live.url.rsplit(":", 1)[1]
    check = desk.sync.test_connection(url=f"https://127.0.0.1:{port}/")
    assert check.status is ConnectionStatus.TLS_ERROR


def test_connection_check_not_a_fhir_server(desk, live):
    check = desk.sync.test_connection(url=live.url + "/Patient/")
    assert check.status is ConnectionStatus.NOT_A_SERVER
    typo = desk.sync.test_connection(url="http://127.0.0.1:80x80/")
    assert typo.status is ConnectionStatus.NOT_A_SERVER


def test_demo_token_is_refused_outside_demo_mode(desk):
    with pytest.raises(DemoTokenRefused):
        desk.sync.save_server_settings(desk.store.settings.get(SettingKey.SERVER_URL),
                                       "demo-icope-token-not-for-production")
    check = desk.sync.test_connection(token="demo-icope-token-not-for-production")
    assert check.status is ConnectionStatus.BAD_TOKEN


def test_probe_reaches_metadata_without_a_token(desk):
    assert desk.sync.probe() is True
    desk.store.settings.set(SettingKey.SERVER_URL, f"http://127.0.0.1:{dead_port()}/")
    assert desk.sync.probe() is False
