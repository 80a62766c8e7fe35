"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives as parsed messages, and can
misbehave the way mail servers do: refuse a recipient, stop answering, or hang up mid-run."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from commitments.devtools.benchmarks import free_port


class Recorder:
    def __init__(self, *, hang_after: int | None = None, hang_up_after: int | None = None, refuse=()):
        self.messages: list[EmailMessage] = []
        self.hang_after = hang_after
        self.hang_up_after = hang_up_after
        self.refuse = {address.lower() for address in refuse}
        self.hanging = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hang_after is not None and len(self.messages) >= self.hang_after:
            self.hanging.set()  # as a stalled relay: the message is never accepted
            await asyncio.sleep(600)
        if self.hang_up_after is not None and len(self.messages) >= self.hang_up_after:
            return "421 4.3.2 Service shutting down, closing transmission channel"
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 2.0.0 Accepted"


class SMTPServer:
    def __init__(self, **behaviour):
        self.recorder = Recorder(**behaviour)
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    @property
    def settings(self) -> dict:
        """Django settings (or worker environment) that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return text.get_content(), html.get_content()
