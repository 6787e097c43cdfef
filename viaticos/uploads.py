"""Uploaded documents: PDF, JPEG or PNG only, checked by content, size-limited, stored under
generated names outside the static root, with a SHA-256 for duplicate detection (R-7c)."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from viaticos.errors import DomainError

# Magic numbers: what a file is, whatever its name says.
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    def storage_name(self, prefix: str) -> str:
        """A generated name: never the user's file name (no guessing, no path tricks)."""
        return f"{prefix}/{uuid.uuid4().hex}.{self.extension}"


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES.items():
        if content.startswith(magic):
            return kind
    return None


def _is_intact(content: bytes, content_type: str) -> bool:
    """Reject truncated or corrupt files that merely start like a valid one.

    The end markers are checked explicitly: WeasyPrint turns on Pillow's global
    LOAD_TRUNCATED_IMAGES, under which verify() accepts half a JPEG.
    """
    tail = content[-2048:]
    if content_type == "application/pdf":
        return b"%%EOF" in tail
    if content_type == "image/jpeg" and b"\xff\xd9" not in tail:
        return False
    if content_type == "image/png" and b"IEND\xaeB`\x82" not in tail:
        return False
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def check_upload(upload: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """Validate an uploaded document or raise DomainError with a message for the user."""
    limit = settings.VIATICOS_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            "file_too_large",
            _("The file is larger than %(mb)s MB. Upload a smaller copy.")
            % {"mb": limit // (1024 * 1024)},
            field=field,
        )
    content = upload.read()
    if len(content) > limit:
        raise DomainError(
            "file_too_large",
            _("The file is larger than %(mb)s MB. Upload a smaller copy.")
            % {"mb": limit // (1024 * 1024)},
            field=field,
        )
    if not content:
        raise DomainError("file_empty", _("The file is empty."), field=field)
    kind = sniff(content)
    if kind is None:
        raise DomainError(
            "file_type_not_allowed",
            _("Only PDF, JPEG or PNG files are accepted; this file is none of them."),
            field=field,
        )
    content_type, extension = kind
    if not _is_intact(content, content_type):
        raise DomainError(
            "file_corrupt",
            _("The file is damaged or incomplete and cannot be opened. Upload it again."),
            field=field,
        )
    return CheckedUpload(
        content=content,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=(upload.name or "")[:200],
    )
