"""An email backend for benchmarks: builds every message to bytes, as SMTP would, counts it and
keeps nothing, so sending 100,000 digests measures our work and not a mailbox in memory."""

from django.core.mail.backends.base import BaseEmailBackend


class CountingBackend(BaseEmailBackend):
    sent = 0
    bytes = 0

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            CountingBackend.bytes += len(message.message().as_bytes())
            CountingBackend.sent += 1
        return len(email_messages)
