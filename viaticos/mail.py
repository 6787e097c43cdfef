"""The demo's outbox on disk: each e-mail becomes one .eml file under var/mail/ and one line on
the console, instead of the console backend's full dump (base64 PDFs included) burying the
server's own messages (issue 20). Open the .eml files with any mail program."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.text import slugify


class FolderEmailBackend(BaseEmailBackend):
    """`EMAIL_BACKEND = "viaticos.mail.FolderEmailBackend"`; the folder is `EMAIL_FILE_PATH`
    (var/mail/ by default)."""

    _lock = threading.Lock()
    _count = 0

    def __init__(
        self,
        *args: Any,
        file_path: str | None = None,
        stream: TextIO | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or getattr(settings, "EMAIL_FILE_PATH", None) or "var/mail")
        self.stream = stream or sys.stderr

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with self._lock:
                FolderEmailBackend._count += 1
                number = FolderEmailBackend._count
            slug = slugify(message.subject or "")[:50]
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{number:04d}-{slug or 'mail'}.eml"
            path = self.folder / name
            path.write_bytes(message.message().as_bytes())
            attachments = len(getattr(message, "attachments", []) or [])
            extra = (
                f" (+{attachments} attachment{'s' if attachments != 1 else ''})"
                if attachments
                else ""
            )
            self.stream.write(
                f"mail → {', '.join(message.recipients())}: {message.subject}{extra} [{path}]\n"
            )
            sent += 1
        self.stream.flush()
        return sent
