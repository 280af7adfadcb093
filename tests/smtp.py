"""A real SMTP server on loopback for the tests (aiosmtpd), and the mails it received.

``smtp_server`` (a pytest fixture, loaded by ``tests/conftest.py``) starts it on a free port and gives the
settings a worker or the live server needs to send through it (``env``); ``received`` are the messages it
accepted, parsed. ``refusing`` makes it answer every recipient with 550, as a server does for an unknown
mailbox.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class _Handler:
    """aiosmtpd calls handle_RCPT and handle_DATA (its names) for each recipient and each message."""

    messages: list[Message] = field(default_factory=list)
    refusing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:  # aiosmtpd's name
        if self.refusing:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted"


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: _Handler

    @property
    def env(self) -> dict[str, str]:
        """The settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
        }

    @property
    def received(self) -> list[Message]:
        with self.handler.lock:
            return list(self.handler.messages)

    def refusing(self, refusing: bool = True) -> None:
        self.handler.refusing = refusing

    def wait_for(self, count: int, *, seconds: float = 60) -> list[Message]:
        """The received messages, once there are at least ``count`` (or the time is up)."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.received


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    """A real SMTP server on loopback; this process's mails go through it too."""
    handler = _Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    server = SMTPServer(host="127.0.0.1", port=controller.port, handler=handler)
    for name, value in server.env.items():
        setattr(settings, name, int(value) if name == "EMAIL_PORT" else value)
    try:
        yield server
    finally:
        controller.stop()
