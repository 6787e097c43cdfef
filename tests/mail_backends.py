"""E-mail backends for the tests: a mail server that is down."""

from django.core.mail.backends.base import BaseEmailBackend


class SmtpDownBackend(BaseEmailBackend):
    """As Django's SMTP backend behaves when nothing listens on the port."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
